"""Bounded-Adam, multi-buffer and wrapper optimizers against optax and NumPy transcriptions.

Parity: float64, 200 steps from two starts each on Rosenbrock and on a rotated quadratic
(condition number 40), non-default hyperparameters, a cosine learning-rate schedule fed one rate
per step to both sides (LARS against optax.lars: constant rate, where its η-inside-the-buffer
form is the same path); every position, and the second path where there is one, must agree to
1e-9. Our side runs as the engine does: `build(lr_k, **hypers)` every step inside a jitted
`lax.scan`, hyperparameters traced, both starts advanced together as one (2, N) batch, `init`
built with the first rate (the base rate η₀). The oracle is optax where its formula is ours
(lookahead, clipping, trust ratio); otherwise a NumPy transcription of SPEC §2 written below,
sharing no code with the JAX implementations.

Also: the gradient-noise
distribution, behaviour checks through the engine and the wrapper API. Every optimizer on every
landscape: tests/test_engine_smoke.py.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from gradscape import optimizers
from gradscape import trajectories as tr
from gradscape.landscapes import classic
from gradscape.optimizers.wrappers import WRAPPERS, wrap
from tests.oracles import (
    Problem,
    RotatedQuadratic,
    cosine_rates,
    np_yogi,
    rosenbrock_grad,
    run_numpy_with_aux,
    run_optax,
    run_optax_lookahead,
)

STEPS = 200
TOL = 1e-9


QUADRATIC = RotatedQuadratic.random(seed=11, condition=40.0)


PROBLEMS = {
    "rosenbrock": Problem(classic.rosenbrock, rosenbrock_grad, ((-1.2, 1.0), (0.8, 0.3))),
    "quadratic": Problem(QUADRATIC.f, QUADRATIC.grad, ((2.5, -1.0), (-1.5, 2.0))),
}


# --- our side ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _scan(key: str, problem: str) -> Callable:
    info = optimizers.get(key)
    grad = jax.grad(lambda p: jnp.sum(PROBLEMS[problem].f(p)))
    second = info.aux_path or (lambda state: jnp.zeros(()))

    @jax.jit
    def run(start, rates, hyper):
        def step(carry, lr):
            p, state = carry
            updates, state = info.build(lr, **hyper).update(grad(p), state, p)
            return (p + updates, state), (p + updates, second(state))

        state0 = info.build(rates[0], **hyper).init(start)
        _, (path, aux) = jax.lax.scan(step, (start, state0), rates)
        return jnp.concatenate([start[None], path]), aux

    return run


@functools.lru_cache(maxsize=None)
def ours(key: str, problem: str, rates: tuple, hyper: tuple) -> tuple[np.ndarray, np.ndarray | None]:
    """Positions and second path (T+1, 2, N) for all starts of `problem` at once."""
    start = jnp.asarray(np.array(PROBLEMS[problem].starts).T)
    traced = {k: jnp.asarray(v, jnp.float64) for k, v in hyper}
    path, aux = _scan(key, problem)(start, jnp.asarray(rates), traced)
    if optimizers.get(key).aux_path is None:
        return np.asarray(path), None
    return np.asarray(path), np.concatenate([np.asarray(start)[None], np.asarray(aux)])


# --- NumPy transcriptions (SPEC §2) --------------------------------------------------------------
# Each `make(**hyper)` returns `step(p, g, lr) -> new p` with its own state.


def np_adamod(b1, b2, b3, eps, log=None):
    """ηₜ = η√(1-β2ᵗ)/(1-β1ᵗ)/(√v+ε); s = β3 s + (1-β3)ηₜ; θ -= min(ηₜ, s)·m. `log` collects (ηₜ, s)."""
    m = v = s = 0.0
    t = 0

    def step(p, g, lr):
        nonlocal m, v, s, t
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        rate = lr * math.sqrt(1 - b2**t) / (1 - b1**t) / (np.sqrt(v) + eps)
        s = b3 * s + (1 - b3) * rate
        if log is not None:
            log.append((rate, s))
        return p - np.minimum(rate, s) * m

    return step


def np_adabound(final_lr, gamma, b1, b2, eps, ams=False):
    """Adam's rate clipped to [η*(1-1/(γt+1)), η*(1+1/(γt))], η* = final_lr·η/η₀ (η₀: the first rate)."""
    m = v = v_max = 0.0
    t = 0
    base = None

    def step(p, g, lr):
        nonlocal m, v, v_max, t, base
        base = lr if base is None else base
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        v_max = np.maximum(v_max, v)
        rate = lr * math.sqrt(1 - b2**t) / (1 - b1**t) / (np.sqrt(v_max if ams else v) + eps)
        target = final_lr * lr / base
        lower, upper = target * (1 - 1 / (gamma * t + 1)), target * (1 + 1 / (gamma * t))
        return p - np.clip(rate, lower, upper) * m

    return step


