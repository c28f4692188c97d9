"""One run's paths told apart by where they start: the run's trajectories as runs of their own, each
labelled by its start point and drawn in its own colour, for a view (a lesson) whose runs start
from several points that the player would otherwise draw in one colour. No Streamlit here.

The trajectories are cut from the run's own record, not run again, so they are exactly the paths
the run draws (noise and mini-batches included).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from trajectories.api import RunRecord
from trajectories.scenario import MAX_RUNS, Scenario
from viz.player import RunTrace, record_trace


def _number(v: float) -> str:
    return f"{v:g}".replace("-", "−")


def start_words(point: tuple[float, float]) -> str:
    """A start point as a legend names it: 'from (−3, 0.01)'."""
    return f"from ({_number(point[0])}, {_number(point[1])})"


def one_trajectory(rec: RunRecord, j: int) -> RunRecord:
    """Trajectory j of a record as a record of its own."""
    cut = {name: value[j:j + 1] for name, value in vars(rec).items() if isinstance(value, np.ndarray)}
    return replace(rec, **cut, state={name: value[j:j + 1] for name, value in rec.state.items()})


def by_start(s: Scenario, i: int, trace: RunTrace) -> tuple[Scenario, list[tuple[int, RunTrace]]]:
    """Run i of `s` (its `trace`) as one run per start point (the first MAX_RUNS): a scenario whose runs
    are labelled by their start and coloured by the palette, and their traces, for the player."""
    points = s.start_points[:MAX_RUNS]
    run = s.runs[i]
    runs = tuple(replace(run, label=start_words(p), color="", enabled=True) for p in points)
    return replace(s, runs=runs), [(j, record_trace(one_trajectory(trace.record, j))) for j in range(len(points))]
