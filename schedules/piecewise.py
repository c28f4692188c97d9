"""Piecewise decays on a fixed timetable (seed 003, table 2).

The loss-driven member of the family, reduce-on-plateau, is stateful and lives in plateau.py.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax.typing import ArrayLike

from gradscape.hyper import Hyper
from gradscape.schedules.base import Array, ScheduleInfo, as_rate_dtype, safe_div, steps_hyper


def step(k: ArrayLike, T: ArrayLike, lr: ArrayLike, alpha: ArrayLike, step_size: ArrayLike) -> Array:
    """η = η₀ α^⌊k/Δt⌋ (torch StepLR with gamma = α, step_size = Δt)."""
    (k,) = as_rate_dtype(lr, k)
    del T
    return lr * alpha ** jnp.floor(k / step_size)


def milestone(k: Array, T: Array, fraction: ArrayLike) -> Array:
    """1 once the update k has reached the milestone t = ⌊m T + ½⌋ (m a fraction of the run), else 0."""
    return (k >= jnp.floor(fraction * T + 0.5)).astype(k.dtype)


def multistep(
    k: ArrayLike,
    T: ArrayLike,
    lr: ArrayLike,
    m1: ArrayLike,
    m2: ArrayLike,
    m3: ArrayLike,
    alpha1: ArrayLike,
    alpha2: ArrayLike,
    alpha3: ArrayLike,
) -> Array:
    """η = η₀ ∏ αᵢ over the milestones tᵢ ≤ k, tᵢ = ⌊mᵢ T + ½⌋ (torch MultiStepLR when all αᵢ = γ).

    Each factor applies from its own milestone on, so the order of m1, m2, m3 does not matter.
    """
    k, T = as_rate_dtype(lr, k, T)
    factor = 1.0
    for m, a in ((m1, alpha1), (m2, alpha2), (m3, alpha3)):
        factor = factor * a ** milestone(k, T, m)
    return lr * factor


def linear_then_constant(k: ArrayLike, T: ArrayLike, lr: ArrayLike, decay_steps: ArrayLike, end_ratio: ArrayLike) -> Array:
    """η = (1 - k/t₁)η₀ + (k/t₁)η₁ for k < t₁, then η₁ (Goodfellow et al., Deep Learning §8.3.1)."""
    k, t1 = as_rate_dtype(lr, k, decay_steps)
    del T
    frac = jnp.clip(safe_div(k, t1), 0.0, 1.0)
    return (1.0 - frac) * lr + frac * (end_ratio * lr)


def _milestone_hyper(i: int, default: float) -> Hyper:
    return Hyper(f"m{i}", default, 0.0, 1.0, label=f"m{i}", help=f"milestone {i} as a fraction of the run")


def _factor_hyper(i: int) -> Hyper:
    return Hyper(f"alpha{i}", 0.1, 0.01, 1.0, label=f"α{i}", help=f"factor applied from milestone {i} on")


STEP = ScheduleInfo(
    key="step",
    name="step",
    family="piecewise decay",
    fn=step,
    params=(
        Hyper("alpha", 0.5, 0.01, 1.0, label="α", help="factor applied every Δt steps"),
        steps_hyper("step_size", 100, "Δt", "steps between two drops"),
    ),
    latex=r"\eta_k = \eta_0\,\alpha^{\lfloor k/\Delta t \rfloor}",
    reference="A. Krizhevsky, I. Sutskever, G. Hinton. ImageNet Classification with Deep Convolutional Neural Networks. NeurIPS 2012",
    when="The classic staircase: drop the rate by α at regular intervals once progress slows.",
)

MULTISTEP = ScheduleInfo(
    key="multistep",
    name="multi-step",
    family="piecewise decay",
    fn=multistep,
    params=(
        _milestone_hyper(1, 0.5),
        _milestone_hyper(2, 0.75),
        _milestone_hyper(3, 0.9),
        _factor_hyper(1),
        _factor_hyper(2),
        _factor_hyper(3),
    ),
    latex=(
        r"\eta_k = \eta_0 \prod_{i:\ t_i \le k} \alpha_i,\quad t_i = \lfloor m_i T + \tfrac12 \rfloor"
    ),
    reference="D. Han, J. Kim, J. Kim. Deep Pyramidal Residual Networks. CVPR 2017",
    when="Hand-placed drops at chosen points of the run, as in most ImageNet and CIFAR recipes.",
)

LINEAR_THEN_CONSTANT = ScheduleInfo(
    key="linear-then-constant",
    name="linear decay then constant",
    family="piecewise decay",
    fn=linear_then_constant,
    params=(
        steps_hyper("decay_steps", 200, "t₁", "steps of the linear decay"),
        Hyper("end_ratio", 0.1, 0.0, 1.0, label="η₁/η₀", help="rate held after t₁, as a fraction of η₀"),
    ),
    latex=(
        r"\eta_k = \begin{cases} \left(1 - \frac{k}{t_1}\right)\eta_0 + \frac{k}{t_1}\eta_1 & k < t_1 \\"
        r" \eta_1 & k \ge t_1 \end{cases}"
    ),
    reference=(
        "I. Goodfellow, Y. Bengio, A. Courville. Deep Learning, §8.3.1. MIT Press 2016; "
        "M. Li, E. Yumer, D. Ramanan. Budgeted Training. ICLR 2020"
    ),
    when="Decay quickly to a small rate near the minimum, then keep it: the textbook SGD recipe.",
)
