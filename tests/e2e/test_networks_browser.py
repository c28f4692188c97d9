"""The Neural net page in headless Chromium: the shared player draws the plane (contour and 3-D
surface) with the projected paths and plays; the link restores the setting; the decision boundary
follows the player's playhead when it stops, or the step slider."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.e2e.harness import wait_for_app

pytestmark = pytest.mark.browser

LINK = {"h": "8", "n": "256", "steps": "200", "view": "both", "r1": "adam;lr=0.01", "r2": "momentum;lr=0.1",
        "r3": "sgd;lr=0.5;label=plain%20SGD"}
SHOTS = os.environ.get("OPTIVIZ_SHOTS")  # a folder to keep screenshots in, when set


def test_networks_page_draws_the_plane_in_the_player_and_follows_its_link(page, app_url):
    page.goto(f"{app_url}/networks?{urlencode(LINK)}")
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=240_000)
    wait_for_app(page, timeout_ms=240_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert dict(parse_qsl(urlsplit(page.url).query)) == LINK  # the link is the setting, unchanged
    player = page.locator(".ovz")
    assert player.get_attribute("data-paths").startswith("3:")
    assert player.locator(".ovz-map2d g.contour").count() == 1
    assert player.locator(".ovz-map2d .xtitle").text_content() == "a (direction 1)"
    assert "click" not in player.locator(".ovz-map2d .gtitle").text_content()
    assert player.locator(".ovz-map3d .gl-container").count() == 1
    assert "plain SGD" in player.locator(".ovz-legend").inner_text()
    player.focus()
    page.keyboard.press("Home")
    page.wait_for_function("() => document.querySelector('.ovz').dataset.step === '0'")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.ovz .ovz-map2d').dataset.step === '1'")
    page.get_by_text("step 1:").first.wait_for(timeout=60_000)  # the boundary followed the resting playhead
    wait_for_app(page)
    assert player.get_attribute("data-reported") == "1"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "networks.png"))
    assert page.locator(".js-plotly-plot g.heatmaplayer image").count() >= 1  # the decision boundary
    page.locator("[data-testid=stSlider]").filter(has_text="Step of the boundary").get_by_role("slider").focus()
    page.keyboard.press("Home")
    page.get_by_text("step 0:").first.wait_for(timeout=60_000)
    wait_for_app(page)
    if SHOTS:
        page.get_by_text("step 0:").first.scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(SHOTS, "networks-below.png"))
    assert page.errors == [], page.errors
