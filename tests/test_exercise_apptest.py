"""AppTest: exercises on the pages — every question kind asked with its paths held back, graded right
and wrong against the NumPy re-runs (tests/test_exercise_questions.py), then revealed; locks honoured
against hand-edited links and the widgets; every hostile token of tests/test_exercise_links.py through
the Playground with no exception; the Sweeps and Lessons exercises; the teacher's forms."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gradscape import landscapes
from gradscape.classroom import exercise, links
from gradscape.classroom.exercise import HIDDEN, LOCKED
from gradscape.classroom.questions import Question
from gradscape.trajectories.scenario import from_query
from gradscape.viz.player import HIDDEN_STATUS
from tests.test_exercise_links import hostile_tokens
from tests.test_exercise_questions import PEAKS, QUAD, RATES, SADDLE, oracle_answer, oracle_path, oracle_rate, reddi_adam_x
from tests.test_networks_page_apptest import player_payload

APP = Path(__file__).resolve().parent.parent / "navigation.py"
SECRET = "secret of the exercise page tests"
KEY = SECRET.encode()
LOCKS = {"steps": LOCKED, "run.lr": LOCKED}


@pytest.fixture(scope="module", autouse=True)
def server_secret():
    """The server's secret for this module's AppTests (they run in this process)."""
    old = os.environ.get(links.SECRET_ENV)
    os.environ[links.SECRET_ENV] = SECRET
    yield
    if old is None:
        del os.environ[links.SECRET_ENV]
    else:
        os.environ[links.SECRET_ENV] = old


def student_link(page: str, state, q: Question, locks=LOCKS) -> dict[str, str]:
    ex = exercise.make(page, state, locks, q)
    return ex.link(ex.page.clean(state), KEY)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_link(query: dict[str, str], page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    if page:
        at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    return run(at)


def query_of(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def graded(at: AppTest) -> tuple[bool, str]:
    """(right, text) of the grade the page shows."""
    shown = [(True, m.value) for m in at.success if m.value.startswith("**Right.**")]
    shown += [(False, m.value) for m in at.error if m.value.startswith("**Not quite.**")]
    (grade,) = shown
    return grade


def paths_hidden(at: AppTest) -> bool:
    """Whether the player holds the start points only (one kept step a path), each path's end unsaid."""
    runs = player_payload(at)["runs"]
    return all(r["keepAt"] == list(range(r["n"] + 1)) and r["status"] == [HIDDEN_STATUS] * r["n"] for r in runs)


def answer(at: AppTest, prefix: str, kind_answer, value) -> AppTest:
    if kind_answer == "number":
        at.text_input(key=f"{prefix}.ex.number").input(repr(float(value)))
    elif kind_answer == "click":
        at.session_state[f"{prefix}.ex.click"] = tuple(value)  # what the map's click handler stores
    else:
        at.radio(key=f"{prefix}.ex.pick").set_value(value)
    at.button(key=f"{prefix}.ex.submit").click()
    return run(at)


def wrong_answer(s, q: Question, truth):
    from gradscape.classroom import questions

    kind = questions.KINDS[q.kind].answer
    if kind == "number":
        return truth * 3
    if kind == "click":
        minima = landscapes.get(s.landscape).minima
        return next(m.xy for k, m in enumerate(minima) if k != truth)
    return next(o for o in questions.options(q, questions.Experiment(scenario=s)) if o != truth)


PLAYGROUND_CASES = [
    (QUAD, Question("lowest")), (QUAD, Question("first")), (QUAD, Question("diverges")),
    (QUAD, Question("steps", run=1)), (QUAD, Question("loss", run=1)), (SADDLE, Question("end", run=0, start=1)),
    (PEAKS, Question("minimum", run=0)), (PEAKS, Question("click", run=1)),
]


