"""Constant rate and smooth decays."""

from __future__ import annotations

import jax.numpy as jnp

from optimizers.base import Hyper
from schedules.base import ScheduleInfo, as_rate_dtype


def constant(k, T, lr):
    """η = η₀."""
    (k,) = as_rate_dtype(lr, k)
    del T
    return jnp.ones_like(k) * lr


def cosine(k, T, lr, min_ratio=0.0):
    """η = η_min + ½(η₀ - η_min)(1 + cos(π k / T)), held at η_min after T (Loshchilov & Hutter)."""
    k, T = as_rate_dtype(lr, k, T)
    frac = jnp.clip(k / T, 0.0, 1.0)
    lr_min = min_ratio * lr
    return lr_min + 0.5 * (lr - lr_min) * (1.0 + jnp.cos(jnp.pi * frac))


MIN_RATIO = Hyper("min_ratio", 0.0, 0.0, 1.0, label="η_min/η₀", help="floor as a fraction of η₀")

CONSTANT = ScheduleInfo(
    key="constant",
    name="constant",
    family="constant",
    fn=constant,
    params=(),
    latex=r"\eta_k = \eta_0",
    reference="—",
    when="The baseline: what every schedule is measured against, and best for crossing plateaus.",
)

COSINE = ScheduleInfo(
    key="cosine",
    name="cosine",
    family="smooth decay",
    fn=cosine,
    params=(MIN_RATIO,),
    latex=r"\eta_k = \eta_{min} + \tfrac12(\eta_0 - \eta_{min})\left(1 + \cos\frac{\pi k}{T}\right)",
    reference="I. Loshchilov, F. Hutter. SGDR: Stochastic Gradient Descent with Warm Restarts. ICLR 2017",
    when="A smooth decay with no knobs beyond T: large steps early, fine steps late.",
)
