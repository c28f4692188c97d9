"""The player in headless Chromium, on the Playground: its keys work with the focus anywhere in it."""

from __future__ import annotations

import pytest

from tests.e2e.test_playground import open_playground, panel_steps, player

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
