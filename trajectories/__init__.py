"""The engine: the only package that orchestrates jit, lax.scan, vmap and sharding.

Importing it changes no JAX setting: whoever runs it (the app, the tests, a benchmark) calls
`trajectories.runtime.configure()` first (float64 runs need JAX's x64 switched on).
"""

from gradscape.trajectories.api import FinalRecord, RunRecord, final_points, prepare, run, schedule_curve, sweep
from gradscape.trajectories.engine import MAX_STEPS, STATUS_NAMES, STEP_BUCKETS

__all__ = ["FinalRecord", "RunRecord", "final_points", "prepare", "run", "schedule_curve", "sweep", "MAX_STEPS", "STATUS_NAMES", "STEP_BUCKETS"]
