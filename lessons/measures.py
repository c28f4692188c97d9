"""Measurements shared by the lessons' checks, and how their numbers are written.

The measurements read engine records (NumPy arrays) and the landscape catalogue, so every
verdict is computed from what the engine produced.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from gradscape import landscapes


def sign_changes(values: np.ndarray) -> int:
    """How often a series changes sign (zeros are skipped, not counted)."""
    signs = np.sign(np.asarray(values))
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def first_step(mask: np.ndarray) -> int | None:
    """The first index where `mask` is true, None if never."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def settle_step(gap: np.ndarray, r: float) -> int | None:
    """The step from which `gap` settles within r: the first index from which it stays ≤ r to the end, None if never."""
    bad = np.flatnonzero(~(np.asarray(gap) <= r))  # NaN counts as bad
    if not bad.size:
        return 0
    return int(bad[-1]) + 1 if bad[-1] + 1 < len(gap) else None


def best_value(key: str) -> float:
    """f* of the landscape (`Landscape.f_star`): f at its lowest catalogued minimum."""
    return landscapes.get(key).f_star


def loss_at(key: str, points: np.ndarray) -> np.ndarray | float:
    """f at points (..., 2), evaluated by the landscape's own function."""
    pts = np.asarray(points, dtype=float)
    value = np.asarray(landscapes.get(key).f(np.moveaxis(pts, -1, 0)))
    return float(value) if value.ndim == 0 else value


def nearest_minimum(key: str, points: np.ndarray) -> np.ndarray:
    """Index into the landscape's minima of the minimum nearest to each point (..., 2)."""
    minima = np.array([p.xy for p in landscapes.get(key).minima])
    return np.argmin(np.linalg.norm(np.asarray(points)[..., None, :] - minima, axis=-1), axis=-1)


def global_minimum_index(key: str) -> int:
    """Index into the landscape's minima of its lowest one."""
    minima = landscapes.get(key).minima
    return min(range(len(minima)), key=lambda i: loss_at(key, np.array(minima[i].xy)))


def count_global(key: str, records: Iterable) -> int:
    """How many trajectories of these run records end nearest the landscape's global minimum."""
    target = global_minimum_index(key)
    return sum(int(np.count_nonzero(nearest_minimum(key, r.positions[:, -1]) == target)) for r in records)


def fmt(value: float | int | None, digits: int = 3) -> str:
    """A number as a reader wants it: whole numbers plainly, others to `digits` significant digits."""
    if value is None:
        return "never"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if not np.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        return f"{value:.{max(digits - 1, 0)}e}"
    return f"{value:.{digits}g}"


def listing(pairs: Iterable[tuple[str, float | int | None]], digits: int = 3) -> str:
    """'A 30, B 16, C never'."""
    return ", ".join(f"{name} {fmt(v, digits)}" for name, v in pairs)


def as_number(value: int | float | None) -> float:
    """For the numbers table: None (never) becomes inf."""
    return float("inf") if value is None else float(value)


def curvature(key: str, point: tuple[float, float], axis: int, h: float = 1e-3) -> float:
    """∂²f/∂x_axis² at a point, by a central second difference on the landscape's own f."""
    step = np.zeros(2)
    step[axis] = h
    p = np.asarray(point, dtype=float)
    return (loss_at(key, p + step) - 2 * loss_at(key, p) + loss_at(key, p - step)) / h**2


def heavy_ball_multiplier(lr: float, momentum: float, curvature: float) -> complex:
    """The dominant eigenvalue of SGD with heavy-ball momentum (torch form) on a 1-D quadratic.

    θ' = θ - η m', m' = μ m + hθ: the pair (θ, θ_prev) evolves by [[1 + μ - ηh, -μ], [1, 0]];
    with μ = 0 this is plain SGD's 1 - ηh. Its modulus is the contraction per step, its angle
    the turn per step (π: a sign flip every step).
    """
    eig = np.linalg.eigvals(np.array([[1 + momentum - lr * curvature, -momentum], [1.0, 0.0]]))
    return complex(eig[np.argmax(np.abs(eig))])
