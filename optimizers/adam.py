"""Adam (Kingma & Ba, 2015).

m ← β1 m + (1-β1) g;  v ← β2 v + (1-β2) g²;  m̂ = m/(1-β1ᵗ);  v̂ = v/(1-β2ᵗ);
θ ← θ - η m̂ / (√v̂ + ε).  ε is outside the root, as in the paper, optax and torch.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from gradscape.optimizers.base import (
    GradientTransformation,
    Hyper,
    LearningRate,
    OptimizerInfo,
    Scalar,
    Updates,
    chain,
    safe_increment,
    scale_by_learning_rate,
    tree_map,
    zeros_like,
)
from gradscape.optimizers.moments import bias_correction, update_moment


class ScaleByAdamState(NamedTuple):
    """Step count and the first and second moment estimates."""

    count: jax.Array
    mu: jax.Array
    nu: jax.Array


def scale_by_adam(b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8) -> GradientTransformation:
    """Emits m̂ / (√v̂ + ε); the bias corrections are scalars shared by a whole batch."""

    def init(params):
        return ScaleByAdamState(jnp.zeros([], jnp.int32), zeros_like(params), zeros_like(params))

    def update(grads, state, params=None):
        del params
        count = safe_increment(state.count)
        mu = update_moment(grads, state.mu, b1, 1)
        nu = update_moment(grads, state.nu, b2, 2)
        return adam_step(mu, nu, count, b1, b2, eps), ScaleByAdamState(count, mu, nu)

    return GradientTransformation(init, update)


def adam_step(mu: Updates, nu: Updates, count: jax.Array, b1: Scalar, b2: Scalar, eps: Scalar) -> Updates:
    """m̂ / (√v̂ + ε) from the moments after `count` updates (the direction Adam's relatives reuse)."""
    return tree_map(lambda m, v: m / (jnp.sqrt(v) + eps), bias_correction(mu, b1, count), bias_correction(nu, b2, count))


def adam(learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8) -> GradientTransformation:
    """θ ← θ - η m̂ / (√v̂ + ε)."""
    return chain(scale_by_adam(b1, b2, eps), scale_by_learning_rate(learning_rate))


B1 = Hyper("b1", 0.9, 0.0, 0.999, label="β1", help="decay of the first moment (momentum)")
B2 = Hyper("b2", 0.999, 0.0, 0.99999, label="β2", help="decay of the second moment")
EPS = Hyper("eps", 1e-8, 1e-12, 1e-1, log=True, label="ε", help="added to the denominator")

ADAM_INFO = OptimizerInfo(
    key="adam",
    name="Adam",
    family="adaptive moment",
    build=adam,
    hypers=(B1, B2, EPS),
    rule_latex=(
        r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\;"
        r"\hat m_t = \frac{m_t}{1-\beta_1^t},\; \hat v_t = \frac{v_t}{1-\beta_2^t},\;"
        r"\theta_t = \theta_{t-1} - \eta_t \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
    ),
    reference="D. P. Kingma, J. Ba. Adam: A Method for Stochastic Optimization. ICLR 2015",
    default_lr=1e-1,
)
