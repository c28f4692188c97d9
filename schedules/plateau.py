"""Reduce on plateau: the loss-driven piecewise decay (seed 003, table 2, "loss").

Semantics are those of torch.optim.lr_scheduler.ReduceLROnPlateau(mode='min',
threshold_mode='rel', eps=1e-8). A loss ℓ improves on the best so far when ℓ < best·(1 - δ);
after more than `patience` steps without improvement the rate is multiplied by α (not below
η_min), and the next `cooldown` steps count no bad steps. With a negative best, the relative
test accepts a loss slightly above it, as torch's does.

Timing: the engine calls `advance` for update k with ℓ_k, the mean loss at the position the
update starts from (ℓ_0 is the loss at the start point), and uses the rate it returns for that
same update. The rate for update k therefore equals torch's `param_groups[0]['lr']` read after
`scheduler.step(ℓ_0)`, …, `scheduler.step(ℓ_k)`.
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
from jax.typing import ArrayLike

from gradscape.hyper import Hyper
from gradscape.schedules.base import Array, ScheduleInfo, as_rate_dtype, steps_hyper
from gradscape.schedules.smooth import MIN_RATIO

TORCH_EPS = 1e-8  # reductions smaller than this (in absolute rate) are skipped, as in torch


class PlateauState(NamedTuple):
    """Best loss so far, bad steps in a row, cooldown steps left, current rate as a fraction of η₀."""

    best: Array
    bad: Array
    cooldown: Array
    scale: Array


def init_state() -> PlateauState:
    """No loss seen yet (best = +∞), no bad steps, no cooldown, rate η₀."""
    return PlateauState(
        best=jnp.asarray(jnp.inf, jnp.float64),
        bad=jnp.zeros([], jnp.int32),
        cooldown=jnp.zeros([], jnp.int32),
        scale=jnp.ones([], jnp.float64),
    )


def advance(
    state: PlateauState,
    k: ArrayLike,
    T: ArrayLike,
    lr: ArrayLike,
    loss: ArrayLike,
    factor: ArrayLike,
    patience: ArrayLike,
    threshold: ArrayLike,
    cooldown: ArrayLike,
    min_ratio: ArrayLike,
) -> tuple[Array, PlateauState]:
    """Feed ℓ_k, then return the rate for update k: η₀·scale, scale ← max(α·scale, η_min/η₀) on a plateau."""
    del k, T
    better = loss < state.best * (1.0 - threshold)
    best = jnp.where(better, loss, state.best)
    bad = jnp.where(better, 0, state.bad + 1)
    cooling = state.cooldown > 0
    left = jnp.where(cooling, state.cooldown - 1, state.cooldown)
    bad = jnp.where(cooling, 0, bad)
    plateau = bad > patience
    reduced = jnp.maximum(state.scale * factor, min_ratio)
    applies = plateau & (lr * (state.scale - reduced) > TORCH_EPS)
    scale = jnp.where(applies, reduced, state.scale)
    left = jnp.where(plateau, cooldown, left).astype(state.cooldown.dtype)
    bad = jnp.where(plateau, 0, bad).astype(state.bad.dtype)
    (rate,) = as_rate_dtype(lr, lr * scale)
    return rate, PlateauState(best.astype(state.best.dtype), bad, left, scale.astype(state.scale.dtype))


PLATEAU = ScheduleInfo(
    key="plateau",
    name="reduce on plateau",
    family="piecewise decay",
    fn=None,
    params=(
        Hyper("factor", 0.1, 0.01, 0.99, label="α", help="factor applied at each plateau"),
        steps_hyper("patience", 10, "patience", "steps without improvement tolerated before a drop", low=0),
        Hyper("threshold", 1e-4, 0.0, 0.5, label="δ", help="relative improvement that counts as progress"),
        steps_hyper("cooldown", 0, "cooldown", "steps after a drop during which no bad steps count", low=0),
        MIN_RATIO,
    ),
    latex=(
        r"\eta_k = \begin{cases} \max(\alpha\,\eta_{k-1}, \eta_{min}) & \text{no } \ell_j < (1-\delta)\,\ell_{best}"
        r" \text{ for more than } \Delta t \text{ steps} \\ \eta_{k-1} & \text{otherwise} \end{cases}"
    ),
    reference=(
        "K. He, X. Zhang, S. Ren, J. Sun. Deep Residual Learning for Image Recognition. CVPR 2016; "
        "S. Pouyanfar, S.-C. Chen. T-LRA: Trend-Based Learning Rate Annealing. BigMM 2017"
    ),
    when="When no timetable fits: let the loss decide, dropping the rate each time progress stalls.",
    init_state=init_state,
    advance=advance,
)