def np_diffgrad(b1, b2, eps):
    """ξ = sigmoid(|g_{t-1} - g_t|), g₀ = 0; θ -= η ξ m̂/(√v̂ + ε)."""
    m = v = previous = 0.0
    t = 0

    def step(p, g, lr):
        nonlocal m, v, previous, t
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        xi = 1.0 / (1.0 + np.exp(-np.abs(previous - g)))
        previous = g
        return p - lr * xi * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)

    return step


def np_aggmo(b1, b2, b3):
    """bᵢ = βᵢ bᵢ + g; θ -= η/K Σ bᵢ."""
    betas = (b1, b2, b3)
    buffers = [0.0, 0.0, 0.0]

    def step(p, g, lr):
        for i, beta in enumerate(betas):
            buffers[i] = beta * buffers[i] + g
        return p - lr * sum(buffers) / len(buffers)

    return step


def np_pnm(b1, b0):
    """Buffers by step parity, mₜ = β1² mₜ₋₂ + (1-β1²)g; θ -= η((1+β0)mₜ - β0 mₜ₋₁)/√((1+β0)²+β0²)."""
    buffers = [0.0, 0.0]  # [odd steps, even steps]
    t = 0

    def step(p, g, lr):
        nonlocal t
        t += 1
        mine = 0 if t % 2 == 1 else 1
        buffers[mine] = b1**2 * buffers[mine] + (1 - b1**2) * g
        current, previous = buffers[mine], buffers[1 - mine]
        return p - lr * ((1 + b0) * current - b0 * previous) / math.sqrt((1 + b0) ** 2 + b0**2)

    return step


def np_swats(b1, b2, eps, switch_tol, log=None):
    """Keskar & Socher, Algorithm 1 (with ε outside √v̂ and the switch only to Λ > 0)."""
    m = v = velocity = 0.0
    rate_avg = 0.0
    sgd_rate = None
    t = 0

    def step(p, g, lr):
        nonlocal m, v, velocity, rate_avg, sgd_rate, t
        t += 1
        if sgd_rate is not None:
            velocity = b1 * velocity + g
            return p - (1 - b1) * sgd_rate * velocity
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p_step = -lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        pg = float(p_step @ g)
        if pg != 0:
            gamma = float(p_step @ p_step) / -pg
            rate_avg = b2 * rate_avg + (1 - b2) * gamma
            corrected = rate_avg / (1 - b2**t)
            if t > 1 and corrected > 0 and abs(corrected - gamma) < switch_tol:
                sgd_rate, velocity = corrected, 0.0
                if log is not None:
                    log.append((t, abs(corrected - gamma)))
        return p + p_step

    return step


def np_heavy_ball(momentum):
    """m = μm + g; θ -= η m."""
    m = 0.0

    def step(p, g, lr):
        nonlocal m
        m = momentum * m + g
        return p - lr * m

    return step


def np_lookahead(inner, k, alpha):
    """Fast steps by `inner`; when k divides t, slow += α(fast - slow) and fast = slow. Returns (fast, slow)."""
    slow = None
    t = 0

    def step(p, g, lr):
        nonlocal slow, t
        slow = p.copy() if slow is None else slow
        t += 1
        fast = inner(p, g, lr)
        if t % int(k) == 0:
            slow = slow + alpha * (fast - slow)
            fast = slow.copy()
        return fast, slow

    return step


def np_swa(swa_start, swa_period):
    """Plain SGD; second path: running mean of θ_t for t ≥ start, (t - start) mod period = 0."""
    t = 0
    taken: list[np.ndarray] = []

    def step(p, g, lr):
        nonlocal t
        if t == 0 and swa_start == 0:
            taken.append(p)
        t += 1
        new = p - lr * g
        if t >= swa_start and (t - swa_start) % swa_period == 0:
            taken.append(new)
        return new, (np.mean(taken, axis=0) if taken else new)

    return step


