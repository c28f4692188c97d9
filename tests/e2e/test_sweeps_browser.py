"""The Sweeps page in headless Chromium: a heat map draws, a click on a cell opens the Playground
at exactly that setting, a zoom of the trainability map recomputes the window, and a sweep's
link round-trips; the Export menu downloads the map as a PNG."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pytest
from PIL import Image

from tests.e2e.harness import wait_for_app
from gradscape.trajectories import scenario, sweep_scenario
from gradscape.viz.sweeps import MapAxis

pytestmark = pytest.mark.browser

MAP = ".ovz-sweep"
HEATMAP = {"sweep": "heatmap", "r1": "adam;lr=0.05", "res": "16", "steps": "100", "y": "b1,0.5,0.99"}


def open_sweep(page, app_url: str, query: dict[str, str]) -> None:
    page.goto(f"{app_url}/sweeps?{urlencode(query)}")
    wait_for_app(page)
    page.wait_for_selector(f"{MAP}[data-ready='1']", state="attached", timeout=90_000)
    wait_for_app(page)


def url_query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def plot_box(page) -> dict:
    """The heat map's plotting area in page pixels."""
    return page.evaluate(
        """s => { const gd = document.querySelector(s + ' .ovz-sweep-plot'); const r = gd.getBoundingClientRect();
                  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                  return {x: r.left + xa._offset, y: r.top + ya._offset, w: xa._length, h: ya._length}; }""",
        MAP,
    )


def test_heat_map_click_opens_that_setting_in_the_playground(page, app_url):
    open_sweep(page, app_url, HEATMAP)
    assert page.locator("[data-testid=stException]").count() == 0
    box = plot_box(page)
    n = 16
    col, row = 11, 4  # row 0 is the bottom of the map
    page.mouse.move(box["x"] + (col + 0.5) * box["w"] / n, box["y"] + box["h"] - (row + 0.5) * box["h"] / n)
    page.wait_for_selector(".ovz-sweep-tip:not([hidden])", timeout=10_000)
    assert "click: open in the Playground" in page.locator(".ovz-sweep-tip").inner_text()
    page.mouse.click(box["x"] + (col + 0.5) * box["w"] / n, box["y"] + box["h"] - (row + 0.5) * box["h"] / n)
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=90_000)  # the Playground's player
    wait_for_app(page)
    opened, warnings = scenario.from_query(url_query(page))
    assert warnings == []
    sweep, _ = sweep_scenario.from_query(HEATMAP)
    lr = MapAxis("", sweep.x.low, sweep.x.high, True, n).centres()[col]
    b1 = MapAxis("", sweep.y.low, sweep.y.high, False, n).centres()[row]
    (run,) = opened.runs
    assert (run.optimizer, run.lr, dict(run.hyper)["b1"], opened.steps) == ("adam", lr, b1, 100)
    assert page.errors == []


def test_trainability_zoom_recomputes_the_window_and_the_link_round_trips(page, app_url):
    query = {"sweep": "trainability", "r1": "momentum;lr=0.001", "res": "16", "steps": "100"}
    open_sweep(page, app_url, query)
    before = page.get_attribute(MAP, "data-digest")
    box = plot_box(page)
    page.mouse.move(box["x"] + 0.2 * box["w"], box["y"] + 0.2 * box["h"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.6 * box["w"], box["y"] + 0.7 * box["h"], steps=8)
    page.mouse.up()
    page.wait_for_function("([s, d]) => document.querySelector(s).dataset.digest !== d", arg=[MAP, before], timeout=60_000)
    wait_for_app(page)
    zoomed, warnings = sweep_scenario.from_query(url_query(page))
    assert warnings == []
    assert 1e-4 < zoomed.x.low < zoomed.x.high < 1.0 and 0.0 < zoomed.y.low < zoomed.y.high < 0.999
    link = url_query(page)
    digest = page.get_attribute(MAP, "data-digest")
    fresh = page.context.new_page()
    open_sweep(fresh, app_url, link)
    assert url_query(fresh) == link
    assert fresh.get_attribute(MAP, "data-digest") == digest
    fresh.close()
    assert page.errors == []


def test_a_point_of_the_rate_sweep_opens_that_rate_in_the_playground(page, app_url):
    query = {"sweep": "lr", "ls": "quadratic", "rates": "0.001,1,20", "r1": "sgd;lr=0.01", "steps": "100"}
    page.goto(f"{app_url}/sweeps?{urlencode(query)}")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=60_000)
    page.locator(".js-plotly-plot .scatterlayer .trace").nth(0).locator(".point").nth(10).click(force=True)
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=90_000)
    wait_for_app(page)
    opened, warnings = scenario.from_query(url_query(page))
    sweep, _ = sweep_scenario.from_query(query)
    assert warnings == [] and opened.runs[0].optimizer == "sgd"
    assert opened.runs[0].lr == float(f"{np.geomspace(*sweep.rates, sweep.count)[10]:.6g}")
    assert page.errors == []


