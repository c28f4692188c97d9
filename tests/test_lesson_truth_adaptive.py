"""Lessons 6, 8, 9, 12, 13 and 14: every number their Findings display, against independent re-runs.

Each test re-runs a lesson's runs with float64 oracles that share no code with the project's JAX
optimizers and schedules: NumPy transcriptions of SPEC §2–3 (here, tests/oracles.py and the parity
tests' `np_*`), torch.optim and optax. Gradients are written out by hand. Final points are classified
by their distance to the catalogue's minima, written out here too. Each displayed number is read
back from the lesson's text and compared with the oracle's; each verdict with what the oracle's run
says. Where a number comes from a chaotic run (RMSProp and Adadelta bouncing across Rosenbrock's
canyon), float32 (the app) and float64 (the oracle) part after a few hundred steps: those numbers
are compared at the size of that disagreement, and the lesson shows them only to two digits.

Inputs taken from the project, not computed by it: the noise samples of lesson 8's noisy runs
(read off the engine's record: the gradient each update used minus the true gradient there, then
checked to be N(0, σ²)), lesson 14's data set, initial weights and mini-batch rows, and the random
walk's seed.
"""

from __future__ import annotations

import functools
import math
import re

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch
from jax.flatten_util import ravel_pytree

from gradscape import lessons
from gradscape import optimizers
from gradscape.lessons.base import Finding, run
from gradscape.lessons.race import SHOWN, contenders, rates
from tests.oracles import np_yogi, rosenbrock_grad, run_numpy, run_numpy_with_aux, run_optax_lookahead
from tests.test_optimizer_parity_adaptive import np_amsgrad, np_nadam, np_qhadam, with_numpy, with_optax, with_torch
from tests.test_optimizer_parity_wrappers import (
    np_adabound,
    np_adamod,
    np_diffgrad,
    np_lookahead,
    np_ranger21,
    np_swats,
    with_numpy_aux,
)
from gradscape.trajectories import network as nw

NUMBER = r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


@functools.cache
def finding(slug: str) -> Finding:
    return lessons.get(slug).check()


def after(text: str, label: str) -> float:
    """The number printed right after `label` in `text`."""
    assert label in text, f"{label!r} not in {text!r}"
    match = re.match(r"\s*(" + NUMBER + ")", text[text.index(label) + len(label):])
    assert match, f"no number after {label!r} in {text!r}"
    return float(match.group(1))


def listed(text: str, label: str, n: int) -> list[float]:
    """The n numbers printed after `label`, separated by commas or 'and'."""
    tail = text[text.index(label) + len(label):]
    match = re.match(r"\s*" + r"(?:,\s*|\s+and\s+)".join([f"({NUMBER})"] * n), tail)
    assert match, f"no {n} numbers after {label!r} in {text!r}"
    return [float(v) for v in match.groups()]


def measured(slug: str) -> list[str]:
    return [c.measured for c in finding(slug).checks]


def held(slug: str) -> list[bool]:
    return [c.holds for c in finding(slug).checks]


def assert_percents(text: str, label: str, shares: np.ndarray) -> None:
    """'27 %' or '27–30 %' after `label` shows these shares (per coordinate) to the nearest percent."""
    match = re.match(r"\s*(\d+)(?:–(\d+))? %", text[text.index(label) + len(label):])
    assert match, f"no percentage after {label!r} in {text!r}"
    lo, hi = int(match.group(1)), int(match.group(2) or match.group(1))
    assert abs(lo - 100 * shares.min()) <= 0.6 and abs(hi - 100 * shares.max()) <= 0.6


def lost_at(path: np.ndarray, f, box: tuple[tuple[float, float], tuple[float, float]]) -> int | None:
    """The first index of a (T+1, 2) path that is non-finite, has |f| ≥ 1e12 (diverged) or lies outside
    `box`, the map widened by half its size on each side (left the map); None if none."""
    (x0, x1), (y0, y1) = box
    with np.errstate(all="ignore"):
        bad = ~np.all(np.isfinite(path), axis=1) | ~(np.abs(f(path.T)) < 1e12)
        bad |= ~((path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1))
    return int(np.argmax(bad)) if bad.any() else None


def stays_within(distance: np.ndarray, radius: float) -> int | None:
    """The first index from which `distance` stays ≤ radius to the end; None if it never does."""
    outside = np.flatnonzero(~(distance <= radius))
    if not outside.size:
        return 0
    return int(outside[-1]) + 1 if outside[-1] + 1 < len(distance) else None


# --- lesson 6: Reddi's online problem ------------------------------------------------------------


def reddi(amsgrad: bool, steps: int = 3000, big: float = 3.0, eta: float = 0.5, eps: float = 1e-8):
    """(x_0 … x_T, regret R_t/t) of Adam (β1 = 0, bias-corrected v) or AMSGrad (seed form: max of raw v),
    β2 = 1/(1 + C²), η_k = η·min(1, √(1/k)) for update k = 0, 1, … (SPEC's inverse square root, w = 1),
    fₜ(x) = Cx when t mod 3 = 1 else −x, projected on [−1, 1]."""
    b2 = 1.0 / (1.0 + big**2)
    x, v, v_max = 0.0, 0.0, 0.0
    path, regret = [x], []
    for k in range(steps):
        t = k + 1
        g = big if t % 3 == 1 else -1.0
        regret.append(g * x - g * -1.0)  # fₜ(xₜ) − fₜ(x*), x* = −1
        v = b2 * v + (1 - b2) * g * g
        v_max = max(v_max, v)
        rate = eta * math.sqrt(1.0 / max(k, 1))
        step = g / (math.sqrt(v_max) + eps) if amsgrad else g / (math.sqrt(v / (1 - b2**t)) + eps)
        x = min(1.0, max(-1.0, x - rate * step))
        path.append(x)
    return np.array(path), np.cumsum(regret) / np.arange(1, steps + 1)


