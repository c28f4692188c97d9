"""A start point dragged on the 2-D map (AppTest): the player's `drag` = {index, x, y} moves that start only,
checked like a link's start and rounded to a thousandth of the domain; anything else is a note and the
scenario stays; where an exercise locks the start points, the page offers no drag and refuses one."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gradscape.classroom.exercise import LOCKED
from gradscape.classroom.questions import Question
from gradscape.trajectories.scenario import Scenario, from_query, to_query
from tests.test_exercise_apptest import open_link, server_secret, student_link  # noqa: F401 (the secret's fixture)
from tests.test_exercise_questions import QUAD
from tests.test_networks_page_apptest import player_payload

TIMEOUT = 120
# Rosenbrock's domain is x ∈ [-2, 2], y ∈ [-1, 3]: 4 wide, so a dropped point keeps 3 decimals.
TWO = Scenario(starts=((-1.5, 2.0), (1.0, -0.5)))


def _drop(drag, locked: bool) -> None:
    """A Playground session (its link: TWO) whose player reported the drop `drag` (anything the browser sent)."""
    from types import SimpleNamespace

    import streamlit as st

    from gradscape.classroom.exercise import FREE, LOCKED
    from gradscape.ui.run_editor import Editor, drag_handler
    from gradscape.ui.state import ScenarioState

    state = ScenarioState("pg")
    state.load()
    editor = Editor(state, "pg")
    editor.mark = lambda key: LOCKED if locked and key == "start" else FREE
    st.session_state["pg.player"] = SimpleNamespace(drag=drag)
    drag_handler(editor, "pg.player")()
    for text in editor.pop_notes():
        st.error(text)


def dropped(drag, locked: bool = False) -> tuple[Scenario, list[str]]:
    """(the scenario the link holds after the drop, the notes shown)."""
    at = AppTest.from_function(_drop, args=(drag, locked), default_timeout=TIMEOUT)
    for k, v in to_query(TWO).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    scenario, warnings = from_query({k: at.query_params[k] for k in at.query_params})
    assert warnings == []
    return scenario, [e.value for e in at.error]


@pytest.mark.parametrize("index, point, moved", [
    (1, (0.123456, 2.71828), (0.123, 2.718)),
    (0, (-1.9994, -0.9996), (-1.999, -1.0)),  # rounded onto the domain's edge: still inside
])
def test_a_drop_moves_that_start_rounded_and_keeps_the_others(index, point, moved):
    s, notes = dropped({"index": index, "x": point[0], "y": point[1]})
    expected = list(TWO.starts)
    expected[index] = moved
    assert s.starts == tuple(expected) and notes == []
    assert s.runs == TWO.runs


@pytest.mark.parametrize("drag, words", [
    ({"index": 2, "x": 0.0, "y": 0.0}, "not there"),
    ({"index": -1, "x": 0.0, "y": 0.0}, "not there"),
    ({"index": True, "x": 0.0, "y": 0.0}, "not there"),
    ({"index": "1", "x": 0.0, "y": 0.0}, "not there"),
    ({"index": 1, "x": 2.5, "y": 0.0}, "outside the domain"),
    ({"index": 1, "x": "nan", "y": 0.0}, "not 'x,y'"),
    ({"index": 1, "x": None, "y": 0.0}, "unreadable"),
    ({"index": 1, "x": 10**400, "y": 0.0}, "unreadable"),
])
def test_a_bad_drop_leaves_a_note_and_the_scenario(drag, words):
    s, notes = dropped(drag)
    assert s == TWO and len(notes) == 1 and words in notes[0], notes


def test_a_malformed_report_changes_nothing_silently():
    assert dropped([1, 0.0, 0.0]) == (TWO, [])


def test_locked_start_points_refuse_a_drop():
    s, notes = dropped({"index": 1, "x": 0.5, "y": 0.5}, locked=True)
    assert s == TWO and notes == ["The start points are locked by your teacher; the drag changes nothing."]


def test_the_playground_offers_the_drag_unless_an_exercise_locks_the_starts():
    free = open_link(to_query(TWO))
    assert player_payload(free)["draggable"] is True
    locked = open_link(student_link("playground", QUAD, Question("lowest"), {"start": LOCKED}))
    data = player_payload(locked)
    assert "draggable" not in data and data["clickable"] is False
