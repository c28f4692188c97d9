"""Exports in headless Chromium: the interactive HTML file plays from file:// with the network
blocked, every panel on one step; the app's Export menu renders an animation in the background
and offers it for download. Hostile labels in exported pages: tests/e2e/test_inert_browser.py."""

from __future__ import annotations

import os

import pytest

from tests.e2e.test_playground import open_playground, panel_steps, player
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.viz import export
from gradscape.viz.player import run_trace

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("GRADSCAPE_SHOTS")  # a folder to keep screenshots in, when set


def test_the_html_export_plays_offline(page, tmp_path):
    s = Scenario(runs=(RunSpec("adam", 0.05), RunSpec("momentum", 1e-3), RunSpec("rmsprop", 0.01)), steps=400, view="both")
    path = tmp_path / "export.html"
    path.write_text(export.player_html(s, [(i, run_trace(s, i)) for i in range(3)], title="Three optimizers"), encoding="utf-8")
    asked = []

    def only_files(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            asked.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    page.goto(path.as_uri())
    page.wait_for_selector(".ovz[data-ready='1']", state="attached", timeout=30_000)
    assert player(page)["paths"].startswith("3:")
    page.click(".ovz-play")
    page.wait_for_timeout(1200)
    page.click(".ovz-play")
    steps = panel_steps(page)
    assert set(steps) == {"ovz-map2d", "ovz-map3d", "ovz-lr", "ovz-loss"}
    assert len(set(steps.values())) == 1 and int(next(iter(steps.values()))) > 0
    page.get_by_role("button", name="Last step").click()
    assert set(panel_steps(page).values()) == {"400"}
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "export-html.png"), full_page=True)
    assert asked == [] and page.errors == []


def test_the_export_menu_renders_a_gif_in_the_background(page, app_url):
    open_playground(page, app_url)
    page.get_by_role("button", name="Export").click()
    stride = page.get_by_label("one frame every … steps")
    stride.fill("50")
    stride.press("Enter")
    page.get_by_role("button", name="Render GIF (11 frames)").click()
    download = page.get_by_role("button", name="Download playground-rosenbrock-canyon.gif")
    download.wait_for(timeout=60_000)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "export-menu.png"))
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == "playground-rosenbrock-canyon.gif"
    with open(info.value.path(), "rb") as fh:
        assert fh.read(6) == b"GIF89a"
    assert page.errors == []