def reddi_moves(path: np.ndarray, big: float = 3.0, early: int = 60) -> tuple[float, float, float]:
    """Mean |Δx| over the first `early` steps on C-gradient steps and on −1 steps, and the net 2b − a."""
    moves = np.abs(np.diff(path[: early + 1]))
    rare = (np.arange(1, early + 1) % 3) == 1
    a, b = float(moves[rare].mean()), float(moves[~rare].mean())
    return a, b, 2 * b - a


def test_lesson_6_reddi_numbers():
    slug = "adam-amsgrad-reddi"
    (adam, adam_regret), (ams, ams_regret) = reddi(False), reddi(True)
    adam_text, ams_text = measured(slug)
    assert after(adam_text, "Adam's x after 3000 steps:") == pytest.approx(adam[-1], abs=0.006)
    assert after(adam_text, "R_T/T:") == pytest.approx(adam_regret[-1], rel=0.01)
    assert after(ams_text, "AMSGrad's x after 3000 steps:") == pytest.approx(ams[-1], abs=0.006)
    assert after(ams_text, "average regret:") == pytest.approx(ams_regret[-1], rel=0.02)
    assert held(slug) == [adam[-1] > 0.9, ams[-1] < -0.9] == [True, True]
    why = finding(slug).explanation
    a, b, net = reddi_moves(adam)
    assert after(why, "its mean |Δx| was") == pytest.approx(a, rel=0.01)
    assert after(why, "on a C-gradient and") == pytest.approx(b, rel=0.01)
    assert after(why, "a net") == pytest.approx(net, rel=0.02)
    a, b, net = reddi_moves(ams)
    assert after(why, "its −1 steps stay short:") == pytest.approx(a, rel=0.01)
    assert after(why, "against") == pytest.approx(b, rel=0.01)
    assert after(why.split("AMSGrad keeps")[1], "net") == pytest.approx(net, rel=0.02)
    assert after(why, "the average slope") == pytest.approx((3 - 2) / 3, rel=1e-3) and after(why, "With β2 =") == 0.1


# --- lesson 8: warmup and RAdam -------------------------------------------------------------------

ST_MINIMA = np.array([[-2.903534, -2.903534], [-2.903534, 2.746803], [2.746803, -2.903534], [2.746803, 2.746803]])


def styblinski_grad(p: np.ndarray) -> np.ndarray:
    """∇ of ½Σ(xᵢ⁴ − 16xᵢ² + 5xᵢ), element-wise on (..., 2)."""
    return 0.5 * (4 * p**3 - 32 * p + 5)


def np_adam_batch(b1=0.9, b2=0.999, eps=1e-8):
    """Adam on a batch of points (N, 2)."""
    m = v = 0.0
    t = 0

    def step(p, g, lr):
        nonlocal m, v, t
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        return p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)

    return step


def np_radam_batch(b1=0.9, b2=0.999, eps=1e-8, threshold=5.0):
    """SPEC's RAdam: ρₜ = ρ∞ − 2tβ2ᵗ/(1−β2ᵗ); rectified Adam step when ρₜ > threshold, else θ -= η m̂."""
    m = v = 0.0
    t = 0
    rho_inf = 2.0 / (1.0 - b2) - 1.0

    def step(p, g, lr):
        nonlocal m, v, t
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho <= threshold:
            return p - lr * m_hat
        r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        return p - lr * r * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)

    return step


def linear_warmup(eta: float, warmup: int, steps: int) -> np.ndarray:
    """SPEC: η₀·k/K for k < K, then η₀ (k = 0, 1, …)."""
    k = np.arange(steps)
    return eta * np.minimum(1.0, k / warmup)


def engine_noise(rec) -> np.ndarray:
    """(N, T, 2) noise samples of a noisy record: the gradient each update used minus the true gradient
    there (NaN where a coordinate did not move: the record stores no gradient for such a step)."""
    used = rec.grads.astype(float)
    moved = np.diff(rec.positions, axis=1) != 0
    return np.where(moved, used - styblinski_grad(rec.positions[:, :-1].astype(float)), np.nan)


@functools.cache
def warmup_replay() -> dict:
    """Each of lesson 8's 3 × 8 seeds × 8 paths replayed by NumPy on the engine's noise samples: every
    path (3, 64, T+1, 2), the noise of each seed (from the Adam run, which moves on every step) and the
    noise read off the other two runs (the same samples where they moved: a seed fixes the noise)."""
    s = lessons.get("warmup-radam").scenario
    makers = (np_adam_batch, np_adam_batch, np_radam_batch)
    rates = (np.full(s.steps, 0.1), linear_warmup(0.1, 50, s.steps), np.full(s.steps, 0.1))
    records = [[run(s, i, seed=seed) for seed in range(8)] for i in range(3)]  # only their noise is used
    noise = [engine_noise(rec) for rec in records[0]]
    paths = []
    for make, lr in zip(makers, rates):
        runs = []
        for seed in range(8):
            step, p = make(), np.array(s.start_points, float)
            path = [p]
            for k in range(s.steps):
                p = step(p, styblinski_grad(p) + noise[seed][:, k], lr[k])
                path.append(p)
            runs.append(np.stack(path, axis=1))
        paths.append(np.concatenate(runs))
    others = [engine_noise(rec) for recs in records[1:] for rec in recs]
    return {"paths": np.array(paths), "noise": np.concatenate(noise), "others": others, "seeds": noise * 2}


