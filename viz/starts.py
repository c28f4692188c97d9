"""One run's paths told apart by where they start: the run's trajectories as runs of their own, each
labelled by its start point and drawn in its own colour, for a view (a lesson) whose runs start
from several points that the player would otherwise draw in one colour. No Streamlit here.

The trajectories are cut from the run's own record, not run again, so they are exactly the paths
the run draws (noise and mini-batches included).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gradscape.trajectories.api import RunRecord
from gradscape.trajectories.scenario import MAX_RUNS, Scenario
from gradscape.viz.player import RunTrace, record_trace


def _number(v: float) -> str:
    return f"{v:g}".replace("-", "−")


def start_words(point: tuple[float, float]) -> str:
    """A start point as a legend names it: 'from (−3, 0.01)'."""
    return f"from ({_number(point[0])}, {_number(point[1])})"


def path_labels(points: tuple[tuple[float, float], ...]) -> list[str]:
    """Each path's legend label: its start, numbered where several paths share one (noisy runs)."""
    words = [start_words(p) for p in points]
    return [f"{w} #{j + 1}" if words.count(w) > 1 else w for j, w in enumerate(words)]


def starts_summary(points: tuple[tuple[float, float], ...]) -> str:
    """The start points in words, a repeated one once with its count: '(−3, 0); (−3, 0.1)', '(0.3, 0.32) ×8'."""
    words = [start_words(p).removeprefix("from ") for p in points]
    return "; ".join(w if words.count(w) == 1 else f"{w} ×{words.count(w)}" for w in dict.fromkeys(words))


def one_trajectory(rec: RunRecord, j: int) -> RunRecord:
    """Trajectory j of a record as a record of its own."""
    cut = {name: value[j:j + 1] for name, value in vars(rec).items() if isinstance(value, np.ndarray)}
    return replace(rec, **cut, state={name: value[j:j + 1] for name, value in rec.state.items()})


def by_start(s: Scenario, i: int, trace: RunTrace) -> tuple[Scenario, list[tuple[int, RunTrace]]]:
    """Run i of `s` (its `trace`) as one run per start point (the first MAX_RUNS): a scenario whose runs
    are labelled by their start (see `path_labels`) and coloured by the palette, and their traces, for the player."""
    points = s.start_points[:MAX_RUNS]
    run = s.runs[i]
    runs = tuple(replace(run, label=label, color="", enabled=True) for label in path_labels(points))
    return replace(s, runs=runs), [(j, record_trace(one_trajectory(trace.record, j))) for j in range(len(points))]
