"""On an offline class network: every page of the app, in headless Chromium with every request to
another host refused, asks nothing of any host but the app's own, draws, and offers no control that
uploads a chart (plotly.js 4's "Share chart..." button sends it to Plotly Cloud). The exported
pages (Playground, sweep map, rate sweep) open from a file and ask nothing of any host at all."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from tests.e2e.harness import wait_for_app
from tests.e2e.test_networks_browser import LINK as NETWORK_LINK
from tests.e2e.test_sweeps_browser import HEATMAP
from gradscape.trajectories import sweep_scenario
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.viz import export, sweep_export
from gradscape.viz import sweeps as vs
from gradscape.viz.player import run_trace

pytestmark = pytest.mark.browser

PAGES = {
    "playground": "/",
    "lessons": "/lessons",
    "rate sweep": f"/sweeps?{urlencode({'sweep': 'lr', 'r1': 'adam;lr=0.05', 'rates': '0.001,1,10', 'steps': '100'})}",
    "sweep map": f"/sweeps?{urlencode(HEATMAP)}",
    "schedules": "/schedules",
    "optimizer reference": "/optimizers",
    "neural net": f"/networks?{urlencode(NETWORK_LINK)}",
}
# Every plotly plot's modebar buttons, and those that would upload the chart.
MODEBAR = """() => ({
  plots: document.querySelectorAll('.js-plotly-plot').length,
  buttons: document.querySelectorAll('.js-plotly-plot .modebar-btn').length,
  share: [...document.querySelectorAll('.modebar-btn')].filter((b) => /share|cloud/i.test(b.dataset.title || '')).length,
})"""


def refuse_other_hosts(context, origin: str) -> list[str]:
    """Abort every request that leaves `origin` (the page then sees a network error, as offline);
    returns the list they are logged to."""
    asked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(f"{origin}/") or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            asked.append(url)
            r.abort()

    context.route("**/*", route)
    return asked


@pytest.fixture
def offline(browser):
    """A page whose context refuses, and logs, every request that is not the app's or a file."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    yield context, page
    context.close()


def test_every_page_asks_only_the_app_and_offers_no_upload(offline, app_url):
    context, page = offline
    asked = refuse_other_hosts(context, app_url)
    seen: list[str] = []
    context.on("request", lambda r: seen.append(r.url))
    for name, path in PAGES.items():
        page.goto(f"{app_url}{path}")
        wait_for_app(page, timeout_ms=120_000)
        page.wait_for_selector(".js-plotly-plot .modebar-btn", state="attached", timeout=120_000)
        wait_for_app(page, timeout_ms=120_000)
        bar = page.evaluate(MODEBAR)
        assert bar["plots"] > 0 and bar["buttons"] > 0, name
        assert bar["share"] == 0, name
        assert page.locator("[data-testid=stException]").count() == 0, name
    assert asked == []
    assert len(seen) > 50 and {urlsplit(u).netloc for u in seen if u.startswith("http")} == {urlsplit(app_url).netloc}
    assert page.errors == []


def test_exported_pages_ask_nothing_and_offer_no_upload(offline, tmp_path):
    context, page = offline
    asked = refuse_other_hosts(context, "file://")
    s = Scenario(runs=(RunSpec("adam", 0.05),), steps=100)
    rates = sweep_scenario.SweepScenario(kind="lr", base=s, rates=(1e-3, 1.0), count=10)
    heat, _ = sweep_scenario.from_query(HEATMAP)
    files = {
        "player": export.player_html(s, [(0, run_trace(s, 0))], title="Adam"),
        "rate sweep": sweep_export.sweep_html(rates, vs.compute(rates), title="Rates"),
        "sweep map": sweep_export.sweep_html(heat, vs.compute(heat), title="Map"),
    }
    for name, text in files.items():
        path = tmp_path / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot .modebar-btn", state="attached", timeout=30_000)
        bar = page.evaluate(MODEBAR)
        assert bar["buttons"] > 0 and bar["share"] == 0, name
    assert asked == [] and page.errors == []
