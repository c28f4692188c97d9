"""Stationary points of a 2-D objective, found numerically: Newton's method from a grid of seeds,
all seeds at once (one derivatives call serves every seed), deduplicated, and classified by the
Hessian's eigenvalues — or, where the Hessian is (nearly) zero, by comparing f on a small ring
around the point.

Used for typed landscapes, whose notable points nobody wrote down (their derivatives come from
landscapes/jets.py: NumPy, nothing compiled); tested on the catalogue's with JAX's derivatives.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from gradscape.landscapes.base import Point

SEEDS_PER_AXIS = 16
ITERATIONS = 40
MAX_POINTS = 24
RING = 16

Derivatives = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""p (2, N) -> f (N,), ∇f (2, N), symmetric ∇²f (2, 2, N), float64."""


def newton_step(p: np.ndarray, g: np.ndarray, h: np.ndarray, cap: float) -> np.ndarray:
    """p - H⁻¹∇f for every point (2×2 solved in closed form), the step's length capped at `cap`;
    a point where the step is not finite (singular Hessian, non-finite f) stays put."""
    a, b, d = h[0, 0], h[0, 1], h[1, 1]
    with np.errstate(all="ignore"):
        step = -np.stack([d * g[0] - b * g[1], a * g[1] - b * g[0]]) / (a * d - b * b)
        step = step * np.minimum(1.0, cap / np.hypot(step[0], step[1]))
    return p + np.where(np.isfinite(step), step, 0.0)


class Survey(NamedTuple):
    """What one pass over a landscape computes: Newton's end points with ∇f, ∇²f and f there, and
    the seeds' gradients (for the scale of 'zero')."""

    p: np.ndarray
    g: np.ndarray
    h: np.ndarray
    values: np.ndarray
    seed_grad: np.ndarray


def survey(derivatives: Derivatives, start: np.ndarray, cap: float) -> Survey:
    """ITERATIONS Newton steps from every seed (2, N), with the derivatives at the end points."""
    p = np.asarray(start, np.float64)
    values, g, h = derivatives(p)
    seed_grad = g
    for _ in range(ITERATIONS):
        p = newton_step(p, g, h, cap)
        values, g, h = derivatives(p)
    return Survey(p, g, h, values, seed_grad)


def _eigenvalues(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b, d = h[0, 0], h[0, 1], h[1, 1]
    mean, radius = 0.5 * (a + d), np.hypot(0.5 * (a - d), b)
    return mean - radius, mean + radius


def _kind_by_ring(f: Callable, xy: np.ndarray, radius: float) -> str:
    """min / max / degenerate saddle from the sign of f(ring) - f(centre), for a flat Hessian."""
    angles = np.linspace(0.0, 2 * np.pi, RING, endpoint=False)
    ring = xy[:, None] + radius * np.stack([np.cos(angles), np.sin(angles)])
    diff = np.asarray(f(ring)) - float(f(xy))
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


def stationary_points(derivatives: Derivatives, f: Callable, domain: tuple[tuple[float, float], tuple[float, float]]) -> tuple[Point, ...]:
    """The stationary points of f inside `domain` (see `points_from`), surveyed with `derivatives`."""
    (x0, x1), (y0, y1) = domain
    return points_from(f, survey(derivatives, seeds(domain), 0.25 * float(np.hypot(x1 - x0, y1 - y0))), domain)


def points_from(f: Callable, result: Survey, domain: tuple[tuple[float, float], tuple[float, float]]) -> tuple[Point, ...]:
    """The distinct stationary points inside `domain` that the survey's Newton runs reached:
    minima first (lowest first; the lowest, and ties with it, are "min"), then maxima and saddles;
    at most MAX_POINTS."""
    (x0, x1), (y0, y1) = domain
    diag = float(np.hypot(x1 - x0, y1 - y0))
    p, g, h, values, seed_grad = result
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
