"""The live scrub in headless Chromium: the runs' families arrive after the first paths; dragging a run's
scrub redraws the map, the 3-D view, the curves and the legend with the member under the pointer and
sends nothing to the server; the release commits once, and the link and the sidebar take the value."""

from __future__ import annotations

import pytest

from tests.e2e.harness import wait_for_app
from tests.e2e.test_playground import open_playground, player, sidebar, url_query
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query

pytestmark = pytest.mark.browser

SCENARIO = Scenario(runs=(RunSpec("sgd", 1e-3), RunSpec("adam", 0.05)), steps=1000, view="both")
DRAWN = """sel => document.querySelector(sel)._fullData.map((t) => [t.type, t.visible])"""


def test_a_scrub_redraws_every_panel_without_the_server_and_commits_once_on_release(page, app_url):
    frames = []
    page.on("websocket", lambda ws: (ws.on("framesent", lambda f: frames.append("sent")),
                                     ws.on("framereceived", lambda f: frames.append("received"))))
    family_requests = []
    page.on("request", lambda r: family_requests.append(r.url) if "/app/families?" in r.url else None)
    open_playground(page, app_url, to_query(SCENARIO))
    page.wait_for_selector(".ovz-tune-row[data-run='1'][data-ready='1']", state="attached", timeout=60_000)
    # Each bundle draws its own traces (a type missing from a bundle would be left invisible).
    assert page.evaluate(DRAWN, ".ovz-map3d .ovz-plot") == [["surface", True], ["scatter3d", True], ["scatter3d", True]]
    assert page.evaluate(DRAWN, ".ovz-map2d .ovz-plot")[0] == ["contour", True]
    assert len(family_requests) == 2 and all("knob=lr&span=near" in u for u in family_requests)

    before = player(page)["paths"]
    row = page.locator(".ovz-tune-row[data-run='1']")
    start_value = row.get_attribute("data-value")
    row.locator(".ovz-tune-range").scroll_into_view_if_needed()
    box = row.locator(".ovz-tune-range").bounding_box()
    y = box["y"] + box["height"] / 2
    at, last = row.locator(".ovz-tune-range").evaluate("e => [e.valueAsNumber, Number(e.max)]")
    x0 = box["x"] + 8 + (box["width"] - 16) * at / last  # the thumb's centre
    page.mouse.move(x0, y)
    page.mouse.down()
    sent_before, requests_before = len(frames), len(family_requests)
    for dx in range(0, 120, 6):
        page.mouse.move(x0 + dx, y)
    page.wait_for_timeout(200)
    state = player(page)
    scrubbed = row.get_attribute("data-value")
    assert state["paths"] != before and state["tuned"].split(",")[1] not in ("", None)
    assert scrubbed != start_value and row.locator(".ovz-tune-value").inner_text() == f"η = {scrubbed}"
    assert f"η = {scrubbed}" in page.locator(".ovz-legend").inner_text()  # the results line under the player
    assert len(frames) == sent_before and len(family_requests) == requests_before  # not one message while dragging
    assert len(page.evaluate("() => document.querySelector('.ovz').__ovzTuneTimes")) > 5
    page.screenshot(path="/tmp/gradscape-scrub-dragging.png")

    page.mouse.up()
    page.wait_for_function("v => new URLSearchParams(location.search).get('r2') === 'adam;lr=' + v", arg=scrubbed, timeout=30_000)
    wait_for_app(page)
    assert player(page)["tuneCommits"] == "1"
    committed = from_query(url_query(page))[0]
    assert committed.runs[1].learning_rate == float(scrubbed) and committed.runs[0] == SCENARIO.runs[0]
    assert f"η={float(scrubbed):.3g}" in sidebar(page).inner_text()
    page.wait_for_function("() => document.querySelector('.ovz').dataset.tuned === ','", timeout=30_000)  # the run itself now
    page.screenshot(path="/tmp/gradscape-scrub-committed.png")
    assert page.errors == []
