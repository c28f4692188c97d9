"""The landscape protocol: a pure JAX objective plus what a page needs to draw and explain it.

`f(p)` takes p with the coordinates on axis 0 — shape (2,) for one point or (2, N...) for a
batch — and returns the loss element-wise over the trailing axes, so one call evaluates a whole
batch of trajectories or a plotting grid without vmap.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Literal, Protocol

import jax
import jax.numpy as jnp
import numpy as np

PointKind = Literal["min", "local min", "max", "saddle", "degenerate saddle"]


@dataclass(frozen=True)
class Point:
    """A notable stationary point, checked by the tests (gradient ≈ 0, Hessian signs)."""

    x: float
    y: float
    kind: PointKind
    label: str = ""

    @property
    def xy(self) -> tuple[float, float]:
        return (self.x, self.y)

    @property
    def is_minimum(self) -> bool:
        return self.kind in ("min", "local min")


@dataclass(frozen=True)
class DataSet:
    """A finite-sum objective: loss(p) = Σᵢ wᵢ ℓ(p; xᵢ, yᵢ), weights from a seeded sampler."""

    inputs: tuple[float, ...]
    targets: tuple[float, ...]
    weighted_loss: Callable[[jax.Array, jax.Array], jax.Array]

    @property
    def size(self) -> int:
        return len(self.inputs)


@dataclass(frozen=True)
class Form:
    """What a typed landscape's compiled programs are keyed by: its expression with the numbers taken
    out, over its domain (`key` says both; forms are equal when their keys are). `f(p, numbers)`
    evaluates every landscape of the form; the numbers travel as a traced argument, so landscapes
    differing in numbers only share every program."""

    key: str
    f: Callable[[jax.Array, jax.Array], jax.Array] = field(compare=False)
    domain: tuple[tuple[float, float], tuple[float, float]] = field(compare=False)


class Problem(Protocol):
    """What the engine asks of anything it runs (a Landscape, an OnlineProblem), instead of its key."""

    key: str
    name: str
    dimension: int  # coordinates per point
    domain: tuple | None  # the map, or None where there is none (no 'left the map', no named places)
    data: DataSet | None  # the finite sum mini-batches are drawn from
    form: Form | None  # a typed landscape's form
    project: Callable | None  # applied after every update, or None

    @property
    def size(self) -> float:
        """The length every 'near' and 'at rest' distance is a fraction of."""

    @property
    def default_start(self) -> tuple[float, ...]:
        """Where a run starts when no start is given."""

    def loss(self, p: jax.Array, t) -> jax.Array:
        """f at p (coordinates on axis 0) on update t, counted from 1."""

    def start_error(self, starts: np.ndarray) -> str | None:
        """Why one of the (N, dimension) starts is not allowed, in words, or None."""


@dataclass(frozen=True)
class Landscape:
    """A 2-D objective with its domain, notable points, default starts and explanation."""

    dimension = 2  # class attributes, not fields: what the Problem protocol asks of every landscape
    project = None

    key: str
    name: str
    f: Callable[[jax.Array], jax.Array]
    domain: tuple[tuple[float, float], tuple[float, float]]
    points: tuple[Point, ...]
    starts: tuple[tuple[float, float], ...]
    latex: str
    teaches: str
    source: str
    data: DataSet | None = None
    log_contours: bool = False
    z_clip: float | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)
    form: Form | None = None  # a typed landscape's form, with `numbers` its own: f(p) == form.f(p, numbers)
    numbers: tuple[float, ...] = ()
    numpy_f: Callable[[np.ndarray], np.ndarray] | None = None  # f in NumPy float64 (typed landscapes): nothing to compile

    @property
    def minima(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.is_minimum)

    @property
    def size(self) -> float:
        """The larger side of the map."""
        (x0, x1), (y0, y1) = self.domain
        return max(x1 - x0, y1 - y0)

    @property
    def default_start(self) -> tuple[float, float]:
        return self.starts[0]

    def loss(self, p: jax.Array, t) -> jax.Array:
        """f(p): a landscape does not change with the step."""
        return self.f(p)

    def start_error(self, starts: np.ndarray) -> str | None:
        """The first start outside the domain, in words, or None."""
        (x0, x1), (y0, y1) = self.domain
        bad = ~((starts[:, 0] >= x0) & (starts[:, 0] <= x1) & (starts[:, 1] >= y0) & (starts[:, 1] <= y1))
        if not np.any(bad):
            return None
        x, y = starts[np.argmax(bad)]
        return f"start ({x:g}, {y:g}) is outside the domain [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}] of {self.name}"

    def contains(self, xy: tuple[float, float], margin: float = 0.0) -> bool:
        """Whether a point lies in the domain widened by `margin` times its width on each side."""
        (x0, x1), (y0, y1) = self.domain
        mx, my = margin * (x1 - x0), margin * (y1 - y0)
        x, y = xy
        return x0 - mx <= x <= x1 + mx and y0 - my <= y <= y1 + my

    @functools.cached_property
    def f_star(self) -> float | None:
        """f*: the lowest value at a catalogued minimum, None when none is known. Every "f − f*" the
        app shows (the loss-gap panel, the sweeps, the lessons) subtracts this one number."""
        if not self.minima:
            return None
        return float(np.min(self.values(np.array([[p.x for p in self.minima], [p.y for p in self.minima]]))))

    def values(self, p) -> np.ndarray:
        """f at points p (2, ...), evaluated now, as NumPy float64 (in NumPy where the landscape has `numpy_f`)."""
        return np.asarray(self.numpy_f(np.asarray(p, np.float64)) if self.numpy_f is not None else self.f(p), np.float64)

    def grid(self, n: int = 200) -> tuple[jax.Array, jax.Array, jax.Array]:
        """(xs, ys, Z) on an n×n grid over the domain; Z[i, j] = f(xs[j], ys[i]); in NumPy with
        `numpy_f` where the landscape has one."""
        (x0, x1), (y0, y1) = self.domain
        xp, f = (np, self.numpy_f) if self.numpy_f is not None else (jnp, self.f)
        xs = xp.linspace(x0, x1, n)
        ys = xp.linspace(y0, y1, n)
        X, Y = xp.meshgrid(xs, ys)
        return xs, ys, f(xp.stack([X, Y]))


@dataclass(frozen=True)
class OnlineProblem:
    """A 1-D objective that changes with the step t (from 1), projected onto [lo, hi] after each step."""

    key: str
    name: str
    f: Callable[[jax.Array, jax.Array], jax.Array]
    bounds: tuple[float, float]
    optimum: float
    latex: str
    teaches: str
    source: str

    dimension = 1  # class attributes, not fields: what the Problem protocol asks
    domain = None  # no map
    data = None
    form = None

    @property
    def size(self) -> float:
        """The interval's length."""
        lo, hi = self.bounds
        return hi - lo

    @property
    def default_start(self) -> tuple[float]:
        return (self.bounds[1],)

    def loss(self, p: jax.Array, t) -> jax.Array:
        return self.f(p, t)

    def project(self, x: jax.Array) -> jax.Array:
        return jnp.clip(x, *self.bounds)

    def start_error(self, starts: np.ndarray) -> str | None:
        lo, hi = self.bounds
        return f"start must lie in [{lo:g}, {hi:g}]" if np.any((starts < lo) | (starts > hi)) else None
