"""What only a browser shows of the class dry run's fixes: the learning-rate slider commits once for a
run of key presses and on a drag's release; in presentation mode the player fills a 1080p screen and a
768-pixel laptop without the page scrolling, a lesson's claim and verdict stay in view; a map click
adds a start when asked to; the Copy-link box warns that a loopback link is no use to students."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from gradscape import lessons
from tests.e2e.harness import wait_for_app

LESSON_QUERY = lessons.get("ill-conditioning-momentum").query()

pytestmark = pytest.mark.browser

PLAYER = ".ovz"
PRESENT_SIZES = [{"width": 1920, "height": 1080}, {"width": 1366, "height": 768}]


def open_page(page, app_url: str, path: str = "/", query: dict[str, str] | None = None) -> None:
    page.goto(f"{app_url}{path}" + (f"?{urlencode(query)}" if query else ""))
    wait_for_app(page)
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", state="attached", timeout=60_000)


def url_query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_key_presses_on_the_rate_slider_commit_once(page, app_url):
    open_page(page, app_url)
    rate = page.locator("[data-testid=stSidebar] .ovz-rate")
    rate.locator("input").focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(120)
    assert rate.get_attribute("data-value") == "0.007" and rate.get_attribute("data-commits") == "0"  # moved, not sent
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar] .ovz-rate').dataset.commits === '1'")
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('sgd%3Blr%3D0.007')")
    page.wait_for_timeout(800)
    assert rate.get_attribute("data-commits") == "1"  # five presses, one rerun
    track = box(page, "[data-testid=stSidebar] .ovz-rate input")
    y = track["y"] + track["height"] / 2
    page.mouse.move(track["x"] + track["width"] * 0.5, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * 0.25, y, steps=10)
    assert rate.get_attribute("data-commits") == "1"  # dragging sends nothing until released
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar] .ovz-rate').dataset.commits === '2'")
    wait_for_app(page)
    page.wait_for_function("v => !location.search.includes('sgd%3Blr%3D' + v)", arg="0.007")
    assert url_query(page)["r1"] == f"sgd;lr={rate.get_attribute('data-value')}"
    assert page.errors == []


@pytest.mark.parametrize("size", PRESENT_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_presenting_the_player_fills_the_screen_without_scrolling(browser, app_url, size):
    page = browser.new_page(viewport=size)
    try:
        open_page(page, app_url, "/", {"present": "1"})
        assert not page.locator("[data-testid=stSidebar]").is_visible()
        player = box(page, PLAYER)
        bottom = player["y"] + player["height"]
        assert bottom <= size["height"]  # the whole player, its controls and legend included, is on screen
        assert bottom >= size["height"] - 80  # and it uses the screen's height, not a fixed 640 px
        assert page.locator(".ovz-rate input").is_visible() and page.get_by_text("Map click").is_visible()
    finally:
        page.close()


def test_a_presented_lesson_keeps_its_claim_and_verdict_in_view(browser, app_url):
    page = browser.new_page(viewport=PRESENT_SIZES[0])
    try:
        open_page(page, app_url, "/lessons", {"lesson": "ill-conditioning-momentum", "present": "1"})
        claim = box(page, ".st-key-present-claim")
        assert claim["y"] + 150 < PRESENT_SIZES[0]["height"]  # the claim's first lines and the verdict's heading
        size = page.locator(".st-key-present-claim p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 24  # large type
        assert url_query(page) == {"lesson": "ill-conditioning-momentum", "present": "1"}
        page.get_by_role("button", name="Open in the Playground").click()  # the class keeps watching a presentation
        page.wait_for_function("() => location.pathname === '/' && location.search.includes('present=1')", timeout=60_000)
        page.wait_for_selector(".ovz.ovz-present[data-ready='1']", state="attached", timeout=60_000)
        query = url_query(page)  # the lesson's scenario, presenting
        assert {k: query.get(k) for k in LESSON_QUERY} == LESSON_QUERY and query["present"] == "1"
    finally:
        page.close()


def test_a_map_click_adds_a_start_when_asked(page, app_url):
    open_page(page, app_url)
    page.get_by_role("radio", name="adds start").click()
    wait_for_app(page)
    x, y = page.evaluate(
        """() => {
            const gd = document.querySelector('.ovz-map2d .ovz-plot');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
            return [r.left + xa._offset + xa.d2p(0.5), r.top + ya._offset + ya.d2p(0.25)];
        }"""
    )
    page.mouse.click(x, y)
    page.wait_for_function("() => new URLSearchParams(location.search).get('start')?.includes(';')", timeout=30_000)
    wait_for_app(page)
    first, second = url_query(page)["start"].split(";")
    x1, y1 = (float(v) for v in second.split(","))
    assert first == "-1.5,2" and abs(x1 - 0.5) < 0.02 and abs(y1 - 0.25) < 0.02  # the default start stays, the click joins it
    assert page.errors == []


def test_the_copy_link_box_warns_about_a_loopback_link(page, app_url):
    open_page(page, app_url)
    page.get_by_role("button", name="Copy link").click()
    popover = page.locator("[data-testid=stPopoverBody]")
    assert popover.locator("code").inner_text().startswith("http://127.0.0.1:")
    warning = popover.locator("[data-testid=stAlertContentWarning]").inner_text()
    assert "students can't open it" in warning and "GRADSCAPE_PUBLIC_URL" in warning
