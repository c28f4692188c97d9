"""Adam with bounded or damped step sizes: AdaMod, AdaBound, AMSBound, DiffGrad.

AdaMod and AdaBound write Adam's step as a per-coordinate rate times the raw first moment,

    ηₜ = η √(1-β2ᵗ) / (1-β1ᵗ) / (√v + ε),    θ ← θ - bound(ηₜ) · m,

with ε added to √v before the bias correction, as in both papers' code, and bound the rate:

AdaMod (Ding, Ren, Luo & Sun 2019): s ← β3 s + (1-β3) ηₜ with s₀ = 0, and θ ← θ - min(ηₜ, s) · m.
    s is a long memory (about 1/(1-β3) steps) of the rates: it caps sudden large rates and, from
    s₀ = 0, acts as an automatic warmup. η is inside s, so under a schedule s remembers past rates.

AdaBound (Luo, Xiong, Liu & Sun 2019): ηₜ is clipped to [η*(1 - 1/(γt+1)), η*(1 + 1/(γt))], bounds
    that tighten from [0, ∞) towards η* = final_lr · η/η₀, turning Adam into SGD with rate η*.
    η₀ is the rate the optimizer was initialised with: the engine passes the base rate to `init`
    (for a schedule callable, its value at step 0), so η* follows a schedule as in the paper's
    code. AMSBound: the same with v replaced by its running maximum (raw v, as that code).

DiffGrad (Dubey et al. 2019): ξ = sigmoid(|g_{t-1} - g_t|) with g₀ = 0, and
    θ ← θ - η ξ m̂ / (√v̂ + ε): Adam's step, damped (ξ → 1/2) where the gradient barely changes.
    ε is Adam's (outside √v̂); the DiffGrad code adds it to √v before the bias correction.

The moments are those of `adam.scale_by_adam`, whose state these transforms carry.
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
    Params,
    Scalar,
    chain,
    learning_rate_at,
    scale_by_learning_rate,
    tree_map,
    zeros_like,
)
from gradscape.optimizers.moments import bias_denominator, update_moment

FAMILY = "adaptive moment"


def _moments(b1: Scalar, b2: Scalar, eps: Scalar):
    """Update Adam's count and moments (its direction is not needed here)."""
    adam = scale_by_adam(b1, b2, eps)

    def advance(grads, state: ScaleByAdamState) -> ScaleByAdamState:
        return adam.update(grads, state)[1]

    return adam.init, advance


def _rates(eta: jax.Array, state: ScaleByAdamState, nu: Params, b1: Scalar, b2: Scalar, eps: Scalar) -> Params:
    """ηₜ = η √(1-β2ᵗ)/(1-β1ᵗ)/(√v + ε), per coordinate."""

    def rate(v):
        c1 = bias_denominator(b1, state.count, v.dtype)
        c2 = bias_denominator(b2, state.count, v.dtype)
        return eta * jnp.sqrt(c2) / c1 / (jnp.sqrt(v) + eps)

    return tree_map(rate, nu)


class AdaModState(NamedTuple):
    """Adam's count and moments, and the running mean s of the rates."""

    adam: ScaleByAdamState
    bound: Params


def adamod(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, b3: Scalar = 0.999, eps: Scalar = 1e-8
) -> GradientTransformation:
    """s ← β3 s + (1-β3) ηₜ;  θ ← θ - min(ηₜ, s) · m."""
    init_moments, advance = _moments(b1, b2, eps)

    def init(params):
        return AdaModState(init_moments(params), zeros_like(params))

    def update(grads, state, params=None):
        del params
        eta = learning_rate_at(learning_rate, state.adam.count)
        adam = advance(grads, state.adam)
        rates = _rates(eta, adam, adam.nu, b1, b2, eps)
        bound = update_moment(rates, state.bound, b3, 1)
        updates = tree_map(lambda r, s, m: -jnp.minimum(r, s) * m, rates, bound, adam.mu)
        return updates, AdaModState(adam, bound)

    return GradientTransformation(init, update)