def test_export_menu_downloads_the_map_as_a_png_of_the_chosen_size(page, app_url, tmp_path):
    open_sweep(page, app_url, HEATMAP)
    page.get_by_role("button", name="Export").click()
    menu = page.get_by_test_id("stPopoverBody")
    with page.expect_download() as download:
        menu.get_by_role("button", name="PNG", exact=True).click()
    path = tmp_path / "map.png"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(".png")
    assert Image.open(path).size == (1920, 1080)


BASINS = {"sweep": "basin", "ls": "himmelblau", "res": "16", "steps": "100", "r1": "adam;lr=0.05", "r2": "momentum;lr=0.001",
          "r3": "sgd;lr=0.001", "r4": "rmsprop;lr=0.01"}


@pytest.mark.parametrize("width,height", [(1920, 1080), (1366, 768)])
def test_four_basin_maps_and_their_legend_fit_the_screen(browser, app_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_sweep(page, app_url, BASINS)
    boxes = page.evaluate(
        """s => [...document.querySelectorAll(s + ' .ovz-sweep-plot, ' + s + ' .ovz-sweep-legend')].map(e => {
                  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""", MAP)
    plots, legend = boxes[:-1], boxes[-1]
    assert len(plots) == 4
    assert all(0 <= left and right <= width and bottom <= height for left, _, right, bottom in boxes)  # no scrolling needed
    assert legend[3] <= height and min(b[3] - b[1] for b in plots) >= 200  # each map still large enough to read and click
    if width == 1920:
        assert len({round(b[1]) for b in plots}) == 1  # side by side, one row
    context.close()


def test_the_exported_page_works_offline_and_its_link_reopens_the_sweep_in_the_app(page, app_url, tmp_path):
    query = {**BASINS, "r3": "sgd;lr=0.001;label=slow%20%3Cb%3E"}  # a label with markup: inert text in the title
    open_sweep(page, app_url, query)
    digest = page.get_attribute(MAP, "data-digest")
    page.get_by_role("button", name="Export").click()
    with page.expect_download() as download:
        page.get_by_test_id("stPopoverBody").get_by_role("button", name="Interactive HTML").click()
    path = tmp_path / "sweep.html"
    download.value.save_as(path)
    offline = page.context.new_page()
    asked = []
    offline.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else (asked.append(route.request.url), route.abort()))
    offline.goto(path.as_uri())
    offline.wait_for_selector(f"{MAP}[data-ready='1']", state="attached", timeout=30_000)
    assert asked == [] and offline.get_attribute(MAP, "data-digest") == digest  # the same maps, drawn offline
    assert offline.title() == "Sweep Basins of attraction Himmelblau: Adam, SGD + momentum, slow <b>, RMSProp"
    link = offline.locator("a.ovz-app-link")
    href = link.get_attribute("href")
    assert href.startswith(f"{app_url}/sweeps?")
    offline.unroute("**/*")
    link.click()
    offline.wait_for_url(f"{app_url}/sweeps?*", timeout=30_000)
    wait_for_app(offline)
    offline.wait_for_selector(f"{MAP}[data-ready='1']", state="attached", timeout=90_000)
    assert offline.get_attribute(MAP, "data-digest") == digest  # the link reopens this very sweep
    assert url_query(offline) == url_query(page) and page.errors == []
    offline.close()
