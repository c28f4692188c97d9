"""Wrappers: transforms that take any optimizer and change what it sees or what it shows.

Two kinds. Gradient wrappers run before the inner optimizer, `chain(pre, inner)`: clipping by
norm or value and gradient noise (`optimizers.gradient_ops`). State wrappers keep the inner
optimizer's state inside their own:

Lookahead (Zhang, Lucas, Hinton & Ba 2019): the inner optimizer moves the fast weights θ; every
k steps the slow weights follow, φ ← φ + α(θ - φ), and θ ← φ. The inner state is kept across
synchronisations (optax's reset_state=False). The slow weights are the second path.

SWA (Izmailov et al. 2018): the optimizer is unchanged; the running mean of the iterates θ_t with
t ≥ start and (t - start) divisible by the period is the second path (θ₀ counts when start = 0;
before the first averaged iterate the second path follows θ).

Applying a wrapper to any catalogue entry: `wrap(kind, inner_info)` returns an OptimizerInfo with
key "kind(inner key)", for instance "lookahead(adam)" or "clip_norm(lookahead(adam))". Its
hyperparameters are the inner optimizer's followed by the wrapper's, whose names carry the
wrapper's prefix so they never collide with an inner name:

    lookahead       lookahead_k, lookahead_alpha
    swa             swa_start, swa_period
    gradient_noise  noise_a, noise_gamma, noise_seed
    clip_norm       clip_max_norm
    clip_value      clip_max_value

Applying the same wrapper twice raises ValueError. `optimizers.get` resolves such keys on demand
(`resolve`), so the engine runs a wrapped optimizer by its key like any other. Only one second
path is drawn: a state wrapper's own, otherwise the inner optimizer's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp

from gradscape.optimizers.base import (
    GradientTransformation,
    Hyper,
    OptimizerInfo,
    Params,
    Scalar,
    State,
    chain,
    safe_increment,
    tree_map,
)
from gradscape.optimizers.gradient_ops import add_gradient_noise, clip_by_norm, clip_by_value
from gradscape.optimizers.sgd import MOMENTUM_INFO, SGD_INFO

FAMILY = "multi-buffer / wrappers"


class LookaheadState(NamedTuple):
    """Steps since the start, the slow weights φ and the inner optimizer's state."""

    count: jax.Array
    slow: Params
    inner: State


def lookahead(inner: GradientTransformation, sync_period: Scalar, alpha: Scalar) -> GradientTransformation:
    """Every k-th step φ ← φ + α(θ + u - φ) and θ ← φ; otherwise θ ← θ + u (u: the inner update).

    k may be traced: the sync test is `t mod k == 0` on the step count t.
    """

    def init(params):
        return LookaheadState(jnp.zeros([], jnp.int32), params, inner.init(params))

    def update(grads, state, params=None):
        updates, inner_state = inner.update(grads, state.inner, params)
        count = safe_increment(state.count)
        sync = jnp.mod(count, sync_period) == 0
        slow = tree_map(lambda s, p, u: jnp.where(sync, s + alpha * (p + u - s), s), state.slow, params, updates)
        out = tree_map(lambda u, p, s: jnp.where(sync, s - p, u), updates, params, slow)
        return out, LookaheadState(count, slow, inner_state)

    return GradientTransformation(init, update)


class SWAState(NamedTuple):
    """Steps since the start, iterates averaged so far, their mean and the inner state."""

    count: jax.Array
    averaged: jax.Array
    mean: Params
    inner: State


def swa(inner: GradientTransformation, start: Scalar = 0, period: Scalar = 1) -> GradientTransformation:
    """The inner optimizer unchanged; the state keeps the running mean of the iterates θ_t with
    t ≥ start and (t - start) mod period = 0 (θ₀ included when start = 0)."""

    def init(params):
        averaged = jnp.where(jnp.asarray(start) <= 0, 1, 0).astype(jnp.int32)
        return SWAState(jnp.zeros([], jnp.int32), averaged, params, inner.init(params))

    def update(grads, state, params=None):
        updates, inner_state = inner.update(grads, state.inner, params)
        count = safe_increment(state.count)
        take = (count >= start) & (jnp.mod(count - start, period) == 0)
        averaged = state.averaged + take.astype(jnp.int32)

        def running_mean(m, p, u):
            theta = p + u
            added = m + (theta - m) / jnp.maximum(averaged, 1).astype(m.dtype)
            return jnp.where(take, added, jnp.where(averaged == 0, theta, m))

        mean = tree_map(running_mean, state.mean, params, updates)
        return updates, SWAState(count, averaged, mean, inner_state)

    return GradientTransformation(init, update)


def with_gradient_noise(inner: GradientTransformation, a: Scalar, gamma: Scalar, seed: Scalar) -> GradientTransformation:
    """g ← g + N(0, a/(1+t)^γ), then `inner`."""
    return chain(add_gradient_noise(a, gamma, seed), inner)


