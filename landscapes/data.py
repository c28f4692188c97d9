"""Finite-sum landscapes: the loss of a model over a fixed synthetic data set.

Linear regression with θ = (w, b): L(w, b) = Σᵢ sᵢ (w xᵢ + b - yᵢ)², where the weights sᵢ are
1/n for the full batch and a seeded draw of B samples (weight 1/B each) for a mini-batch. The
data are drawn once with NumPy's seeded generator, so every machine sees the same set.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from gradscape.landscapes.base import DataSet

N_SAMPLES, TRUE_W, TRUE_B, NOISE, SEED = 256, 2.0, 1.0, 0.5, 2024


def _make_regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    x = rng.normal(0.0, 1.0, N_SAMPLES)
    y = TRUE_W * x + TRUE_B + rng.normal(0.0, NOISE, N_SAMPLES)
    return x, y


REG_X, REG_Y = _make_regression_data()


def least_squares() -> tuple[float, float]:
    """The exact minimizer (w*, b*) of the full-batch loss, from the normal equations."""
    A = np.stack([REG_X, np.ones_like(REG_X)], axis=1)
    w, b = np.linalg.lstsq(A, REG_Y, rcond=None)[0]
    return float(w), float(b)


def regression_weighted_loss(p, weights):
    """Σᵢ sᵢ (w xᵢ + b - yᵢ)² for every (w, b) in p at once."""
    x = jnp.asarray(REG_X, weights.dtype)
    y = jnp.asarray(REG_Y, weights.dtype)
    residual = p[0][..., None] * x + p[1][..., None] - y
    return jnp.sum(weights * residual**2, axis=-1)


def linear_regression(p):
    """Mean squared error over the whole data set (full batch)."""
    dtype = jnp.result_type(p)
    return regression_weighted_loss(p, jnp.full((N_SAMPLES,), 1.0 / N_SAMPLES, dtype))


REGRESSION_DATA = DataSet(tuple(REG_X.tolist()), tuple(REG_Y.tolist()), regression_weighted_loss)


def reddi(x, t, C: float = 3.0):
    """Reddi et al. (2018) online problem: fₜ(x) = C x if t mod 3 = 1 else -x, t from 1."""
    slope = jnp.where(jnp.mod(t, 3) == 1, C, -1.0)
    return slope * x[0]
