"""SWATS: switch from Adam to SGD (Keskar & Socher 2017, Algorithm 1).

Adam phase: pₜ = -η m̂ₜ/(√v̂ₜ + ε), θ ← θ + pₜ. Where pₜᵀgₜ ≠ 0 the SGD rate that would move
as far along pₜ is estimated by projection, γₜ = pₜᵀpₜ / (-pₜᵀgₜ), and averaged,
λₜ = β2 λₜ₋₁ + (1-β2) γₜ. At the first step t > 1 where |λₜ/(1-β2ᵗ) - γₜ| < tol the run switches,
for good, to SGD with momentum at the rate Λ = λₜ/(1-β2ᵗ):

SGD phase: v ← β1 v + g (v = 0 at the switch), θ ← θ - (1-β1) Λ v.

The projections are over one trajectory's 2-vector (one "layer"), so each trajectory switches on
its own; the switch is a boolean in the state. As in Algorithm 1, Λ is fixed once learned: a
learning-rate schedule no longer applies after the switch. Two departures from Algorithm 1: the
switch also needs Λ > 0 (γ is negative when the Adam step points uphill, and SGD with a negative
rate would climb), and Adam's ε is outside √v̂ (Algorithm 1 adds it to √v before the bias
correction). The tolerance is absolute, so whether and when a run switches depends on the scale
of γ (about η/|g|): the paper's 10⁻⁹ rarely fires on these landscapes.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from gradscape.optimizers.adam import B1, B2, EPS, ScaleByAdamState, scale_by_adam
from gradscape.optimizers.base import (
    GradientTransformation,
    Hyper,
    LearningRate,
    OptimizerInfo,
    Scalar,
    learning_rate_at,
    zeros_like,
)
from gradscape.optimizers.moments import bias_correction, update_moment


class SwatsState(NamedTuple):
    """Adam's state, the projected-rate average λ, the SGD rate Λ, the switch and SGD's buffer v.

    λ, Λ and the switch hold one value per trajectory (shape (1, …)).
    """

    adam: ScaleByAdamState
    rate_avg: jax.Array
    sgd_rate: jax.Array
    switched: jax.Array
    velocity: jax.Array


def swats(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8, switch_tol: Scalar = 1e-5
) -> GradientTransformation:
    """Adam until the projected SGD rate settles, then θ ← θ - (1-β1) Λ v with v ← β1 v + g.

    Params are one array (coordinates on axis 0), as everywhere in the app.
    """
    adam = scale_by_adam(b1, b2, eps)

    def init(params):
        scalar = jnp.zeros_like(params[:1])  # one value per trajectory
        return SwatsState(adam.init(params), scalar, scalar, scalar.astype(bool), zeros_like(params))

    def update(grads, state, params=None):
        del params
        eta = learning_rate_at(learning_rate, state.adam.count)
        direction, adam_state = adam.update(grads, state.adam)
        p = -eta * direction
        pg = jnp.sum(p * grads, axis=0, keepdims=True)
        projected = pg != 0
        gamma = jnp.sum(p * p, axis=0, keepdims=True) / jnp.where(projected, -pg, 1.0)
        rate_avg = jnp.where(projected, update_moment(gamma, state.rate_avg, b2, 1), state.rate_avg)
        corrected = bias_correction(rate_avg, b2, adam_state.count)
        settle = projected & (adam_state.count > 1) & (corrected > 0) & (jnp.abs(corrected - gamma) < switch_tol)
        switch_now = settle & ~state.switched

        velocity = jnp.where(state.switched, b1 * state.velocity + grads, 0.0)
        sgd_step = -(1 - b1) * state.sgd_rate * velocity
        updates = jnp.where(state.switched, sgd_step, p)
        new_state = SwatsState(
            adam_state,
            rate_avg,
            jnp.where(switch_now, corrected, state.sgd_rate),
            state.switched | switch_now,
            velocity,
        )
        return updates, new_state

    return GradientTransformation(init, update)


SWATS_INFO = OptimizerInfo(
    key="swats",
    name="SWATS (Adam → SGD)",
    family="multi-buffer / wrappers",
    build=swats,
    hypers=(
        B1,
        B2,
        EPS,
        Hyper("switch_tol", 1e-5, 1e-12, 1.0, log=True, label="ε_switch", help="switch when |λ/(1-β2ᵗ) - γ| is below this"),
    ),
    rule_latex=r"p_t = -\eta_t \frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon},\; \gamma_t = \frac{p_t^\top p_t}{-p_t^\top g_t},\;"
    r"\lambda_t = \beta_2\lambda_{t-1} + (1-\beta_2)\gamma_t;\; \text{if } \Big|\frac{\lambda_t}{1-\beta_2^t} - \gamma_t\Big| "
    r"< \epsilon:\ \Lambda = \frac{\lambda_t}{1-\beta_2^t},\ v_t = \beta_1 v_{t-1} + g_t,\ \theta_t = \theta_{t-1} - (1-\beta_1)\Lambda v_t",
    reference="N. S. Keskar, R. Socher. Improving Generalization Performance by Switching from Adam to SGD. "
    "arXiv:1712.07628, 2017",
    default_lr=1e-1,
    notes="The paper's switch tolerance is 1e-9; on a 2-D landscape the estimate rarely settles that finely, so "
    "the default here is 1e-5 (absolute, so it depends on the scale of γ ≈ η/|g|: with η = 0.1 Rosenbrock "
    "switches near step 200, the quadratic not within 500 steps). The switch also requires Λ > 0. After the "
    "switch the schedule no longer applies (Algorithm 1 keeps Λ). Each trajectory switches on its own.",
)