def nearest(points: np.ndarray) -> np.ndarray:
    return np.argmin(np.linalg.norm(points[..., None, :] - ST_MINIMA, axis=-1), axis=-1)


def noam(warmup: int, steps: int = 5000, d_model: int = 512) -> np.ndarray:
    """d^(-½)·min(s^(-½), s·w^(-3/2)), s = k + 1."""
    s = np.arange(1, steps + 1, dtype=float)
    return d_model**-0.5 * np.minimum(s**-0.5, s * warmup**-1.5)


def sgdr_restarts(t0: int, mult: int, steps: int) -> list[int]:
    """Where cycles of T₀, T₀·T_mult, … start after the first."""
    out, start, length = [], 0, t0
    while start + length < steps:
        start += length
        out.append(start)
        length *= mult
    return out


def test_lesson_8_noise_is_the_stated_gaussian_and_the_same_for_each_optimizer():
    replay = warmup_replay()
    noise = replay["noise"]
    assert np.all(np.isfinite(noise)) and abs(noise.mean()) < 0.1 and noise.std() == pytest.approx(10.0, rel=0.01)
    for other, own in zip(replay["others"], replay["seeds"]):
        seen = np.isfinite(other)
        assert seen.mean() > 0.99 and np.allclose(other[seen], own[seen], atol=1e-4)


def test_lesson_8_counts_and_early_steps():
    slug = "warmup-radam"
    paths = warmup_replay()["paths"]
    hits = [int(np.count_nonzero(nearest(p[:, -1]) == 0)) for p in paths]
    early = [float(np.linalg.norm(p[:, 5] - p[:, 0], axis=1).mean()) for p in paths]
    first, second, noam_text, sgdr_text = measured(slug)
    assert after(first, "Runs (of") == 64 and after(first, "noise σ =") == 10
    assert [after(first, ": Adam "), after(first, "Adam + warmup ")] == hits[:2]
    assert after(second, "RAdam:") == hits[2]
    assert held(slug)[:2] == [hits[1] > hits[0], hits[2] >= hits[1]]
    why = finding(slug).explanation
    assert [after(why, f"{n} ") for n in ("5 steps: Adam", "Adam + warmup", "RAdam")] == pytest.approx(early, rel=0.01)
    decided = max(stays_within((nearest(path) != nearest(path[-1])).astype(float), 0.0) for p in paths for path in p)
    assert after(why, "nearest its final minimum from step") == decided
    rho_inf = 2 / (1 - 0.999) - 1
    t = np.arange(1, 100)
    switch = int(t[np.argmax(rho_inf - 2 * t * 0.999**t / (1 - 0.999**t) > 5)])
    assert after(why, "rectifier starts only at step") == switch and after(why, "ρₜ ≤") == 5
    assert "larger, not smaller, steps than Adam's" in why and early[2] > early[0]


def test_lesson_8_what_the_map_shows():
    """The look-for text is about the map: seed 0, the first 8 paths of each optimizer."""
    paths = warmup_replay()["paths"][:, :8]
    ends = [nearest(p[:, -1]) for p in paths]
    assert len(set(ends[0])) >= 3  # "scatter the runs over several basins"
    assert np.count_nonzero(ends[1] == 0) > 4  # "with warmup most reach the global minimum"
    moved = [np.linalg.norm(p[:, 5] - p[:, 0], axis=1).mean() for p in paths]
    assert moved[2] == max(moved)  # "RAdam's first steps are the largest of all"


def test_lesson_8_schedule_curves():
    slug = "warmup-radam"
    noam_text, sgdr_text = measured(slug)[2:]
    curves = [noam(w) for w in (1000, 2000, 4000)]
    peaks = listed(noam_text, "warmup 1000", 1) + [after(noam_text, "2000 "), after(noam_text, "4000 ")]
    assert peaks == pytest.approx([c.max() for c in curves], rel=5e-3)
    assert listed(noam_text, "at steps", 3) == [int(np.argmax(c)) for c in curves] == [999, 1999, 3999]
    assert listed(sgdr_text, "T₀ = 10, T_mult = 2: steps", 4) == sgdr_restarts(10, 2, 300)
    assert listed(sgdr_text, "T₀ = 100, T_mult = 1: steps", 2) == sgdr_restarts(100, 1, 300)
    assert held(slug)[2:] == [True, True]


# --- lesson 9: AdaMod ----------------------------------------------------------------------------

ROSENBROCK_BOX = ((-4.0, 4.0), (-3.0, 5.0))  # [−2, 2] × [−1, 3] widened by half its size on each side
SWEEP = np.round(10.0 ** np.linspace(-1, 1, 13), 6)


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


