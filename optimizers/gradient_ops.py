"""Transforms that change the gradient before an optimizer sees it.

Clipping by norm: g ← g · min(1, c/‖g‖) (Pascanu, Mikolov & Bengio 2013); by value: each
coordinate into [-c, c]. Adaptive gradient clipping (Brock et al. 2021): the bound is relative to
the weights, g ← g · c·max(‖θ‖, 10⁻³)/‖g‖ when ‖g‖ exceeds it. Gradient centralization (Yong et
al. 2020): g ← g - mean(g). Gradient noise (Neelakantan et al. 2015): g ← g + N(0, σₜ²) with
σₜ² = a/(1+t)^γ, t = 0 for the first update.

A "layer" is one trajectory's 2-vector: norms and means reduce over the coordinate axis only.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from gradscape.optimizers.base import (
    EmptyState,
    GradientTransformation,
    Params,
    Scalar,
    coord_mean,
    coord_norm,
    safe_increment,
    tree_map,
)


def _stateless(fn) -> GradientTransformation:
    """A transform whose update is `fn(grads, params)`."""

    def init(params: Params) -> EmptyState:
        del params
        return EmptyState()

    def update(grads, state, params=None):
        return fn(grads, params), state

    return GradientTransformation(init, update)


def clip_by_norm(max_norm: Scalar) -> GradientTransformation:
    """g ← g · min(1, c/‖g‖), per trajectory."""

    def clip(g: jax.Array) -> jax.Array:
        norm = coord_norm(g)
        return jnp.where(norm > max_norm, g * (max_norm / jnp.where(norm > 0, norm, 1.0)), g)

    return _stateless(lambda grads, params: tree_map(clip, grads))


def clip_by_value(max_value: Scalar) -> GradientTransformation:
    """Each coordinate of g into [-c, c]."""
    return _stateless(lambda grads, params: tree_map(lambda g: jnp.clip(g, -max_value, max_value), grads))


def adaptive_grad_clip(clipping: Scalar, eps: Scalar = 1e-3) -> GradientTransformation:
    """AGC: where ‖g‖ > c·max(‖θ‖, eps), g ← g · c·max(‖θ‖, eps)/‖g‖ (needs params)."""

    def clip(g: jax.Array, p: jax.Array) -> jax.Array:
        bound = clipping * jnp.maximum(coord_norm(p), eps)
        norm = coord_norm(g)
        return jnp.where(norm > bound, g * (bound / jnp.maximum(norm, 1e-6)), g)

    return _stateless(lambda grads, params: tree_map(clip, grads, params))


def centralize(strength: Scalar = 1.0) -> GradientTransformation:
    """g ← g - s·mean(g) over the coordinates; s = 1 is gradient centralization, 0 turns it off.

    On a 2-vector this removes the component along (1, 1): the step has gx + gy = 0.
    """
    return _stateless(lambda grads, params: tree_map(lambda g: g - strength * coord_mean(g), grads))


class NoiseState(NamedTuple):
    """Updates done so far and the PRNG key of the next draw."""

    count: jax.Array
    key: jax.Array


def add_gradient_noise(a: Scalar, gamma: Scalar, seed: Scalar) -> GradientTransformation:
    """g ← g + N(0, a/(1+t)^γ), t = 0, 1, …; `seed` may be a traced whole number."""

    def init(params: Params) -> NoiseState:
        del params
        return NoiseState(jnp.zeros([], jnp.int32), jax.random.PRNGKey(jnp.asarray(seed).astype(jnp.int32)))

    def update(grads, state, params=None):
        del params
        key, draw = jax.random.split(state.key)
        leaves, treedef = jax.tree_util.tree_flatten(grads)
        keys = jax.random.split(draw, len(leaves))

        def noisy(g, k):
            variance = a / (1.0 + state.count.astype(g.dtype)) ** gamma
            return g + jnp.sqrt(variance) * jax.random.normal(k, g.shape, g.dtype)

        out = jax.tree_util.tree_unflatten(treedef, [noisy(g, k) for g, k in zip(leaves, keys)])
        return out, NoiseState(safe_increment(state.count), key)

    return GradientTransformation(init, update)
