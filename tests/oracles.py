"""Shared pieces of the oracle tests: test problems with NumPy gradients, and reference loops.

The gradients here are written out by hand in NumPy, independent of the landscape code; the
loops drive torch.optim and optax optimizers the way a training loop would, one rate per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import jax
import numpy as np
import optax
import torch

GradFn = Callable[[np.ndarray], np.ndarray]


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    """∇ of (1-x)² + 100(y-x²)²."""
    x, y = p
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


# Landscapes written out by hand in NumPy, element-wise over points (..., 2), for oracles that run many
# paths at once: f and its gradient, differentiated by hand.

def rosenbrock(p: np.ndarray) -> np.ndarray:
    """(1-x)² + 100(y-x²)²."""
    x, y = p[..., 0], p[..., 1]
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def rosenbrock_grads(p: np.ndarray) -> np.ndarray:
    """∇ of (1-x)² + 100(y-x²)² at points (..., 2)."""
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)], axis=-1)


def peaks(p: np.ndarray) -> np.ndarray:
    """MATLAB's peaks: 3(1-x)²e^(-x²-(y+1)²) - 10(x/5 - x³ - y⁵)e^(-x²-y²) - ⅓e^(-(x+1)²-y²)."""
    x, y = p[..., 0], p[..., 1]
    return (3 * (1 - x) ** 2 * np.exp(-x**2 - (y + 1) ** 2) - 10 * (x / 5 - x**3 - y**5) * np.exp(-x**2 - y**2)
            - np.exp(-(x + 1) ** 2 - y**2) / 3)


def peaks_grad(p: np.ndarray) -> np.ndarray:
    """∇ of peaks at points (..., 2)."""
    x, y = p[..., 0], p[..., 1]
    a, b, c = np.exp(-x**2 - (y + 1) ** 2), np.exp(-x**2 - y**2), np.exp(-(x + 1) ** 2 - y**2)
    inner = x / 5 - x**3 - y**5
    gx = -6 * (1 - x) * a * (1 + x * (1 - x)) - 10 * b * (0.2 - 3 * x**2 - 2 * x * inner) + 2 / 3 * (x + 1) * c
    gy = -6 * (1 - x) ** 2 * (y + 1) * a + 10 * b * (5 * y**4 + 2 * y * inner) + 2 / 3 * y * c
    return np.stack([gx, gy], axis=-1)


def saddle_grad(p: np.ndarray) -> np.ndarray:
    """∇ of x² - y²."""
    return np.stack([2 * p[..., 0], -2 * p[..., 1]], axis=-1)


def cubic_saddle_grad(p: np.ndarray) -> np.ndarray:
    """∇ of x³ - 3x - 2y²."""
    return np.stack([3 * p[..., 0] ** 2 - 3, -4 * p[..., 1]], axis=-1)


# The plateau-and-cliff surface as its landscape documents it:
# f = H·σ(k(c-x)) + τ·softplus(c-x) + b((x-m)² + y²)·σ(k(x-c)), σ the logistic function.
PLATEAU = dict(H=4.0, k=16.0, c=1.0, tau=8e-4, m=2.5, b=0.5)


