"""The optimizer protocol: optax's GradientTransformation shape, plus catalogue metadata.

An optimizer is a pair of pure functions ``init(params) -> state`` and
``update(grads, state, params) -> (updates, state)``; new params = params + updates. The pair is
a NamedTuple of two fields, so optax's ``chain`` and ``apply_updates`` accept ours and ours
accept optax's.

Batching convention: params are arrays whose axis 0 holds the coordinates (x, y) and whose
trailing axes, if any, index independent trajectories. Every rule is element-wise per coordinate;
the few that need a norm (clipping, LARS, gradient centralization) reduce over axis 0 only
(`coord_norm`, `coord_mean`), so one call advances a whole batch of trajectories at once and the
step-count terms (β^t, the schedule value) are computed once per step for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Union

import jax
import jax.numpy as jnp

from gradscape.hyper import Hyper

Params = Any
Updates = Any
State = Any
Scalar = Union[float, jax.Array]
LearningRate = Union[Scalar, Callable[[jax.Array], jax.Array]]


class GradientTransformation(NamedTuple):
    """(init, update) pair with optax's signatures."""

    init: Callable[[Params], State]
    update: Callable[..., tuple[Updates, State]]


class EmptyState(NamedTuple):
    """State of a stateless transform."""


class CountState(NamedTuple):
    """A step counter: the number of updates already applied."""

    count: jax.Array


def tree_map(fn: Callable, *trees: Any) -> Any:
    return jax.tree_util.tree_map(fn, *trees)


def zeros_like(params: Params) -> Params:
    return tree_map(jnp.zeros_like, params)


def full_like(params: Params, value: Scalar) -> Params:
    return tree_map(lambda p: jnp.full_like(p, value), params)


UNROLLED_COORDS = 8


def coord_sum(x: jax.Array) -> jax.Array:
    """Sum over the coordinate axis (0), one value per trajectory, kept broadcastable.

    Unrolled over a tiny coordinate count: XLA's CPU backend runs a reduce over a size-2 leading
    axis several times slower than the equivalent element-wise adds. A long axis (a network's
    flattened parameter vector) is an ordinary reduction.
    """
    if x.shape[0] > UNROLLED_COORDS:
        return jnp.sum(x, axis=0, keepdims=True)
    total = x[0]
    for i in range(1, x.shape[0]):
        total = total + x[i]
    return total[None]


def coord_norm(x: jax.Array) -> jax.Array:
    """Euclidean norm over the coordinate axis (0), one value per trajectory, kept broadcastable."""
    return jnp.sqrt(coord_sum(x * x))


def coord_mean(x: jax.Array) -> jax.Array:
    """Mean over the coordinate axis (0), one value per trajectory, kept broadcastable."""
    return coord_sum(x) / x.shape[0]


def safe_increment(count: jax.Array) -> jax.Array:
    """count + 1 that saturates instead of overflowing."""
    big = jnp.iinfo(count.dtype).max
    return jnp.where(count < big, count + 1, big)


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply transforms in sequence; the state is the tuple of their states."""

    def init(params: Params) -> tuple:
        return tuple(t.init(params) for t in transforms)

    def update(grads: Updates, state: tuple, params: Params | None = None, **extra: Any):
        new_states = []
        for t, s in zip(transforms, state):
            grads, s = t.update(grads, s, params, **extra) if extra else t.update(grads, s, params)
            new_states.append(s)
        return grads, tuple(new_states)

    return GradientTransformation(init, update)


def learning_rate_at(learning_rate: LearningRate, count: jax.Array) -> jax.Array:
    """The rate for the update numbered `count` (0 for the first), schedule or constant."""
    return learning_rate(count) if callable(learning_rate) else jnp.asarray(learning_rate)


def scale_by_learning_rate(learning_rate: LearningRate, *, flip_sign: bool = True) -> GradientTransformation:
    """Multiply updates by -η (descent). η may be a constant or a schedule of the step count."""
    sign = -1.0 if flip_sign else 1.0

    if not callable(learning_rate):

        def init(params: Params) -> EmptyState:
            del params
            return EmptyState()

        def update(updates, state, params=None):
            del params
            return tree_map(lambda u: sign * learning_rate * u, updates), state

        return GradientTransformation(init, update)

    def init_counted(params: Params) -> CountState:
        del params
        return CountState(count=jnp.zeros([], jnp.int32))

    def update_counted(updates, state, params=None):
        del params
        eta = learning_rate(state.count)
        return tree_map(lambda u: sign * eta * u, updates), CountState(safe_increment(state.count))

    return GradientTransformation(init_counted, update_counted)


def add_decayed_weights(weight_decay: Scalar) -> GradientTransformation:
    """updates += λ·params: decoupled weight decay once followed by the learning rate (AdamW)."""

    def init(params: Params) -> EmptyState:
        del params
        return EmptyState()

    def update(updates, state, params=None):
        return tree_map(lambda u, p: u + weight_decay * p, updates, params), state

    return GradientTransformation(init, update)


FAMILIES = ("gradient descent", "adaptive learning rate", "adaptive moment", "multi-buffer / wrappers", "plug-in")
"""The families of the catalogue; "plug-in": an optimizer registered at run time (trajectories/plugins.py)."""
LR_HYPER = Hyper("learning_rate", 1e-2, 1e-5, 10.0, log=True, label="η", help="learning rate η₀")


@dataclass(frozen=True)
class OptimizerInfo:
    """Catalogue entry: how to build the optimizer and what a page says about it.

    `build(learning_rate, **hypers)` returns a GradientTransformation; hyperparameters arrive as
    (possibly traced) JAX scalars so that changing them never recompiles. `aux_path`, when set,
    extracts a second path to draw from the state (Lookahead's slow weights, SWA's average).
    `run_length`, when set, names a build keyword that the engine fills with the run's number
    of steps (Ranger21's warmup and warm-down depend on it), so it is not a user setting.
    `defined_by`, when set, are the functions that define the optimizer in place of `build`: a
    wrapped entry's `build` is generic plumbing, its definition the wrapper's transform and the
    inner optimizer's builder (what a reference page shows as its code).
    """

    key: str
    name: str
    family: str
    build: Callable[..., GradientTransformation]
    hypers: tuple[Hyper, ...]
    rule_latex: str
    reference: str
    default_lr: float = 1e-2
    notes: str = ""
    aux_path: Callable[[State], Params] | None = None
    aux_label: str = ""
    stochastic: bool = False
    options: dict = field(default_factory=dict)
    run_length: str = ""
    defined_by: tuple[Callable[..., GradientTransformation], ...] = ()

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"optimizer {self.key}: unknown family {self.family!r} (known: {', '.join(FAMILIES)})")

    def definitions(self) -> tuple[Callable[..., GradientTransformation], ...]:
        """The functions that define this optimizer: `defined_by`, or else the builder itself."""
        return self.defined_by or (self.build,)

    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hypers}

    def hyper(self, name: str) -> Hyper:
        for h in self.hypers:
            if h.name == name:
                return h
        raise KeyError(name)

    def resolve(self, overrides: dict[str, float] | None = None) -> dict[str, float]:
        """Defaults updated by `overrides`, each validated; unknown names raise."""
        values = self.defaults()
        for name, value in (overrides or {}).items():
            if name not in values:
                known = ", ".join(values) or "none"
                raise ValueError(f"{self.name}: unknown parameter '{name}' (known: {known})")
            values[name] = self.hyper(name).check(value, self.name)
        return values
