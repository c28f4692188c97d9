"""The class board's figures (viz/class_board.py) against entries written out by hand on Himmelblau,
whose four minima are known: where an entry ended, the map's traces, the counts, the leaderboard."""

from __future__ import annotations

import json

import pytest

from gradscape.classroom import measure
from gradscape.classroom.board import Submission
from gradscape.viz import class_board as cb
from gradscape.viz.class_board import Drawn

LS = "himmelblau"
MIN_3_2 = "min (3, 2)"  # Himmelblau's minimum at (3, 2), as the Sweeps page's basin map names it


def entry(i: int, who: str, end=(3.0, 2.0), state="at a global minimum", lr=0.01, loss=0.0, answer=None, path=None) -> Drawn:
    path = path or ((0.0, 0.0), (1.5, 1.0), end)
    return Drawn(i, who, Submission(query={"ls": LS}, landscape=LS, optimizer="adam", learning_rate=lr, start=path[0],
                                    end=end, final_loss=loss, end_state=state, path=path, answer=answer))


@pytest.mark.parametrize("end, state, expected", [
    ((3.0, 2.0), "at a global minimum", MIN_3_2),
    ((3.001, 1.999), "at a minimum", MIN_3_2),
    ((0.0, 0.0), "at a minimum", cb.ANOTHER_MINIMUM),  # at rest, but at no minimum the catalogue lists
    ((3.0, 2.0), "still moving", "still moving"),  # near a minimum is not at it
    (None, "diverged", "diverged"),
    ((1.0, 1.0), "at a saddle", "at a saddle"),
    ((3.0, 2.0), None, cb.NOT_MEASURED),
])
def test_an_entry_is_named_by_where_it_ended(end, state, expected):
    assert cb.category(LS, Submission(answer="x", landscape=LS, end=end, end_state=state)) == expected


def test_a_measured_run_into_a_minimum_is_named_by_it():
    sub = measure.submission({"ls": LS, "start": "2,1", "r1": "adam;lr=0.05", "steps": "1000"})
    assert cb.category(LS, sub) == MIN_3_2 and sub.path[0] == (2.0, 1.0)


def test_the_paths_map_draws_each_path_once_with_a_gap_between_paths_and_its_end_marked():
    rows = [entry(1, "a"), entry(2, "b", end=(-2.805118, 3.131312), path=((0.0, 0.0), (-2.805118, 3.131312))),
            entry(3, "c", end=(3.0, 2.0))]
    figure = cb.paths_figure(LS, rows)
    lines = {t["name"]: t for t in figure["data"] if t.get("mode") == "lines"}
    assert set(lines) == {f"{MIN_3_2}: 2", "min (-2.81, 3.13): 1"}
    assert lines[f"{MIN_3_2}: 2"]["x"] == [0.0, 1.5, 3.0, None, 0.0, 1.5, 3.0, None]
    ends = [t for t in figure["data"] if t.get("mode") == "markers" and t.get("legendgroup") == MIN_3_2]
    assert ends[0]["x"] == [3.0, 3.0] and ends[0]["y"] == [2.0, 2.0]
    highlighted = cb.paths_figure(LS, rows, highlight=2)["data"][-1]
    assert highlighted["name"] == "#2" and highlighted["x"] == [0.0, -2.805118, None]


def test_the_map_keeps_the_most_recent_paths_on_its_landscape():
    rows = [entry(i, "s") for i in range(cb.MAX_PATHS + 20)] + [Drawn(9999, "s", Submission(answer="x"))]
    kept = cb.on_map(rows, LS)
    assert len(kept) == cb.MAX_PATHS and kept[0].id == 20 and kept[-1].id == cb.MAX_PATHS + 19
    assert cb.landscapes_by_count(rows) == [(LS, cb.MAX_PATHS + 20)]


def test_the_basin_map_puts_each_start_in_its_ending_colour():
    rows = [entry(1, "a", path=((1.0, 1.0), (3.0, 2.0))), entry(2, "b", state="diverged", end=(9.0, 9.0))]
    starts = [t for t in cb.starts_figure(LS, rows)["data"] if t.get("mode") == "markers" and "marker" in t and t["marker"]["size"] == 11]
    assert [(t["name"], t["x"], t["marker"]["color"]) for t in starts] == [
        (f"{MIN_3_2}: 1", [1.0], cb.colour(LS, MIN_3_2)), ("diverged: 1", [0.0], cb.colour(LS, "diverged"))]


