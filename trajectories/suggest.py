"""A sensible learning rate for a run on a landscape, found by trying a ladder of rates.

Every rate of the ladder, and the run's own, runs the run's optimizer and schedule from one start
for the steps shown (one vmapped program, `api.sweep`, final points only). Rates that diverge or
leave the domain are out; of the rest, those whose final loss is within NEAR_BEST of the best
progress (from the start's loss down to the best final loss) get as far as any. The run's own rate
stays when it is one of them; otherwise the smallest of them is chosen: the calmest rate that still
gets as far as any in the time shown, so the run visibly moves and arrives, away from the edge of
stability.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import jax.numpy as jnp
import numpy as np

import landscapes
from trajectories import api, engine
from trajectories.scenario import RunSpec

NEAR_BEST = 1e-4


def sensible_rate(landscape: str, run: RunSpec, start: tuple[float, float], steps: int, rates: tuple[float, ...]) -> float | None:
    """The run's own rate when it gets as far as any of `rates` (ascending) from `start` in `steps` steps,
    else the smallest of `rates` that does; None when every one fails."""
    return _sensible(landscape, replace(run, learning_rate=run.lr, label="", color="", enabled=True, batch_size=None),
                     start, steps, rates)


@functools.lru_cache(maxsize=512)
def _sensible(landscape: str, run: RunSpec, start: tuple[float, float], steps: int, rates: tuple[float, ...]) -> float | None:
    ladder = (*rates, run.lr)  # one length for every run: one compiled program
    final = api.sweep(landscape, run.optimizer, {"learning_rate": ladder}, starts=[start], steps=steps, hyper=dict(run.hyper),
                      schedule=run.schedule, schedule_params=dict(run.schedule_params))
    f = landscapes.get(landscape).f
    loss = np.asarray(f(jnp.asarray(np.moveaxis(final.positions[:, 0], -1, 0))), float)
    ok = ~np.isin(final.status[:, 0], (engine.DIVERGED, engine.LEFT_DOMAIN)) & np.isfinite(loss)
    if not ok.any():
        return None
    best = loss[ok].min()
    first = float(f(jnp.asarray(start, jnp.float32)))
    near = ok & (loss <= best + NEAR_BEST * max(first - best, 0.0))
    if near[-1]:
        return run.lr
    return float(min(ladder[k] for k in np.flatnonzero(near)))
