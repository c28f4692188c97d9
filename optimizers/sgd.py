"""Gradient descent and its momentum forms.

GD/SGD: θ ← θ - η g. SGD, mini-batch and full-batch GD differ only by the gradient estimate,
which the engine supplies (Robbins & Monro 1951).

Heavy ball (Polyak 1964), torch/optax convention: the buffer holds gradients and η is applied
outside, m ← μ m + g, θ ← θ - η m. The textbook form v ← γ v + η g, θ ← θ - v is the same
trajectory under a constant η; under a schedule the two differ, because the textbook buffer
remembers past rates.

Nesterov (Sutskever et al. 2013 form): m ← μ m + g, θ ← θ - η (g + μ m), the look-ahead
θ - ημm evaluated implicitly.
"""

from __future__ import annotations

from typing import NamedTuple

import jax

from gradscape.optimizers.base import (
    GradientTransformation,
    Hyper,
    LearningRate,
    OptimizerInfo,
    Scalar,
    chain,
    scale_by_learning_rate,
    tree_map,
    zeros_like,
)


class TraceState(NamedTuple):
    """The momentum buffer m."""

    trace: jax.Array


def trace(momentum: Scalar, nesterov: bool = False) -> GradientTransformation:
    """m ← μ m + g; emits m (heavy ball) or g + μ m (Nesterov)."""

    def init(params):
        return TraceState(zeros_like(params))

    def update(grads, state, params=None):
        del params
        m = tree_map(lambda t, g: momentum * t + g, state.trace, grads)
        out = tree_map(lambda g, t: g + momentum * t, grads, m) if nesterov else m
        return out, TraceState(m)

    return GradientTransformation(init, update)


def sgd(learning_rate: LearningRate) -> GradientTransformation:
    """θ ← θ - η g."""
    return scale_by_learning_rate(learning_rate)


def momentum(learning_rate: LearningRate, momentum: Scalar = 0.9) -> GradientTransformation:
    """Heavy ball: m ← μ m + g; θ ← θ - η m."""
    return chain(trace(momentum), scale_by_learning_rate(learning_rate))


def nesterov(learning_rate: LearningRate, momentum: Scalar = 0.9) -> GradientTransformation:
    """Nesterov accelerated gradient, Sutskever form: θ ← θ - η (g + μ m)."""
    return chain(trace(momentum, nesterov=True), scale_by_learning_rate(learning_rate))


MU = Hyper("momentum", 0.9, 0.0, 0.999, label="μ", help="momentum coefficient")

SGD_INFO = OptimizerInfo(
    key="sgd",
    name="SGD",
    family="gradient descent",
    build=sgd,
    hypers=(),
    rule_latex=r"\theta_{t} = \theta_{t-1} - \eta_t\, g_t",
    reference="H. Robbins, S. Monro. A Stochastic Approximation Method. 1951",
    default_lr=1e-2,
)

MOMENTUM_INFO = OptimizerInfo(
    key="momentum",
    name="SGD + momentum",
    family="gradient descent",
    build=momentum,
    hypers=(MU,),
    rule_latex=r"m_t = \mu m_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \eta_t m_t",
    reference="B. T. Polyak. Some methods of speeding up the convergence of iteration methods. 1964",
    default_lr=1e-2,
    notes="Textbook form: v_t = γ v_{t-1} + η g_t, θ_t = θ_{t-1} - v_t (equal under a constant η).",
)

NESTEROV_INFO = OptimizerInfo(
    key="nesterov",
    name="Nesterov (NAG)",
    family="gradient descent",
    build=nesterov,
    hypers=(MU,),
    rule_latex=r"m_t = \mu m_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \eta_t (g_t + \mu m_t)",
    reference="I. Sutskever, J. Martens, G. Dahl, G. Hinton. On the importance of initialization "
    "and momentum in deep learning. ICML 2013 (after Y. Nesterov, 1983)",
    default_lr=1e-2,
    notes="Look-ahead form: v_t = μ v_{t-1} - η ∇f(θ_{t-1} + μ v_{t-1}), θ_t = θ_{t-1} + v_t.",
)
