"""The shared moment helpers (optimizers/moments.py) against NumPy, and the catalogue's use of them.

Oracles: a NumPy transcription of β m + (1-β) gᵖ and of m / (1 - βᵗ), and the closed form of a
zero-started EMA after t steps, debiased: the weighted mean of g₁ᵖ … gₜᵖ with weights βᵗ⁻ⁱ (its
weights sum to (1-βᵗ)/(1-β), which is what the bias correction divides out). Which optimizers must
use the helpers is read from the update rule each shows on its page, not from the code.
"""

from __future__ import annotations

import re

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradscape import optimizers
from gradscape.optimizers.moments import bias_correction, bias_denominator, update_moment
from gradscape.optimizers.source import called_sources

SETTINGS = settings(max_examples=60, deadline=None)
VALUES = st.floats(-1e3, 1e3, allow_subnormal=False)  # XLA on CPU flushes subnormals to 0
DECAYS = st.floats(0.0, 0.9999)
ORDERS = st.sampled_from([1, 2, 3])


def arrays(shape):
    return hnp.arrays(np.float64, shape, elements=VALUES)


@SETTINGS
@given(g=arrays((2, 3)), m=arrays((2, 3)), h=arrays(4), n=arrays(4), decay=DECAYS, order=ORDERS)
def test_update_moment_is_the_ema_of_the_power_on_every_leaf(g, m, h, n, decay, order):
    got = update_moment({"a": jnp.asarray(g), "b": jnp.asarray(h)}, {"a": jnp.asarray(m), "b": jnp.asarray(n)}, decay, order)
    for key, grad, moment in (("a", g, m), ("b", h, n)):
        want = decay * moment + (1 - decay) * np.power(grad, order)
        np.testing.assert_allclose(np.asarray(got[key]), want, rtol=1e-14, atol=1e-300)


@SETTINGS
@given(m=arrays((2, 5)), decay=DECAYS, count=st.integers(1, 100_000))
def test_bias_correction_divides_by_one_minus_decay_to_the_count(m, decay, count):
    got = bias_correction(jnp.asarray(m), decay, jnp.asarray(count, jnp.int32))
    np.testing.assert_allclose(np.asarray(got), m / (1 - decay**count), rtol=1e-12)
    np.testing.assert_allclose(float(bias_denominator(decay, jnp.asarray(count, jnp.int32), jnp.float64)),
                               1 - decay**count, rtol=1e-12)


@SETTINGS
@given(data=st.data(), decay=st.floats(0.0, 0.999), order=ORDERS, steps=st.integers(1, 40))
def test_a_debiased_ema_from_zero_is_the_weighted_mean_of_the_powers(data, decay, order, steps):
    grads = data.draw(hnp.arrays(np.float64, (steps, 2, 3), elements=st.floats(-10.0, 10.0)))
    moment = jnp.zeros((2, 3), jnp.float64)
    for g in grads:
        moment = update_moment(jnp.asarray(g), moment, decay, order)
    got = np.asarray(bias_correction(moment, decay, jnp.asarray(steps, jnp.int32)))
    powers = np.power(grads, order)
    want = np.average(powers, axis=0, weights=decay ** np.arange(steps - 1, -1, -1.0))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12 * np.max(np.abs(powers), initial=1.0))


def test_a_constant_gradient_is_estimated_exactly_from_the_first_step():
    """Debiasing is what makes m̂ = g at t = 1 and ever after, though m itself starts near 0."""
    g = jnp.asarray([3.0, -0.5], jnp.float64)
    moment = jnp.zeros(2, jnp.float64)
    for t in range(1, 6):
        moment = update_moment(g, moment, 0.9, 2)
        assert float(moment[0]) == pytest.approx(9 * (1 - 0.9**t), rel=1e-14)
        np.testing.assert_allclose(np.asarray(bias_correction(moment, 0.9, jnp.asarray(t))), [9.0, 0.25], rtol=1e-14)


def test_per_trajectory_decays_and_the_leaf_dtype_are_kept():
    """β may be one value per trajectory (trailing axis); float32 moments stay float32."""
    decay = jnp.asarray([[0.5, 0.9, 0.99]], jnp.float32)
    m = jnp.ones((2, 3), jnp.float32)
    out = bias_correction(update_moment(jnp.full((2, 3), 2.0, jnp.float32), m, decay, 1), decay, jnp.asarray(3))
    assert out.dtype == jnp.float32
    b = np.array([0.5, 0.9, 0.99])
    np.testing.assert_allclose(np.asarray(out), np.broadcast_to((b + (1 - b) * 2.0) / (1 - b**3), (2, 3)), rtol=1e-6)


# An EMA in the rule shown: (1-β)·… or (1-ρ)·…, or a moment estimate m̂ or v̂; a bias correction:
# 1-βᵗ or m̂ or v̂.
EMA_IN_RULE = re.compile(r"\(1-\\(?:beta|rho)|\\hat (?:m|v)")
DEBIAS_IN_RULE = re.compile(r"1-\\beta_\d\^t|\\hat (?:m|v)")


@pytest.mark.parametrize("key", sorted(optimizers.REGISTRY))
def test_every_optimizer_whose_rule_has_an_ema_or_a_bias_correction_uses_the_shared_helpers(key):
    info = optimizers.get(key)
    used = {source.name for source in called_sources(info) if source.module == "gradscape.optimizers.moments"}
    assert ("update_moment" in used) == bool(EMA_IN_RULE.search(info.rule_latex)), (used, info.rule_latex)
    assert bool(used & {"bias_correction", "bias_denominator"}) == bool(DEBIAS_IN_RULE.search(info.rule_latex)), (
        used, info.rule_latex)
