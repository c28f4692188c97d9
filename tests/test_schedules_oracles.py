"""Every schedule against an oracle: torch.optim.lr_scheduler, optax, or a NumPy transcription.

float64, 2000 steps, max |Δη| ≤ 1e-9. torch schedulers are stepped as in a training loop: read
param_groups[0]['lr'] for update k, then optimizer.step() and scheduler.step(). The NumPy
transcriptions below follow the formulas of SPEC §3 / seed 003, one step at a time, and share no
code with the JAX implementations.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch
from torch.optim import lr_scheduler as tls

from gradscape import schedules
from gradscape.schedules.plateau import PLATEAU
from gradscape.schedules.smooth import COSINE, gaussian_noise
from gradscape.schedules.warmup import with_constant_warmup, with_linear_warmup

N = 2000
TOL = 1e-9
LR = 0.1


def ours(key_or_info, lr=LR, **params) -> np.ndarray:
    """The schedule's own rates for k = 0 … N-1 (T = N), one vectorized float64 call."""
    info = schedules.get(key_or_info) if isinstance(key_or_info, str) else key_or_info
    values = {name: jnp.float64(v) for name, v in info.resolve(params).items()}
    return np.asarray(info.fn(jnp.arange(N), jnp.int32(N), jnp.float64(lr), **values))


def torch_rates(make, lr=LR, losses=None) -> np.ndarray:
    """Rates a torch scheduler gives updates 0..N-1 (plateau: after step(ℓ_k), see plateau.py)."""
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=lr)
    sched = make(opt)
    out = []
    for k in range(N):
        if losses is not None:
            sched.step(float(losses[k]))
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        if losses is None:
            sched.step()
    return np.array(out)


def optax_rates(schedule) -> np.ndarray:
    return np.asarray(jax.vmap(schedule)(jnp.arange(N, dtype=jnp.float64)), dtype=np.float64)


def transcribe(rate) -> np.ndarray:
    return np.array([rate(k) for k in range(N)], dtype=np.float64)


def assert_close(got, want):
    assert got.shape == want.shape
    assert np.all(np.isfinite(got))
    assert np.max(np.abs(got - want)) <= TOL


# ---------------------------------------------------------------- torch.optim.lr_scheduler

