"""Dragging a start point on the 2-D map in headless Chromium: the marker follows the pointer with nothing
sent to the server; the release moves that start (the other stays) in one rerun, and the new paths are
drawn; a plain click keeps its meaning. The release → new paths time is printed beside a click's."""

from __future__ import annotations

import pytest

from tests.e2e.harness import wait_for_app
from tests.e2e.test_playground import open_playground, player, url_query
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query

pytestmark = pytest.mark.browser

SCENARIO = Scenario(runs=(RunSpec("sgd", 1e-3), RunSpec("adam", 0.05)), starts=((-1.5, 2.0), (1.0, -0.5)), steps=300)
TARGET = (0.5, 1.0)
PIXEL = """([x, y]) => {
    const gd = document.querySelector('.ovz-map2d .ovz-plot');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
    return [r.left + xa._offset + xa.d2p(x), r.top + ya._offset + ya.d2p(y)];
}"""
# When the player sent a trigger (data-dragged or data-clicked set) and when new paths were drawn after it.
WATCH = """() => {
    const root = document.querySelector('.ovz');
    window.__drag = {};
    new MutationObserver((ms) => ms.forEach((m) => {
        const t = performance.now();
        if (m.attributeName !== 'data-paths') window.__drag.sent = t;
        else if (window.__drag.sent && !window.__drag.drawn) window.__drag.drawn = t;
    })).observe(root, {attributes: true, attributeFilter: ['data-paths', 'data-dragged', 'data-clicked']});
}"""
READY_FAMILIES = "() => [...document.querySelectorAll('.ovz-tune-row[data-run]')].every((r) => r.dataset.ready === '1')"
INK = """([x, y]) => {
    const c = document.querySelector('.ovz-map2d .ovz-heads'), r = c.getBoundingClientRect(), k = c.width / r.width;
    return c.getContext('2d').getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data[3];
}"""


def starts(page) -> tuple[tuple[float, float], ...]:
    return from_query(url_query(page))[0].start_points


def sent_to_drawn_ms(page, trigger) -> float:
    """Run `trigger` (a drop or a click) and wait for the new paths: ms from the trigger's send to them
    (measured once the server has computed the runs' scrub families, which it does after each new paths)."""
    page.wait_for_function(READY_FAMILIES, timeout=60_000)
    page.evaluate(WATCH)
    trigger()
    page.wait_for_function("() => window.__drag.drawn", timeout=30_000)
    wait_for_app(page)
    return page.evaluate("() => window.__drag.drawn - window.__drag.sent")


def test_a_dragged_start_follows_the_pointer_and_moves_on_release_only(page, app_url):
    frames = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: frames.append(f)))
    open_playground(page, app_url, to_query(SCENARIO))
    page.wait_for_function(READY_FAMILIES, timeout=60_000)
    x0, y0 = page.evaluate(PIXEL, list(SCENARIO.starts[1]))
    x1, y1 = page.evaluate(PIXEL, list(TARGET))
    page.mouse.move(x0 + 2, y0 + 1)
    assert "ovz-grab" in page.locator(".ovz-map2d").get_attribute("class")  # the marker offers itself
    before, sent = player(page)["paths"], len(frames)
    page.mouse.down()
    for k in range(1, 21):
        page.mouse.move(x0 + (x1 - x0) * k / 20, y0 + (y1 - y0) * k / 20)
    page.wait_for_timeout(150)
    assert len(frames) == sent and player(page)["paths"] == before and starts(page) == SCENARIO.starts
    assert page.evaluate(INK, [x1, y1]) > 0 and page.evaluate(INK, [x0 + 30, y0 - 30]) == 0  # the marker, under the pointer
    page.screenshot(path="/tmp/gradscape-drag-dragging.png")

    drop_ms = sent_to_drawn_ms(page, page.mouse.up)
    moved = starts(page)
    pixel = 4.0 / 400  # the map is 4 units wide over more than 400 px
    assert moved[0] == SCENARIO.starts[0] and len(moved) == 2  # the other start stays; no click came with the drop
    assert abs(moved[1][0] - TARGET[0]) < 2 * pixel and abs(moved[1][1] - TARGET[1]) < 2 * pixel
    assert player(page)["paths"] != before and player(page)["dragged"].startswith("1:")
    assert len(frames) == sent + 1  # one rerun
    page.wait_for_timeout(200)  # the marker is gone with the rerun: the new paths' own start dot is there
    page.screenshot(path="/tmp/gradscape-drag-dropped.png")

    cx, cy = page.evaluate(PIXEL, [-1.0, 0.0])  # a plain click: sets the start (one point)
    click_ms = sent_to_drawn_ms(page, lambda: page.mouse.click(cx, cy))
    assert len(starts(page)) == 1
    print(f"\nsent → new paths: drop {drop_ms:.0f} ms, click {click_ms:.0f} ms, ratio {drop_ms / click_ms:.2f}")
    assert page.errors == []
