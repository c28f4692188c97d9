"""Small neural-network problems: seeded 2-D classification data sets and models as pure functions.

A problem is a data set (points in the plane, labels 0/1) and a model whose parameters are a
pytree (a dict of arrays); the loss is the mean binary cross-entropy of the model's logits.
Nothing here compiles or batches: the engine (trajectories/network.py) does that.

Data sets are drawn with NumPy's seeded generator, half the points in each class, so a seed
names the same set on every machine. Weights are stored (fan_in, fan_out): a layer is x @ W + b.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

Params = dict[str, jax.Array]


def _halves(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def _labels(n0: int, n1: int) -> np.ndarray:
    return np.concatenate([np.zeros(n0), np.ones(n1)])


def two_spirals(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, 1.5 turns each, radius up to 1; class 1 is class 0 turned by π."""
    n0, n1 = _halves(n)
    t = np.sqrt(rng.uniform(0.0, 1.0, n0 + n1)) * 3.0 * np.pi
    sign = np.where(np.arange(n0 + n1) < n0, 1.0, -1.0)
    r = t / (3.0 * np.pi)
    x = np.stack([sign * r * np.cos(t), sign * r * np.sin(t)], axis=1)
    return x + noise * 0.1 * rng.normal(size=x.shape), _labels(n0, n1)


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (the shape of scikit-learn's make_moons), centred near 0."""
    n0, n1 = _halves(n)
    a0, a1 = rng.uniform(0.0, np.pi, n0), rng.uniform(0.0, np.pi, n1)
    upper = np.stack([np.cos(a0), np.sin(a0)], axis=1)
    lower = np.stack([1.0 - np.cos(a1), 0.5 - np.sin(a1)], axis=1)
    x = np.concatenate([upper, lower]) - np.array([0.5, 0.25])
    return x + noise * rng.normal(size=x.shape), _labels(n0, n1)


def circles(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A disc of radius 0.5 (class 1) inside a ring of radius 1 (class 0)."""
    n0, n1 = _halves(n)
    angle = rng.uniform(0.0, 2.0 * np.pi, n0 + n1)
    radius = np.where(np.arange(n0 + n1) < n0, 1.0, 0.5)
    x = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return x + noise * rng.normal(size=x.shape), _labels(n0, n1)


def blobs(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs centred at (-0.6, -0.6) and (0.6, 0.6), σ = 0.2 + noise."""
    n0, n1 = _halves(n)
    centres = np.where((np.arange(n0 + n1) < n0)[:, None], -0.6, 0.6)
    return centres + (0.2 + noise) * rng.normal(size=(n0 + n1, 2)), _labels(n0, n1)


@dataclass(frozen=True)
class DataSpec:
    """A data-set generator and what a page says about it."""

    key: str
    name: str
    make: Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    default_noise: float
    about: str


DATASETS: dict[str, DataSpec] = {
    d.key: d
    for d in (
        DataSpec("spirals", "Two spirals", two_spirals, 0.2, "Needs a curved boundary that winds around the centre."),
        DataSpec("moons", "Moons", moons, 0.1, "Two interleaved half circles: a gently curved boundary."),
        DataSpec("circles", "Circles", circles, 0.08, "A ring around a disc: the boundary is a closed curve."),
        DataSpec("blobs", "Two blobs", blobs, 0.1, "Linearly separable up to the overlap: logistic regression suffices."),
    )
}


def make_dataset(key: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(inputs (n, 2), labels (n,)) as float32; the same (key, n, noise, seed) gives the same arrays."""
    if key not in DATASETS:
        raise ValueError(f"unknown data set '{key}' (known: {', '.join(DATASETS)})")
    x, y = DATASETS[key].make(n, noise, np.random.default_rng(seed))
    return x.astype(np.float32), y.astype(np.float32)


def _dense(key: jax.Array, fan_in: int, fan_out: int, dtype) -> tuple[jax.Array, jax.Array]:
    """LeCun-normal weights (σ² = 1/fan_in), zero bias."""
    w = jax.random.normal(key, (fan_in, fan_out), dtype) * (1.0 / float(np.sqrt(fan_in)))
    return w, jnp.zeros((fan_out,), dtype)


def mlp_init(key: jax.Array, hidden: int, dtype=jnp.float32) -> Params:
    """2 → hidden → hidden → 1."""
    k1, k2, k3 = jax.random.split(key, 3)
    params = {}
    for i, (k, fi, fo) in enumerate(((k1, 2, hidden), (k2, hidden, hidden), (k3, hidden, 1)), start=1):
        params[f"w{i}"], params[f"b{i}"] = _dense(k, fi, fo, dtype)
    return params


def mlp_logits(params: Params, x: jax.Array) -> jax.Array:
    """tanh hidden layers (smooth, so the Hessian exists everywhere); one logit per input row."""
    h = jnp.tanh(x @ params["w1"] + params["b1"])
    h = jnp.tanh(h @ params["w2"] + params["b2"])
    return (h @ params["w3"] + params["b3"])[..., 0]


def logistic_init(key: jax.Array, hidden: int, dtype=jnp.float32) -> Params:
    """A linear classifier on the raw inputs; `hidden` is ignored."""
    del hidden
    w, b = _dense(key, 2, 1, dtype)
    return {"w": w, "b": b}


def logistic_logits(params: Params, x: jax.Array) -> jax.Array:
    return (x @ params["w"] + params["b"])[..., 0]


@dataclass(frozen=True)
class ModelSpec:
    """A model: `init(key, hidden)` → params pytree, `logits(params, x)` → (n,) logits."""

    key: str
    name: str
    init: Callable[..., Params]
    logits: Callable[[Params, jax.Array], jax.Array]
    uses_hidden: bool


MODELS: dict[str, ModelSpec] = {
    m.key: m
    for m in (
        ModelSpec("mlp", "MLP 2-h-h-1 (tanh)", mlp_init, mlp_logits, True),
        ModelSpec("logistic", "Logistic regression", logistic_init, logistic_logits, False),
    )
}


def bce_with_logits(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Per-sample binary cross-entropy, log(1 + e^z) - y·z, stable for large |z|."""
    return jax.nn.softplus(logits) - labels * logits


def mean_loss(model: ModelSpec, params: Params, x: jax.Array, y: jax.Array) -> jax.Array:
    """The training objective: mean cross-entropy over the given rows."""
    return jnp.mean(bce_with_logits(model.logits(params, x), y))


def weighted_loss(model: ModelSpec, params: Params, x: jax.Array, y: jax.Array, weights: jax.Array) -> jax.Array:
    """Σᵢ wᵢ ℓᵢ: a mini-batch mean when the weights are 1/B on B rows (padding rows weigh 0)."""
    return jnp.sum(weights * bce_with_logits(model.logits(params, x), y))
