"""Where a recorded path ends, named by what a student sees on the map.

The engine never stops a path because its gradient is small (that parked runs on saddles and froze
Lion, whose sign step does not shrink, one step before it jumped away). After the run, each path
that neither diverged nor left the map is judged by its positions:

- it has *come to rest* when every position from some step on stays within REST_FRACTION of the
  map's size of its final point, and that has lasted at least the run's last REST_SHARE (≥ REST_MIN
  steps); otherwise it is *still moving*;
- a path at rest is named by the place: the catalogued notable point within NEAR_FRACTION of the map
  (a global or local minimum, a saddle, a maximum: the markers on the map), else by the landscape's
  own derivatives there (a stationary point the catalogue lacks, a flat region), else it is
  *barely moving* (a rate decayed to nothing, or one too small to see).
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from gradscape.trajectories import engine, typed

REST_FRACTION = 1e-3
REST_SHARE = 0.05
REST_MIN = 10
NEAR_FRACTION = 1e-2
FLAT_GRADIENT = 1e-2  # × the map's typical slope (range of f over its size)
FLAT_CURVATURE = 1e-2  # × the map's typical curvature (range of f over its size squared)
SINGULAR = 1e-8  # × the typical curvature: a Hessian eigenvalue this small gives no Newton step
SCALE_GRID = 48


def rest_window(steps: int) -> int:
    """How many final steps a path must stay put to count as at rest."""
    return min(steps, max(REST_MIN, math.ceil(REST_SHARE * steps)))


def rest_since(positions: np.ndarray, radius: float) -> np.ndarray:
    """(N,) first step from which every position of each (N, T+1, d) path stays within `radius` of its last."""
    far = np.linalg.norm(positions - positions[:, -1:], axis=-1) > radius
    last_far = np.where(far.any(axis=1), far.shape[1] - 1 - np.argmax(far[:, ::-1], axis=1), -1)
    return last_far + 1


def derivatives(f, p: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Per-point ∇f (2, N) and symmetric ∇²f (2, 2, N) of an element-wise f: reverse mode, forward over it."""
    grad = jax.grad(lambda q: jnp.sum(f(q)))
    g, h0 = jax.jvp(grad, (p,), (jnp.zeros_like(p).at[0].set(1.0),))
    h1 = jax.jvp(grad, (p,), (jnp.zeros_like(p).at[1].set(1.0),))[1]
    h = jnp.stack([h0, h1], axis=1)
    return g, 0.5 * (h + jnp.swapaxes(h, 0, 1))


@functools.lru_cache(maxsize=64)
def _derivatives_program(name: str, form):
    """∇f and ∇²f at (2, N) points, compiled once per landscape (a typed one's per form, its numbers traced)."""
    value = engine.objective(name, form).value
    return jax.jit(lambda p, numbers: derivatives(lambda q: value(q, 1, numbers), p))


def landscape_derivatives(key: str, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(∇f (2, N), ∇²f (2, 2, N)) of landscape `key` at (N, 2) points, in float64."""
    name, form, numbers = engine.program_of(key)
    g, h = _derivatives_program(name, form)(jnp.asarray(points.T, jnp.float64), jnp.asarray(numbers, jnp.float64))
    return np.asarray(g, float), np.asarray(h, float)


@functools.lru_cache(maxsize=64)
def value_range(key: str) -> float:
    """Spread of f over the map (1st to 99th percentile on a grid): the scale of 'small' slopes and curvatures."""
    z = np.asarray(engine.landscape_grid(key, SCALE_GRID)[2], float)
    z = z[np.isfinite(z)]
    return float(np.percentile(z, 99) - np.percentile(z, 1)) if z.size else 0.0


def _catalogued(ls, points: np.ndarray, near: float) -> np.ndarray:
    """(N,) end code of the catalogued notable point within `near` of each point, RUNNING where none is."""
    codes = np.full(len(points), engine.RUNNING)
    if not ls.points:
        return codes
    xy = np.array([p.xy for p in ls.points])
    dist = np.linalg.norm(points[:, None, :] - xy[None], axis=-1)
    nearest = np.argmin(dist, axis=1)
    globals_ = sum(p.kind == "min" for p in ls.points)
    by_kind = {"min": engine.AT_GLOBAL_MIN if globals_ == 1 else engine.AT_A_GLOBAL_MIN, "local min": engine.AT_LOCAL_MIN,
               "saddle": engine.AT_SADDLE, "degenerate saddle": engine.AT_SADDLE, "max": engine.AT_MAXIMUM}
    for i, j in enumerate(nearest):
        if dist[i, j] <= near:
            codes[i] = by_kind[ls.points[j].kind]
    return codes


def _by_derivatives(key: str, points: np.ndarray, size: float) -> np.ndarray:
    """(N,) end code from ∇f and ∇²f at each point: a stationary point by the Hessian's signs when
    Newton's step to it is shorter than NEAR_FRACTION of the map, a flat region, or barely moving."""
    g, h = landscape_derivatives(key, points)
    spread = value_range(key)
    slope, curve = spread / size, spread / size**2
    codes = np.full(len(points), engine.BARELY_MOVING)
    for i in range(len(points)):
        gi, hi = g[:, i], h[:, :, i]
        if not (np.all(np.isfinite(gi)) and np.all(np.isfinite(hi))):
            continue
        lam = np.linalg.eigvalsh(hi)
        if np.linalg.norm(gi) <= FLAT_GRADIENT * slope and np.max(np.abs(lam)) <= FLAT_CURVATURE * curve:
            codes[i] = engine.ON_FLAT
        elif np.min(np.abs(lam)) > SINGULAR * curve and np.linalg.norm(np.linalg.solve(hi, gi)) <= NEAR_FRACTION * size:
            codes[i] = engine.AT_MINIMUM if lam[0] > 0 else engine.AT_MAXIMUM if lam[1] < 0 else engine.AT_SADDLE
    return codes


def end_states(key: str, positions: np.ndarray, status: np.ndarray, event_step: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """(end code, step) of each (N, T+1, d) path: a diverged or left path keeps its event; the others
    are named as in the module docstring, with the step they came to rest (0 while still moving)."""
    status, event_step = status.copy(), event_step.copy()
    free = status == engine.RUNNING
    if not free.any():
        return status, event_step
    prob = typed.problem(key)
    size = prob.size
    since = rest_since(positions, REST_FRACTION * size)
    rested = free & (steps - since >= rest_window(steps))
    if not rested.any():
        return status, event_step
    idx = np.flatnonzero(rested)
    if prob.domain is None:  # no map: no places to name
        codes = np.full(len(idx), engine.AT_REST)
    else:
        ends = positions[idx, -1]
        codes = _catalogued(prob, ends, NEAR_FRACTION * size)
        unnamed = codes == engine.RUNNING
        if unnamed.any():
            codes[unnamed] = _by_derivatives(key, ends[unnamed], size)
    status[idx] = codes
    event_step[idx] = since[idx]
    return status, event_step