TORCH_CASES = {
    "step": (dict(alpha=0.7, step_size=150), lambda o: tls.StepLR(o, step_size=150, gamma=0.7)),
    "step/1": (dict(alpha=0.999, step_size=1), lambda o: tls.StepLR(o, step_size=1, gamma=0.999)),
    "multistep": (
        dict(m1=0.25, m2=0.5, m3=0.8, alpha1=0.3, alpha2=0.3, alpha3=0.3),
        lambda o: tls.MultiStepLR(o, milestones=[500, 1000, 1600], gamma=0.3),
    ),
    "multistep/unordered": (
        dict(m1=0.8, m2=0.25, m3=0.25, alpha1=0.5, alpha2=0.5, alpha3=0.5),
        lambda o: tls.MultiStepLR(o, milestones=[500, 500, 1600], gamma=0.5),
    ),
    "exponential": (dict(alpha=0.998, decay_steps=1), lambda o: tls.ExponentialLR(o, gamma=0.998)),
    "polynomial": (dict(power=2.0, end_ratio=0.0), lambda o: tls.PolynomialLR(o, total_iters=N, power=2.0)),
    "polynomial/0.9": (dict(power=0.9, end_ratio=0.0), lambda o: tls.PolynomialLR(o, total_iters=N, power=0.9)),
    "cosine": (dict(min_ratio=0.1), lambda o: tls.CosineAnnealingLR(o, T_max=N, eta_min=0.1 * LR)),
    "sgdr": (
        dict(t0=10, t_mult=2, min_ratio=0.0, restart_decay=1.0),
        lambda o: tls.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2),
    ),
    "sgdr/100x1": (
        dict(t0=100, t_mult=1, min_ratio=0.05, restart_decay=1.0),
        lambda o: tls.CosineAnnealingWarmRestarts(o, T_0=100, T_mult=1, eta_min=0.05 * LR),
    ),
    "sgdr/7x3": (
        dict(t0=7, t_mult=3, min_ratio=0.2, restart_decay=1.0),
        lambda o: tls.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=3, eta_min=0.2 * LR),
    ),
    "triangular": (
        dict(base_ratio=0.1, step_size=73),
        lambda o: tls.CyclicLR(o, 0.1 * LR, LR, step_size_up=73, mode="triangular", cycle_momentum=False),
    ),
    "triangular2": (
        dict(base_ratio=0.25, step_size=40),
        lambda o: tls.CyclicLR(o, 0.25 * LR, LR, step_size_up=40, mode="triangular2", cycle_momentum=False),
    ),
    "exp-range": (
        dict(base_ratio=0.05, step_size=60, gamma=0.998),
        lambda o: tls.CyclicLR(o, 0.05 * LR, LR, step_size_up=60, mode="exp_range", gamma=0.998, cycle_momentum=False),
    ),
    "onecycle-cos": (
        dict(pct_start=0.3, div=25.0, final_div=1e4),
        lambda o: tls.OneCycleLR(o, max_lr=LR, total_steps=N, pct_start=0.3, anneal_strategy="cos",
                                 div_factor=25.0, final_div_factor=1e4, three_phase=False, cycle_momentum=False),
    ),
    "onecycle-linear": (
        dict(pct_start=0.45, div=10.0, final_div=100.0),
        lambda o: tls.OneCycleLR(o, max_lr=LR, total_steps=N, pct_start=0.45, anneal_strategy="linear",
                                 div_factor=10.0, final_div_factor=100.0, three_phase=False, cycle_momentum=False),
    ),
}


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_against_torch(case):
    params, make = TORCH_CASES[case]
    assert_close(ours(case.split("/")[0], **params), torch_rates(make))


