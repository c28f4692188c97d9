"""Properties of every schedule for any valid parameters (drawn from each Hyper's range).

Each schedule is compiled once, with its parameters, T and η₀ traced, and evaluated over
k = 0 … K_MAX-1 in one call per example: this also proves that no parameter value reaches
Python control flow.
"""

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape import schedules
from gradscape.schedules.base import FAMILIES
from gradscape.trajectories.engine import LR_RANGE, MAX_STEPS

K_MAX = MAX_STEPS + 1000  # a little past the longest run: schedules must stay valid after T
KEYS = sorted(schedules.REGISTRY)
STATELESS = [k for k in KEYS if not schedules.get(k).stateful]
SETTINGS = settings(max_examples=50, deadline=None)


def of_family(*families):
    return [k for k in STATELESS if schedules.get(k).family in families]


@functools.lru_cache(maxsize=None)
def evaluator(key: str):
    info = schedules.get(key)
    return jax.jit(lambda T, lr, params: info.fn(jnp.arange(K_MAX), T, lr, **params))


def rates(key: str, T: int, lr: float, params: dict, dtype=jnp.float64) -> np.ndarray:
    cast = {n: jnp.asarray(v, dtype) for n, v in params.items()}
    out = evaluator(key)(jnp.int32(T), jnp.asarray(lr, dtype), cast)
    assert out.dtype == dtype and out.shape == (K_MAX,)
    return np.asarray(out, np.float64)


def value(h):
    """Any value of one Hyper: its ends, its default, or a draw (log-uniform on log sliders)."""
    if h.integer:
        return st.integers(int(h.low), int(h.high)).map(float)
    if h.log:
        inner = st.floats(math.log(h.low), math.log(h.high)).map(lambda x: min(max(math.exp(x), h.low), h.high))
    else:
        inner = st.floats(h.low, h.high)
    return st.sampled_from([h.low, h.high, h.default]) | inner


@st.composite
def runs(draw, key, **fixed):
    """(T, η₀, params) with params valid for `key`; `fixed` pins some of them."""
    info = schedules.get(key)
    params = {h.name: fixed[h.name] if h.name in fixed else draw(value(h)) for h in info.params}
    T = draw(st.integers(1, MAX_STEPS))
    lr = draw(st.floats(math.log(LR_RANGE[0]), math.log(LR_RANGE[1])).map(math.exp))
    return T, lr, params


def test_metadata():
    for key, info in schedules.REGISTRY.items():
        assert info.key == key and info.family in FAMILIES
        assert info.name and info.latex and info.reference and info.when.endswith(".")
        assert len({h.name for h in info.params}) == len(info.params)
        assert all(h.name.isidentifier() for h in info.params)
    assert {i.family for i in schedules.REGISTRY.values()} == set(FAMILIES)


@pytest.mark.parametrize("key", STATELESS)
def test_finite_and_non_negative(key):
    @SETTINGS
    @given(runs(key))
    def check(run):
        T, lr, params = run
        r = rates(key, T, lr, params)
        assert np.all(np.isfinite(r)) and np.all(r >= 0)

    check()


@pytest.mark.parametrize("key", STATELESS)
def test_float32_stays_float32(key):
    info = schedules.get(key)
    r = rates(key, 300, 0.1, info.defaults(), dtype=jnp.float32)
    assert np.all(np.isfinite(r))


# Decays that are monotone only under a restriction: the restriction as pinned parameters.
DECAY_PINS = {"linear-cosine": {"periods": 0.5}}
NOT_MONOTONE = {"noisy-linear-cosine": "random kicks by design"}


@pytest.mark.parametrize("key", [k for k in of_family("piecewise decay", "smooth decay") if k not in NOT_MONOTONE])
def test_decays_never_increase(key):
    @SETTINGS
    @given(runs(key, **DECAY_PINS.get(key, {})))
    def check(run):
        T, lr, params = run
        r = rates(key, T, lr, params)
        assert np.all(np.diff(r) <= 1e-12 * lr)

    check()


def _trapezoid_top(T, p):
    """The flat top starts at aT and ends at T - bT (their crossing if a + b > 1); the run ends at T - 1."""
    return min(math.floor(min(p["up_frac"], 1.0 - p["down_frac"]) * T), T - 1)


# Last step of the rise of each warmup (the rate never decreases on k = 0 … end).
WARMUP_END = {
    "constant-warmup": lambda T, p: p["warmup_steps"],
    "linear-warmup": lambda T, p: p["warmup_steps"],
    "warmup-cosine": lambda T, p: p["warmup_steps"],
    "warmup-quarter-cosine": lambda T, p: p["warmup_steps"],
    "noam": lambda T, p: p["warmup_steps"] - 1,
    "slanted-triangular": lambda T, p: max(math.floor(T * p["cut_frac"]), 1),
    "trapezoid": _trapezoid_top,
    "onecycle-cos": lambda T, p: math.floor(p["pct_start"] * T - 1),
    "onecycle-linear": lambda T, p: math.floor(p["pct_start"] * T - 1),
    "untuned-warmup": lambda T, p: K_MAX,
}


