"""The Neural net page in headless Chromium: the shared plane, the paths and the decision boundary
draw, and the step slider moves the playhead."""

from __future__ import annotations

import pytest

from tests.e2e.harness import wait_for_app

pytestmark = pytest.mark.browser


def test_networks_page_draws_the_plane_and_follows_the_step_slider(page, app_url):
    page.goto(f"{app_url}/networks")
    page.get_by_text("A neural network's loss landscape").first.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=240_000)
    wait_for_app(page, timeout_ms=240_000)
    assert page.locator("[data-testid=stException]").count() == 0
    plane = page.locator(".js-plotly-plot").first
    assert plane.locator("g.contour").count() == 1
    assert plane.locator("g.trace.scatter").count() == 8  # a path and a playhead marker per run
    assert page.locator(".js-plotly-plot g.heatmaplayer image").count() >= 1
    page.locator("[data-testid=stSlider]").filter(has_text="Playhead step").get_by_role("slider").focus()
    page.keyboard.press("Home")
    page.get_by_text("step 0:").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.errors == [], page.errors