def np_ranger21(b1, b2, eps, weight_decay, normloss, b0, agc_clip, gc, total_steps, lookahead_k, lookahead_alpha, log=None):
    """AGC → GC → PNM/AdamW core + stable decay + norm loss, warmup/warm-down, inside Lookahead."""
    buffers = [np.zeros(2), np.zeros(2)]
    v = np.zeros(2)
    t = 0
    beta_warmup = math.ceil(2 / (1 - b2))
    warmup = math.floor(0.22 * total_steps) if beta_warmup > 0.45 * total_steps else beta_warmup
    down_start = math.floor(0.72 * total_steps)

    def core(p, g, lr):
        nonlocal v, t
        bound = agc_clip * max(np.linalg.norm(p), 1e-3)
        if np.linalg.norm(g) > bound:
            g = g * bound / max(np.linalg.norm(g), 1e-6)
            if log is not None:
                log.append(t)
        g = g - gc * np.mean(g)
        t += 1
        mine = 0 if t % 2 == 1 else 1
        buffers[mine] = b1**2 * buffers[mine] + (1 - b1**2) * g
        n = ((1 + b0) * buffers[mine] - b0 * buffers[1 - mine]) / math.sqrt((1 + b0) ** 2 + b0**2)
        v = b2 * v + (1 - b2) * g * g
        if t < down_start:
            rate = lr * min(1.0, t / warmup)
        else:
            rate = lr - (lr - 3e-5) * min(1.0, (t + 1 - down_start) / (total_steps - down_start + 1))
        v_hat = v / (1 - b2**t)
        adam = n / (1 - b1**t) / (np.sqrt(v_hat) + eps)
        decay = weight_decay * p / (math.sqrt(np.mean(v_hat)) + eps)
        norm_loss = 2 * normloss * (1 - 1 / (np.linalg.norm(p) + eps)) * p
        return p - rate * (adam + decay + norm_loss)

    return np_lookahead(core, lookahead_k, lookahead_alpha)


# --- oracle adapters: (grad, start, rates) -> (positions, second path or None) -------------------


def with_numpy(make, **kwargs):
    def oracle(grad, start, rates):
        step = make(**kwargs)
        return run_numpy_with_aux(lambda p, g, lr: (step(p, g, lr), p), start, grad, rates)[0], None

    return oracle


def with_numpy_aux(make, **kwargs):
    return lambda grad, start, rates: run_numpy_with_aux(make(**kwargs), start, grad, rates)


def with_optax(make):
    def oracle(grad, start, rates):
        table = jnp.asarray(rates)
        return run_optax(make(lambda count: table[count]), start, grad, len(rates)), None

    return oracle


def with_optax_lookahead(make_inner, k, alpha):
    def oracle(grad, start, rates):
        table = jnp.asarray(rates)
        tx = optax.lookahead(make_inner(lambda count: table[count]), k, alpha)
        return run_optax_lookahead(tx, start, grad, len(rates))

    return oracle


def with_optax_constant(make):
    return lambda grad, start, rates: (run_optax(make(float(rates[0])), start, grad, len(rates)), None)


def constant_rates(eta0: float, steps: int) -> np.ndarray:
    return np.full(steps, eta0)


@dataclass(frozen=True)
class Case:
    key: str
    oracle_name: str
    hyper: dict
    oracle: Callable
    eta: tuple[float, float]  # η₀ on (rosenbrock, quadratic)
    schedule: Callable[[float, int], np.ndarray] = field(default=cosine_rates)
    problems: tuple[str, ...] = tuple(PROBLEMS)


MOMENTS = dict(b1=0.8, b2=0.99, eps=1e-6)
ADAM_ETA = (2e-2, 1e-1)
BOUNDS = dict(final_lr=0.05, gamma=0.02, **MOMENTS)
LOOKAHEAD = dict(lookahead_k=4.0, lookahead_alpha=0.6)
# SWATS's absolute switch tolerance suits each problem's scale of γ: both starts switch mid-run.
SWATS = {"rosenbrock": (dict(MOMENTS, switch_tol=1e-5), 2e-2), "quadratic": (dict(MOMENTS, switch_tol=1e-6), 1e-2)}
RANGER21 = dict(
    b1=0.85, b2=0.99, eps=1e-7, weight_decay=1e-2, normloss=1e-2, b0=0.8, agc_clip=0.05, gc=1.0,
    total_steps=200.0, lookahead_k=6.0, lookahead_alpha=0.4,
)
RANGER21_NO_GC = dict(RANGER21, gc=0.0, agc_clip=2.0)
LARS = dict(momentum=0.8, weight_decay=0.01)