@pytest.mark.parametrize("key", of_family("warmup"))
def test_warmups_never_decrease_during_warmup(key):
    assert key in WARMUP_END, f"add the end of {key}'s warmup to WARMUP_END"

    @SETTINGS
    @given(runs(key))
    def check(run):
        T, lr, params = run
        end = int(min(WARMUP_END[key](T, params), K_MAX - 1))
        r = rates(key, T, lr, params)[: end + 1]
        assert np.all(np.diff(r) >= -1e-12 * lr)

    check()


# Cyclical schedules repeat up to a shrinking amplitude: η_{k+P} - f = ρ (η_k - f).
# key -> (pinned parameters, period P, floor f / η₀, ratio ρ). SGDR's restart decay scales the
# peak, not the amplitude above η_min, hence η_min = 0 where it decays.
CYCLES = {
    "triangular": ({}, lambda p: 2 * p["step_size"], lambda p: p["base_ratio"], lambda p, P: 1.0),
    "triangular2": ({}, lambda p: 2 * p["step_size"], lambda p: p["base_ratio"], lambda p, P: 0.5),
    "exp-range": ({}, lambda p: 2 * p["step_size"], lambda p: p["base_ratio"], lambda p, P: p["gamma"] ** P),
    "sgdr": ({"t_mult": 1.0, "min_ratio": 0.0}, lambda p: p["t0"], lambda p: p["min_ratio"], lambda p, P: p["restart_decay"]),
    "ssgdr": ({"min_ratio": 0.0}, lambda p: p["period"], lambda p: p["min_ratio"], lambda p, P: p["alpha"]),
    "sin": ({}, lambda p: 2 * p["half_period"], lambda p: 0.0, lambda p, P: 1.0),
    "sin2": ({}, lambda p: 2 * p["half_period"], lambda p: 0.0, lambda p, P: 0.5),
    "sinexp": ({}, lambda p: 2 * p["half_period"], lambda p: 0.0, lambda p, P: p["alpha"] ** P),
    "sawtooth": ({}, lambda p: p["period"], lambda p: 0.0, lambda p, P: 1.0),
}


@pytest.mark.parametrize("key", of_family("cyclical"))
def test_cyclical_schedules_repeat(key):
    assert key in CYCLES, f"add {key}'s period to CYCLES"
    pins, period, floor, ratio = CYCLES[key]

    @SETTINGS
    @given(runs(key, **pins))
    def check(run):
        T, lr, params = run
        P = int(period(params))
        r = rates(key, T, lr, params)
        if P >= K_MAX:
            return
        f = floor(params) * lr
        assert np.allclose(r[P:] - f, ratio(params, P) * (r[:-P] - f), rtol=0, atol=1e-9 * lr)

    check()


def test_sgdr_restarts_at_the_cycle_boundaries():
    """T₀ = 10, T_mult = 2: restarts (back to η₀) exactly at 10, 30, 70, 150, 310, 630, 1270, 2550."""
    r = rates("sgdr", 3000, 1.0, {"t0": 10.0, "t_mult": 2.0, "min_ratio": 0.0, "restart_decay": 1.0})
    assert list(np.flatnonzero(np.isclose(r, 1.0, rtol=0, atol=1e-12))) == [0, 10, 30, 70, 150, 310, 630, 1270, 2550, 5110]


@functools.lru_cache(maxsize=None)
def plateau_replay():
    info = schedules.get("plateau")

    def run(losses, lr, params):
        def step(state, k_loss):
            k, loss = k_loss
            return info.advance(state, k, losses.shape[0], lr, loss, **params)[::-1]

        _, out = jax.lax.scan(step, info.init_state(), (jnp.arange(losses.shape[0]), losses))
        return out

    return jax.jit(run)


@SETTINGS
@given(run=runs("plateau"), seed=st.integers(0, 2**32 - 1), shift=st.floats(-5.0, 5.0))
def test_plateau_only_decreases_down_to_its_floor(run, seed, shift):
    _, lr, params = run
    rng = np.random.default_rng(seed)
    losses = shift + np.cumsum(rng.normal(-0.01, 0.05, 500))
    r = np.asarray(plateau_replay()(jnp.asarray(losses), jnp.float64(lr), {n: jnp.float64(v) for n, v in params.items()}))
    assert np.all(np.isfinite(r))
    assert r[0] == pytest.approx(lr)
    assert np.all(np.diff(r) <= 0)
    assert np.all(r >= params["min_ratio"] * lr * (1 - 1e-12))


def test_plateau_never_drops_while_the_loss_improves():
    params = {h.name: jnp.float64(h.default) for h in schedules.get("plateau").params}
    r = plateau_replay()(jnp.linspace(10.0, 1.0, 500), jnp.float64(0.1), params)
    assert np.all(np.asarray(r) == 0.1)
