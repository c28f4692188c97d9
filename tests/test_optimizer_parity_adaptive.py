"""Gradient-descent, adaptive-rate and adaptive-moment optimizers against torch.optim, optax and NumPy.

Parity: float64, 200 steps from two starts each on Rosenbrock and on a rotated quadratic
(condition number 50), non-default hyperparameters, a cosine learning-rate schedule fed one rate
per step to both sides; every position must agree to 1e-9. Our side runs exactly as the engine
does: `build(lr_k, **hypers)` every step inside a jitted `lax.scan`, hyperparameters traced,
both starts advanced together as one (2, N) batch. Each oracle is the library whose formula is
the one we chose (see the notes of each optimizer); the NumPy transcriptions below follow the
formulas of SPEC §2 and share no code with the JAX implementations.

Also: behaviour
checks (AdaGrad's shrinking step, AMSGrad's monotone v̂, RAdam's warm-up). Every optimizer on
every landscape through the engine: tests/test_engine_smoke.py.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

from gradscape import optimizers
from gradscape import trajectories as tr
from gradscape.landscapes import classic
from tests.oracles import (
    Problem,
    RotatedQuadratic,
    cosine_rates,
    np_yogi,
    rosenbrock_grad,
    run_numpy,
    run_optax,
    run_torch,
)

STEPS = 200
TOL = 1e-9


QUADRATIC = RotatedQuadratic.random(seed=3, condition=50.0)


PROBLEMS = {
    "rosenbrock": Problem(classic.rosenbrock, rosenbrock_grad, ((-1.2, 1.0), (0.5, -0.5))),
    "quadratic": Problem(QUADRATIC.f, QUADRATIC.grad, ((2.0, -1.5), (-2.5, 1.0))),
}


# --- our side ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _scan(key: str, problem: str) -> Callable:
    info = optimizers.get(key)
    grad = jax.grad(lambda p: jnp.sum(PROBLEMS[problem].f(p)))

    @jax.jit
    def run(start, rates, hyper):
        def step(carry, lr):
            p, state = carry
            updates, state = info.build(lr, **hyper).update(grad(p), state, p)
            return (p + updates, state), p + updates

        state0 = info.build(rates[0], **hyper).init(start)
        _, path = jax.lax.scan(step, (start, state0), rates)
        return jnp.concatenate([start[None], path])

    return run


@functools.lru_cache(maxsize=None)
def ours(key: str, problem: str, eta0: float, hyper: tuple) -> np.ndarray:
    """Positions (T+1, 2, N) for all starts of `problem` at once."""
    start = jnp.asarray(np.array(PROBLEMS[problem].starts).T)
    rates = jnp.asarray(cosine_rates(eta0, STEPS))
    return np.asarray(_scan(key, problem)(start, rates, {k: jnp.asarray(v, jnp.float64) for k, v in hyper}))


# --- NumPy transcriptions (SPEC §2) --------------------------------------------------------------


def np_nadam(b1, b2, eps):
    """Dozat's simplified Nadam: θ -= η (β1 m/(1-β1ᵗ⁺¹) + (1-β1) g/(1-β1ᵗ)) / (√v̂ + ε)."""
    m = v = 0.0
    t = 0

    def step(p, g, lr):
        nonlocal m, v, t
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        direction = b1 * m / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
        return p - lr * direction / (np.sqrt(v / (1 - b2**t)) + eps)

    return step


def np_amsgrad(b1, b2, eps):
    """Reddi et al.: v̂ = max(v̂, v); θ -= η m / (√v̂ + ε), no bias correction."""
    m = v = vhat = 0.0

    def step(p, g, lr):
        nonlocal m, v, vhat
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        vhat = np.maximum(vhat, v)
        return p - lr * m / (np.sqrt(vhat) + eps)

    return step