def _optax_lars_blocks(lr):
    """Our order (η outside the buffer) from optax's pieces."""
    return optax.chain(
        optax.add_decayed_weights(0.01),
        optax.scale_by_trust_ratio(trust_coefficient=1.0),
        optax.trace(decay=0.8),
        optax.scale_by_learning_rate(lr),
    )


CASES = (
    Case("adamod", "numpy", dict(MOMENTS, b3=0.95), with_numpy(np_adamod, **MOMENTS, b3=0.95), (5e-2, 3e-1)),
    Case("adabound", "numpy", BOUNDS, with_numpy(np_adabound, **BOUNDS), ADAM_ETA),
    Case("amsbound", "numpy", BOUNDS, with_numpy(np_adabound, **BOUNDS, ams=True), ADAM_ETA),
    Case("diffgrad", "numpy", MOMENTS, with_numpy(np_diffgrad, **MOMENTS), ADAM_ETA),
    Case("aggmo", "numpy", dict(b1=0.2, b2=0.7, b3=0.95), with_numpy(np_aggmo, b1=0.2, b2=0.7, b3=0.95), (5e-4, 2e-2)),
    Case("pnm", "numpy", dict(b1=0.8, b0=0.7), with_numpy(np_pnm, b1=0.8, b0=0.7), (1e-3, 1e-1)),
    Case("lars", "optax", LARS, with_optax(_optax_lars_blocks), (2e-3, 5e-3)),
    Case("lars", "optax.lars", LARS,
         with_optax_constant(lambda lr: optax.lars(lr, weight_decay=0.01, trust_coefficient=1.0, momentum=0.8)),
         (2e-3, 5e-3), constant_rates),
    *(
        Case("swats", "numpy", hyper, with_numpy(np_swats, **hyper), (eta, eta), problems=(problem,))
        for problem, (hyper, eta) in SWATS.items()
    ),
    Case("lookahead", "optax", dict(momentum=0.7, **LOOKAHEAD),
         with_optax_lookahead(lambda lr: optax.sgd(lr, momentum=0.7), 4, 0.6), (5e-4, 5e-2)),
    Case("lookahead", "numpy", dict(momentum=0.7, **LOOKAHEAD),
         with_numpy_aux(lambda: np_lookahead(np_heavy_ball(0.7), 4, 0.6)), (5e-4, 5e-2)),
    Case("lookahead(adam)", "optax", dict(MOMENTS, **LOOKAHEAD),
         with_optax_lookahead(lambda lr: optax.adam(lr, **MOMENTS), 4, 0.6), ADAM_ETA),
    Case("lookahead_yogi", "numpy", dict(MOMENTS, eps=1e-2, **LOOKAHEAD),
         with_numpy_aux(lambda: np_lookahead(np_yogi(0.8, 0.99, 1e-2), 4, 0.6)), ADAM_ETA),
    Case("ranger", "optax", dict(MOMENTS, threshold=6.0, **LOOKAHEAD),
         with_optax_lookahead(lambda lr: optax.radam(lr, **MOMENTS, threshold=6.0), 4, 0.6), (1e-3, 1e-2)),
    Case("ranger21", "numpy", RANGER21, with_numpy_aux(np_ranger21, **RANGER21), (5e-2, 2e-1)),
    Case("ranger21", "numpy-no-gc", RANGER21_NO_GC, with_numpy_aux(np_ranger21, **RANGER21_NO_GC), (5e-2, 2e-1)),
    Case("swa", "numpy", dict(swa_start=20.0, swa_period=3.0), with_numpy_aux(np_swa, swa_start=20, swa_period=3),
         (1e-3, 3e-1)),
    Case("swa", "numpy-from-0", dict(swa_start=0.0, swa_period=1.0), with_numpy_aux(np_swa, swa_start=0, swa_period=1),
         (1e-3, 3e-1)),
    Case("clip_norm", "optax", dict(clip_max_norm=2.0),
         with_optax(lambda lr: optax.chain(optax.clip_by_global_norm(2.0), optax.sgd(lr))), (2e-2, 2e-1)),
    Case("clip_value", "optax", dict(clip_max_value=1.5),
         with_optax(lambda lr: optax.chain(optax.clip(1.5), optax.sgd(lr))), (2e-2, 2e-1)),
)


