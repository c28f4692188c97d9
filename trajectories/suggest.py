"""A sensible learning rate for a run on a landscape, found by trying a ladder of rates.

Every rate of the ladder, and the run's own, runs the run's optimizer and schedule from one start
for the steps shown (one vmapped program, `api.sweep`). A rate is calm when it neither diverges nor
leaves the domain and its loss never climbs more than CALM of the progress range (from the start's
loss down to the best final loss) above the start's: large rates that reach a low loss by chance,
after flying across the map, are not. Of the calm rates, those whose final loss is within NEAR_BEST
of that range from the best get as far as any. The run's own rate stays when it is one of them;
otherwise the smallest of them is chosen: the calmest rate that still gets as far as any in the
time shown.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np

from gradscape.trajectories import api, engine
from gradscape.trajectories.scenario import RunSpec

CALM = 0.1
NEAR_BEST = 1e-4


def sensible_rate(landscape: str, run: RunSpec, start: tuple[float, float], steps: int, rates: tuple[float, ...]) -> float | None:
    """The run's own rate when it is calm and gets as far as any calm one of `rates` from `start` in
    `steps` steps, else the smallest calm one of `rates` that does; None when none is calm."""
    return _sensible(landscape, replace(run, learning_rate=run.lr, label="", color="", enabled=True, batch_size=None),
                     start, steps, rates)


@functools.lru_cache(maxsize=512)
def _sensible(landscape: str, run: RunSpec, start: tuple[float, float], steps: int, rates: tuple[float, ...]) -> float | None:
    ladder = (*rates, run.lr)  # one length for every run: one compiled program
    records = api.sweep(landscape, run.optimizer, {"learning_rate": ladder}, record=True, starts=[start], steps=steps,
                        hyper=dict(run.hyper), schedule=run.schedule, schedule_params=dict(run.schedule_params))
    losses = np.stack([r.losses[0] for r in records]).astype(float)  # (rates, steps + 1)
    status = np.array([r.status[0] for r in records])
    ok = ~np.isin(status, (engine.DIVERGED, engine.LEFT_DOMAIN)) & np.isfinite(losses).all(axis=1)
    if not ok.any():
        return None
    first, final = losses[0, 0], losses[:, -1]
    span = max(first - final[ok].min(), 0.0)
    calm = ok & (losses.max(axis=1, initial=-np.inf, where=np.isfinite(losses)) <= first + CALM * span)
    if not calm.any():
        return None
    best = final[calm].min()
    near = calm & (final <= best + NEAR_BEST * max(first - best, 0.0))
    if near[-1]:
        return run.lr
    return float(min(ladder[k] for k in np.flatnonzero(near)))
