"""A typed landscape in headless Chromium: a link draws its surface, contour and paths; typing a new
expression in the sidebar redraws; a page whose build waits behind a class's shows its place in the
queue, then draws; a hostile link shows its message and the default landscape."""

from __future__ import annotations

import asyncio
import os
import random
import threading

import pytest

from benchmarks.custom_class import LINK, Session, expressions, run_class
from tests.e2e.test_playground import open_playground, player, sidebar, url_query, wait_changed

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("GRADSCAPE_SHOTS")


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


def test_a_build_behind_a_class_shows_its_place_then_draws(page, app_url):
    open_playground(page, app_url, LINK)
    state = player(page)
    page.evaluate("""() => {  // every place in the queue the page shows, as it shows it
        window.__places = [];
        new MutationObserver(() => document.querySelectorAll('[data-testid=stProgress]').forEach((p) => {
            const text = p.innerText.trim();
            if (text && window.__places.at(-1) !== text) window.__places.push(text);
        })).observe(document.body, { subtree: true, childList: true, characterData: true });
    }""")
    # 10 classmates type new forms at once over the websocket (a random whole exponent: forms no earlier
    # run compiled, so none comes from the persistent compilation cache and the queue lasts)
    exponents = random.sample(range(5, 64), 10)
    classmates = [Session([f"{text} + 0.01*x^{k}"]) for text, k in zip(expressions(10, False), exponents)]
    failed: list[int] = []
    driver = threading.Thread(target=lambda: failed.append(asyncio.run(run_class(app_url, classmates))))
    driver.start()
    assert all(s.waiting.wait(120) for s in classmates)  # every classmate's build is queued
    box = sidebar(page).locator("[data-testid=stTextInput]").filter(has_text="f(x, y)").locator("input")
    box.fill("softplus(x) + y^2 - 0.3*x*y")
    box.press("Enter")
    page.get_by_text("ahead of you").wait_for(timeout=60_000)
    shot(page, "custom_waiting.png")
    wait_changed(page, "paths", state["paths"])
    assert url_query(page)["f"] == "softplus(x)+y^2-0.3*x*y"
    places = page.evaluate("() => window.__places")
    ahead = [int(text.split("… ")[1].split()[0]) for text in places if "ahead of you" in text]
    assert ahead and ahead == sorted(ahead, reverse=True) and all(t.startswith("Building your landscape…") for t in places)
    driver.join(180)
    assert failed == [0] and all(s.times[0] is not None and not s.errors for s in classmates)
    assert page.errors == []


def test_a_hostile_link_shows_its_message(page, app_url):
    open_playground(page, app_url, {"ls": "custom", "f": "__import__('os').system('id')"})
    text = " ".join(page.locator("[data-testid=stAlertContentWarning]").all_inner_texts())
    assert "unknown name '__import__'" in text and "column 1" in text
    assert url_query(page)["ls"] == "rosenbrock"
    shot(page, "custom_hostile.png")
    assert page.errors == []
