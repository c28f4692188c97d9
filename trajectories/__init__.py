"""The engine: the only package that orchestrates jit, lax.scan, vmap and sharding."""

from trajectories.runtime import configure

configure()

from trajectories.api import FinalRecord, RunRecord, final_points, prepare, run, schedule_curve, sweep  # noqa: E402
from trajectories.engine import MAX_STEPS, STATUS_NAMES, STEP_BUCKETS  # noqa: E402

__all__ = ["FinalRecord", "RunRecord", "final_points", "prepare", "run", "schedule_curve", "sweep", "MAX_STEPS", "STATUS_NAMES", "STEP_BUCKETS"]
