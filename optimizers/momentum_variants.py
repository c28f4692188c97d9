"""Momentum with several buffers or a per-layer rate: AggMo, positive-negative momentum, LARS.

Buffers hold gradients and η is applied outside, as for heavy ball (`sgd.trace`).

AggMo (Lucas, Sun, Zemel & Grosse 2019): K heavy-ball buffers with different damping,
    bᵢ ← βᵢ bᵢ + g;  θ ← θ - (η/K) Σᵢ bᵢ.  A large β gives speed, a small one damps oscillation.

Positive-negative momentum (Xie, Yuan, Zhu & Sugiyama 2021): two EMA buffers, each updated every
    other step, mₜ = β1² mₜ₋₂ + (1-β1²) gₜ;  θ ← θ - η ((1+β0) mₜ - β0 mₜ₋₁)/√((1+β0)² + β0²).
    The negative weight on the older buffer injects noise that favours flat minima, at the cost
    of the normaliser √((1+β0)² + β0²).

LARS (You, Gitman & Ginsburg 2017): the update of each layer is rescaled by the trust ratio
    ‖θ‖/‖g + λθ‖ before heavy-ball momentum: m ← μ m + (‖θ‖/‖g + λθ‖)(g + λθ);  θ ← θ - η m.
    One layer is one trajectory's 2-vector, so each step moves about η‖θ‖ whatever ‖g‖ is. The
    ratio is 1 where either norm is 0 (optax.scale_by_trust_ratio); the paper's trust
    coefficient is folded into η. The paper applies η before the momentum buffer (optax.lars
    does too); the two forms agree under a constant η.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import jax
import jax.numpy as jnp

from gradscape.optimizers.base import (
    EmptyState,
    GradientTransformation,
    Hyper,
    LearningRate,
    OptimizerInfo,
    Params,
    Scalar,
    add_decayed_weights,
    chain,
    coord_norm,
    safe_increment,
    scale_by_learning_rate,
    tree_map,
    zeros_like,
)
from gradscape.optimizers.moments import update_moment
from gradscape.optimizers.sgd import MU, trace

FAMILY = "multi-buffer / wrappers"


def scale_by_aggmo(betas: Sequence[Scalar]) -> GradientTransformation:
    """bᵢ ← βᵢ bᵢ + g for each β; emits the mean of the buffers."""
    traces = tuple(trace(beta) for beta in betas)

    def init(params):
        return tuple(t.init(params) for t in traces)

    def update(grads, state, params=None):
        del params
        outs, states = zip(*(t.update(grads, s) for t, s in zip(traces, state)))
        return tree_map(lambda *bs: sum(bs) / len(bs), *outs), tuple(states)

    return GradientTransformation(init, update)


def aggmo(learning_rate: LearningRate, b1: Scalar = 0.0, b2: Scalar = 0.9, b3: Scalar = 0.99) -> GradientTransformation:
    """θ ← θ - (η/3) Σᵢ bᵢ with bᵢ ← βᵢ bᵢ + g."""
    return chain(scale_by_aggmo((b1, b2, b3)), scale_by_learning_rate(learning_rate))


class PNMState(NamedTuple):
    """Step count; the buffer updated at odd steps and the one updated at even steps."""

    count: jax.Array
    odd: Params
    even: Params


def scale_by_pnm(b1: Scalar = 0.9, b0: Scalar = 1.0) -> GradientTransformation:
    """mₜ = β1² mₜ₋₂ + (1-β1²) g in the buffer of step t's parity; emits ((1+β0) mₜ - β0 mₜ₋₁)/√((1+β0)²+β0²)."""

    def init(params):
        return PNMState(jnp.zeros([], jnp.int32), zeros_like(params), zeros_like(params))

    def update(grads, state, params=None):
        del params
        count = safe_increment(state.count)
        odd_step = jnp.mod(count, 2) == 1
        decay = b1 * b1

        def advance(buf, g, mine):
            return jnp.where(mine, update_moment(g, buf, decay, 1), buf)

        odd = tree_map(lambda b, g: advance(b, g, odd_step), state.odd, grads)
        even = tree_map(lambda b, g: advance(b, g, ~odd_step), state.even, grads)
        norm = jnp.sqrt((1 + b0) ** 2 + b0**2)

        def combine(o, e):
            current, previous = jnp.where(odd_step, o, e), jnp.where(odd_step, e, o)
            return ((1 + b0) * current - b0 * previous) / norm

        return tree_map(combine, odd, even), PNMState(count, odd, even)

    return GradientTransformation(init, update)