def np_qhadam(b1, b2, eps, nu1, nu2):
    """QHAdam: θ -= η ((1-ν1) g + ν1 m̂) / (√((1-ν2) g² + ν2 v̂) + ε)."""
    m = v = 0.0
    t = 0

    def step(p, g, lr):
        nonlocal m, v, t
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        return p - lr * ((1 - nu1) * g + nu1 * m_hat) / (np.sqrt((1 - nu2) * g**2 + nu2 * v_hat) + eps)

    return step


# --- oracle adapters: (grad, start, rates) -> positions (T+1, 2) ---------------------------------


def with_torch(cls, **kwargs):
    def make(params, lr):
        return cls(params, lr=lr, foreach=False, **kwargs)

    return lambda grad, start, rates: run_torch(make, start, grad, rates)


def with_optax(make, init_state=None):
    def oracle(grad, start, rates):
        table = jnp.asarray(rates)
        return run_optax(make(lambda count: table[count]), start, grad, len(rates), init_state)

    return oracle


def with_numpy(make, **kwargs):
    return lambda grad, start, rates: run_numpy(make(**kwargs), start, grad, rates)


def _zero_first_moment(state):
    """optax.yogi starts m at its initial accumulator value too; SPEC's Yogi starts m at 0."""
    yogi_state, *rest = state
    return (yogi_state._replace(mu=jnp.zeros_like(yogi_state.mu)), *rest)


MOMENTS = dict(b1=0.8, b2=0.99, eps=1e-6)
BETAS = dict(betas=(0.8, 0.99), eps=1e-6)


@dataclass(frozen=True)
class Case:
    key: str
    oracle_name: str
    hyper: dict
    oracle: Callable
    eta: tuple[float, float]  # η₀ on (rosenbrock, quadratic)


ADAM_ETA = (2e-2, 1e-1)

