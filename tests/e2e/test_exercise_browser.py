"""An exercise in headless Chromium, as a class uses it: the teacher makes it in the dialog (link and QR
code), a student opens the link, sees the question with the paths held back and the player at step 0,
answers, and the run plays with the grade."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.e2e.harness import wait_for_app
from tests.e2e.test_playground import PLAYER, open_playground, player
from tests.test_exercise_questions import QUAD, oracle_answer
from gradscape.classroom.questions import Question
from gradscape.trajectories.scenario import to_query
from gradscape.viz.player import HIDDEN_STATUS

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("GRADSCAPE_SCREENSHOTS", "/tmp/gradscape-screenshots"))
WORDING = "Which run ends lowest after 100 steps?"
EXPLANATION = "Momentum keeps its speed along the shallow x direction, where plain SGD crawls."


def test_a_teacher_makes_an_exercise_and_a_student_answers_it(page, browser, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 1800})  # the whole dialog, QR code included
    open_playground(page, app_url, to_query(QUAD))
    page.get_by_role("button", name="Exercise", exact=True).click()
    dialog = page.locator("[role=dialog]")
    dialog.get_by_label("Wording (empty: the words below)").fill(WORDING)
    dialog.get_by_label("Explanation, shown after they answer").fill(EXPLANATION)
    dialog.get_by_label("Explanation, shown after they answer").press("Control+Enter")
    dialog.locator("code").filter(has_text="ex=").wait_for(timeout=60_000)
    dialog.locator("[data-testid=stImage] img").wait_for()
    wait_for_app(page)
    page.wait_for_timeout(500)
    dialog.screenshot(path=str(SHOTS / "teacher-dialog.png"))
    link = dialog.locator("code").filter(has_text="ex=").inner_text().strip()
    assert dict(parse_qsl(urlsplit(link).query))["steps"] == "100"

    student = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    student.on("pageerror", lambda err: errors.append(str(err)))
    student.goto(link)
    wait_for_app(student)
    student.wait_for_selector(f"{PLAYER}[data-ready='1']", state="attached", timeout=60_000)
    box = student.locator(".st-key-pg-exercise")
    assert WORDING in box.inner_text()
    legend = student.locator(".ovz-legend").inner_text()
    assert legend.count(HIDDEN_STATUS) == 3 and player(student)["step"] == "0"
    assert student.locator(".ovz-results").count() == 0
    steps = student.locator("[data-testid=stSidebar] [data-testid=stNumberInput]").filter(has_text="Steps")
    assert steps.locator("input").is_disabled()
    student.screenshot(path=str(SHOTS / "student-before.png"))

    truth = QUAD.label(oracle_answer(QUAD, Question("lowest")))
    box.get_by_text(truth, exact=True).click()
    box.get_by_role("button", name="Submit answer").click()
    student.get_by_text("Right.").wait_for(timeout=60_000)
    student.wait_for_selector(".ovz-results", timeout=60_000)
    student.wait_for_function("s => Number(document.querySelector(s).dataset.step) > 0", arg=PLAYER, timeout=30_000)
    assert EXPLANATION in box.inner_text() and HIDDEN_STATUS not in student.locator(".ovz-legend").inner_text()
    student.wait_for_timeout(1500)  # the run plays on
    student.screenshot(path=str(SHOTS / "student-after.png"))
    box.screenshot(path=str(SHOTS / "exercise-box.png"))
    assert errors == [] and page.errors == []