def test_rates_against_loss_gaps_on_log_axes():
    rows = [entry(1, "a", lr=0.001, loss=1e-3), entry(2, "b", lr=0.1, loss=0.5, state="still moving")]
    figure = cb.rates_figure(LS, rows)
    points = sorted((x, y) for t in figure["data"] for x, y in zip(t["x"], t["y"]))
    assert points == [(0.001, 1e-3), (0.1, 0.5)]  # Himmelblau's f* is 0: the gap is the loss
    assert figure["layout"]["xaxis"]["type"] == figure["layout"]["yaxis"]["type"] == "log"


def test_answers_are_counted_most_first_and_the_tail_is_one_bar():
    answers = ["b", "a", "b", "c", "b", "a"] + [f"x{i}" for i in range(cb.MAX_BARS)]
    counted = cb.answer_counts(answers)
    assert counted[:3] == [("b", 3), ("a", 2), ("c", 1)]
    assert len(counted) == cb.MAX_BARS and counted[-1] == (f"{cb.MAX_BARS + 3 - (cb.MAX_BARS - 1)} other answers",
                                                           cb.MAX_BARS + 3 - (cb.MAX_BARS - 1))
    assert sum(n for _, n in counted) == len(answers)
    bars = cb.answers_figure(["<b>3</b>", "<b>3</b>", "2"], right=[False, False, True])["data"][0]
    assert bars["y"] == ["&#60;b&#62;3&#60;/b&#62;", "✓ 2"] and bars["x"] == [2, 1]  # Plotly shows "<b>3</b>"
    assert bars["marker"]["color"] == ["#4c78a8", "#2ca02c"]
    assert "✓" not in json.dumps(cb.answers_figure(["3", "3", "2+"], right=None))  # before the reveal: no marks


def test_number_answers_are_a_histogram_whose_bins_hold_every_answer_and_split_by_grade():
    answers = ["120", "118", "300", "95.5", "120"]
    before = cb.answers_figure(answers)
    assert [t["type"] for t in before["data"]] == ["histogram"] and sorted(before["data"][0]["x"]) == sorted(map(float, answers))
    bins = before["data"][0]["xbins"]
    assert bins["start"] < 95.5 and bins["end"] > 300 and bins["size"] > 0
    after = cb.answers_figure(answers, right=[True, True, False, False, True])
    right, wrong = after["data"]
    assert sorted(right["x"]) == [118.0, 120.0, 120.0] and sorted(wrong["x"]) == [95.5, 300.0]
    assert right["xbins"] == wrong["xbins"] and after["layout"]["barmode"] == "stack"


def test_the_leaderboard_ranks_each_students_best_run():
    rows = [entry(1, "Ana", loss=0.5, state="still moving"), entry(2, "Ana", loss=1e-6), entry(3, "Ben", loss=1e-3),
            entry(4, "Cy", loss=2.0, state="still moving")]
    assert [(r["rank"], r["who"], r["entry"], r["final loss − f*"]) for r in cb.leaderboard(LS, rows)] == [
        (1, "Ana", 2, 1e-6), (2, "Ben", 3, 1e-3), (3, "Cy", 4, 2.0)]


def graded(i: int, who: str, answer: str, right: bool, off: float) -> Drawn:
    return Drawn(i, who, Submission(answer=answer, right=right, off=off))


def test_the_answer_board_counts_first_answers_right_first_then_closest_then_earliest():
    rows = [graded(1, "Ana", "130", False, 0.3), graded(2, "Ben", "101", True, 0.01), graded(3, "Ana", "100", True, 0.0),
            graded(4, "Cy", "99", True, 0.01), graded(5, "Dee", "7", False, 0.93), entry(6, "Eve", loss=0.1)]
    table = cb.answer_board(rows)
    assert [(r["rank"], r["who"], r["entry"], r["right"]) for r in table] == [
        (1, "Ben", 2, True), (2, "Cy", 4, True), (3, "Ana", 1, False), (4, "Dee", 5, False)]  # Ana's second answer is not counted


def test_typed_text_reaches_plotly_escaped():
    row = Drawn(1, "<img src=x onerror=alert(1)> 100%{x}", entry(1, "x").sub)
    text = json.dumps([cb.paths_figure(LS, [row]), cb.starts_figure(LS, [row]), cb.rates_figure(LS, [row])])
    assert "<img" not in text and "%{x}" not in text and "&#60;img src=x onerror=alert(1)&#62; 100&#37;{x}" in text
