"""Per-coordinate adaptive learning rates: AdaGrad, Adadelta, RMSProp (plain and centered).

AdaGrad (Duchi, Hazan & Singer 2011): s ← s + g²;  θ ← θ - η g / (√s + ε).
    torch.optim.Adagrad form: s₀ is a hyperparameter (default 0) and ε is outside the root.
    SPEC's table writes √(s + ε); optax.adagrad puts ε inside the root and starts from s₀ = 0.1,
    so it is not an oracle here. With s₀ = 0 the first step moves every coordinate by η·sign(g).

Adadelta (Zeiler 2012): E[g²] ← ρE[g²] + (1-ρ)g²;  Δ = √(E[Δ²]+ε)/√(E[g²]+ε) · g;
    E[Δ²] ← ρE[Δ²] + (1-ρ)Δ²;  θ ← θ - η Δ.  The paper has no η (η = 1); torch and optax
    (with learning_rate=1.0 passed explicitly) agree with this form.

RMSProp (Tieleman & Hinton 2012): v ← ρv + (1-ρ)g²;  θ ← θ - η g / (√v + ε).
    ε outside the root, as torch.optim.RMSprop; optax.rmsprop defaults to ε inside (its
    eps_in_sqrt=False is this form). Centered (Graves 2013) divides by the running standard
    deviation instead: m ← ρm + (1-ρ)g;  θ ← θ - η g / (√(v - m²) + ε).
    Optional momentum as torch: b ← μb + g/(√v + ε);  θ ← θ - η b (η outside the buffer;
    optax.rmsprop applies η before its momentum trace, which differs under a schedule).
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
    chain,
    full_like,
    scale_by_learning_rate,
    tree_map,
    zeros_like,
)
from gradscape.optimizers.moments import update_moment
from gradscape.optimizers.sgd import trace


class SumOfSquaresState(NamedTuple):
    """AdaGrad's accumulator s = s₀ + Σ g²."""

    sum_of_squares: jax.Array


def scale_by_sum_of_squares(initial_accumulator: Scalar = 0.0, eps: Scalar = 1e-10) -> GradientTransformation:
    """s ← s + g²; emits g / (√s + ε)."""

    def init(params):
        return SumOfSquaresState(full_like(params, initial_accumulator))

    def update(grads, state, params=None):
        del params
        s = tree_map(lambda acc, g: acc + g * g, state.sum_of_squares, grads)
        return tree_map(lambda g, acc: g / (jnp.sqrt(acc) + eps), grads, s), SumOfSquaresState(s)

    return GradientTransformation(init, update)


class AdadeltaState(NamedTuple):
    """Running means of the squared gradient E[g²] and of the squared step E[Δ²]."""

    e_g2: jax.Array
    e_delta2: jax.Array


def scale_by_adadelta(rho: Scalar = 0.9, eps: Scalar = 1e-6) -> GradientTransformation:
    """Emits Δ = √(E[Δ²]+ε)/√(E[g²]+ε) · g, the unit-correcting ratio of two RMS values."""

    def init(params):
        return AdadeltaState(zeros_like(params), zeros_like(params))

    def update(grads, state, params=None):
        del params
        e_g2 = update_moment(grads, state.e_g2, rho, 2)
        delta = tree_map(lambda g, eg, ed: jnp.sqrt(ed + eps) / jnp.sqrt(eg + eps) * g, grads, e_g2, state.e_delta2)
        e_delta2 = update_moment(delta, state.e_delta2, rho, 2)
        return delta, AdadeltaState(e_g2, e_delta2)

    return GradientTransformation(init, update)


class RmsState(NamedTuple):
    """Running mean of the squared gradient."""

    nu: jax.Array


class CenteredRmsState(NamedTuple):
    """Running means of the gradient and of its square."""

    mu: jax.Array
    nu: jax.Array


def scale_by_rms(rho: Scalar = 0.9, eps: Scalar = 1e-8) -> GradientTransformation:
    """v ← ρv + (1-ρ)g²; emits g / (√v + ε)."""

    def init(params):
        return RmsState(zeros_like(params))

    def update(grads, state, params=None):
        del params
        nu = update_moment(grads, state.nu, rho, 2)
        return tree_map(lambda g, v: g / (jnp.sqrt(v) + eps), grads, nu), RmsState(nu)

    return GradientTransformation(init, update)


def scale_by_centered_rms(rho: Scalar = 0.9, eps: Scalar = 1e-8) -> GradientTransformation:
    """m ← ρm + (1-ρ)g, v ← ρv + (1-ρ)g²; emits g / (√(v - m²) + ε).

    v - m² ≥ 0 in exact arithmetic (Jensen); it is clamped at 0 against rounding.
    """

    def init(params):
        return CenteredRmsState(zeros_like(params), zeros_like(params))

    def update(grads, state, params=None):
        del params
        mu = update_moment(grads, state.mu, rho, 1)
        nu = update_moment(grads, state.nu, rho, 2)
        out = tree_map(lambda g, m, v: g / (jnp.sqrt(jnp.maximum(v - m * m, 0.0)) + eps), grads, mu, nu)
        return out, CenteredRmsState(mu, nu)

    return GradientTransformation(init, update)


def adagrad(learning_rate: LearningRate, initial_accumulator: Scalar = 0.0, eps: Scalar = 1e-10) -> GradientTransformation:
    """θ ← θ - η g / (√s + ε), s = s₀ + Σ g²."""
    return chain(scale_by_sum_of_squares(initial_accumulator, eps), scale_by_learning_rate(learning_rate))


def adadelta(learning_rate: LearningRate, rho: Scalar = 0.9, eps: Scalar = 1e-6) -> GradientTransformation:
    """θ ← θ - η Δ (η = 1 in the paper)."""
    return chain(scale_by_adadelta(rho, eps), scale_by_learning_rate(learning_rate))


