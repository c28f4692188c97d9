"""Every lesson in headless Chromium: it loads, its player plays in step, and nothing throws."""

from __future__ import annotations

import pytest

from gradscape import landscapes
from gradscape import lessons
from tests.e2e.harness import wait_for_app
from tests.e2e.test_playground import PLAYER, panel_steps

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=[lesson.slug for lesson in lessons.LESSONS])
def test_lesson_loads_and_plays(page, app_url, lesson):
    page.goto(f"{app_url}/lessons?lesson={lesson.slug}")
    wait_for_app(page, timeout_ms=180_000)
    # Wait rather than count: a new server's first session reruns once (ui/frame.py) before drawing.
    page.get_by_text(f"{lesson.number}. {lesson.title}").first.wait_for(timeout=60_000)
    page.get_by_text("This run:").first.wait_for(timeout=120_000)
    assert page.get_by_text("This run:").count() == 1
    if lesson.scenario is None:
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)  # the lesson's own charts (loaded lazily)
    else:
        page.wait_for_selector(f"{PLAYER}[data-ready='1']", state="attached", timeout=60_000)
        if lesson.zoom is not None:
            shown = page.evaluate("() => document.querySelector('.ovz-map2d .ovz-plot')._fullLayout.xaxis.range")
            assert shown == pytest.approx(list(lesson.zoom[0]))
        page.click(".ovz-play")
        page.wait_for_timeout(700)
        page.click(".ovz-play")
        steps = set(panel_steps(page).values())
        assert len(steps) == 1 and int(steps.pop()) > 0
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.errors == []


def map_title(page) -> str:
    return page.evaluate("() => document.querySelector('.ovz-map2d .ovz-plot')._fullLayout.title.text")


def test_saddle_lesson_names_its_starts_and_resets_to_its_own_view(page, app_url):
    page.goto(f"{app_url}/lessons?lesson=saddle-points")
    wait_for_app(page, timeout_ms=180_000)
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", state="attached", timeout=120_000)
    assert "click" not in map_title(page)  # a click on a lesson's map sets no start, so the map does not say so
    page.get_by_text("start point", exact=True).click()
    page.locator(".ovz-legend").get_by_text("from (−3, 0.001)").wait_for(timeout=60_000)
    legend = page.locator(".ovz-legend").inner_text()
    assert all(f"from (−3, {y})" in legend for y in ("0", "0.1", "0.01", "0.001")) and "4 starts" not in legend
    page.evaluate("() => window.Plotly.relayout(document.querySelector('.ovz-map2d .ovz-plot'), {'xaxis.range': [0.5, 1]})")
    assert page.evaluate("() => document.querySelector('.ovz-map2d .ovz-plot')._fullLayout.xaxis.range") == [0.5, 1]
    page.get_by_role("button", name="Reset lesson").click()
    page.locator(".ovz-legend").get_by_text("4 starts").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", state="attached", timeout=60_000)
    shown = page.evaluate("() => document.querySelector('.ovz-map2d .ovz-plot')._fullLayout.xaxis.range")
    lesson = lessons.get("saddle-points")
    assert "from (−3" not in page.locator(".ovz-legend").inner_text()
    assert shown == pytest.approx(list((lesson.zoom or landscapes.get(lesson.scenario.landscape).domain)[0]))  # its own camera
    assert page.errors == []