def _logistic(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def plateau_cliff(p: np.ndarray) -> np.ndarray:
    """The plateau-and-cliff surface at points (..., 2)."""
    x, y = p[..., 0], p[..., 1]
    H, k, c, tau, m, b = PLATEAU.values()
    basin = b * ((x - m) ** 2 + y**2) * _logistic(k * (x - c))
    return H * _logistic(k * (c - x)) + tau * np.logaddexp(0.0, c - x) + basin


def plateau_cliff_grad(p: np.ndarray) -> np.ndarray:
    """∇ of the plateau-and-cliff surface (σ' = σ(1-σ), softplus' = σ)."""
    x, y = p[..., 0], p[..., 1]
    H, k, c, tau, m, b = PLATEAU.values()
    up, down = _logistic(k * (c - x)), _logistic(k * (x - c))
    gx = (-H * k * up * (1 - up) - tau * _logistic(c - x) + 2 * b * (x - m) * down
          + b * ((x - m) ** 2 + y**2) * k * down * (1 - down))
    return np.stack([gx, 2 * b * y * down], axis=-1)


@dataclass(frozen=True)
class Problem:
    """A parity test problem: the JAX objective, its NumPy gradient for the oracles, start points."""

    f: Callable  # JAX side, element-wise over trailing axes
    grad: Callable[[np.ndarray], np.ndarray]  # oracle side, NumPy
    starts: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class RotatedQuadratic:
    """f(p) = ½ (p-c)ᵀ A (p-c), A = R diag(λ_min, λ_min·κ) Rᵀ with a random rotation R."""

    a: np.ndarray
    center: np.ndarray

    @classmethod
    def random(cls, seed: int, condition: float, smallest: float = 0.2) -> RotatedQuadratic:
        rng = np.random.default_rng(seed)
        angle = rng.uniform(0.0, np.pi)
        rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        a = rot @ np.diag([smallest, smallest * condition]) @ rot.T
        return cls(a, rng.uniform(-1.0, 1.0, 2))

    def f(self, p):
        """Element-wise over trailing axes; works on NumPy and JAX arrays alike."""
        d0, d1 = p[0] - self.center[0], p[1] - self.center[1]
        (a00, a01), (_, a11) = self.a
        return 0.5 * (a00 * d0 * d0 + 2.0 * a01 * d0 * d1 + a11 * d1 * d1)

    def grad(self, p: np.ndarray) -> np.ndarray:
        return self.a @ (p - self.center)


def cosine_rates(eta0: float, steps: int) -> np.ndarray:
    """η_k = η₀·½(1 + cos(πk/T)), k = 0..T-1."""
    k = np.arange(steps)
    return eta0 * 0.5 * (1.0 + np.cos(np.pi * k / steps))


def run_torch(make: Callable[..., torch.optim.Optimizer], start, grad: GradFn, rates: np.ndarray) -> np.ndarray:
    """Positions (T+1, 2) of a torch optimizer, float64, param_groups' lr set before each step.

    `make(params, lr)` builds the optimizer. The default dtype is float64 meanwhile, so that
    scalar state (NAdam's μ product, step counters) is float64 too.
    """
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        p = torch.tensor(np.asarray(start, float), requires_grad=True)
        opt = make([p], lr=float(rates[0]))
        path = [p.detach().numpy().copy()]
        for lr in rates:
            for group in opt.param_groups:
                group["lr"] = float(lr)
            p.grad = torch.from_numpy(grad(p.detach().numpy().copy()))
            opt.step()
            path.append(p.detach().numpy().copy())
    finally:
        torch.set_default_dtype(previous)
    return np.array(path)


def run_optax(
    tx: optax.GradientTransformation, start, grad: GradFn, steps: int, init_state: Callable | None = None
) -> np.ndarray:
    """Positions (T+1, 2) of an optax transform (its rates given to it as a schedule).

    `init_state`, if given, edits the freshly initialised state (e.g. a moment's starting value)
    before the first update.
    """
    update = jax.jit(tx.update)
    p = np.asarray(start, float)
    state = tx.init(p)
    if init_state is not None:
        state = init_state(state)
    path = [p]
    for _ in range(steps):
        updates, state = update(grad(p), state, p)
        p = np.asarray(optax.apply_updates(p, updates))
        path.append(p)
    return np.array(path)


def run_numpy(
    step: Callable[[np.ndarray, np.ndarray, float], np.ndarray], start, grad: GradFn, rates: np.ndarray
) -> np.ndarray:
    """Positions (T+1, 2) of a NumPy transcription: `step(p, g, lr) -> new p` keeps its own state."""
    p = np.asarray(start, float)
    path = [p]
    for lr in rates:
        p = step(p, grad(p), float(lr))
        path.append(p)
    return np.array(path)


def run_numpy_with_aux(step: Callable, start, grad: GradFn, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions and second path (T+1, 2 each) of a NumPy transcription whose
    `step(p, g, lr) -> (new p, second point)` keeps its own state; both paths start at `start`."""
    p = np.asarray(start, float)
    path, aux = [p], [p]
    for lr in rates:
        p, second = step(p, grad(p), float(lr))
        path.append(p)
        aux.append(np.asarray(second, float))
    return np.array(path), np.array(aux)


def run_optax_lookahead(tx: optax.GradientTransformation, start, grad: GradFn, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Fast and slow positions (T+1, 2 each) of `optax.lookahead(...)`, gradients at the fast weights."""
    update = jax.jit(tx.update)
    params = optax.LookaheadParams.init_synced(np.asarray(start, float))
    state = tx.init(params)
    fast, slow = [params.fast], [params.slow]
    for _ in range(steps):
        updates, state = update(grad(np.asarray(params.fast)), state, params)
        params = optax.apply_updates(params, updates)
        fast.append(np.asarray(params.fast))
        slow.append(np.asarray(params.slow))
    return np.array(fast), np.array(slow)


def np_yogi(b1, b2, eps):
    """Yogi: v -= (1-β2) sign(v - g²) g² from v₀ = 1e-6, m₀ = 0; Adam's bias-corrected step."""
    m, v = 0.0, 1e-6
    t = 0

    def step(p, g, lr):
        nonlocal m, v, t
        t += 1
        m = b1 * m + (1 - b1) * g
        v = v - (1 - b2) * np.sign(v - g**2) * g**2
        return p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)

    return step