def rmsprop(
    learning_rate: LearningRate, rho: Scalar = 0.9, eps: Scalar = 1e-8, momentum: Scalar = 0.0
) -> GradientTransformation:
    """θ ← θ - η b, b ← μb + g / (√v + ε) (b = g / (√v + ε) when μ = 0)."""
    return chain(scale_by_rms(rho, eps), trace(momentum), scale_by_learning_rate(learning_rate))


def rmsprop_centered(
    learning_rate: LearningRate, rho: Scalar = 0.9, eps: Scalar = 1e-8, momentum: Scalar = 0.0
) -> GradientTransformation:
    """θ ← θ - η b, b ← μb + g / (√(v - m²) + ε)."""
    return chain(scale_by_centered_rms(rho, eps), trace(momentum), scale_by_learning_rate(learning_rate))


RHO = Hyper("rho", 0.9, 0.0, 0.999, label="ρ", help="decay of the running means")
RMS_MOMENTUM = Hyper("momentum", 0.0, 0.0, 0.99, label="μ", help="momentum on the scaled gradient (0: none)")
RMS_EPS = Hyper("eps", 1e-8, 1e-12, 1e-1, log=True, label="ε", help="added to √v")

ADAGRAD_INFO = OptimizerInfo(
    key="adagrad",
    name="AdaGrad",
    family="adaptive learning rate",
    build=adagrad,
    hypers=(
        Hyper("initial_accumulator", 0.0, 0.0, 1.0, label="s₀", help="starting value of the sum of squares"),
        Hyper("eps", 1e-10, 1e-12, 1e-1, log=True, label="ε", help="added to √s"),
    ),
    rule_latex=r"s_t = s_{t-1} + g_t^2,\quad \theta_t = \theta_{t-1} - \eta_t \frac{g_t}{\sqrt{s_t} + \epsilon}",
    reference="J. Duchi, E. Hazan, Y. Singer. Adaptive Subgradient Methods for Online Learning and "
    "Stochastic Optimization. JMLR 12, 2011",
    default_lr=0.5,
    notes="torch.optim.Adagrad form (lr_decay=0): s₀ = 0, ε outside the root; matches torch. "
    "optax.adagrad starts from s₀ = 0.1 and puts ε inside the root, and SPEC's table writes "
    "√(s+ε); s₀ is a slider here. The effective rate η/(√s+ε) can only shrink.",
)

ADADELTA_INFO = OptimizerInfo(
    key="adadelta",
    name="Adadelta",
    family="adaptive learning rate",
    build=adadelta,
    hypers=(RHO, Hyper("eps", 1e-6, 1e-10, 1e-1, log=True, label="ε", help="inside both roots; sets the first step size")),
    rule_latex=(
        r"E[g^2]_t = \rho E[g^2]_{t-1} + (1-\rho) g_t^2,\; "
        r"\Delta_t = \frac{\sqrt{E[\Delta^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}}\, g_t,\; "
        r"E[\Delta^2]_t = \rho E[\Delta^2]_{t-1} + (1-\rho) \Delta_t^2,\; \theta_t = \theta_{t-1} - \eta_t \Delta_t"
    ),
    reference="M. D. Zeiler. ADADELTA: An Adaptive Learning Rate Method. arXiv:1212.5701, 2012",
    default_lr=1.0,
    notes="η = 1 is the paper (it has no learning rate); matches torch.optim.Adadelta and "
    "optax.adadelta with learning_rate=1.0 passed explicitly (optax's default None applies no "
    "rate and no sign flip). The first steps are about √ε long, so progress starts slowly.",
)

RMSPROP_INFO = OptimizerInfo(
    key="rmsprop",
    name="RMSProp",
    family="adaptive learning rate",
    build=rmsprop,
    hypers=(RHO, RMS_EPS, RMS_MOMENTUM),
    rule_latex=(
        r"v_t = \rho v_{t-1} + (1-\rho) g_t^2,\quad "
        r"\theta_t = \theta_{t-1} - \eta_t \frac{g_t}{\sqrt{v_t} + \epsilon}"
    ),
    reference="T. Tieleman, G. Hinton. Lecture 6.5 — RMSProp: Divide the gradient by a running average "
    "of its recent magnitude. COURSERA: Neural Networks for Machine Learning, 2012",
    default_lr=3e-2,
    notes="ε outside the root (torch.optim.RMSprop); optax.rmsprop puts it inside unless "
    "eps_in_sqrt=False. With momentum μ > 0: b = μb + g/(√v+ε), θ -= η b as torch; optax "
    "applies η before its momentum trace, which differs under a schedule.",
)

RMSPROP_CENTERED_INFO = OptimizerInfo(
    key="rmsprop_centered",
    name="RMSProp (centered)",
    family="adaptive learning rate",
    build=rmsprop_centered,
    hypers=(RHO, RMS_EPS, RMS_MOMENTUM),
    rule_latex=(
        r"m_t = \rho m_{t-1} + (1-\rho) g_t,\; v_t = \rho v_{t-1} + (1-\rho) g_t^2,\; "
        r"\theta_t = \theta_{t-1} - \eta_t \frac{g_t}{\sqrt{v_t - m_t^2} + \epsilon}"
    ),
    reference="A. Graves. Generating Sequences With Recurrent Neural Networks. arXiv:1308.0850, 2013",
    default_lr=1e-2,
    notes="Divides by a running standard deviation instead of a running RMS; ε outside the root "
    "as torch.optim.RMSprop(centered=True) (optax: rmsprop(centered=True, eps_in_sqrt=False)). "
    "On a steady slope v - m² is small, so steps grow far larger than plain RMSProp's.",
)