ADAMOD_ORACLES = {
    "SGDM": (1e-3, with_torch(torch.optim.SGD, momentum=0.9)),
    "Adam": (0.1, with_torch(torch.optim.Adam, betas=(0.9, 0.999), eps=1e-8)),
    "AdaMod": (0.1, with_numpy(np_adamod, b1=0.9, b2=0.999, b3=0.999, eps=1e-8)),
}


@functools.cache
def adamod_sweep() -> dict[str, list[tuple[float, int | None, np.ndarray]]]:
    """Per optimizer, per rate of the sweep: (final f − f*, index it left the map, path)."""
    out = {}
    for name, (eta0, oracle) in ADAMOD_ORACLES.items():
        rows = []
        for m in SWEEP:
            with np.errstate(all="ignore"):
                path = oracle(rosenbrock_grad, (-1.5, 2.0), np.full(1000, eta0 * m))
            lost = lost_at(path, rosenbrock, ROSENBROCK_BOX)
            rows.append((math.inf if lost is not None else float(rosenbrock(path[-1])), lost, path))
        out[name] = rows
    return out


def test_lesson_9_sensitivity_numbers():
    slug = "adamod-lr-sensitivity"
    sweep = adamod_sweep()
    spans, reach = measured(slug)[:2]
    for name, rows in sweep.items():
        gaps = np.array([g for g, _, _ in rows])
        finite = gaps[np.isfinite(gaps)]
        part = spans.split(f"{name} from ")[1].split(";")[0]
        assert part.startswith("< 10⁻⁸") == (finite.min() < 1e-8)
        assert after(part, " to ") == pytest.approx(finite.max(), rel=0.01)
        lost = int(np.count_nonzero(~np.isfinite(gaps)))
        assert (after(part, ", ") if lost else 0) == lost
        assert after(reach, f"{name} ") == np.count_nonzero(gaps <= 1e-4)
    lost_steps = [k for _, k, _ in sweep["SGDM"] if k is not None]
    assert "left the map" in spans and max(lost_steps) <= 5 and "diverged" not in spans
    counts = {n: int(np.count_nonzero(np.array([g for g, _, _ in r]) <= 1e-4)) for n, r in sweep.items()}
    assert held(slug)[:2] == [True, counts["AdaMod"] == 13]
    why = finding(slug).explanation
    at_small = {n: rows[0][0] for n, rows in sweep.items()}  # η = 0.01 is the sweep's first rate for both
    assert after(why, "AdaMod ends at f − f* =") == pytest.approx(at_small["AdaMod"], rel=0.01)
    assert after(why, "where Adam ends at") == pytest.approx(at_small["Adam"], rel=0.01)


def test_lesson_9_bound_is_a_warmup_not_a_clip():
    slug = "adamod-lr-sensitivity"
    log: list = []
    run_numpy(np_adamod(0.9, 0.999, 0.999, 1e-8, log=log), (-1.5, 2.0), rosenbrock_grad, np.full(1000, 0.1))
    rate, bound = (np.array([row[i] for row in log]) for i in (0, 1))
    cut, jumps = bound / rate, rate[1:] / rate[:-1]
    text = measured(slug)[2]
    assert np.all(bound < rate) and "on all 1000 steps, in x and in y" in text
    assert_percents(text, "to a median", np.median(cut, axis=0))
    assert_percents(text, "of ηₜ (", cut[-1])
    assert after(text, "never rose more than") == pytest.approx(100 * (jumps.max() - 1), abs=0.06)
    assert jumps.max() < 1.5 and "there were no spikes to clip" in text and held(slug)[2] is False
    assert np.all(rate[-1] > rate[9])  # the explanation: "here it rises slowly as the gradients shrink"


def test_lesson_9_what_the_map_shows():
    """SGDM crawls at 1e-4 and leaves the map at 1e-2 within a few steps; AdaMod starts slower than
    Adam at each of the map's rates."""
    sgdm = ADAMOD_ORACLES["SGDM"][1]
    with np.errstate(all="ignore"):
        slow, fast = (sgdm(rosenbrock_grad, (-1.5, 2.0), np.full(1000, lr)) for lr in (1e-4, 1e-2))
    assert rosenbrock(slow[-1]) > 1 and lost_at(fast, rosenbrock, ROSENBROCK_BOX) <= 5
    for lr in (0.01, 0.1, 1.0):
        moved = [np.linalg.norm(ADAMOD_ORACLES[n][1](rosenbrock_grad, (-1.5, 2.0), np.full(50, lr))[-1] - (-1.5, 2.0))
                 for n in ("Adam", "AdaMod")]
        assert moved[1] < moved[0]


# --- lesson 12: AdaGrad --------------------------------------------------------------------------

ADAGRAD_ORACLES = {
    "AdaGrad η=0.5": with_torch(torch.optim.Adagrad, initial_accumulator_value=0.0, eps=1e-10),
    "AdaGrad η=2": with_torch(torch.optim.Adagrad, initial_accumulator_value=0.0, eps=1e-10),
    "RMSProp": with_torch(torch.optim.RMSprop, alpha=0.9, eps=1e-8),
    "Adadelta": with_torch(torch.optim.Adadelta, rho=0.9, eps=1e-6),
}
ADAGRAD_RATES = {"AdaGrad η=0.5": 0.5, "AdaGrad η=2": 2.0, "RMSProp": 0.01, "Adadelta": 1.0}
CHAOTIC = 0.15  # RMSProp's and Adadelta's float32 and float64 runs part in the canyon (module docstring)