@pytest.mark.parametrize("s, q", PLAYGROUND_CASES, ids=lambda v: getattr(v, "kind", getattr(v, "landscape", "")))
def test_each_question_kind_is_asked_hidden_then_graded_and_revealed(s, q):
    from gradscape.classroom import questions

    kind = questions.KINDS[q.kind].answer
    truth = oracle_answer(s, q)
    right = oracle_path(s, q.run, q.start)[-1] + (0.05, -0.05) if kind == "click" else truth
    at = open_link(student_link("playground", s, q))
    assert paths_hidden(at) and not at.get("html")  # no paths, no results table
    assert any(m.value.startswith("**:material/quiz: Exercise.**") for m in at.markdown)
    at = answer(at, "pg", kind, wrong_answer(s, q, truth))
    assert graded(at)[0] is False
    assert not paths_hidden(at) and at.get("html") and player_payload(at)["play"] == "reveal-1"
    at.session_state["pg.ex.graded"] = None  # the same student answers again
    at = answer(run(at), "pg", kind, right)
    ok, text = graded(at)
    assert ok, text
    assert player_payload(at)["play"] == "reveal-2"


def test_a_hand_edited_link_gets_the_whole_exercise_back():
    q = Question("lowest")
    good = student_link("playground", QUAD, q, {"steps": LOCKED, "run.lr": HIDDEN, "view": LOCKED})
    edited = {**good, "steps": "300", "r1": "sgd;lr=0.3", "logy": "0"}  # two locked values and a free one
    at = open_link(edited)
    (reset,) = [w.value for w in at.warning if "edited by hand" in w.value]
    assert "steps" in reset and "learning rate" in reset
    back, warnings = from_query({k: v for k, v in query_of(at).items() if k != "ex"})
    assert back == QUAD and warnings == [] and query_of(at)["ex"] == good["ex"]  # all of it, the free value too


def test_locked_controls_are_disabled_hidden_ones_absent_and_changes_refused():
    q = Question("lowest")
    at = open_link(student_link("playground", QUAD, q, {"steps": LOCKED, "run.lr": HIDDEN, "seed": HIDDEN}))
    steps = at.sidebar.number_input(key="pg.steps")
    assert steps.disabled and steps.label.startswith(":material/lock:") and steps.help == "Locked by your teacher."
    assert "pg.seed" not in {w.key for w in at.sidebar.number_input}
    assert not any(w.key.startswith("pg.r0.lr") for w in at.sidebar.text_input)  # the hidden rate is not drawn
    assert "pg.add" not in {b.key for b in at.sidebar.button}  # locking a run field locks the list of runs
    assert not at.sidebar.toggle(key="pg.logy").disabled
    at.session_state["pg.steps"] = 300  # a forged value in the locked widget, read back by a free one's change:
    at.sidebar.toggle(key="pg.logy").set_value(False)  # the guard refuses the whole change
    run(at)
    assert from_query({k: v for k, v in query_of(at).items() if k != "ex"})[0] == QUAD
    assert any("steps: locked by your teacher" in e.value for e in at.error)
    at.sidebar.toggle(key="pg.logy").set_value(False)
    assert query_of(run(at))["logy"] == "0"  # a free control changes as usual
    at = answer(at, "pg", "run", oracle_answer(QUAD, q))
    at.button(key="pg.ex.free").click()  # "Try it yourself"
    run(at)
    assert "ex" not in query_of(at) and not at.sidebar.number_input(key="pg.steps").disabled
    at.sidebar.number_input(key="pg.steps").set_value(150)
    assert query_of(run(at))["steps"] == "150"


def test_hostile_tokens_give_a_message_and_a_usable_page():
    """Every hostile token of the link tests, and a few hostile values of `ex` itself, through one
    Playground session (a new token is read afresh): never an exception, always a message in words,
    the token dropped from the link, the page drawn."""
    valid = exercise.make("playground", QUAD, LOCKS, Question("lowest"))
    tokens = [t for _, t in hostile_tokens(valid)]
    tokens += ["", "<script>alert(1)</script>", "[x](http://evil.example)", "é🚀" * 50, "9" * 100_000]
    at = open_link({"ls": "quadratic"})
    for token in tokens:
        at.query_params.clear()
        at.query_params.update({**exercise.PAGES["playground"].write(QUAD), "ex": token})
        run(at)
        messages = [w.value for w in at.warning]
        assert any("changed or damaged" in m or "cannot be used" in m for m in messages), (token[:60], messages)
        assert "ex" not in query_of(at) and player_payload(at)["runs"]
        assert not any(m.value.startswith("**:material/quiz:") for m in at.markdown)


