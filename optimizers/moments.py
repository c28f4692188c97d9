"""Moment estimates shared by the adaptive optimizers: one place for the EMA and its bias correction.

An exponential moving average started at zero, mₜ = β mₜ₋₁ + (1-β) gₜᵖ, is biased towards 0
early on: its weights on g₁ … gₜ sum to 1 - βᵗ, not 1. Dividing by that sum (Kingma & Ba 2015,
§3) gives the unbiased estimate m̂ₜ = mₜ / (1 - βᵗ). optax's `update_moment` and
`bias_correction` are the model for these signatures. All are pure and work on any pytree, a
single array included; β may be a traced scalar or a per-trajectory array.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from gradscape.optimizers.base import Scalar, Updates, tree_map


def update_moment(updates: Updates, moments: Updates, decay: Scalar, order: int) -> Updates:
    """β m + (1-β) gᵖ leaf by leaf, p = `order`: p = 1 is the mean of g (Adam's m), p = 2 of g² (its v).

    The product is grouped ((1-β) g) gᵖ⁻¹. Float rounding depends on the grouping, and this is the
    one the catalogue's numbers were measured with: values the lessons quote from chaotic runs
    move with the last bit.
    """
    return tree_map(lambda g, m: decay * m + (1 - decay) * g * g ** (order - 1), updates, moments)


def bias_denominator(decay: Scalar, count: jax.Array, dtype: Any) -> jax.Array:
    """1 - β^count, in `dtype`: the total weight a zero-started EMA has put on the `count` values so far."""
    return 1.0 - jnp.asarray(decay, dtype) ** count.astype(dtype)


def bias_correction(moments: Updates, decay: Scalar, count: jax.Array) -> Updates:
    """m / (1 - β^count) leaf by leaf: the EMA `moments` after `count` updates, debiased."""
    return tree_map(lambda m: m / bias_denominator(decay, count, m.dtype), moments)
