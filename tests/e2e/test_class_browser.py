"""A class in headless Chromium: the teacher starts it on the Class page, two students join in browser
contexts of their own and submit from the Playground, the projected board shows both paths and the
aggregate without a reload, pause freezes a student's controls, names stay hidden until shown, a
snapshot is presented, and the CSV download holds both entries."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode
from pathlib import Path

import pytest

from tests.e2e.harness import wait_for_app
from gradscape.ui.classroom import PAUSED

pytestmark = pytest.mark.browser
PLOTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((p) => JSON.stringify(p.data))"""
SHOTS = Path("/tmp/gradscape-class-shots")


def student(browser, app_url: str, code: str, name: str, start: str | None = None):
    """A student's own browser: the join link, a name, then the Playground's class bar (and a start of their own)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.goto(f"{app_url}/join?code={code}")
    wait_for_app(page)
    page.get_by_role("textbox", name="Your name, as the class will see it").fill(name)
    page.get_by_role("button", name="Join").click()
    page.get_by_role("button", name="Submit my run").wait_for(timeout=90_000)
    wait_for_app(page)
    if start is not None:
        box = page.locator("[data-testid=stSidebar]").get_by_role("textbox", name="Start point(s)")
        box.fill(start)
        box.press("Enter")
        page.wait_for_function("s => new URLSearchParams(location.search).get('start') === s", arg=start.replace(" ", ""))
        wait_for_app(page)
    return context, page


def submit(page) -> None:
    page.get_by_role("button", name="Submit my run").click()
    page.get_by_text(re.compile(r"Sent: your run is entry #\d+")).wait_for(timeout=60_000)


def test_a_class_on_the_projector(page, browser, app_url):
    SHOTS.mkdir(exist_ok=True)
    board = page
    board.set_viewport_size({"width": 1600, "height": 1000})
    board.goto(f"{app_url}/class")
    wait_for_app(board)
    board.get_by_role("textbox", name="Title").fill("Which minimum do you reach?")
    board.get_by_role("button", name="Start the class").click()
    board.wait_for_url(re.compile(r"code=[2-9A-Z]{6}$"))
    code = board.url.rsplit("=", 1)[1]
    assert "token" not in board.url
    board.get_by_role("button", name="I saved it").click()
    wait_for_app(board)

    ana_context, ana = student(browser, app_url, code, "Ana")
    ben_context, ben = student(browser, app_url, code, "Ben", start="1.5, -0.5")
    submit(ana)
    submit(ben)
    board.get_by_text("2 students · 2 entries").wait_for(timeout=10_000)  # no reload: the board's fragment polls
    board.screenshot(path=str(SHOTS / "board-first.png"))
    board.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=30_000)
    plots = board.evaluate(PLOTS)
    assert len(plots) >= 3  # every path, the class's starts, rates against losses
    assert plots[0].count("null") >= 2 and "Ana" not in "".join(plots) and "Student 1" in "".join(plots)
    board.screenshot(path=str(SHOTS / "board.png"))

    board.get_by_text("Show names").click()
    board.get_by_text("names shown").wait_for()
    wait_for_app(board)
    assert "Ana" in "".join(board.evaluate(PLOTS)) and "Ben" in "".join(board.evaluate(PLOTS))

    board.get_by_text("Pause the class").click()
    board.get_by_text("paused", exact=True).wait_for()
    ana.get_by_role("button", name="Submit my run").click()  # drawn before the pause: refused, and the page freezes
    ana.get_by_text(PAUSED).first.wait_for()
    wait_for_app(ana)
    assert ana.get_by_role("button", name="Submit my run").count() == 0
    frozen = ana.evaluate("""() => getComputedStyle(document.querySelector('[data-testid=stSidebarUserContent]')).pointerEvents""")
    assert frozen == "none"
    ana.screenshot(path=str(SHOTS / "paused.png"))

    sidebar = board.locator("[data-testid=stSidebar]")
    sidebar.get_by_role("button", name="Pin", exact=True).click()
    board.get_by_text(re.compile(r"Snapshots: #\d+")).wait_for()
    board.get_by_text("Present the snapshots").click()
    board.get_by_text(re.compile(r"Snapshot 1 of 1: #\d+ · Ben")).wait_for()
    board.screenshot(path=str(SHOTS / "snapshot.png"))

    with board.expect_download() as download:
        sidebar.get_by_role("button", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert sorted(r["name"] for r in rows) == ["Ana", "Ben"] and {r["landscape"] for r in rows} == {"rosenbrock"}
    assert sorted((r["start_x"], r["start_y"]) for r in rows if r["name"] == "Ben") == [("1.5", "-0.5")]
    for p in (board, ana, ben):
        assert p.locator("[data-testid=stException]").count() == 0
    assert board.errors == ana.errors == ben.errors == []
    ana_context.close()
    ben_context.close()


def test_a_seat_survives_a_reload_and_the_class_exercise_is_graded_at_the_reveal(page, browser, app_url, app_data, monkeypatch):
    """A student reloads and keeps their seat (a cookie); answers the class's exercise from the class bar and waits
    for the reveal while the board shows the predictions; after it, both see the grade; leaving deletes the seat."""
    from gradscape.classroom import exercise, links
    from gradscape.classroom.questions import Experiment, Question, option_label
    from tests.test_exercise_questions import PEAKS, oracle_answer

    SHOTS.mkdir(exist_ok=True)
    monkeypatch.setenv("GRADSCAPE_DATA_DIR", str(app_data))  # the server's secret, which signs its exercises
    monkeypatch.delenv(links.SECRET_ENV, raising=False)
    q = Question("minimum", run=0)
    made = exercise.make("playground", PEAKS, {}, q)
    link = f"{app_url}/?{urlencode(made.link(made.page.clean(PEAKS), links.secret()))}"
    right = option_label(q, Experiment(scenario=PEAKS), oracle_answer(PEAKS, q))

    board = page
    board.set_viewport_size({"width": 1600, "height": 1000})
    board.goto(f"{app_url}/class")
    wait_for_app(board)
    board.get_by_role("textbox", name="Title").fill("Predict: where does SGD end?")
    board.get_by_role("textbox", name="Exercise link (optional)").fill(link)
    board.get_by_role("button", name="Start the class").click()
    board.wait_for_url(re.compile(r"code=[2-9A-Z]{6}$"))
    code = board.url.rsplit("=", 1)[1]
    board.get_by_role("button", name="I saved it").click()

    context, ana = student(browser, app_url, code, "Ana")
    ana.reload()
    wait_for_app(ana)
    ana.get_by_text("You are Ana").wait_for(timeout=60_000)  # the seat came back from the cookie
    with context.expect_page() as opened:  # a new tab: it takes the seat from the cookie too
        ana.get_by_text("Answer the class's exercise").click()
    playground, ana = ana, opened.value
    ana.errors = []
    ana.on("pageerror", lambda err: ana.errors.append(str(err)))
    ana.get_by_text("your first answer goes to your class's board").wait_for(timeout=60_000)
    wait_for_app(ana)
    ana.get_by_text(right, exact=True).click()
    ana.get_by_role("button", name="Submit answer").click()
    ana.get_by_text(f"is on class {code}'s board").wait_for(timeout=60_000)
    assert ana.get_by_text("Right.").count() == 0 and ana.get_by_role("button", name="Submit answer").count() == 0
    ana.screenshot(path=str(SHOTS / "exercise-sent.png"))

    board.get_by_text("1 student · 1 entry").wait_for(timeout=30_000)
    board.get_by_text("Predictions").wait_for()
    wait_for_app(board)
    board.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1", timeout=30_000)
    plots = "".join(board.evaluate(PLOTS))
    assert right.split(" (")[0] in plots and "✓" not in plots
    board.screenshot(path=str(SHOTS / "board-predictions.png"))
    board.get_by_text("Reveal the answers").click()
    board.get_by_text("Exercise leaderboard").wait_for(timeout=30_000)
    wait_for_app(board)
    board.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some((p) => JSON.stringify(p.data).includes('✓'))",
                            timeout=30_000)
    board.screenshot(path=str(SHOTS / "board-revealed.png"))

    ana.get_by_role("button", name="Check again").click()
    ana.get_by_text("Right.").wait_for(timeout=60_000)
    wait_for_app(ana)
    ana.screenshot(path=str(SHOTS / "exercise-revealed.png"))
    ana.goto(f"{app_url}/join")
    wait_for_app(ana)
    ana.get_by_role("button", name="Leave this class").click()
    ana.get_by_role("textbox", name="Your name, as the class will see it").wait_for()
    ana.wait_for_function("() => !document.cookie.includes('gradscape_seat=')", timeout=10_000)
    ana.reload()
    wait_for_app(ana)
    ana.get_by_role("textbox", name="Your name, as the class will see it").wait_for()
    assert board.errors == ana.errors == playground.errors == []
    context.close()