def plateau_losses(seed: int) -> np.ndarray:
    """A loss curve with descents, long plateaus, noise, exact repeats and a sign change."""
    rng = np.random.default_rng(seed)
    drift = np.repeat(rng.choice([-0.02, 0.0, 0.0, 0.001], size=N // 50), 50)
    steps = drift + rng.normal(0.0, 0.004, N) * rng.integers(0, 2, N)
    return 1.0 + np.cumsum(steps)


PLATEAU_CASES = [
    dict(factor=0.5, patience=5, threshold=1e-3, cooldown=3, min_ratio=0.01),
    dict(factor=0.1, patience=10, threshold=1e-4, cooldown=0, min_ratio=0.0),
    dict(factor=0.7, patience=0, threshold=0.0, cooldown=0, min_ratio=0.2),
    dict(factor=0.9, patience=20, threshold=0.05, cooldown=10, min_ratio=0.0),
]


def replay(info, losses, lr=LR, T=N, **params) -> np.ndarray:
    """The rates a stateful schedule gives when fed `losses`, as the engine feeds it."""
    values = info.resolve(params)
    advance = jax.jit(lambda s, k, loss: info.advance(s, k, T, lr, loss, **values))
    state, out = info.init_state(), []
    for k, loss in enumerate(losses):
        rate, state = advance(state, jnp.int32(k), jnp.float64(loss))
        out.append(float(rate))
    return np.array(out)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("case", range(len(PLATEAU_CASES)))
def test_plateau_against_torch(case, seed):
    p = PLATEAU_CASES[case]
    losses = plateau_losses(seed)
    assert losses.min() < 0 < losses.max()  # crosses zero: torch's relative test on a negative best

    def make(o):
        return tls.ReduceLROnPlateau(o, mode="min", factor=p["factor"], patience=p["patience"],
                                     threshold=p["threshold"], threshold_mode="rel", cooldown=p["cooldown"],
                                     min_lr=p["min_ratio"] * LR)

    want = torch_rates(make, losses=losses)
    assert len(np.unique(want)) > 2  # the case really reduces, more than once
    assert_close(replay(PLATEAU, losses, **p), want)


def test_warmup_composes_with_plateau():
    """Linear warmup + reduce-on-plateau: the plateau state only starts at k = K."""
    K = 100
    info = with_linear_warmup(PLATEAU, key="warmup-plateau")
    p = PLATEAU_CASES[0]
    losses = plateau_losses(0)
    got = replay(info, losses, warmup_steps=K, **p)

    def make(o):
        return tls.ReduceLROnPlateau(o, factor=p["factor"], patience=p["patience"], threshold=p["threshold"],
                                     cooldown=p["cooldown"], min_lr=p["min_ratio"] * LR)

    tail = torch_rates(make, losses=np.concatenate([losses[K:], np.zeros(K)]))[: N - K]
    assert_close(got, np.concatenate([LR * np.arange(K) / K, tail]))


# ---------------------------------------------------------------- optax

OPTAX_CASES = {
    "exponential": (dict(alpha=0.6, decay_steps=37), optax.exponential_decay(LR, 37, 0.6)),
    "step": (dict(alpha=0.6, step_size=37), optax.exponential_decay(LR, 37, 0.6, staircase=True)),
    "multistep": (
        dict(m1=0.25, m2=0.5, m3=0.8, alpha1=0.3, alpha2=0.5, alpha3=0.2),
        optax.piecewise_constant_schedule(LR, {500: 0.3, 1000: 0.5, 1600: 0.2}),
    ),
    "linear-then-constant": (dict(decay_steps=700, end_ratio=0.05), optax.linear_schedule(LR, 0.05 * LR, 700)),
    "polynomial": (dict(power=1.7, end_ratio=0.02), optax.polynomial_schedule(LR, 0.02 * LR, 1.7, N)),
    "cosine": (dict(min_ratio=0.05), optax.cosine_decay_schedule(LR, N, alpha=0.05)),
    "warmup-cosine": (
        dict(warmup_steps=150, min_ratio=0.01),
        optax.warmup_cosine_decay_schedule(0.0, LR, 150, N, end_value=0.01 * LR),
    ),
    "linear-warmup": (dict(warmup_steps=300), optax.warmup_constant_schedule(0.0, LR, 300)),
    "sgdr": (
        dict(t0=10, t_mult=2, min_ratio=0.0, restart_decay=0.8),
        optax.sgdr_schedule(
            [dict(init_value=LR * 0.8**i, peak_value=LR * 0.8**i, warmup_steps=0, decay_steps=10 * 2**i)
             for i in range(8)]
        ),
    ),
}


@pytest.mark.parametrize("key", sorted(OPTAX_CASES))
def test_against_optax(key):
    params, schedule = OPTAX_CASES[key]
    assert_close(ours(key, **params), optax_rates(schedule))


# ---------------------------------------------------------------- NumPy transcriptions


def np_inverse_time(k, lr, alpha, decay_steps):
    return lr / (1 + alpha * k / decay_steps)


def np_inverse_sqrt(k, lr, flat_steps):
    return lr * min(1.0, math.sqrt(flat_steps / k)) if k > 0 else lr


def np_linear_cosine(k, lr, T, alpha, beta, periods, eps=0.0):
    linear = (T - k) / T
    cos = 0.5 * (1 + math.cos(2 * math.pi * periods * k / T))
    return lr * ((alpha + linear + eps) * cos + beta)


def np_hundt(k, lr, T, alpha):
    return lr * (alpha ** (0.5 * (1 + math.cos(math.pi * k / T)) + 1) - alpha) / (alpha**2 - alpha)


def np_htd(k, lr, T, lower, upper):
    return lr / 2 * (1 - math.tanh(lower + (upper - lower) * k / T))


def np_sin(k, lr, half_period):
    return lr * abs(math.sin(math.pi * k / (2 * half_period)))


def np_sin2(k, lr, half_period):
    return np_sin(k, lr, half_period) / 2 ** (k // (2 * half_period))


def np_sinexp(k, lr, half_period, alpha):
    return np_sin(k, lr, half_period) * alpha**k


def np_sawtooth(k, lr, period, min_ratio):
    return lr - (k % period) * (lr - min_ratio * lr) / period


def np_ssgdr(k, lr, period, alpha, min_ratio):
    i, t = divmod(k, period)
    lo = min_ratio * lr
    return lo + 0.5 * (lr * alpha**i - lo) * (1 + math.cos(math.pi * t / period))


def np_constant_warmup(k, lr, warmup_steps, low_ratio):
    return low_ratio * lr if k < warmup_steps else lr


def np_noam(k, lr, d_model, warmup_steps):
    step_num = k + 1
    return lr * d_model**-0.5 * min(step_num**-0.5, step_num * warmup_steps**-1.5)


def np_slanted(k, lr, T, cut_frac, ratio):
    cut = math.floor(T * cut_frac)
    p = k / cut if k < cut else 1 - (k - cut) / (cut * (1 / cut_frac - 1))
    return lr * (1 + p * (ratio - 1)) / ratio


def np_trapezoid(k, lr, T, up_frac, down_frac):
    up_end, down_start = up_frac * T, T - down_frac * T
    if k < up_end:
        return lr * k / up_end
    if k < down_start:
        return lr
    return lr * (T - k) / (down_frac * T)


def np_untuned(k, lr, beta2):
    return lr * min(1.0, (1 - beta2) * k / 2)


def np_warmup_quarter_cosine(k, lr, T, warmup_steps):
    if k < warmup_steps:
        return lr * k / warmup_steps
    return lr * math.cos(math.pi / 4 * (k - warmup_steps) / (T - warmup_steps))


def np_linear_then_constant(k, lr, decay_steps, end_ratio):
    if k < decay_steps:
        return (1 - k / decay_steps) * lr + k / decay_steps * end_ratio * lr
    return end_ratio * lr


NUMPY_CASES = {
    "constant": ({}, lambda k: LR),
    "inverse-time": (dict(alpha=0.5, decay_steps=40), lambda k: np_inverse_time(k, LR, 0.5, 40)),
    "inverse-sqrt": (dict(flat_steps=64), lambda k: np_inverse_sqrt(k, LR, 64)),
    "linear-cosine": (dict(alpha=0.1, beta=0.01, periods=3.5), lambda k: np_linear_cosine(k, LR, N, 0.1, 0.01, 3.5)),
    "linear-cosine/half": (dict(alpha=0.0, beta=0.001, periods=0.5), lambda k: np_linear_cosine(k, LR, N, 0.0, 0.001, 0.5)),
    "cosine-exp": (dict(alpha=10.0), lambda k: np_hundt(k, LR, N, 10.0)),
    "cosine-exp/1.5": (dict(alpha=1.5), lambda k: np_hundt(k, LR, N, 1.5)),
    "htd": (dict(lower=-6.0, upper=3.0), lambda k: np_htd(k, LR, N, -6.0, 3.0)),
    "htd/-4,5": (dict(lower=-4.0, upper=5.0), lambda k: np_htd(k, LR, N, -4.0, 5.0)),
    "sin": (dict(half_period=45), lambda k: np_sin(k, LR, 45)),
    "sin2": (dict(half_period=45), lambda k: np_sin2(k, LR, 45)),
    "sinexp": (dict(half_period=45, alpha=0.998), lambda k: np_sinexp(k, LR, 45, 0.998)),
    "sawtooth": (dict(period=130, min_ratio=0.2), lambda k: np_sawtooth(k, LR, 130, 0.2)),
    "ssgdr": (dict(period=300, alpha=0.6, min_ratio=0.1), lambda k: np_ssgdr(k, LR, 300, 0.6, 0.1)),
    "constant-warmup": (dict(warmup_steps=400, low_ratio=0.1), lambda k: np_constant_warmup(k, LR, 400, 0.1)),
    "noam": (dict(d_model=512, warmup_steps=400), lambda k: np_noam(k, 1.0, 512, 400)),
    "slanted-triangular": (dict(cut_frac=0.1, ratio=32.0), lambda k: np_slanted(k, LR, N, 0.1, 32.0)),
    "slanted-triangular/0.25": (dict(cut_frac=0.25, ratio=8.0), lambda k: np_slanted(k, LR, N, 0.25, 8.0)),
    "trapezoid": (dict(up_frac=0.1, down_frac=0.3), lambda k: np_trapezoid(k, LR, N, 0.1, 0.3)),
    "untuned-warmup": (dict(beta2=0.999), lambda k: np_untuned(k, LR, 0.999)),
    "warmup-quarter-cosine": (dict(warmup_steps=250), lambda k: np_warmup_quarter_cosine(k, LR, N, 250)),
    "linear-then-constant": (dict(decay_steps=900, end_ratio=0.3), lambda k: np_linear_then_constant(k, LR, 900, 0.3)),
}


@pytest.mark.parametrize("case", sorted(NUMPY_CASES))
def test_against_numpy(case):
    params, rate = NUMPY_CASES[case]
    key = case.split("/")[0]
    lr = 1.0 if key == "noam" else LR
    assert_close(ours(key, lr=lr, **params), transcribe(rate))


def test_noisy_linear_cosine_against_numpy():
    """ε_k = σ z_k / (1+k)^0.275, z_k the documented seeded draws; negative rates clipped to 0."""
    sigma, seed = 0.8, 42
    z = np.asarray(gaussian_noise(seed, jnp.arange(N, dtype=jnp.float64)))
    want = transcribe(
        lambda k: max(0.0, np_linear_cosine(k, LR, N, 0.0, 0.001, 0.5, eps=sigma * z[k] / (1 + k) ** 0.275))
    )
    got = ours("noisy-linear-cosine", alpha=0.0, beta=0.001, periods=0.5, sigma=sigma, seed=seed)
    assert_close(got, want)
    assert abs(np.mean(z)) < 0.1 and abs(np.std(z) - 1) < 0.1  # the draws are standard normal
    assert np.all(ours("noisy-linear-cosine", sigma=1.0, seed=43) >= 0)
    assert not np.array_equal(got, ours("noisy-linear-cosine", alpha=0.0, beta=0.001, periods=0.5, sigma=sigma, seed=7))


def test_generic_constant_warmup_then_cosine():
    """with_constant_warmup works on any decay: η_low for K steps, then cosine over T - K."""
    K, low, floor = 120, 0.2, 0.1
    info = with_constant_warmup(COSINE, warmup_steps=K)
    assert info.key == "constant-warmup-cosine" and info.family == "warmup"
    want = transcribe(
        lambda k: low * LR if k < K else floor * LR + 0.5 * (LR - floor * LR) * (1 + math.cos(math.pi * (k - K) / (N - K)))
    )
    assert_close(ours(info, warmup_steps=K, low_ratio=low, min_ratio=floor), want)


def test_warmup_rejects_clashing_parameters():
    with pytest.raises(ValueError, match="warmup_steps"):
        with_linear_warmup(schedules.get("warmup-cosine"))


def test_every_schedule_has_an_oracle():
    covered = {c.split("/")[0] for c in (*TORCH_CASES, *OPTAX_CASES, *NUMPY_CASES)}
    covered |= {"plateau", "noisy-linear-cosine"}
    assert set(schedules.REGISTRY) <= covered, set(schedules.REGISTRY) - covered
