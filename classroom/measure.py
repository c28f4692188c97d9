"""A student's run as a class entry: the link is read with the app's own reader, cut to the one path
submitted, and run through the engine here on the server, so what the board shows (where the path
started and ended, its final loss and end state, the path itself) is what that link draws in the
Playground: a browser sends a link, never numbers.

The path is kept as PATH_POINTS points at equal distances along it (its first and last always): a
map of 500 paths needs their shapes, not their 5000 steps. Points past the first that is not finite
(a diverged run) are left out."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np

from gradscape import trajectories
from gradscape.classroom.board import Submission
from gradscape.classroom.errors import Invalid
from gradscape.trajectories import scenario as sc


PATH_POINTS = 100


def _point(p) -> tuple[float, float] | None:
    return (float(p[0]), float(p[1])) if len(p) == 2 else None


def along(positions: np.ndarray, most: int = PATH_POINTS) -> np.ndarray:
    """At most `most` of a (T+1, 2) path's points, at equal steps of its length from the first to the
    last finite one (each kept point is a point of the path; a path that stays put keeps its ends)."""
    finite = np.isfinite(positions).all(axis=1)
    points = positions[: len(positions) if finite.all() else int(np.argmin(finite))]
    if len(points) <= most:
        return points
    length = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    picked = np.searchsorted(length, np.linspace(0.0, length[-1], most))
    return points[np.unique(np.concatenate([[0], np.minimum(picked, len(points) - 1), [len(points) - 1]]))]


def submission(query: Mapping[str, str], *, run: int = 0, start: int = 0, answer: str | None = None) -> Submission:
    """Run `run` of the scenario `query` describes, from its start point `start`, as a Submission
    whose link draws that one path (the link's other runs and starts left out, the run switched on)."""
    scenario, _ = sc.from_query(dict(query))
    if not 0 <= run < len(scenario.runs) or not 0 <= start < len(scenario.start_points):
        raise Invalid(f"This link has no run {run + 1} from start {start + 1}.")
    spec = replace(scenario.runs[run], enabled=True)
    one = replace(scenario, runs=(spec,), starts=(scenario.start_points[start],))
    try:
        record = trajectories.run(one.landscape, spec.optimizer, **one.engine_kwargs(0))
    except ValueError as e:
        raise Invalid(f"This run cannot be submitted: {e}") from None
    return Submission(
        query=sc.to_query(one), answer=answer, landscape=one.landscape, optimizer=spec.optimizer,
        learning_rate=spec.lr, start=_point(record.positions[0, 0]), end=_point(record.positions[0, -1]),
        final_loss=float(record.losses[0, -1]), end_state=trajectories.STATUS_NAMES[int(record.status[0])],
        path=tuple(map(_point, along(np.asarray(record.positions[0], np.float64)))))
