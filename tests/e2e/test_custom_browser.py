"""A typed landscape in headless Chromium: a link draws its surface, contour and paths; typing a new
expression in the sidebar redraws; a hostile link shows its message and the default landscape."""

from __future__ import annotations

import os

import pytest

from tests.e2e.test_playground import open_playground, player, sidebar, url_query, wait_changed

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("OPTIVIZ_SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=False)


def test_typed_landscape_draws_and_redraws(page, app_url):
    open_playground(page, app_url, {"ls": "custom", "f": "(x^2-1)^2+0.3*x+2*y^2", "dom": "-2,2,-1.5,1.5", "view": "both"})
    state = player(page)
    assert state["paths"].startswith("3:") and state["view"] == "both"
    assert page.locator(".ovz-map3d .ovz-plot .gl-container, .ovz-map3d canvas").count() > 0  # the surface
    assert "Custom: (x^2-1)^2+0.3*x+2*y^2" in page.locator(".ovz-map2d").inner_text()
    shot(page, "custom_link.png")
    box = sidebar(page).locator("[data-testid=stTextInput]").filter(has_text="f(x, y)").locator("input")
    box.fill("sin(2*x)*cos(2*y) + 0.05*(x^2 + y^2)")
    box.press("Enter")
    wait_changed(page, "paths", state["paths"])
    assert url_query(page)["f"] == "sin(2*x)*cos(2*y)+0.05*(x^2+y^2)"
    shot(page, "custom_typed.png")
    assert page.errors == []


def test_a_hostile_link_shows_its_message(page, app_url):
    open_playground(page, app_url, {"ls": "custom", "f": "__import__('os').system('id')"})
    text = " ".join(page.locator("[data-testid=stAlertContentWarning]").all_inner_texts())
    assert "unknown name '__import__'" in text and "column 1" in text
    assert url_query(page)["ls"] == "rosenbrock"
    shot(page, "custom_hostile.png")
    assert page.errors == []
