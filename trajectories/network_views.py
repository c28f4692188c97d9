"""What the neural-net landscape shows: one shared plane through parameter space, and the model.

The plane is θ(a, b) = origin + a·d₁ + b·d₂. Two ways to choose it:

- PCA (`pca_plane`): the top two principal directions of ALL runs' iterates together, so every
  run is drawn on the same plane. The origin is the final iterate of run 1 (Li et al. 2018
  centre their PCA on the final point: the minimum that run found sits at (0, 0) and the plane's
  loss there is the model's) or, with centre="mean", the mean iterate (classical PCA, which
  captures the most variance). The directions are orthonormal.
- Filter-normalized random directions (`random_plane`, Li et al. 2018 §4): Gaussian directions
  with each filter (a weight matrix's column: one unit's incoming weights) rescaled to the norm
  of the same filter of the origin; bias directions are zero (their "ignore biasbn").

Coordinates of any θ are its least-squares projection onto the plane; the off-plane distance
‖θ - θ(a, b)‖ is how much the picture hides (the loss on the plane at (a, b) is the loss at
θ(a, b), not at θ). The plane loss, the decision boundary and the Hessian's top eigenvalue are
each one compiled, batched evaluation.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from gradscape.landscapes import networks as nets
from gradscape.trajectories.network import DTYPE, NetworkProblem, NetworkRecord, flat_loss, layout, problem_arrays

MAX_GRID = 200
MAX_IMAGE = 160
MAX_POWER_ITERATIONS = 100
EVAL_CHUNK = 128


class Plane(NamedTuple):
    origin: np.ndarray  # (P,)
    directions: np.ndarray  # (2, P)
    kind: str
    explained: np.ndarray | None  # PCA: fraction of the iterates' spread along d₁, d₂


def principal_axes(points: np.ndarray, origin: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """((k, P) orthonormal top-k principal directions of points (N, P) about `origin`, (k,) the fraction
    of their spread, Σ‖p − origin‖², along each)."""
    centred = np.asarray(points, np.float64) - origin
    # Top-k right singular vectors through the smaller Gram matrix: P×P or N×N.
    if centred.shape[0] >= centred.shape[1]:
        values, vectors = np.linalg.eigh(centred.T @ centred)
        directions = vectors[:, ::-1][:, :k].T
    else:
        values, vectors = np.linalg.eigh(centred @ centred.T)
        u = vectors[:, ::-1][:, :k]
        directions = (centred.T @ u).T
        directions /= np.maximum(np.linalg.norm(directions, axis=1, keepdims=True), 1e-300)
    values = np.clip(values[::-1], 0.0, None)
    total = values.sum()
    return directions, (values[:k] / total if total > 0 else np.zeros(k))


def pca_plane(record: NetworkRecord, centre: str = "final") -> Plane:
    """The top-2 principal directions of every run's snapshots, about run 1's final iterate or the mean."""
    points = record.snapshots.reshape(-1, record.snapshots.shape[-1]).astype(np.float64)
    if centre == "final":
        origin = record.snapshots[0, -1].astype(np.float64)
    elif centre == "mean":
        origin = points.mean(axis=0)
    else:
        raise ValueError(f"centre must be 'final' or 'mean', got {centre!r}")
    directions, explained = principal_axes(points, origin)
    return Plane(origin, directions, f"PCA about the {'final iterate of run 1' if centre == 'final' else 'mean iterate'}", explained)


def random_plane(record: NetworkRecord, seed: int = 0) -> Plane:
    """Two filter-normalized Gaussian directions at run 1's final iterate (Li et al. 2018)."""
    problem = record.problem
    lay = layout(problem.model, problem.width)
    origin = record.snapshots[0, -1].astype(np.float64)
    theta = jax.tree_util.tree_map(np.asarray, lay.unravel(jnp.asarray(origin, DTYPE)))
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(2):
        leaves = []
        for leaf in jax.tree_util.tree_leaves(theta):
            if leaf.ndim < 2:
                leaves.append(np.zeros(leaf.size))
                continue
            d = rng.normal(size=leaf.shape)
            scale = np.linalg.norm(leaf, axis=0, keepdims=True) / np.maximum(np.linalg.norm(d, axis=0, keepdims=True), 1e-300)
            leaves.append((d * scale).ravel())
        rows.append(np.concatenate(leaves))
    return Plane(origin, np.stack(rows), "filter-normalized random directions", None)


def project(plane: Plane, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """((…, 2) coordinates, (…) off-plane distance) of points (…, P): least squares onto the plane."""
    d = plane.directions
    offset = np.asarray(points, np.float64) - plane.origin
    coords = np.linalg.solve(d @ d.T, (offset @ d.T)[..., None])[..., 0]
    residual = offset - coords @ d
    return coords, np.linalg.norm(residual, axis=-1)


def path_extent(coords: np.ndarray, margin: float = 0.25) -> tuple[tuple[float, float], tuple[float, float]]:
    """((a0, a1), (b0, b1)): the box around every projected iterate, widened by `margin` of its size."""
    flat = coords.reshape(-1, 2)
    lo, hi = flat.min(axis=0), flat.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 1e-3)
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1]))


@functools.lru_cache(maxsize=32)
def _plane_program(model: str, width: int):
    loss = flat_loss(model, width)

    def losses(origin, directions, coords, x, y):
        return jax.lax.map(lambda c: loss(origin + c @ directions, x, y), coords, batch_size=EVAL_CHUNK)

    return jax.jit(losses)


def plane_losses(problem: NetworkProblem, plane: Plane, coords: np.ndarray) -> np.ndarray:
    """The full-data loss at θ(a, b) for each (a, b) row of coords (M, 2), one compiled call."""
    x, y, _ = problem_arrays(problem)
    out = _plane_program(problem.model, problem.width)(jnp.asarray(plane.origin, DTYPE), jnp.asarray(plane.directions, DTYPE),
                                  jnp.asarray(coords, DTYPE), x, y)
    return np.asarray(out)