CASES = (
    Case("adagrad", "torch", dict(initial_accumulator=0.05, eps=1e-6),
         with_torch(torch.optim.Adagrad, initial_accumulator_value=0.05, eps=1e-6), (0.3, 0.5)),
    # Adadelta's step feeds on its own past steps: with ρ = 0.8 a 1e-16 difference in the gradient
    # grows to 1e-7 within 200 steps, so the comparison uses a longer memory.
    Case("adadelta", "torch", dict(rho=0.95, eps=1e-4),
         with_torch(torch.optim.Adadelta, rho=0.95, eps=1e-4), (1.0, 1.0)),
    Case("adadelta", "optax", dict(rho=0.95, eps=1e-4),
         with_optax(lambda lr: optax.adadelta(lr, rho=0.95, eps=1e-4)), (1.0, 1.0)),
    Case("rmsprop", "torch", dict(rho=0.95, eps=1e-6, momentum=0.5),
         with_torch(torch.optim.RMSprop, alpha=0.95, eps=1e-6, momentum=0.5), (3e-3, 2e-2)),
    # optax applies η before its momentum trace: compare without momentum.
    Case("rmsprop", "optax", dict(rho=0.95, eps=1e-6, momentum=0.0),
         with_optax(lambda lr: optax.rmsprop(lr, decay=0.95, eps=1e-6, eps_in_sqrt=False)), (3e-3, 2e-2)),
    Case("rmsprop_centered", "torch", dict(rho=0.95, eps=1e-6, momentum=0.5),
         with_torch(torch.optim.RMSprop, alpha=0.95, eps=1e-6, momentum=0.5, centered=True), (1e-3, 1e-2)),
    Case("rmsprop_centered", "optax", dict(rho=0.95, eps=1e-6, momentum=0.0),
         with_optax(lambda lr: optax.rmsprop(lr, decay=0.95, eps=1e-6, eps_in_sqrt=False, centered=True)), (1e-3, 1e-2)),
    Case("sgd", "torch", {}, with_torch(torch.optim.SGD), (1e-3, 5e-2)),
    Case("sgd", "optax", {}, with_optax(lambda lr: optax.sgd(lr)), (1e-3, 5e-2)),
    Case("momentum", "torch", dict(momentum=0.8), with_torch(torch.optim.SGD, momentum=0.8), (3e-4, 2e-2)),
    Case("momentum", "optax", dict(momentum=0.8), with_optax(lambda lr: optax.sgd(lr, momentum=0.8)), (3e-4, 2e-2)),
    Case("nesterov", "torch", dict(momentum=0.8), with_torch(torch.optim.SGD, momentum=0.8, nesterov=True), (3e-4, 2e-2)),
    Case("nesterov", "optax", dict(momentum=0.8),
         with_optax(lambda lr: optax.sgd(lr, momentum=0.8, nesterov=True)), (3e-4, 2e-2)),
    Case("adam", "torch", MOMENTS, with_torch(torch.optim.Adam, **BETAS), ADAM_ETA),
    Case("adam", "optax", MOMENTS, with_optax(lambda lr: optax.adam(lr, **MOMENTS)), ADAM_ETA),
    Case("adamax", "torch", MOMENTS, with_torch(torch.optim.Adamax, **BETAS), ADAM_ETA),
    Case("adamax", "optax", MOMENTS, with_optax(lambda lr: optax.adamax(lr, **MOMENTS)), ADAM_ETA),
    Case("nadam", "optax", MOMENTS, with_optax(lambda lr: optax.nadam(lr, **MOMENTS)), ADAM_ETA),
    Case("nadam", "numpy", MOMENTS, with_numpy(np_nadam, **MOMENTS), ADAM_ETA),
    Case("nadam_torch", "torch", dict(MOMENTS, momentum_decay=1e-2),
         with_torch(torch.optim.NAdam, momentum_decay=1e-2, **BETAS), ADAM_ETA),
    Case("amsgrad", "optax", MOMENTS,
         with_optax(lambda lr: optax.amsgrad(lr, **MOMENTS, bias_correction_mu=False, bias_correction_nu=False)), ADAM_ETA),
    Case("amsgrad", "numpy", MOMENTS, with_numpy(np_amsgrad, **MOMENTS), ADAM_ETA),
    Case("amsgrad_torch", "torch", MOMENTS, with_torch(torch.optim.Adam, amsgrad=True, **BETAS), ADAM_ETA),
    Case("adamw", "torch", dict(MOMENTS, weight_decay=0.05),
         with_torch(torch.optim.AdamW, weight_decay=0.05, **BETAS), ADAM_ETA),
    Case("adamw", "optax", dict(MOMENTS, weight_decay=0.05),
         with_optax(lambda lr: optax.adamw(lr, **MOMENTS, weight_decay=0.05)), ADAM_ETA),
    Case("radam", "optax", dict(MOMENTS, threshold=6.0),
         with_optax(lambda lr: optax.radam(lr, **MOMENTS, threshold=6.0)), (1e-3, 1e-2)),
    # torch adds ε to √v before the bias correction (ours and optax: to √v̂): compare at ε = 0.
    Case("radam", "torch", dict(MOMENTS, eps=0.0, threshold=5.0),
         with_torch(torch.optim.RAdam, betas=(0.8, 0.99), eps=0.0), (1e-3, 1e-2)),
    Case("yogi", "numpy", dict(MOMENTS, eps=1e-2), with_numpy(np_yogi, **dict(MOMENTS, eps=1e-2)), ADAM_ETA),
    Case("yogi", "optax", dict(MOMENTS, eps=1e-2),
         with_optax(lambda lr: optax.yogi(lr, b1=0.8, b2=0.99, eps=1e-2), _zero_first_moment), ADAM_ETA),
    Case("adabelief", "optax", dict(MOMENTS, eps=1e-8),
         with_optax(lambda lr: optax.adabelief(lr, b1=0.8, b2=0.99, eps=1e-8, eps_root=1e-8)), ADAM_ETA),
    Case("qhadam", "numpy", dict(MOMENTS, nu1=0.6, nu2=0.8),
         with_numpy(np_qhadam, **MOMENTS, nu1=0.6, nu2=0.8), ADAM_ETA),
    Case("lion", "optax", dict(b1=0.8, b2=0.95, weight_decay=0.1),
         with_optax(lambda lr: optax.lion(lr, b1=0.8, b2=0.95, weight_decay=0.1)), (1e-2, 2e-2)),
)


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.key}-{c.oracle_name}")
def test_parity(case: Case, problem: str) -> None:
    eta0 = case.eta[0] if problem == "rosenbrock" else case.eta[1]
    mine = ours(case.key, problem, eta0, tuple(sorted(case.hyper.items())))
    rates = cosine_rates(eta0, STEPS)
    for i, start in enumerate(PROBLEMS[problem].starts):
        ref = case.oracle(PROBLEMS[problem].grad, start, rates)
        assert np.all(np.isfinite(ref)), "the oracle run must stay finite"
        assert np.linalg.norm(ref[-1] - ref[0]) > 1e-2, "the run should go somewhere"
        err = np.max(np.abs(mine[:, :, i] - ref))
        assert err <= TOL, f"{case.key} vs {case.oracle_name} on {problem} from {start}: max |Δθ| = {err:.3g}"