class AdaBoundState(NamedTuple):
    """Adam's count and moments, the running maximum of v (AMSBound) and the base rate η₀."""

    adam: ScaleByAdamState
    nu_max: Params
    base_lr: jax.Array


def adabound(
    learning_rate: LearningRate,
    final_lr: Scalar = 0.1,
    gamma: Scalar = 1e-3,
    b1: Scalar = 0.9,
    b2: Scalar = 0.999,
    eps: Scalar = 1e-8,
    amsbound: bool = False,
) -> GradientTransformation:
    """θ ← θ - clip(ηₜ, η*(1 - 1/(γt+1)), η*(1 + 1/(γt))) · m,  η* = final_lr · η/η₀."""
    init_moments, advance = _moments(b1, b2, eps)

    def init(params):
        moments = init_moments(params)
        base = jnp.asarray(learning_rate_at(learning_rate, moments.count), jax.tree_util.tree_leaves(params)[0].dtype)
        return AdaBoundState(moments, zeros_like(params), base)

    def update(grads, state, params=None):
        del params
        eta = learning_rate_at(learning_rate, state.adam.count)
        adam = advance(grads, state.adam)
        nu_max = tree_map(jnp.maximum, state.nu_max, adam.nu) if amsbound else adam.nu
        target = final_lr * eta / state.base_lr
        t = gamma * adam.count.astype(state.base_lr.dtype)
        lower, upper = target * (1 - 1 / (t + 1)), target * (1 + 1 / t)
        rates = _rates(eta, adam, nu_max, b1, b2, eps)
        updates = tree_map(lambda r, m: -jnp.clip(r, lower, upper) * m, rates, adam.mu)
        return updates, AdaBoundState(adam, nu_max, state.base_lr)

    return GradientTransformation(init, update)


def amsbound(
    learning_rate: LearningRate,
    final_lr: Scalar = 0.1,
    gamma: Scalar = 1e-3,
    b1: Scalar = 0.9,
    b2: Scalar = 0.999,
    eps: Scalar = 1e-8,
) -> GradientTransformation:
    """AdaBound with v replaced by max(v₁, …, vₜ)."""
    return adabound(learning_rate, final_lr, gamma, b1, b2, eps, amsbound=True)


class DiffGradState(NamedTuple):
    """The previous gradient and Adam's state."""

    prev_grad: Params
    adam: ScaleByAdamState


def scale_by_diffgrad(b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8) -> GradientTransformation:
    """Emits ξ m̂/(√v̂ + ε) with the friction ξ = sigmoid(|g_{t-1} - g_t|)."""
    adam = scale_by_adam(b1, b2, eps)

    def init(params):
        return DiffGradState(zeros_like(params), adam.init(params))

    def update(grads, state, params=None):
        del params
        direction, adam_state = adam.update(grads, state.adam)
        out = tree_map(lambda d, prev, g: jax.nn.sigmoid(jnp.abs(prev - g)) * d, direction, state.prev_grad, grads)
        return out, DiffGradState(grads, adam_state)

    return GradientTransformation(init, update)


def diffgrad(
    learning_rate: LearningRate, b1: Scalar = 0.9, b2: Scalar = 0.999, eps: Scalar = 1e-8
) -> GradientTransformation:
    """θ ← θ - η ξ m̂/(√v̂ + ε)."""
    return chain(scale_by_diffgrad(b1, b2, eps), scale_by_learning_rate(learning_rate))


B3 = Hyper("b3", 0.999, 0.0, 0.99999, label="β3", help="memory of the rate bound s (about 1/(1-β3) steps)")
FINAL_LR = Hyper("final_lr", 0.1, 1e-4, 10.0, log=True, label="η*", help="SGD rate the bounds converge to (at η = η₀)")
GAMMA = Hyper("gamma", 1e-3, 1e-5, 1.0, log=True, label="γ", help="how fast the bounds close in")
RATE_LATEX = r"\eta_t = \frac{\eta\sqrt{1-\beta_2^t}}{(1-\beta_1^t)(\sqrt{v_t}+\epsilon)}"

