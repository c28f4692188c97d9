"""Schedules and Optimizer reference in headless Chromium: they draw, throw nothing, and a
schedule opens in the Playground with its parameters."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.e2e.harness import wait_for_app
from gradscape.trajectories.scenario import from_query

pytestmark = pytest.mark.browser


def no_errors(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0, page.url
    assert page.errors == [], page.errors


def test_schedules_page_draws_and_sends_a_schedule_to_the_playground(page, app_url):
    page.goto(f"{app_url}/schedules")
    page.get_by_text("Learning-rate schedules").first.wait_for(timeout=60_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_for_app(page)  # settled: a click during a rerun could be dropped
    no_errors(page)
    # Buttons follow the families' order: constant, step, cosine, SGDR, warmup + cosine.
    page.get_by_role("button", name="Open in the Playground").nth(2).click()
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=90_000)
    wait_for_app(page)
    scenario, warnings = from_query(dict(parse_qsl(urlsplit(page.url).query)))
    assert warnings == [], page.url
    assert {run.schedule for run in scenario.runs} == {"cosine"}, page.url
    no_errors(page)


def test_reference_page_draws_internals(page, app_url):
    page.goto(f"{app_url}/optimizers")
    wait_for_app(page)
    page.get_by_text("Optimizer reference").first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60_000)
    page.get_by_text("Implementation source").first.click()
    code = page.locator("[data-testid=stExpander]").filter(has_text="Implementation source").locator("pre").first
    assert code.inner_text().startswith("def adam(")  # the builder, not the module it lives in
    no_errors(page)