@functools.cache
def adagrad_runs() -> dict[str, dict]:
    """Per run: path, gradients, step sizes |Δθ|/|g| (geometric mean over x, y) and f − f* per step."""
    out = {}
    for name, oracle in ADAGRAD_ORACLES.items():
        path = oracle(rosenbrock_grad, (-1.5, 2.0), np.full(1000, ADAGRAD_RATES[name]))
        grads = np.array([rosenbrock_grad(p) for p in path[:-1]])
        size = np.sqrt(np.prod(np.abs(np.diff(path, axis=0)) / np.abs(grads), axis=1))
        out[name] = {"path": path, "grads": grads, "size": size, "gap": rosenbrock(path.T)}
    return out


def test_lesson_12_adagrad_step_settles_and_never_grows():
    slug = "adagrad-vanishing-step"
    runs = adagrad_runs()
    sizes_text, vanish_text = measured(slug)[:2]
    for name in ("AdaGrad η=0.5", "AdaGrad η=2"):
        size = runs[name]["size"]
        assert listed(sizes_text, f"{name} ", 3) == pytest.approx(size[[0, 9, 999]], rel=0.03)
        assert np.all(size[1:] <= size[:-1])  # in float64 it never grows: the float32 ratio is rounding
        sums = np.cumsum(runs[name]["grads"] ** 2, axis=0)
        assert np.min(sums[9] / sums[-1]) >= after(vanish_text, "each AdaGrad sum held") / 100
        assert abs(size[-1] / size[9] - 1) < after(vanish_text, "changed by less than") / 100
        assert after(vanish_text, "fell ×" if name.endswith("0.5") else "and ×") == pytest.approx(
            runs[name]["gap"][500] / runs[name]["gap"][1000], rel=0.03)
    assert after(sizes_text, "largest ratio ×") < 1.01 and held(slug)[:2] == [True, False]


def test_lesson_12_rmsprop_and_adadelta_keep_learning_but_end_behind_adagrad_at_eta_2():
    slug = "adagrad-vanishing-step"
    runs = adagrad_runs()
    growth_text, final_text = measured(slug)[2:]
    for name in ("RMSProp", "Adadelta"):
        size, gap = runs[name]["size"], runs[name]["gap"]
        assert after(growth_text, "×" if name == "RMSProp" else "and ×") == pytest.approx(size[-1] / size[9], rel=0.1)
        assert gap[500] / gap[1000] > after(growth_text, "fell by more than ×") == 10
    for name, run_ in runs.items():
        assert after(final_text, f"{name} ") == pytest.approx(run_["gap"][-1], rel=0.01 if "AdaGrad" in name else CHAOTIC)
    finals = {n: r["gap"][-1] for n, r in runs.items()}
    assert min(finals, key=finals.get) == "AdaGrad η=2"  # the look-for text: "which is why it ends lowest"
    assert held(slug)[2:] == [True, False]
    why = finding(slug).explanation
    fast = runs["AdaGrad η=2"]
    assert after(why, "‖g‖ =") == pytest.approx(np.linalg.norm(runs["AdaGrad η=0.5"]["grads"][0]), rel=0.01)
    assert after(why, "across the canyon to f − f* =") == pytest.approx(fast["gap"][10], rel=0.05)
    assert fast["path"][0, 0] < 0 < fast["path"][10, 0]  # from the left arm to the right one, near (1, 1)
    assert np.allclose(np.abs(fast["path"][1] - fast["path"][0]), 2.0)  # the first step is η·sign(g)


# --- lesson 13: the race --------------------------------------------------------------------------

BEALE_BOX = ((-9.0, 9.0), (-9.0, 9.0))  # [−4.5, 4.5]² widened by half its size on each side
BEALE_MIN = np.array([3.0, 0.5])
RACE_START, RACE_STEPS, RADIUS = (1.0, 1.5), 500, 0.01
STEP_SLACK = 3  # float32 (the app) and float64 (here) may cross the radius a step or two apart
BETAS = dict(betas=(0.9, 0.999), eps=1e-8)
MOMENTS = dict(b1=0.9, b2=0.999, eps=1e-8)


def fast_path(oracle):
    """An oracle that returns (fast, slow) paths, reduced to the fast one: the parameters drawn on the map."""
    return lambda grad, start, rates: oracle(grad, start, rates)[0]


def optax_lookahead_radam(grad, start, rates):
    tx = optax.lookahead(optax.radam(float(rates[0]), **MOMENTS, threshold=5.0), 5, 0.5)
    return run_optax_lookahead(tx, start, grad, len(rates))