ADAMOD_INFO = OptimizerInfo(
    key="adamod",
    name="AdaMod",
    family=FAMILY,
    build=adamod,
    hypers=(B1, B2, B3, EPS),
    rule_latex=RATE_LATEX + r",\; s_t = \beta_3 s_{t-1} + (1-\beta_3)\eta_t,\; \theta_t = \theta_{t-1} - \min(\eta_t, s_t)\, m_t",
    reference="J. Ding, X. Ren, R. Luo, X. Sun. An Adaptive and Momental Bound Method for Stochastic Learning. "
    "arXiv:1910.12249, 2019",
    default_lr=5e-1,
    notes="β3 = 0.999 as in the paper (some libraries default to 0.9999); β3 = 0 is Adam with ε on √v. "
    "s₀ = 0 makes the first steps tiny: about a fraction 1-β3ᵗ of Adam's. DiffMod (DiffGrad + AdaMod) "
    "replaces β3 by a memory length.",
)

ADABOUND_INFO = OptimizerInfo(
    key="adabound",
    name="AdaBound",
    family=FAMILY,
    build=adabound,
    hypers=(FINAL_LR, GAMMA, B1, B2, EPS),
    rule_latex=RATE_LATEX + r",\; \theta_t = \theta_{t-1} - \mathrm{clip}\!\left(\eta_t, \eta^*\Big(1-\frac{1}{\gamma t+1}\Big),"
    r" \eta^*\Big(1+\frac{1}{\gamma t}\Big)\right) m_t,\; \eta^* = \text{final\_lr}\,\frac{\eta}{\eta_0}",
    reference="L. Luo, Y. Xiong, Y. Liu, X. Sun. Adaptive Gradient Methods with Dynamic Bound of Learning Rate. "
    "ICLR 2019",
    default_lr=1e-1,
    notes="η₀ is the base learning rate (the one the run starts from); under a schedule η* scales with it as in "
    "the authors' code. No weight decay.",
)

AMSBOUND_INFO = OptimizerInfo(
    key="amsbound",
    name="AMSBound",
    family=FAMILY,
    build=amsbound,
    hypers=(FINAL_LR, GAMMA, B1, B2, EPS),
    rule_latex=r"\hat v_t = \max(\hat v_{t-1}, v_t),\; " + ADABOUND_INFO.rule_latex.replace(r"\sqrt{v_t}", r"\sqrt{\hat v_t}"),
    reference=ADABOUND_INFO.reference,
    default_lr=1e-1,
    notes="AdaBound with AMSGrad's running maximum of the raw v (AdaBound's code).",
)

DIFFGRAD_INFO = OptimizerInfo(
    key="diffgrad",
    name="DiffGrad",
    family=FAMILY,
    build=diffgrad,
    hypers=(B1, B2, EPS),
    rule_latex=r"\xi_t = \frac{1}{1+e^{-|g_{t-1}-g_t|}},\; \theta_t = \theta_{t-1} - \eta_t \frac{\xi_t \hat m_t}{\sqrt{\hat v_t}+\epsilon}",
    reference="S. R. Dubey, S. Chakraborty, S. K. Roy, S. Mukherjee, S. K. Singh, B. B. Chaudhuri. diffGrad: "
    "An Optimization Method for Convolutional Neural Networks. IEEE TNNLS 2019",
    default_lr=1e-1,
    notes="g₀ = 0, so ξ₁ = sigmoid(|g₁|). ε outside √v̂ as Adam; the authors' code adds ε to √v before the bias "
    "correction (a negligible difference unless v is tiny).",
)