# --- behaviour -----------------------------------------------------------------------------------


def test_adagrad_effective_step_never_grows() -> None:
    rec = tr.run("quadratic", "adagrad", steps=200, dtype="float64", learning_rate=0.5)
    eff = rec.effective[0]  # (T, 2): |Δθ| / |g| = η / (√s + ε) per coordinate
    assert np.all(np.diff(eff, axis=0) <= 1e-12 * eff[:-1])
    assert np.all(eff[-1] < 0.7 * eff[0])


def _states(key: str, hyper: dict, steps: int, lr: float = 0.02):
    """(updates, gradients, states) of every step on Rosenbrock from (-1.2, 1), constant η."""
    info = optimizers.get(key)
    tx = info.build(lr, **hyper)
    grad = jax.grad(lambda p: jnp.sum(classic.rosenbrock(p)))

    def step(carry, _):
        p, state = carry
        g = grad(p)
        updates, state = tx.update(g, state, p)
        return (p + updates, state), (updates, g, state)

    start = jnp.asarray([-1.2, 1.0])
    return jax.lax.scan(step, (start, tx.init(start)), None, length=steps)[1]


@pytest.mark.parametrize("key", ["amsgrad", "amsgrad_torch"])
def test_amsgrad_vhat_never_decreases(key: str) -> None:
    _, _, states = _states(key, optimizers.get(key).defaults(), steps=300)
    amsgrad_state = states[0]
    nu, nu_max = np.asarray(amsgrad_state.adam.nu), np.asarray(amsgrad_state.nu_max)
    assert np.all(np.diff(nu_max, axis=0) >= 0.0)
    assert np.all(nu_max >= nu)
    assert np.any(np.diff(nu, axis=0) < 0.0), "v itself must fall somewhere, or the max is idle"


def test_radam_takes_plain_momentum_steps_until_the_variance_is_tractable() -> None:
    b1, b2, lr = 0.9, 0.999, 1e-3
    updates, grads, _ = _states("radam", dict(b1=b1, b2=b2, eps=1e-8, threshold=5.0), steps=12, lr=lr)
    t = np.arange(1, 13)
    rho_inf = 2 / (1 - b2) - 1
    rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
    warmup = rho <= 5.0
    assert warmup[:5].all() and not warmup[5:].any(), "with β2 = 0.999 the first 5 steps are un-adapted"
    m = np.zeros(2)
    for k in range(12):
        m = b1 * m + (1 - b1) * np.asarray(grads[k])
        plain = -lr * m / (1 - b1 ** t[k])
        if warmup[k]:
            np.testing.assert_allclose(updates[k], plain, rtol=1e-12)
        else:
            assert not np.allclose(updates[k], plain, rtol=1e-3)