# Each contender at the catalogue's default hyperparameters (SPEC §2), by an oracle the parity tests use.
RACE_ORACLES = {
    "adagrad": with_torch(torch.optim.Adagrad, initial_accumulator_value=0.0, eps=1e-10),
    "adadelta": with_torch(torch.optim.Adadelta, rho=0.9, eps=1e-6),
    "rmsprop": with_torch(torch.optim.RMSprop, alpha=0.9, eps=1e-8),
    "rmsprop_centered": with_torch(torch.optim.RMSprop, alpha=0.9, eps=1e-8, centered=True),
    "adam": with_torch(torch.optim.Adam, **BETAS),
    "adamax": with_torch(torch.optim.Adamax, **BETAS),
    "nadam": with_numpy(np_nadam, **MOMENTS),
    "nadam_torch": with_torch(torch.optim.NAdam, momentum_decay=4e-3, **BETAS),
    "amsgrad": with_numpy(np_amsgrad, **MOMENTS),
    "amsgrad_torch": with_torch(torch.optim.Adam, amsgrad=True, **BETAS),
    "adamw": with_torch(torch.optim.AdamW, weight_decay=0.01, **BETAS),
    "radam": with_optax(lambda lr: optax.radam(lr, **MOMENTS, threshold=5.0)),
    "yogi": with_numpy(np_yogi, b1=0.9, b2=0.999, eps=1e-3),
    "adabelief": with_optax(lambda lr: optax.adabelief(lr, b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16)),
    "qhadam": with_numpy(np_qhadam, **MOMENTS, nu1=0.7, nu2=1.0),
    "lion": with_optax(lambda lr: optax.lion(lr, b1=0.9, b2=0.99, weight_decay=0.0)),
    "adamod": with_numpy(np_adamod, **MOMENTS, b3=0.999),
    "adabound": with_numpy(np_adabound, final_lr=0.1, gamma=1e-3, **MOMENTS),
    "amsbound": with_numpy(np_adabound, final_lr=0.1, gamma=1e-3, **MOMENTS, ams=True),
    "diffgrad": with_numpy(np_diffgrad, **MOMENTS),
    "lookahead_yogi": fast_path(lambda grad, start, rates: run_numpy_with_aux(
        np_lookahead(np_yogi(0.9, 0.999, 1e-3), 5, 0.5), start, grad, rates)),
    "ranger": fast_path(optax_lookahead_radam),
    "ranger21": fast_path(with_numpy_aux(np_ranger21, **MOMENTS, weight_decay=1e-4, normloss=1e-4, b0=1.0, agc_clip=0.01,
                                         gc=1.0, total_steps=RACE_STEPS, lookahead_k=5, lookahead_alpha=0.5)),
    "swats": with_numpy(np_swats, **MOMENTS, switch_tol=1e-5),
}


def beale(p):
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def beale_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    return np.array([2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1),
                     2 * a * x + 4 * b * x * y + 6 * c * x * y**2])


class Trial:
    """One oracle run from the race's start: when it stays within RADIUS of the minimum, when it first
    gets there, where it ends, and when it was lost (diverged or left the map)."""

    def __init__(self, path: np.ndarray):
        self.path = path
        self.lost = lost_at(path, beale, BEALE_BOX)
        distance = np.linalg.norm(path - BEALE_MIN, axis=1)
        near = np.flatnonzero(distance <= RADIUS)
        self.steps = None if self.lost is not None else stays_within(distance, RADIUS)
        self.first = None if self.lost is not None or not near.size else int(near[0])
        self.distance = math.inf if self.lost is not None else float(distance[-1])
        with np.errstate(all="ignore"):
            self.diverged = self.lost is not None and not (np.all(np.isfinite(path[self.lost]))
                                                          and abs(beale(path[self.lost])) < 1e12)


def creeping(path: np.ndarray) -> bool:
    """Barely moving (the last 25 steps within 0.1 % of the map's size, 0.009, of the end), still
    getting closer to the minimum, and not there (farther than 1 % of the map, 0.09)."""
    distance = np.linalg.norm(path - BEALE_MIN, axis=1)
    return bool(np.max(np.linalg.norm(path[-25:] - path[-1], axis=1)) < 0.009 and np.all(np.diff(distance[-100:]) < 0)
                and distance[-1] > 0.09)


@functools.cache
def race_trials() -> dict[str, dict[float, Trial]]:
    """Every contender that has an oracle here, at each of its five rates. An optimizer added to the
    catalogue later is ranked by the lesson and its steps taken as shown (its parity test checks its
    rule): the ranking below is then recomputed around it, not pinned."""
    out = {}
    for key in contenders():
        if key in RACE_ORACLES:
            with np.errstate(all="ignore"):
                out[key] = {lr: Trial(RACE_ORACLES[key](beale_grad, RACE_START, np.full(RACE_STEPS, lr)))
                            for lr in rates(key)}
    return out


def race_best(trials: dict[float, Trial]) -> Trial:
    return min(trials.values(), key=lambda t: (math.inf if t.steps is None else t.steps, t.distance))


def shown_ranking() -> tuple[list[tuple[int, str, int, float]], list[str]]:
    """(place, key, steps, rate) of each finisher in the displayed ranking, and the keys that never get there."""
    keys = {optimizers.get(k).name: k for k in contenders()}
    text = finding("optimizer-race").explanation.split("Ranking: ")[1].split(". The source")[0]
    ranked, _, never = text.partition(f"; never within {RADIUS:g}: ")
    rows = re.findall(r"(\d+)\. (.+?) (\d+) \(η (" + NUMBER + r")\)", ranked)
    names = re.split(r", | and ", never) if never else []
    return [(int(p), keys[n], int(s), float(lr)) for p, n, s, lr in rows], [keys[n] for n in names]


def expected_steps() -> dict[str, int | None]:
    """Each contender's steps at its best rate: the oracle's, or (an optimizer without one here) as shown."""
    trials = race_trials()
    rows, never = shown_ranking()
    shown = {**{k: s for _, k, s, _ in rows}, **{k: None for k in never}}
    return {k: race_best(trials[k]).steps if k in trials else shown[k] for k in contenders()}