def test_wording_is_shown_as_escaped_text():
    q = Question("lowest", wording="<b>bold</b> **x** [win](http://evil.example)", explanation="<i>why</i>")
    at = open_link(student_link("playground", QUAD, q))
    (shown,) = [m.value for m in at.markdown if m.value.startswith("**:material/quiz: Exercise.**")]
    assert r"\<b\>bold\</b\> \*\*x\*\* \[win\](http:" in shown
    at = answer(at, "pg", "run", oracle_answer(QUAD, q))
    assert any(r"\<i\>why\</i\>" in m.value for m in at.info)


def test_the_sweeps_page_asks_for_the_largest_converging_rate():
    q = Question("rate", run=0)
    at = open_link(student_link("sweeps", RATES, q, {"rates": LOCKED}), "pages/sweeps.py")
    assert not at.get("plotly_chart")  # the sweep's chart waits for the answer
    assert at.sidebar.select_slider(key=f"sw.sw.rates.range.{RATES.rates[0]:.6g},{RATES.rates[1]:.6g}").disabled
    at = answer(at, "sw", "number", oracle_rate() * 2.5)
    assert graded(at)[0] is False and at.get("plotly_chart")
    at.session_state["sw.ex.graded"] = None
    at = answer(run(at), "sw", "number", oracle_rate())
    assert graded(at)[0] is True


def test_a_lesson_exercise_holds_back_the_verdict_until_the_answer():
    from gradscape.classroom.lesson_questions import LESSON_QUESTIONS

    slug = "adam-amsgrad-reddi"
    at = open_link(student_link("lessons", slug, LESSON_QUESTIONS[slug], {}), "pages/lessons.py")
    assert "lesson.slug" not in {s.key for s in at.selectbox}  # the lesson is fixed
    assert not any("This run:" in m.value for m in [*at.success, *at.warning, *at.error])
    at = answer(at, "lesson", "number", -reddi_adam_x())  # AMSGrad's end, not Adam's
    assert graded(at)[0] is False
    at.session_state["lesson.ex.graded"] = None
    at = answer(run(at), "lesson", "number", reddi_adam_x())
    assert graded(at)[0] is True
    assert any(m.value.startswith("**This run: confirmed**") for m in at.success)


def test_the_teacher_form_gives_a_link_the_student_page_reads():
    def form():
        import streamlit as st

        from gradscape.trajectories.scenario import RunSpec, Scenario
        from gradscape.ui.exercise import teacher_form

        st.session_state.setdefault("pg.teach.kind", "diverges")
        teacher_form("playground", Scenario("quadratic", runs=(RunSpec("sgd", 0.1), RunSpec("momentum", 0.05),
                                                                RunSpec("sgd", 0.6)), steps=100), "pg")

    at = AppTest.from_function(form, default_timeout=120)
    run(at)
    (code,) = [c.value for c in at.code]
    token = code.split("ex=")[1]
    ex = exercise.read(token, KEY)
    assert ex.question.kind == "diverges" and ex.base == QUAD
    assert ex.locks["steps"] == LOCKED and "view" not in ex.locks  # what decides the numbers starts locked
    assert any("SGD · η=0.6" in s.value for s in at.success)  # the engine's answer, for the teacher
    (qr,) = at.get("image")  # the QR code, an SVG
    svg = base64.b64decode(qr.proto.imgs[0].url.removeprefix("data:image/svg+xml;base64,")).decode()
    assert svg.count("<path") >= 1 and 'class="segno"' in svg
    at.selectbox(key="pg.teach.kind").set_value("steps")
    run(at).selectbox(key="pg.teach.run").set_value(0)  # SGD η=0.1 never gets within 1e-3
    run(at)
    assert not at.code and any("no clear answer" in w.value for w in at.warning)


def test_use_as_exercise_offers_each_lessons_question():
    def form():
        from gradscape.ui.exercise import lesson_form

        lesson_form("saddle-points")

    at = run(AppTest.from_function(form, default_timeout=120))
    (code,) = [c.value for c in at.code]
    ex = exercise.read(code.split("ex=")[1], KEY)
    assert ex.base == "saddle-points" and ex.question.kind == "end"
    assert "left the map" in at.success[0].value