def with_clip_by_norm(inner: GradientTransformation, max_norm: Scalar) -> GradientTransformation:
    """g ← g · min(1, c/‖g‖), then `inner`."""
    return chain(clip_by_norm(max_norm), inner)


def with_clip_by_value(inner: GradientTransformation, max_value: Scalar) -> GradientTransformation:
    """Each coordinate of g into [-c, c], then `inner`."""
    return chain(clip_by_value(max_value), inner)


@dataclass(frozen=True)
class Wrapper:
    """How to wrap an optimizer: `apply(inner, *values of hypers)` and what a page says about it."""

    kind: str
    name: str
    apply: Callable[..., GradientTransformation]
    hypers: tuple[Hyper, ...]
    rule_latex: str
    reference: str
    notes: str = ""
    inner_state: Callable[[State], State] = lambda state: state[1]
    aux_path: Callable[[State], Params] | None = None
    aux_label: str = ""
    stochastic: bool = False


WRAPPERS: dict[str, Wrapper] = {
    w.kind: w
    for w in (
        Wrapper(
            "lookahead",
            "Lookahead",
            lookahead,
            (
                Hyper("lookahead_k", 5.0, 1.0, 50.0, label="k", help="fast steps between synchronisations", integer=True),
                Hyper("lookahead_alpha", 0.5, 0.0, 1.0, label="α", help="slow step size"),
            ),
            r"\theta_t = \theta_{t-1} + u_t;\ \text{if } k \mid t:\ \phi \leftarrow \phi + \alpha(\theta_t - \phi),\ "
            r"\theta_t \leftarrow \phi",
            "M. R. Zhang, J. Lucas, G. Hinton, J. Ba. Lookahead Optimizer: k steps forward, 1 step back. "
            "NeurIPS 2019",
            notes="The inner optimizer's state is kept across synchronisations (optax reset_state=False). "
            "The second path is the slow weights φ.",
            inner_state=lambda state: state.inner,
            aux_path=lambda state: state.slow,
            aux_label="slow weights",
        ),
        Wrapper(
            "swa",
            "SWA",
            swa,
            (
                Hyper("swa_start", 0.0, 0.0, 5000.0, label="start", help="first averaged step", integer=True),
                Hyper("swa_period", 1.0, 1.0, 100.0, label="c", help="average every c steps", integer=True),
            ),
            r"\bar\theta \leftarrow \bar\theta + \frac{\theta_t - \bar\theta}{n+1},\ n \leftarrow n+1"
            r"\ \text{for } t \ge t_0,\ c \mid t - t_0",
            "P. Izmailov, D. Podoprikhin, T. Garipov, D. Vetrov, A. G. Wilson. Averaging Weights Leads to "
            "Wider Optima and Better Generalization. UAI 2018",
            notes="The optimizer itself is unchanged; the second path is the running mean θ̄ of the averaged "
            "iterates (θ₀ included when start = 0; before start it follows θ). The paper averages at the end "
            "of each cycle of a cyclical or constant high rate.",
            inner_state=lambda state: state.inner,
            aux_path=lambda state: state.mean,
            aux_label="running average",
        ),
        Wrapper(
            "gradient_noise",
            "Gradient noise",
            with_gradient_noise,
            (
                Hyper("noise_a", 1.0, 1e-4, 10.0, log=True, label="a", help="initial noise variance"),
                Hyper("noise_gamma", 0.55, 0.0, 2.0, label="γ", help="decay exponent of the variance"),
                Hyper("noise_seed", 0.0, 0.0, 1e6, label="seed", help="random seed", integer=True),
            ),
            r"\tilde g_t = g_t + \mathcal N(0, \sigma_t^2),\ \sigma_t^2 = \frac{a}{(1+t)^\gamma}",
            "A. Neelakantan, L. Vilnis, Q. V. Le, I. Sutskever, L. Kaiser, K. Kurach, J. Martens. Adding "
            "Gradient Noise Improves Learning for Very Deep Networks. 2015",
            notes="t counts from 0 at the first update (σ₀² = a), as optax.add_noise. The paper tries "
            "a ∈ {0.01, 0.3, 1} with γ = 0.55. Independent noise per coordinate and per trajectory.",
            stochastic=True,
        ),
        Wrapper(
            "clip_norm",
            "Clip by norm",
            with_clip_by_norm,
            (Hyper("clip_max_norm", 1.0, 1e-3, 100.0, log=True, label="c", help="largest gradient norm"),),
            r"\tilde g_t = g_t \min\left(1, \frac{c}{\lVert g_t \rVert}\right)",
            "R. Pascanu, T. Mikolov, Y. Bengio. On the difficulty of training recurrent neural networks. "
            "ICML 2013",
            notes="The norm is that of one trajectory's 2-vector (optax.clip_by_global_norm on one point).",
        ),
        Wrapper(
            "clip_value",
            "Clip by value",
            with_clip_by_value,
            (Hyper("clip_max_value", 1.0, 1e-3, 100.0, log=True, label="c", help="largest gradient coordinate"),),
            r"\tilde g_{t,i} = \min(c, \max(-c, g_{t,i}))",
            "T. Mikolov. Statistical Language Models Based on Neural Networks. PhD thesis, 2012",
            notes="Clipping each coordinate separately changes the gradient's direction, unlike clipping "
            "by norm (optax.clip).",
        ),
    )
}


