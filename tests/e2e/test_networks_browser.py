"""The Neural net page in headless Chromium: the shared player draws the plane (contour and 3-D
surface) with the projected paths and plays; the link restores the setting; the player's decision
boundary panel follows the playhead live (no rerun) for the run its select picks; the curves below
follow the playhead when it stops."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.e2e.harness import wait_for_app
from tests.test_network_payload import net_record
from gradscape.trajectories import network_views as nv
from gradscape.trajectories.net_scenario import NetScenario
from gradscape.trajectories.scenario import RunSpec
from gradscape.viz.network_export import network_html

pytestmark = pytest.mark.browser

LINK = {"h": "8", "n": "256", "steps": "200", "view": "both", "r1": "adam;lr=0.01", "r2": "momentum;lr=0.1",
        "r3": "sgd;lr=0.5;label=plain%20SGD"}
SHOTS = os.environ.get("GRADSCAPE_SHOTS")  # a folder to keep screenshots in, when set
FIVE_STEPS = """() => {
  const root = document.querySelector('.ovz');
  const panel = root.querySelector('.ovz-boundary');
  const before = Number(panel.dataset.paints);
  for (let i = 0; i < 5; i++) root.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
  return [Number(panel.dataset.paints) - before, panel.dataset.frame];
}"""
IMAGE_SUM = """() => {
  const c = document.querySelector('.ovz-boundary .ovz-image');
  return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.reduce((a, v, i) => a + v * (i % 4 === 0 ? 1 : 0), 0);
}"""


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
    boundary = player.locator(".ovz-boundary")
    assert boundary.is_visible() and boundary.locator("g.scatterlayer .point").count() == 256  # the data points
    player.focus()
    page.keyboard.press("Home")
    page.wait_for_function("() => document.querySelector('.ovz').dataset.step === '0'")
    assert (boundary.get_attribute("data-frame"), boundary.get_attribute("data-run")) == ("0", "0")
    assert boundary.locator(".ovz-boundary-caption").inner_text().startswith("Adam · step 0 · accuracy ")
    # Five steps in one JS task: the frame (every 5 steps of 200) changes with no round trip to the
    # server, and only the step that reaches a new frame repaints.
    paints, frame = page.evaluate(FIVE_STEPS)
    assert frame == "1" and paints == 1
    page.wait_for_function("() => document.querySelector('.ovz').dataset.reported === '5'")  # at rest: reported once
    curves = page.locator("[data-testid=stSlider]").filter(has_text="Step of the curves")
    curves.locator("[data-testid=stSliderThumbValue]").get_by_text("5", exact=True).wait_for(timeout=60_000)  # the curves follow
    wait_for_app(page)
    player.get_by_role("button", name="Play").click()
    page.wait_for_function("() => { const b = document.querySelector('.ovz-boundary'); return b.dataset.frame >= 3 && document.querySelector('.ovz').dataset.playing === '1'; }")
    player.get_by_role("button", name="Last step").click()
    assert boundary.get_attribute("data-frame") == "40" and "step 200 ·" in boundary.inner_text()
    adam = page.evaluate(IMAGE_SUM)
    boundary.get_by_role("combobox").select_option("1")
    assert boundary.get_attribute("data-run") == "1" and "SGD + momentum · step 200" in boundary.inner_text()
    assert page.evaluate(IMAGE_SUM) != adam  # another run's model
    wait_for_app(page)
    assert boundary.get_attribute("data-run") == "1"  # the pick survives the rerun that the resting step asked for
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "networks.png"))
    assert page.errors == [], page.errors


def test_an_exported_page_carries_the_boundary_frames_inside_and_plays_them_offline(page, tmp_path):
    record = net_record(runs=2, steps=200, stride=1)
    s = NetScenario(steps=200, runs=(RunSpec("adam", 0.01), RunSpec("sgd", 0.1)))
    view = nv.plane_view(record, "pca-mean", n=20)
    path = tmp_path / "network.html"
    path.write_text(network_html(s, view, title="Boundary"), encoding="utf-8")
    asked = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else (asked.append(route.request.url), route.abort()))
    page.goto(path.as_uri())
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=30_000)
    boundary = page.locator(".ovz-boundary")
    assert boundary.is_visible() and boundary.get_attribute("data-frame") == "0"
    page.get_by_role("button", name="Last step").click()
    boundary.get_by_role("combobox").select_option("1")
    assert (boundary.get_attribute("data-frame"), boundary.get_attribute("data-run")) == ("40", "1")
    assert asked == [] and page.errors == [], (asked, page.errors)