def plane_grid(problem: NetworkProblem, plane: Plane, extent, n: int = 100):
    """(as_, bs, Z) with Z[i, j] the loss at θ(as_[j], bs[i]) on an n×n grid over `extent`."""
    if not 2 <= n <= MAX_GRID:
        raise ValueError(f"grid size must be in [2, {MAX_GRID}], got {n}")
    (a0, a1), (b0, b1) = extent
    as_, bs = np.linspace(a0, a1, n), np.linspace(b0, b1, n)
    aa, bb = np.meshgrid(as_, bs)
    z = plane_losses(problem, plane, np.stack([aa.ravel(), bb.ravel()], axis=1))
    return as_, bs, z.reshape(n, n)


def input_extent(problem: NetworkProblem, margin: float = 0.15):
    """The box around the data points, widened by `margin` of its size."""
    x = problem_arrays(problem)[0]
    return path_extent(x[None], margin)


class PlaneView(NamedTuple):
    """What the Neural net view shows of a record: the shared plane, each run's projected snapshots
    (R, S, 2), their off-plane distance (R, S), the plane's loss grid (as_, bs, Z) around the paths
    and the loss at each projected point (R, S)."""

    record: NetworkRecord
    plane: Plane
    coords: np.ndarray
    distance: np.ndarray
    grid: tuple[np.ndarray, np.ndarray, np.ndarray]
    plane_loss: np.ndarray


def plane_view(record: NetworkRecord, kind: str = "pca-final", n: int = 100) -> PlaneView:
    """The record on one plane of `kind`: "pca-final" or "pca-mean" (PCA about run 1's final or the mean
    iterate) or "random"; with its n×n loss grid. ValueError for another kind."""
    if not (kind == "random" or kind.startswith("pca-")):
        raise ValueError(f"plane must be 'pca-final', 'pca-mean' or 'random', got {kind!r}")
    plane = random_plane(record) if kind == "random" else pca_plane(record, centre=kind[4:])
    coords, distance = project(plane, record.snapshots)
    grid = plane_grid(record.problem, plane, path_extent(coords), n)
    plane_loss = plane_losses(record.problem, plane, coords.reshape(-1, 2)).reshape(distance.shape)
    return PlaneView(record, plane, coords, distance, grid, plane_loss)


@functools.lru_cache(maxsize=32)
def _image_program(model: str, width: int, n: int):
    spec, unravel = nets.MODELS[model], layout(model, width).unravel

    def images(thetas, extent):
        xs = jnp.linspace(extent[0, 0], extent[0, 1], n)
        ys = jnp.linspace(extent[1, 0], extent[1, 1], n)
        grid = jnp.stack(jnp.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        probs = jax.lax.map(lambda t: jax.nn.sigmoid(spec.logits(unravel(t), grid)), thetas)
        return jnp.round(255.0 * probs).astype(jnp.uint8).reshape(-1, n, n)

    return jax.jit(images)


def decision_images(problem: NetworkProblem, thetas: np.ndarray, n: int = 96, extent=None) -> tuple[np.ndarray, tuple]:
    """(uint8 (K, n, n), extent): P(class 1) × 255 over the input plane for each θ; row i is y ascending."""
    if not 2 <= n <= MAX_IMAGE:
        raise ValueError(f"image size must be in [2, {MAX_IMAGE}], got {n}")
    extent = input_extent(problem) if extent is None else extent
    thetas = np.asarray(thetas, np.float32).reshape(-1, thetas.shape[-1])
    return np.asarray(_image_program(problem.model, problem.width, n)(thetas, jnp.asarray(extent, DTYPE))), extent


@functools.lru_cache(maxsize=32)
def _eigen_program(model: str, width: int, iterations: int):
    loss = flat_loss(model, width)

    def top(theta, v0, x, y):
        grad = jax.grad(lambda t: loss(t, x, y))

        def hvp(v):
            return jax.jvp(grad, (theta,), (v,))[1]

        def body(_, v):
            w = hvp(v)
            return w / jnp.maximum(jnp.linalg.norm(w), 1e-30)

        v = jax.lax.fori_loop(0, iterations, body, v0 / jnp.linalg.norm(v0))
        return jnp.vdot(v, hvp(v))

    return jax.jit(lambda thetas, v0, x, y: jax.lax.map(lambda t: top(t, v0, x, y), thetas))


def top_hessian_eigenvalues(problem: NetworkProblem, thetas: np.ndarray, iterations: int = 30, seed: int = 0) -> np.ndarray:
    """The dominant eigenvalue of the full-data loss's Hessian at each θ (K, P), by power
    iteration on Hessian-vector products (forward-over-reverse). It is the eigenvalue of largest
    magnitude (usually the top one near a minimum; compare it with 2/η for the edge of stability)."""
    if not 1 <= iterations <= MAX_POWER_ITERATIONS:
        raise ValueError(f"iterations must be in [1, {MAX_POWER_ITERATIONS}], got {iterations}")
    x, y, theta0 = problem_arrays(problem)
    v0 = np.random.default_rng(seed).normal(size=theta0.shape).astype(np.float32)
    thetas = np.asarray(thetas, np.float32).reshape(-1, theta0.size)
    return np.asarray(_eigen_program(problem.model, problem.width, iterations)(thetas, v0, x, y))


__all__ = ["Plane", "principal_axes", "pca_plane", "random_plane", "project", "path_extent", "plane_losses", "plane_grid",
           "PlaneView", "plane_view",
           "decision_images", "input_extent", "top_hessian_eigenvalues"]