def pnm(learning_rate: LearningRate, b1: Scalar = 0.9, b0: Scalar = 1.0) -> GradientTransformation:
    """θ ← θ - η ((1+β0) mₜ - β0 mₜ₋₁)/√((1+β0)²+β0²)."""
    return chain(scale_by_pnm(b1, b0), scale_by_learning_rate(learning_rate))


def scale_by_trust_ratio() -> GradientTransformation:
    """u ← u · ‖θ‖/‖u‖ per trajectory; unchanged where either norm is 0."""

    def init(params):
        del params
        return EmptyState()

    def update(updates, state, params=None):
        def scale(u, p):
            p_norm, u_norm = coord_norm(p), coord_norm(u)
            zero = (p_norm == 0) | (u_norm == 0)
            return u * jnp.where(zero, 1.0, p_norm / jnp.where(zero, 1.0, u_norm))

        return tree_map(scale, updates, params), state

    return GradientTransformation(init, update)


def lars(learning_rate: LearningRate, momentum: Scalar = 0.9, weight_decay: Scalar = 0.0) -> GradientTransformation:
    """m ← μ m + (‖θ‖/‖g + λθ‖)(g + λθ);  θ ← θ - η m."""
    return chain(
        add_decayed_weights(weight_decay),
        scale_by_trust_ratio(),
        trace(momentum),
        scale_by_learning_rate(learning_rate),
    )


AGGMO_INFO = OptimizerInfo(
    key="aggmo",
    name="AggMo",
    family=FAMILY,
    build=aggmo,
    hypers=(
        Hyper("b1", 0.0, 0.0, 0.999, label="β⁽¹⁾", help="damping of the first buffer"),
        Hyper("b2", 0.9, 0.0, 0.999, label="β⁽²⁾", help="damping of the second buffer"),
        Hyper("b3", 0.99, 0.0, 0.999, label="β⁽³⁾", help="damping of the third buffer"),
    ),
    rule_latex=r"b_t^{(i)} = \beta^{(i)} b_{t-1}^{(i)} + g_t,\quad \theta_t = \theta_{t-1} - \frac{\eta_t}{K}\sum_{i=1}^{K} b_t^{(i)}",
    reference="J. Lucas, S. Sun, R. Zemel, R. Grosse. Aggregated Momentum: Stability Through Passive Damping. ICLR 2019",
    default_lr=1e-2,
    notes="K = 3 buffers. The paper's form v ← βv - ∇f, θ ← θ + (γ/K) Σ v is the same under a constant rate.",
)

PNM_INFO = OptimizerInfo(
    key="pnm",
    name="Positive-negative momentum",
    family=FAMILY,
    build=pnm,
    hypers=(
        Hyper("b1", 0.9, 0.0, 0.999, label="β1", help="momentum of each buffer (applied as β1² every other step)"),
        Hyper("b0", 1.0, 0.0, 5.0, label="β0", help="weight of the negative (older) buffer"),
    ),
    rule_latex=r"m_t = \beta_1^2 m_{t-2} + (1-\beta_1^2) g_t,\quad \theta_t = \theta_{t-1} - \eta_t "
    r"\frac{(1+\beta_0) m_t - \beta_0 m_{t-1}}{\sqrt{(1+\beta_0)^2 + \beta_0^2}}",
    reference="Z. Xie, L. Yuan, Z. Zhu, M. Sugiyama. Positive-Negative Momentum: Manipulating Stochastic Gradient "
    "Noise to Improve Generalization. ICML 2021",
    default_lr=1e-2,
    notes="The buffer at odd steps and the one at even steps start at 0; β0 = 0 is an EMA momentum with decay "
    "β1² every other step.",
)

LARS_INFO = OptimizerInfo(
    key="lars",
    name="LARS",
    family=FAMILY,
    build=lars,
    hypers=(MU, Hyper("weight_decay", 0.0, 0.0, 0.1, label="λ", help="L2 weight decay inside the trust ratio")),
    rule_latex=r"m_t = \mu m_{t-1} + \frac{\lVert\theta_{t-1}\rVert}{\lVert g_t + \lambda\theta_{t-1}\rVert}"
    r"(g_t + \lambda\theta_{t-1}),\quad \theta_t = \theta_{t-1} - \eta_t m_t",
    reference="Y. You, I. Gitman, B. Ginsburg. Large Batch Training of Convolutional Networks. arXiv:1708.03888, 2017",
    default_lr=1e-2,
    notes="One layer = the 2-vector, so the step length is about η‖θ‖ (times the momentum gain) whatever the "
    "gradient's size; near θ = 0 LARS crawls. Trust coefficient folded into η; ratio ‖θ‖/‖g + λθ‖ as optax "
    "(the paper writes ‖θ‖/(‖g‖ + λ‖θ‖)). The paper and optax.lars put η inside the momentum buffer; same "
    "path under a constant η.",
)
