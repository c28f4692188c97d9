"""Stationary points of a 2-D objective, found numerically: Newton's method from a grid of seeds,
all seeds at once (f is element-wise over the trailing axis, so one gradient call serves every
seed), deduplicated, and classified by the Hessian's eigenvalues — or, where the Hessian is
(nearly) zero, by comparing f on a small ring around the point.

Used for typed landscapes, whose notable points nobody wrote down; tested on the catalogue's.
Written in plain jax.numpy, with the loop a parameter, because compiling belongs to the engine: run
op by op here (seconds), or compiled whole by trajectories/stationary.py (≈ 0.5 s, mostly compiling).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.base import Point

SEEDS_PER_AXIS = 16
ITERATIONS = 40
MAX_POINTS = 24
RING = 16


def derivatives(f: Callable, p: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Per-point value (N,), gradient (2, N) and symmetric Hessian (2, 2, N): reverse mode for ∇f
    (with f alongside), forward over it, linearized once, for both Hessian columns."""
    value_grad = jax.grad(lambda q: (jnp.sum(f(q)), f(q)), has_aux=True)
    (g, values), tangent = jax.linearize(value_grad, p)
    h = jnp.stack([tangent(jnp.zeros_like(p).at[i].set(1.0))[0] for i in range(2)], axis=1)
    return values, g, 0.5 * (h + jnp.swapaxes(h, 0, 1))


def newton_step(p: jax.Array, g: jax.Array, h: jax.Array, cap: float) -> jax.Array:
    """p - H⁻¹∇f for every point (2×2 solved in closed form), the step's length capped at `cap`;
    a point where the step is not finite (singular Hessian, non-finite f) stays put."""
    a, b, d = h[0, 0], h[0, 1], h[1, 1]
    step = -jnp.stack([d * g[0] - b * g[1], a * g[1] - b * g[0]]) / (a * d - b * b)
    step = step * jnp.minimum(1.0, cap / jnp.hypot(step[0], step[1]))
    return p + jnp.where(jnp.isfinite(step), step, 0.0)


def python_loop(n: int, body: Callable, x):
    """`body` applied n times, op by op (the engine passes a compiled loop instead)."""
    for _ in range(n):
        x = body(x)
    return x


class Survey(NamedTuple):
    """What one pass over a landscape computes: Newton's end points with ∇f, ∇²f and f there,
    the seeds' gradients (for the scale of 'zero'), and f at extra probe points."""

    p: jax.Array
    g: jax.Array
    h: jax.Array
    values: jax.Array
    seed_grad: jax.Array
    probe: jax.Array


def survey(f: Callable, start: jax.Array, probe: jax.Array, cap: float, loop: Callable = python_loop) -> Survey:
    """ITERATIONS Newton steps from every seed, and f at `probe`: pure jax.numpy, so the engine can
    compile it whole. f and its derivatives appear once in the program: the loop evaluates them
    ITERATIONS + 1 times, keeping each point with its derivatives (the last step is not taken) and
    the seeds' gradient from the first pass."""

    def body(state):
        _, p, _, _, _, seed_grad, first = state
        values, g, h = derivatives(f, p)
        return p, newton_step(p, g, h, cap), g, h, values, jnp.where(first, g, seed_grad), jnp.zeros_like(first)

    n = start.shape[1]
    zeros = jnp.zeros((n,), start.dtype)
    state = (start, start, jnp.zeros_like(start), jnp.zeros((2, 2, n), start.dtype), zeros, jnp.zeros_like(start), jnp.ones((), bool))
    p, _, g, h, values, seed_grad, _ = loop(ITERATIONS + 1, body, state)
    return Survey(p, g, h, values, seed_grad, f(probe))


