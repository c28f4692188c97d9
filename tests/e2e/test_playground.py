"""The Playground in headless Chromium: the player draws, reacts to the controls, plays in step,
returns map clicks, and the address bar is a link that restores the scenario."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.e2e.harness import wait_for_app
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query
from gradscape.viz.results_table import COLUMNS

pytestmark = pytest.mark.browser

PLAYER = ".ovz"
PANELS = ".ovz-map2d, .ovz-map3d, .ovz-lr, .ovz-loss"
PLOTLY_FETCHES = """() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/vendor/plotly')).map((e) => e.initiatorType)"""
CAMERA = "() => document.querySelector('.ovz-map3d .ovz-plot')._fullLayout.scene._scene.getCamera().eye"


def open_playground(page, app_url: str, query: dict[str, str] | None = None) -> None:
    page.goto(f"{app_url}/" + (f"?{urlencode(query)}" if query else ""))
    wait_for_app(page)
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", state="attached", timeout=60_000)


def player(page) -> dict[str, str]:
    return page.evaluate("s => ({...document.querySelector(s).dataset})", PLAYER)


def panel_steps(page) -> dict[str, str]:
    """The step each visible panel last drew, read in one go (one JS task)."""
    return page.evaluate(
        """s => Object.fromEntries([...document.querySelectorAll(s)]
            .filter(p => p.offsetParent !== null).map(p => [p.classList[1], p.dataset.step]))""",
        PANELS,
    )


def wait_changed(page, attr: str, old: str) -> str:
    page.wait_for_function(
        "([s, a, old]) => document.querySelector(s).dataset[a] !== old", arg=[PLAYER, attr, old], timeout=30_000
    )
    wait_for_app(page)
    return player(page)[attr]


def url_query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def sidebar(page):
    return page.locator("[data-testid=stSidebar]")


def test_page_loads_without_errors(page, app_url):
    open_playground(page, app_url)
    state = player(page)
    assert state["view"] == "2d"
    assert state["paths"].startswith("3:")
    assert page.locator("[data-testid=stException]").count() == 0
    results = page.locator(".ovz-results")  # the results table: styled, one row per run, each run's colour
    assert results.locator("tbody tr").all_inner_texts()[0].startswith("SGD")
    assert results.locator("tbody tr").count() == 3 and results.locator("th").count() == len(COLUMNS)
    assert results.locator(".dot").first.evaluate("e => getComputedStyle(e).borderRadius") == "50%"
    assert page.errors == []
    # plotly.js was fetched once, by the page's preload header; the player's script element reused it
    assert page.evaluate(PLOTLY_FETCHES) == ["link"]


def test_add_run(page, app_url):
    open_playground(page, app_url)
    old = player(page)["paths"]
    sidebar(page).get_by_role("button", name="Add run").click()
    assert wait_changed(page, "paths", old).startswith("4:")
    assert "r4" in url_query(page)
    assert page.errors == []


def test_changing_a_learning_rate_redraws_the_path_in_place(page, app_url):
    open_playground(page, app_url, {"view": "both"})
    sidebar(page).get_by_role("radio", name="3", exact=True).click()
    sidebar(page).locator("[data-testid=stSlider]").filter(has_text="β1").wait_for()  # Adam's editor is shown
    wait_for_app(page)
    page.evaluate("() => { const r = document.querySelector('.ovz-scrub'); r.value = '123'; r.dispatchEvent(new Event('input')); }")
    box = page.locator(".ovz-map3d").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 80, cy + 30, steps=8)
    page.mouse.up()  # the user rotates the surface
    page.wait_for_timeout(500)
    camera = page.evaluate(CAMERA)
    assert camera != pytest.approx({"x": -0.45, "y": -1.65, "z": 1.25})
    old = player(page)["paths"]
    slider = sidebar(page).locator(".ovz-rate input")
    slider.focus()
    page.keyboard.press("ArrowRight")
    wait_changed(page, "paths", old)
    assert url_query(page)["r3"] == "adam;lr=0.07"
    # updated in place, not remounted: the playhead and the 3-D camera stay where they were
    assert set(panel_steps(page).values()) == {"123"}
    assert page.evaluate(CAMERA) == pytest.approx(camera)
    assert page.errors == []


def test_playback_keeps_all_panels_on_one_step(page, app_url):
    open_playground(page, app_url, {"view": "both"})
    page.click(".ovz-play")
    page.wait_for_timeout(1200)
    during = panel_steps(page)
    page.click(".ovz-play")
    after = panel_steps(page)
    assert set(during) == {"ovz-map2d", "ovz-map3d", "ovz-lr", "ovz-loss"}
    assert len(set(during.values())) == 1 and int(next(iter(during.values()))) > 0
    assert len(set(after.values())) == 1
    step = int(next(iter(after.values())))
    page.get_by_role("button", name="Step forward").click()
    assert set(panel_steps(page).values()) == {str(step + 1)}
    assert int(player(page)["frames"]) > 10
    assert page.errors == []


def test_clicking_the_map_moves_the_start(page, app_url):
    open_playground(page, app_url)
    target = (0.5, 0.25)
    x, y = page.evaluate(
        """([x, y]) => {
            const gd = document.querySelector('.ovz-map2d .ovz-plot');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
            return [r.left + xa._offset + xa.d2p(x), r.top + ya._offset + ya.d2p(y)];
        }""",
        list(target),
    )
    old = player(page)["start"]
    page.mouse.click(x, y)
    start = [float(v) for v in wait_changed(page, "start", old).split(",")]
    pixel = 4.0 / 400  # the map is 4 units wide over more than 400 px
    assert abs(start[0] - target[0]) < 2 * pixel and abs(start[1] - target[1]) < 2 * pixel
    assert "start" in url_query(page)
    assert page.errors == []


def test_a_link_round_trips_the_scenario(page, app_url):
    scenario = Scenario(
        landscape="peaks",
        runs=(
            RunSpec("adam", 0.02, hyper=(("b1", 0.8),), schedule="cosine", label="fast", color="#123456"),
            RunSpec("nesterov", 0.005, enabled=False),
        ),
        starts=((-2.5, 1.0),),
        steps=300,
        seed=7,
        view="both",
        log_loss=False,
    )
    query = to_query(scenario)
    open_playground(page, app_url, query)
    assert url_query(page) == query
    state = player(page)
    assert (state["view"], state["start"], state["paths"][:2]) == ("both", "-2.5,1", "1:")
    page.get_by_role("button", name="Copy link").click()
    link = page.locator("[data-testid=stPopoverBody] code").inner_text()
    restored, warnings = from_query(dict(parse_qsl(urlsplit(link.strip()).query)))
    assert warnings == [] and restored == scenario
    assert page.errors == []


def test_a_malformed_link_falls_back_with_a_warning(page, app_url):
    open_playground(page, app_url, {"ls": "atlantis", "steps": "-4", "r1": "adam;lr=abc"})
    warnings = page.locator("[data-testid=stAlertContentWarning]").all_inner_texts()
    text = " ".join(warnings)
    assert "unknown landscape 'atlantis'" in text and "steps=-4" in text and "r1.lr=abc" in text
    assert url_query(page)["ls"] == "rosenbrock"
    assert player(page)["paths"].startswith("1:")
    assert page.errors == []