def wrap(
    kind: str,
    inner: OptimizerInfo,
    *,
    key: str | None = None,
    name: str | None = None,
    reference: str | None = None,
    notes: str | None = None,
    default_lr: float | None = None,
    **defaults: float,
) -> OptimizerInfo:
    """The catalogue entry of wrapper `kind` around `inner`; `defaults` reset the wrapper's defaults."""
    if kind not in WRAPPERS:
        raise ValueError(f"unknown wrapper '{kind}' (known: {', '.join(WRAPPERS)})")
    spec = WRAPPERS[kind]
    own = tuple(dataclasses.replace(h, default=defaults.pop(h.name)) if h.name in defaults else h for h in spec.hypers)
    if defaults:
        raise ValueError(f"{spec.name}: unknown parameter(s) {', '.join(defaults)}")
    inner_names = tuple(h.name for h in inner.hypers)
    clash = set(inner_names) & {h.name for h in own}
    if clash:
        raise ValueError(f"{spec.name} cannot wrap {inner.name}: parameter(s) {', '.join(sorted(clash))} already used")
    known = set(inner_names) | {h.name for h in own}

    def build(learning_rate, **values) -> GradientTransformation:
        unknown = set(values) - known - {inner.run_length}
        if unknown:
            raise TypeError(f"unexpected hyperparameter(s) {', '.join(sorted(unknown))}")
        inner_tx = inner.build(learning_rate, **{k: v for k, v in values.items() if k in inner_names or k == inner.run_length})
        return spec.apply(inner_tx, *(values.get(h.name, h.default) for h in own))

    aux_path, aux_label = spec.aux_path, spec.aux_label
    if aux_path is None and inner.aux_path is not None:
        inner_aux, inner_state = inner.aux_path, spec.inner_state
        aux_path, aux_label = (lambda state: inner_aux(inner_state(state))), inner.aux_label
    inner_note = f"Inner optimizer: {inner.name}."
    return OptimizerInfo(
        key=key or f"{kind}({inner.key})",
        name=name or f"{spec.name}({inner.name})",
        family=FAMILY,
        build=build,
        hypers=inner.hypers + own,
        rule_latex=spec.rule_latex + r";\quad \text{inner step } u_t:\ " + inner.rule_latex,
        reference=reference or spec.reference,
        default_lr=inner.default_lr if default_lr is None else default_lr,
        notes=" ".join(filter(None, (spec.notes if notes is None else notes, inner_note, inner.notes))),
        aux_path=aux_path,
        aux_label=aux_label,
        stochastic=inner.stochastic or spec.stochastic,
        options=inner.options,
        run_length=inner.run_length,
        defined_by=(spec.apply, *inner.definitions()),
    )


_RESOLVED: dict[str, OptimizerInfo] = {}


def resolve(key: str, registry: dict[str, OptimizerInfo]) -> OptimizerInfo:
    """The entry for `key` in `registry`, or for a wrapped key "kind(inner key)", built once."""
    if key in registry:
        return registry[key]
    if key not in _RESOLVED:
        kind, bracket, rest = key.partition("(")
        if not bracket or not rest.endswith(")") or kind not in WRAPPERS:
            raise ValueError(
                f"unknown optimizer '{key}' (known: {', '.join(registry)}; or wrapper(key) with wrapper in "
                f"{', '.join(WRAPPERS)})"
            )
        _RESOLVED[key] = wrap(kind, resolve(rest[:-1], registry))
    return _RESOLVED[key]


LOOKAHEAD_INFO = wrap("lookahead", MOMENTUM_INFO, key="lookahead", name="Lookahead (SGD + momentum)")
SWA_INFO = wrap("swa", SGD_INFO, key="swa", name="SWA (SGD)")
GRADIENT_NOISE_INFO = wrap("gradient_noise", SGD_INFO, key="gradient_noise", name="Gradient noise (SGD)")
CLIP_NORM_INFO = wrap("clip_norm", SGD_INFO, key="clip_norm", name="Clip by norm (SGD)")
CLIP_VALUE_INFO = wrap("clip_value", SGD_INFO, key="clip_value", name="Clip by value (SGD)")
