"""The player in headless Chromium, on the Playground: its keys work with the focus anywhere in it; a
link's t places its playhead, and the step it rests on goes back to the link."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.e2e.harness import wait_for_app
from tests.e2e.test_playground import open_playground, panel_steps, player, url_query

pytestmark = pytest.mark.browser


def at(page) -> int:
    """The playhead's step, after checking that every visible panel drew it."""
    steps = set(panel_steps(page).values())
    assert len(steps) == 1, steps
    return int(steps.pop())


def test_the_keys_work_after_clicking_the_players_own_controls(page, app_url):
    open_playground(page, app_url)  # 500 steps
    page.click(".ovz-play")
    page.wait_for_timeout(400)
    page.keyboard.press(" ")  # the focus is on the play button: space pauses, once
    assert player(page)["playing"] == "0"
    step = at(page)
    assert 0 < step < 500
    page.keyboard.press("ArrowRight")
    assert at(page) == step + 1
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert at(page) == step - 1
    page.keyboard.press("End")
    assert at(page) == 500
    page.keyboard.press("Home")
    assert at(page) == 0
    page.keyboard.press("PageDown")  # a presenter's remote: a tenth of the run
    page.keyboard.press("PageDown")
    assert at(page) == 100
    page.keyboard.press("PageUp")
    assert at(page) == 50

    page.get_by_role("button", name="Step forward").click()
    assert at(page) == 51
    page.keyboard.press(" ")  # plays: the button is not pressed again
    page.wait_for_timeout(300)
    page.keyboard.press(" ")
    assert player(page)["playing"] == "0" and at(page) > 51

    box = page.locator(".ovz-scrub").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    step = at(page)
    assert 200 < step < 300
    page.keyboard.press("ArrowRight")
    assert at(page) == step + 1
    page.keyboard.press("End")
    assert at(page) == 500

    box = page.locator(".ovz-loss .ovz-plot").bounding_box()  # a click on a plot gives the player the focus
    page.evaluate("() => document.activeElement.blur()")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.press("Home")
    assert at(page) == 0
    assert page.errors == []


def test_a_link_opens_the_player_at_its_step_and_the_resting_step_goes_back_to_the_link(page, app_url):
    open_playground(page, app_url, {"t": "37"})
    assert at(page) == 37
    page.get_by_role("button", name="Step forward").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('t') === '38'", timeout=30_000)
    wait_for_app(page)
    assert at(page) == 38  # the page's answer to the report leaves the playhead where it is
    page.get_by_role("button", name="Copy link").click()
    link = page.locator("[data-testid=stPopoverBody] code").inner_text()
    assert dict(parse_qsl(urlsplit(link.strip()).query))["t"] == "38"
    page.keyboard.press("Escape")

    page.click(".ovz-play")  # no report while playing: the link keeps its step until the playhead rests
    page.wait_for_timeout(1000)
    assert player(page)["playing"] == "1" and url_query(page)["t"] == "38" and player(page)["reported"] == "38"
    page.click(".ovz-play")
    step = at(page)
    page.wait_for_function("t => new URLSearchParams(location.search).get('t') === t", arg=str(step), timeout=30_000)
    assert player(page)["reported"] == str(step)
    assert page.errors == []