def place_range(key: str, steps: dict[str, int | None]) -> range:
    """The competition places `key` may take when every arrival step is known up to STEP_SLACK."""
    s = steps[key]
    surely = sum(o is not None and o < s - STEP_SLACK for k, o in steps.items() if k != key)
    maybe = sum(o is not None and o < s + STEP_SLACK for k, o in steps.items() if k != key)
    return range(1 + surely, 2 + maybe)


def test_lesson_13_ranking_follows_the_oracle_paths():
    trials, steps = race_trials(), expected_steps()
    rows, never = shown_ranking()
    assert sorted([k for _, k, _, _ in rows] + never) == sorted(contenders())
    assert sorted(never) == sorted(k for k, s in steps.items() if s is None)
    shown_steps = {k: s for _, k, s, _ in rows}
    for place, key, shown, lr in rows:
        assert place == 1 + sum(s < shown for s in shown_steps.values())  # competition places: ties share one
        assert place in place_range(key, steps), f"{key} placed {place}, expected {place_range(key, steps)}"
        if key in trials:  # the rate shown is (one of) the oracle's best, and takes the steps shown
            assert abs(trials[key][lr].steps - shown) <= STEP_SLACK and abs(steps[key] - shown) <= STEP_SLACK, key


def test_lesson_13_source_fast_group_verdict():
    slug = "optimizer-race"
    text = measured(slug)[0]
    steps = expected_steps()
    rows, never = shown_ranking()
    place = {k: p for p, k, _, _ in rows}
    half = len(contenders()) // 2
    assert after(text, "Places among") == len(contenders()) and after(text, "The top half is places 1–") == half
    fast = ("adam", "adamw", "radam", "rmsprop", "ranger")
    for key in fast:
        name = optimizers.get(key).name
        if steps[key] is None:
            assert name in text.split("; ")[-1].split(" never get within")[0]
        else:
            assert after(text, f"{name} ") == place[key] and place[key] in place_range(key, steps)
            assert abs(after(text, f"{name} {place[key]} (step") - steps[key]) <= STEP_SLACK
    in_top_half = [steps[k] is not None and max(place_range(k, steps)) <= half for k in fast]
    assert held(slug) == [all(in_top_half)] == [False]


def test_lesson_13_explanation():
    why = finding("optimizer-race").explanation
    trials = race_trials()
    adamw = race_best(trials["adamw"])
    rate = after(why, "pulls it towards the origin: at η =")
    assert trials["adamw"][rate] is adamw and abs(after(why, "where Adam stays within 0.01 from step")
                                                  - trials["adam"][rate].steps) <= STEP_SLACK
    assert after(why, "AdamW is still") == pytest.approx(adamw.distance, rel=0.03)
    assert creeping(adamw.path) and "from the minimum at step 500, barely moving." in why
    assert after(why, "from a slope of ‖∇f‖ =") == pytest.approx(np.linalg.norm(beale_grad(np.array(RACE_START))), rel=0.01)
    lost = [(lr, t) for key in ("radam", "ranger") for lr, t in trials[key].items() if t.lost is not None]
    assert listed(why.split("RAdam and Ranger take")[1], "at η =", 2) == sorted({lr for lr, _ in lost})
    assert all(t.diverged for _, t in lost) and after(why, "they diverge by step") == max(t.lost for _, t in lost)
    far = min(race_best(trials[k]).distance for k in ("radam", "ranger"))
    assert far >= after(why, "they are still") > 1
    lion = race_best(trials["lion"])
    assert after(why, "at its best rate, η =") == [lr for lr, t in trials["lion"].items() if t is lion][0]
    assert abs(after(why, "of the minimum at step") - lion.first) <= STEP_SLACK
    assert after(why, "did not stay, and ends") == pytest.approx(lion.distance, rel=0.02)
    assert np.linalg.norm(lion.path[-1] - lion.path[-2]) > 1e-3 and why.endswith("still moving.")


def test_lesson_13_map_runs_are_at_their_best_rates_and_look_as_described():
    trials = race_trials()
    for key, lr in SHOWN:
        best, at_rate = race_best(trials[key]), trials[key][lr]
        if best.steps is not None:
            assert abs(at_rate.steps - best.steps) <= STEP_SLACK, key
        else:
            assert at_rate.distance == pytest.approx(best.distance, rel=0.05), key
    shown = {key: trials[key][lr] for key, lr in SHOWN}
    assert max(shown["lookahead_yogi"].steps, shown["nadam"].steps) < shown["adam"].steps < shown["rmsprop"].steps
    assert creeping(shown["adamw"].path)  # "at step 500 AdamW is still creeping towards the minimum"
    assert shown["lion"].steps is None and shown["lion"].first is not None  # "Lion keeps hopping around it"
    assert min(shown["radam"].distance, shown["ranger"].distance) > 1  # "still far away at step 500"
    for key, trial in shown.items():  # "the legend's 'since step' counts from when a path came to rest there"
        if trial.steps is not None and rest_since(trial.path) <= RACE_STEPS - 25:  # at rest for 5 % of the run
            assert 0 <= rest_since(trial.path) - trial.steps <= 5, key


def rest_since(path: np.ndarray) -> int:
    """The step from which a path stays within 0.1 % of the map's size (0.009) of its last point: the
    legend's 'at the global minimum since step k' (trajectories/ends.py's rule, written out)."""
    return stays_within(np.linalg.norm(path - path[-1], axis=1), 0.009)


