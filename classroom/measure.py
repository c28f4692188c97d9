"""A student's run as a class entry: the link is read with the app's own reader, cut to the one path
submitted, and run through the engine here on the server, so what the board shows (where the path
started and ended, its final loss and end state) is what that link draws in the Playground: a
browser sends a link, never numbers."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from gradscape import trajectories
from gradscape.classroom.board import Submission
from gradscape.classroom.errors import Invalid
from gradscape.trajectories import scenario as sc


def _point(p) -> tuple[float, float] | None:
    return (float(p[0]), float(p[1])) if len(p) == 2 else None


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
        final_loss=float(record.losses[0, -1]), end_state=trajectories.STATUS_NAMES[int(record.status[0])])