def _rates(case: Case, problem: str) -> np.ndarray:
    eta0 = case.eta[0] if problem == "rosenbrock" else case.eta[1]
    return case.schedule(eta0, STEPS)


@pytest.mark.parametrize(
    "case, problem",
    [(case, problem) for case in CASES for problem in case.problems],
    ids=lambda x: f"{x.key}-{x.oracle_name}" if isinstance(x, Case) else x,
)
def test_parity(case: Case, problem: str) -> None:
    rates = _rates(case, problem)
    mine, mine_aux = ours(case.key, problem, tuple(rates), tuple(sorted(case.hyper.items())))
    for i, start in enumerate(PROBLEMS[problem].starts):
        ref, ref_aux = case.oracle(PROBLEMS[problem].grad, start, rates)
        assert np.all(np.isfinite(ref)), "the oracle run must stay finite"
        assert np.linalg.norm(ref[-1] - ref[0]) > 1e-2, "the run should go somewhere"
        err = np.max(np.abs(mine[:, :, i] - ref))
        assert err <= TOL, f"{case.key} vs {case.oracle_name} on {problem} from {start}: max |Δθ| = {err:.3g}"
        if ref_aux is not None:
            aux_err = np.max(np.abs(mine_aux[:, :, i] - ref_aux))
            assert aux_err <= TOL, f"{case.key}'s second path vs {case.oracle_name}: max |Δ| = {aux_err:.3g}"


def test_every_registered_optimizer_has_a_parity_case() -> None:
    """Read from the registry, not a hand-kept list: a new optimizer without an oracle fails here
    (gradient noise, whose steps are random by design, is checked by its own statistics)."""
    from tests.test_optimizer_parity_adaptive import CASES as ADAPTIVE_CASES

    covered = {c.key for c in CASES} | {c.key for c in ADAPTIVE_CASES}
    missing = sorted(k for k, info in optimizers.REGISTRY.items() if not info.stochastic and k not in covered)
    assert not missing, f"no parity case for {missing}"


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_parity_cases_reach_the_interesting_branches(problem: str) -> None:
    """SWATS switches to SGD and Ranger21's adaptive clipping fires, far from the tolerances."""
    grad = PROBLEMS[problem].grad
    hyper, eta = SWATS[problem]
    for start in PROBLEMS[problem].starts:
        switches: list = []
        step = np_swats(**hyper, log=switches)
        run_numpy_with_aux(lambda p, g, lr: (step(p, g, lr), p), start, grad, cosine_rates(eta, STEPS))
        assert len(switches) == 1 and 20 < switches[0][0] < STEPS - 20, switches
        assert switches[0][1] < 0.95 * hyper["switch_tol"]
    ranger_rates = cosine_rates(5e-2 if problem == "rosenbrock" else 2e-1, STEPS)
    for start in PROBLEMS[problem].starts:
        clipped: list = []
        run_numpy_with_aux(np_ranger21(**RANGER21_NO_GC, log=clipped), start, grad, ranger_rates)
        assert 10 < len(clipped) < STEPS - 10, "adaptive clipping should fire on some steps only"


# --- gradient noise ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _noise(a: float, gamma: float, seed: int, steps: int = 60, n: int = 5000) -> np.ndarray:
    """The noise the wrapper adds, (steps, 2, n): SGD at η = 1 on a zero gradient moves by -noise."""
    info = optimizers.get("gradient_noise")
    hyper = dict(noise_a=a, noise_gamma=gamma, noise_seed=float(seed))

    @jax.jit
    def draws(hyper):
        tx = info.build(jnp.asarray(1.0), **hyper)
        zeros = jnp.zeros((2, n))

        def step(state, _):
            updates, state = tx.update(zeros, state, zeros)
            return state, -updates

        return jax.lax.scan(step, tx.init(zeros), None, length=steps)[1]

    return np.asarray(draws({k: jnp.asarray(v, jnp.float64) for k, v in hyper.items()}))