# --- lesson 14: the network's plane ---------------------------------------------------------------


def mlp_loss(xp, params: dict, x, y):
    """2-h-h-1 tanh MLP, mean binary cross-entropy of its logits (log(1 + e^z) − y·z); xp is numpy or jax.numpy."""
    h = xp.tanh(x @ params["w1"] + params["b1"])
    h = xp.tanh(h @ params["w2"] + params["b2"])
    z = (h @ params["w3"] + params["b3"])[..., 0]
    return xp.mean(xp.logaddexp(0.0, z) - y * z, axis=-1)


@functools.cache
def network_replay() -> dict:
    """Lesson 14's two runs re-trained in float64 by optax on the same data, initial weights and
    mini-batch rows; every iterate (2, T+1, P), the full-data loss function of a flat θ and the data size."""
    s = lessons.get("networks-2d-pictures").network
    problem, h = s.problem.checked(), s.problem.hidden
    x, y, theta0 = (np.asarray(a, np.float64) for a in nw.problem_arrays(problem))
    xj, yj = jnp.asarray(x), jnp.asarray(y)
    template = {"w1": np.zeros((2, h)), "b1": np.zeros(h), "w2": np.zeros((h, h)), "b2": np.zeros(h),
                "w3": np.zeros((h, 1)), "b3": np.zeros(1)}
    unravel = ravel_pytree(template)[1]
    bucket = nw.batch_bucket(problem.batch_size, problem.n_points)
    txs = {"sgd": lambda lr: optax.sgd(lr), "adam": lambda lr: optax.adam(lr, b1=0.9, b2=0.999, eps=1e-8)}
    paths = []
    for spec in s.runs:
        tx = txs[spec.optimizer](spec.lr)
        key = jax.random.PRNGKey(0)  # each run's mini-batch seed (NetRun's default)

        @jax.jit
        def step(theta, state, k, tx=tx, key=key):
            rows = nw.batch_indices(key, k, problem.n_points, bucket)[: problem.batch_size]
            grad = jax.grad(lambda t: mlp_loss(jnp, unravel(t), xj[rows], yj[rows]))(theta)
            updates, state = tx.update(grad, state, theta)
            return optax.apply_updates(theta, updates), state

        theta, state = jnp.asarray(theta0), tx.init(jnp.asarray(theta0))
        path = [np.asarray(theta)]
        for k in range(s.steps):
            theta, state = step(theta, state, jnp.int32(k))
            path.append(np.asarray(theta))
        paths.append(np.array(path))
    loss = lambda theta: mlp_loss(np, unravel(theta), x, y)  # noqa: E731
    return {"paths": np.array(paths), "loss": loss}


def top_share(points: np.ndarray, k: int = 2) -> tuple[float, np.ndarray, np.ndarray]:
    """Share of the spread about the mean in the top k principal directions, the directions and the mean."""
    origin = points.mean(axis=0)
    _, sv, vt = np.linalg.svd(points - origin, full_matrices=False)
    return float(np.sum(sv[:k] ** 2) / np.sum(sv**2)), vt[:k], origin


def test_lesson_14_numbers():
    slug = "networks-2d-pictures"
    replay = network_replay()
    paths, loss = replay["paths"], replay["loss"]
    own, walk_text, plane_text = measured(slug)
    shares = [top_share(p)[0] for p in paths]
    assert [after(own, "SGD "), after(own, "Adam ")] == pytest.approx([100 * v for v in shares], abs=1)
    steps, size = paths.shape[1:]
    assert after(own, "(") == size and after(own, "weights,") == steps
    walk = top_share(np.cumsum(np.random.default_rng(0).normal(size=(steps, size)), axis=0))[0]
    assert after(walk_text, "walk of") == steps and after(walk_text, "points in") == size
    assert after(walk_text, "dimensions:") == pytest.approx(100 * walk, abs=0.6)
    claim = finding(slug).checks[1].claim
    assert after(claim, "≈") == round(100 * 6 / np.pi**2 * 1.25)
    plane_share, directions, origin = top_share(paths.reshape(-1, size))
    coords = (paths - origin) @ directions.T
    off = np.linalg.norm(paths - origin - coords @ directions, axis=-1)
    net = np.array([[loss(t) for t in p] for p in paths])
    on_plane = np.array([[loss(origin + c @ directions) for c in cs] for cs in coords])
    gap = np.abs(on_plane - net) / net
    assert after(plane_text, "PCA of both runs,") == pytest.approx(100 * plane_share, abs=0.6)
    assert after(plane_text, "by up to") == pytest.approx(100 * gap.max(), abs=1)
    assert after(plane_text, "the iterates lie up to") == pytest.approx(off.max(), rel=0.05)
    assert off.min() > 1e-3  # the look-for text: "the off-plane distance is never zero"
    assert held(slug) == [min(shares) >= 0.8, abs(walk - 6 / np.pi**2 * 1.25) <= 0.05, gap.max() > 0.01]
    why = finding(slug).explanation
    assert listed(why, "the runs score", 1)[0] == round(100 * min(shares)) and after(why, "–") == round(100 * max(shares))
    assert after(why, "against the walk's") == round(100 * walk) and min(shares) > walk
    assert "closer to two directions than noise would be" in why
    assert after(why, "a slice through a") == size and after(why, "loss by up to") == pytest.approx(100 * gap.max(), abs=1)