def _eigenvalues(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b, d = h[0, 0], h[0, 1], h[1, 1]
    mean, radius = 0.5 * (a + d), np.hypot(0.5 * (a - d), b)
    return mean - radius, mean + radius


def _kind_by_ring(f: Callable, xy: np.ndarray, radius: float) -> str:
    """min / max / degenerate saddle from the sign of f(ring) - f(centre), for a flat Hessian."""
    angles = np.linspace(0.0, 2 * np.pi, RING, endpoint=False)
    ring = xy[:, None] + radius * np.stack([np.cos(angles), np.sin(angles)])
    diff = np.asarray(f(jnp.asarray(ring))) - float(f(jnp.asarray(xy)))
    if np.all(diff > 0):
        return "local min"
    if np.all(diff < 0):
        return "max"
    return "degenerate saddle"


def seeds(domain: tuple[tuple[float, float], tuple[float, float]]) -> np.ndarray:
    """A SEEDS_PER_AXIS² grid of cell centres over the domain, (2, N) float64."""
    (x0, x1), (y0, y1) = domain
    fx = (np.arange(SEEDS_PER_AXIS) + 0.5) / SEEDS_PER_AXIS
    X, Y = np.meshgrid(x0 + fx * (x1 - x0), y0 + fx * (y1 - y0))
    return np.stack([X.ravel(), Y.ravel()])


Surveyor = Callable[[Callable, jax.Array, jax.Array, jax.Array, float], Survey]
"""run(f, numbers, start, probe, cap): `survey` of p -> f(p, numbers), the numbers an argument, so a
compiled survey serves every f of one form (see landscapes.base.Form)."""


def survey_of(f: Callable, numbers: jax.Array, start: jax.Array, probe: jax.Array, cap: float) -> Survey:
    """The Surveyor op by op (the engine registers a compiled one)."""
    return survey(lambda p: f(p, numbers), start, probe, cap)


def stationary_points(f: Callable, domain: tuple[tuple[float, float], tuple[float, float]], run: Surveyor = survey_of) -> tuple[Point, ...]:
    """The stationary points of f(p) inside `domain` (see `points_from`), surveyed by `run`."""
    (x0, x1), (y0, y1) = domain
    start = jnp.asarray(seeds(domain), jnp.float64)
    result = run(lambda p, _: f(p), jnp.zeros((0,), jnp.float64), start, start[:, :1], 0.25 * float(np.hypot(x1 - x0, y1 - y0)))
    return points_from(f, result, domain)


def points_from(f: Callable, result: Survey, domain: tuple[tuple[float, float], tuple[float, float]]) -> tuple[Point, ...]:
    """The distinct stationary points inside `domain` that the survey's Newton runs reached:
    minima first (lowest first; the lowest, and ties with it, are "min"), then maxima and saddles;
    at most MAX_POINTS."""
    (x0, x1), (y0, y1) = domain
    diag = float(np.hypot(x1 - x0, y1 - y0))
    p, g, h, values, seed_grad = (np.asarray(a) for a in result[:5])
    seed_norm = np.hypot(seed_grad[0], seed_grad[1])
    seed_norm = seed_norm[np.isfinite(seed_norm)]
    g_scale = max(1.0, float(np.median(seed_norm))) if seed_norm.size else 1.0
    inside = (p[0] > x0) & (p[0] < x1) & (p[1] > y0) & (p[1] < y1)
    with np.errstate(invalid="ignore"):
        found = inside & (np.hypot(g[0], g[1]) <= 1e-7 * g_scale) & np.all(np.isfinite(h), axis=(0, 1)) & np.isfinite(values)
    accepted: list[int] = []
    for i in np.flatnonzero(found)[np.argsort(values[found], kind="stable")]:
        if all(np.hypot(*(p[:, i] - p[:, j])) > 1e-4 * diag for j in accepted):
            accepted.append(int(i))
    lo, hi = _eigenvalues(h)
    kinds = []
    for i in accepted:
        flat = max(abs(lo[i]), abs(hi[i])) * 1e-6 + 1e-9
        if abs(lo[i]) <= flat or abs(hi[i]) <= flat:
            kinds.append(_kind_by_ring(f, p[:, i], 1e-3 * diag))
        else:
            kinds.append("local min" if lo[i] > 0 else "max" if hi[i] < 0 else "saddle")
    minima = [i for i, k in zip(accepted, kinds) if k == "local min"]
    best = values[minima[0]] if minima else np.nan
    points = [
        Point(float(p[0, i]), float(p[1, i]), "min" if k == "local min" and values[i] <= best + 1e-9 * (1 + abs(best)) else k)
        for i, k in sorted(zip(accepted, kinds), key=lambda ik: ik[1] != "local min")
    ]
    return tuple(points[:MAX_POINTS])