def test_gradient_noise_has_mean_zero_and_the_scheduled_variance() -> None:
    a, gamma = 0.3, 0.55
    noise = _noise(a, gamma, seed=7)
    steps, _, n = noise.shape
    variance = a / (1.0 + np.arange(steps)) ** gamma
    samples = noise.reshape(steps, -1)
    size = samples.shape[1]
    # Per step: the mean within 5 standard errors, the variance within 5 sd of a sample variance.
    assert np.all(np.abs(samples.mean(axis=1)) < 5 * np.sqrt(variance / size))
    assert np.all(np.abs(samples.var(axis=1) / variance - 1) < 5 * np.sqrt(2 / size))
    # Pooled and standardised: N(0, 1) to within 5 standard errors; x and y noise uncorrelated.
    z = noise / np.sqrt(variance)[:, None, None]
    assert abs(z.mean()) < 5 / np.sqrt(z.size)
    assert abs(z.var() - 1) < 5 * np.sqrt(2 / z.size)
    assert abs(np.corrcoef(z[:, 0].ravel(), z[:, 1].ravel())[0, 1]) < 5 / np.sqrt(steps * n)


def test_gradient_noise_is_reproducible_by_seed() -> None:
    same = _noise(0.3, 0.55, seed=7)
    np.testing.assert_array_equal(same, _noise(0.3, 0.55, seed=7, steps=60, n=5000))
    other = _noise(0.3, 0.55, seed=8)
    assert np.mean(np.abs(other - same)) > 0.1


def test_gradient_noise_through_the_engine_depends_on_the_seed() -> None:
    runs = [tr.run("saddle", "gradient_noise", starts=[(-3.0, 0.0)], steps=100, dtype="float64", hyper={"noise_seed": s})
            for s in (1, 1, 2)]
    np.testing.assert_array_equal(runs[0].positions, runs[1].positions)
    assert np.abs(runs[0].positions[0, -1, 1]) > 1e-3, "noise pushes the run off the saddle's axis"
    assert np.max(np.abs(runs[0].positions - runs[2].positions)) > 1e-3


# --- behaviour -----------------------------------------------------------------------------------


def test_adamod_rate_never_exceeds_its_running_bound() -> None:
    info = optimizers.get("adamod")
    b1, b2, b3, eps, lr = 0.9, 0.999, 0.99, 1e-8, 0.5
    tx = info.build(lr, b1=b1, b2=b2, b3=b3, eps=eps)
    grad = jax.grad(lambda p: jnp.sum(classic.rosenbrock(p)))

    def step(carry, _):
        p, state = carry
        updates, state = tx.update(grad(p), state, p)
        return (p + updates, state), (updates, state.adam.mu, state.adam.nu, state.adam.count, state.bound)

    start = jnp.asarray([-1.2, 1.0])
    updates, mu, nu, count, bound = (np.asarray(x) for x in jax.jit(
        lambda s: jax.lax.scan(step, (s, tx.init(s)), None, length=300)[1])(start))
    rate = np.abs(updates) / np.abs(mu)  # the effective per-coordinate rate min(ηₜ, s)
    assert np.all(rate <= bound * (1 + 1e-12))
    t = count[:, None].astype(float)
    adam_rate = lr * np.sqrt(1 - b2**t) / (1 - b1**t) / (np.sqrt(nu) + eps)
    assert np.all(rate <= adam_rate * (1 + 1e-12))
    assert np.all(rate[:20] < 0.5 * adam_rate[:20]), "from s₀ = 0 the bound caps the first steps"


def test_lookahead_slow_weights_move_only_every_k_steps() -> None:
    k = 4
    rec = tr.run("quadratic", "lookahead", steps=60, dtype="float64", learning_rate=0.05, hyper={"lookahead_k": k})
    slow, fast = rec.aux[0], rec.positions[0]
    moved = np.any(slow[1:] != slow[:-1], axis=1)
    sync = np.arange(1, len(slow)) % k == 0
    np.testing.assert_array_equal(moved, sync)
    np.testing.assert_array_equal(fast[1:][sync], slow[1:][sync])  # the fast weights restart from φ
    assert np.all(np.any(fast[1:][~sync] != slow[1:][~sync], axis=1))


def test_swa_second_path_is_the_running_mean_of_the_positions() -> None:
    rec = tr.run("quadratic", "swa", steps=100, dtype="float64", learning_rate=0.45)
    positions = rec.positions[0]
    running = np.cumsum(positions, axis=0) / np.arange(1, len(positions) + 1)[:, None]
    np.testing.assert_allclose(rec.aux[0], running, rtol=0, atol=1e-12)
    assert np.abs(rec.aux[0, -1, 1]) < np.abs(positions[:, 1]).max() / 10, "the mean smooths the zig-zag"


def _sign_changes(y: np.ndarray) -> int:
    return int(np.sum(np.sign(y[1:]) != np.sign(y[:-1])))


def test_momentum_damps_the_zigzag() -> None:
    """On 0.1x² + 2y² at η = 0.3, ηf_yy = 1.2 > 1: GD flips y every step; heavy ball turns slowly."""
    sgd = tr.run("quadratic", "sgd", steps=30, dtype="float64", learning_rate=0.3).positions[0, :, 1]
    heavy = tr.run("quadratic", "momentum", steps=30, dtype="float64", learning_rate=0.3).positions[0, :, 1]
    assert _sign_changes(sgd) == 30
    assert _sign_changes(heavy) < 0.5 * _sign_changes(sgd)


def test_ranger21_rate_warms_up_and_down() -> None:
    from gradscape.optimizers.ranger import ranger21_rate

    t = jnp.arange(1, 201)
    rate = np.asarray(ranger21_rate(jnp.asarray(0.1), t, 0.99, 200.0))
    warmup = math.floor(0.22 * 200)  # 2/(1-β2) = 200 steps is over 45% of T
    np.testing.assert_allclose(rate[:warmup], 0.1 * np.arange(1, warmup + 1) / warmup, rtol=1e-12)
    assert np.all(rate[warmup:143] == 0.1)
    assert np.all(np.diff(rate[143:]) < 0) and abs(rate[-1] - 3e-5) < 1e-3


# --- wrapper API ---------------------------------------------------------------------------------


def test_wrap_names_and_namespaces_the_hyperparameters() -> None:
    info = optimizers.get("clip_norm(lookahead(adam))")
    assert info.key == "clip_norm(lookahead(adam))" and info.family == "multi-buffer / wrappers"
    assert [h.name for h in info.hypers] == ["b1", "b2", "eps", "lookahead_k", "lookahead_alpha", "clip_max_norm"]
    assert info.aux_path is not None, "the inner Lookahead's slow weights stay the second path"
    rec = tr.run("rosenbrock", "clip_norm(lookahead(adam))", steps=20, hyper={"lookahead_k": 3, "clip_max_norm": 5.0})
    assert rec.aux is not None and rec.positions.shape == (1, 21, 2)
    assert optimizers.get("clip_norm(lookahead(adam))") is info


def test_every_wrapper_wraps_every_catalogue_entry() -> None:
    for info in optimizers.REGISTRY.values():
        names = {h.name for h in info.hypers}
        for kind, spec in WRAPPERS.items():
            if names & {h.name for h in spec.hypers}:
                continue  # already wrapped by this kind (Ranger, Ranger21, lookahead, ...)
            wrapped = wrap(kind, info)
            assert [h.name for h in wrapped.hypers] == [h.name for h in info.hypers + spec.hypers]
            assert wrapped.build(info.default_lr, **wrapped.defaults()).init(jnp.zeros(2)) is not None


def test_wrap_rejects_collisions_and_unknown_parts() -> None:
    with pytest.raises(ValueError, match="already used"):
        optimizers.get("lookahead(lookahead(adam))")
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.get("lookahead(nope)")
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.get("nope(adam)")
    with pytest.raises(ValueError, match="unknown wrapper"):
        wrap("nope", optimizers.get("adam"))
    with pytest.raises(ValueError, match="unknown parameter"):
        wrap("lookahead", optimizers.get("adam"), nope=1.0)
    assert wrap("lookahead", optimizers.get("sgd"), lookahead_k=7.0).defaults()["lookahead_k"] == 7.0


def test_clip_norm_above_every_gradient_is_plain_sgd() -> None:
    plain = tr.run("quadratic", "sgd", steps=50, dtype="float64", learning_rate=0.1).positions
    clipped = tr.run("quadratic", "clip_norm", steps=50, dtype="float64", learning_rate=0.1,
                     hyper={"clip_max_norm": 100.0}).positions
    np.testing.assert_array_equal(plain, clipped)
