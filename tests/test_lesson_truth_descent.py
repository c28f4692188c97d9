"""Lessons 1, 7, 10 and 11 say only what an independent re-run shows.

Each lesson's runs are redone here in float64 NumPy from the update rules' formulas (SPEC §2, the
papers), with hand-written gradients: heavy-ball momentum (m = μm + g, θ -= ηm), AdaGrad
(θ -= ηg/(√Σg² + ε)), Lookahead (every k steps φ += α(θ - φ), θ = φ), mini-batch SGD on the
regression data and SGD with annealed Gaussian noise on Peaks. The randomness is mirrored, not
reused: the mini-batches and the noise are drawn here with JAX's PRNG from the documented keys
(batch: `permutation(fold_in(split(PRNGKey(seed))[1], k), n)[:B]`; noise: a key split once per
step, σₜ² = a/(1+t)^γ from t = 0), and the draws are checked against the engine's records before
any number is trusted. Every number a lesson shows — in its checks, its explanation and the
statements of its 'what to look for' — is then recomputed from these paths and compared with the
sentence word for word; no expected value comes from a lesson's measure.
"""

from __future__ import annotations

import functools
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gradscape import landscapes
from gradscape import lessons
from gradscape.lessons.base import Finding, run, run_all
from tests.oracles import peaks, peaks_grad

NUMBER = r"(-?\d+(?:\.\d+)?(?:e[-+]\d+)?|never)"
SHARE = 0.1  # a path settles only if it stays for at least the run's last tenth


@functools.cache
def finding(slug: str) -> Finding:
    return lessons.get(slug).check()


def says(text: str, template: str, *values, rel: float = 5.1e-3) -> None:
    """`text` reads as `template` with each '{}' a number equal to the matching value: whole numbers
    exactly, others to the three significant digits shown (rel), None as 'never'."""
    parts = template.split("{}")
    assert len(parts) == len(values) + 1
    match = re.fullmatch(NUMBER.join(re.escape(p) for p in parts), text)
    assert match, f"\n{text!r}\ndoes not read as\n{template!r}"
    for got, want in zip(match.groups(), values):
        if want is None:
            assert got == "never", (got, text)
        elif isinstance(want, (int, np.integer)):
            assert got == str(int(want)), (got, want, text)
        else:
            assert float(got) == pytest.approx(float(want), rel=rel, abs=1e-12), (got, want, text)


def settle(path: np.ndarray, point, radius: float) -> int | None:
    """First step from which the path stays within radius of point to the end, if that lasts ≥ SHARE of the
    run; None otherwise."""
    near = np.linalg.norm(path - np.asarray(point), axis=1) <= radius
    steps = len(near) - 1
    k = steps + 1 - int(np.argmin(near[::-1])) if not near.all() else 0
    return k if k <= steps and steps - k >= SHARE * steps else None


def legend_steps(slug: str) -> list[int]:
    """The 'since step k' of each run's end state as the player's legend shows it (the engine's records)."""
    recs = run_all(lessons.get(slug).scenario)
    texts = [r.status_text(0) for r in recs]
    assert all(t.startswith("at the global minimum since step ") for t in texts), texts
    return [int(t.rsplit(" ", 1)[1]) for t in texts]


def crossings(values: np.ndarray) -> int:
    signs = np.sign(values)
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def faster(a, b) -> str:
    x, y = (np.inf if v is None else v for v in (a, b))
    return "faster than" if x < y else "slower than" if x > y else "as fast as"


# ── Lessons 1 and 7: f = 0.1x² + 2y² ──────────────────────────────────────────────────────────

CURVATURE = np.array([0.2, 4.0])  # ∂²f/∂x², ∂²f/∂y²
START = np.array([-5.0, -2.0])


def heavy_ball(lr: float, mu: float, steps: int, k: int = 0, alpha: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Positions and Lookahead slow weights of heavy ball on the quadratic (μ = 0: SGD; k = 0: no
    Lookahead, the slow weights stay at the start)."""
    theta, slow, m = START.copy(), START.copy(), np.zeros(2)
    path, slows = [theta], [slow]
    for t in range(1, steps + 1):
        m = mu * m + CURVATURE * theta
        theta = theta - lr * m
        if k and t % k == 0:
            slow = slow + alpha * (theta - slow)
            theta = slow
        path.append(theta)
        slows.append(slow)
    return np.array(path), np.array(slows)


def adagrad(lr: float, steps: int, eps: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Positions and per-coordinate rates η/(√s + ε) of AdaGrad on the quadratic."""
    theta, s = START.copy(), np.zeros(2)
    path, rates = [theta], []
    for _ in range(steps):
        g = CURVATURE * theta
        s = s + g * g
        rates.append(lr / (np.sqrt(s) + eps))
        theta = theta - rates[-1] * g
        path.append(theta)
    return np.array(path), np.array(rates)


def multiplier(lr: float, mu: float, h: float) -> complex:
    """Largest root of λ² - (1 + μ - ηh)λ + μ = 0: heavy ball's factor per step on a curvature h."""
    roots = np.roots([1.0, -(1.0 + mu - lr * h), mu])
    return complex(roots[np.argmax(np.abs(roots))])


def test_lesson_1_ill_conditioning():
    eta, mu, eta_ada, window = 0.45, 0.5, 1.0, 30
    radius = 0.012  # the engine's 'at rest': a thousandth of the map's 12 units
    sgd, mom = heavy_ball(eta, 0.0, 100)[0], heavy_ball(eta, mu, 100)[0]
    ada, rates = adagrad(eta_ada, 100)
    paths = {"SGD": sgd, "SGD + momentum": mom, "AdaGrad": ada}
    cross = {n: crossings(p[: window + 1, 1]) for n, p in paths.items()}
    steps = {n: settle(p, (0.0, 0.0), radius) for n, p in paths.items()}
    narrower = int(np.count_nonzero(np.abs(sgd[1 : window + 1, 1]) > np.abs(mom[1 : window + 1, 1])))
    f = finding("ill-conditioning-momentum")
    c1, c2, c3 = f.checks
    says(c1.measured, "Crossings of the valley floor (y = {}) in the first {} steps: SGD {}, SGD + momentum {}, "
         "AdaGrad {}. Steps to settle within {} of the minimum and stay there (the legend's 'since step'): SGD {}, "
         "SGD + momentum {}, AdaGrad {}.", 0, window, *cross.values(), radius, *steps.values())
    assert legend_steps("ill-conditioning-momentum") == list(steps.values())
    slowest = steps["SGD"] > max(steps["SGD + momentum"], steps["AdaGrad"])
    assert c1.holds == (cross["SGD"] >= window // 2 and slowest)
    says(c2.measured, "SGD + momentum crosses the floor {} times to SGD's {}, its distance from the floor |y| is below "
         "SGD's at {} of the first {} steps, and it settles at step {} to SGD's {}.",
         cross["SGD + momentum"], cross["SGD"], narrower, window, steps["SGD + momentum"], steps["SGD"])
    assert c2.holds == (cross["SGD + momentum"] < cross["SGD"] and narrower > window / 2
                        and steps["SGD + momentum"] < steps["SGD"])
    says(c3.measured, f"AdaGrad crosses the floor {{}} times and settles at step {{}}: "
         f"{faster(steps['AdaGrad'], steps['SGD'])} SGD, {faster(steps['AdaGrad'], steps['SGD + momentum'])} "
         "SGD + momentum.", cross["AdaGrad"], steps["AdaGrad"])
    assert c3.holds == (steps["AdaGrad"] < min(steps["SGD"], steps["SGD + momentum"]))
    # The run: SGD zig-zags at every step and is slowest; momentum crosses half as often in smaller swings and
    # is fastest; AdaGrad never crosses and comes second: partly confirmed.
    assert (cross["SGD"], c1.holds, c2.holds, c3.holds) == (30, True, True, False) and f.verdict == "partly confirmed"

    (y_sgd, y_mom), (x_sgd, x_mom) = [[multiplier(eta, m, h) for m in (0.0, mu)] for h in CURVATURE[::-1]]
    turn = np.degrees(abs(np.angle(y_mom)))
    slow_sgd, slow_mom = heavy_ball(0.4, 0.0, window)[0], heavy_ball(0.4, mu, window)[0]
    wider_at_small = int(np.count_nonzero(np.abs(slow_mom[1:, 1]) > np.abs(slow_sgd[1:, 1])))
    says(f.explanation, "Each step multiplies SGD's distance from the floor by 1 − ηh = {} (h = {}, the curvature "
         "across the valley): a crossing at every step. Momentum's multiplier is a pair of size √μ = {} turning {}° a "
         "step (a crossing every {} steps), so its swings shrink faster than SGD's. At η = {} (the same μ) SGD's "
         "multiplier is {} and momentum's |y| is above SGD's at {} of the first {} steps. "
         "Along the valley (h = {}) momentum keeps {} of its distance a step, SGD {}. AdaGrad's first step moves x "
         "by {}, but its rate along x, η/√(Σg²), falls as gradients add up: {} at step {}.",
         y_sgd.real, 4.0, abs(y_mom), turn, 180 / turn, 0.4, multiplier(0.4, 0, 4).real, wider_at_small, window, 0.2,
         abs(x_mom), x_sgd.real, abs(ada[1, 0] - ada[0, 0]), rates[10 - 1, 0], 10)
    assert abs(y_mom) == pytest.approx(np.sqrt(mu)) and abs(y_mom) < abs(y_sgd) and wider_at_small > window / 2
    assert np.all(np.diff(rates[:, 0]) < 0), "AdaGrad's rate along x only falls"
    # What to look for: SGD crosses at every step and creeps along x; momentum crosses less, in smaller swings, and
    # is nearer the bottom along x; AdaGrad never crosses in the whole run but settles after momentum.
    assert cross["SGD"] == window and np.all(np.abs(mom[2:, 0]) < np.abs(sgd[2:, 0]))
    assert crossings(ada[:, 1]) == 0 and steps["SGD + momentum"] < steps["AdaGrad"]


def test_lesson_7_lookahead():
    radius, settings = 0.012, ((5, 0.5), (5, 0.8), (10, 0.5), (10, 0.8))
    runs = {"SGD": (0.4, 0.0), "SGD + momentum": (0.1, 0.9)}
    alone = {n: heavy_ball(lr, mu, 300)[0] for n, (lr, mu) in runs.items()}
    fast = {n: heavy_ball(lr, mu, 300, 5, 0.5)[0] for n, (lr, mu) in runs.items()}
    over = {n: heavy_ball(lr, mu, 300, 5, 0.5)[1] for n, (lr, mu) in runs.items()}
    grid = {n: [settle(heavy_ball(lr, mu, 300, k, a)[1], (0, 0), radius) for k, a in settings]
            for n, (lr, mu) in runs.items()}
    steps = {n: settle(alone[n], (0, 0), radius) for n in runs}
    fast_steps = {n: settle(fast[n], (0, 0), radius) for n in runs}
    slow_steps = {n: settle(over[n], (0, 0), radius) for n in runs}
    f = finding("lookahead")
    for check, n in zip(f.checks, runs):
        says(check.measured, "Steps to settle within {} of the minimum and stay there (the legend's 'since step'): "
             f"{n} {{}}; Lookahead ({n}) {{}}, its slow weights {{}}.", radius, steps[n], fast_steps[n], slow_steps[n])
        assert check.holds == (slow_steps[n] < steps[n])
    assert legend_steps("lookahead") == [v for n in runs for v in (steps[n], fast_steps[n])]
    wins = {n: sum(g is not None and g < steps[n] for g in grid[n]) for n in runs}
    lo = {n: min(grid[n], key=lambda v: np.inf if v is None else v) for n in runs}
    hi = {n: max(grid[n], key=lambda v: np.inf if v is None else v) for n in runs}
    says(f.checks[2].measured, "With k = {} and {} and α = {} and {} the slow weights settle at steps {}–{} over SGD "
         "(alone {}), faster in {} of {}; {}–{} over SGD + momentum (alone {}), faster in {} of {}.",
         5, 10, 0.5, 0.8, lo["SGD"], hi["SGD"], steps["SGD"], wins["SGD"], 4,
         lo["SGD + momentum"], hi["SGD + momentum"], steps["SGD + momentum"], wins["SGD + momentum"], 4)
    assert f.checks[2].holds == all(w in (0, 4) for w in wins.values())
    # The run: Lookahead slows plain SGD at every setting and speeds up momentum at two of four.
    assert [c.holds for c in f.checks] == [False, True, False] and (wins["SGD"], wins["SGD + momentum"]) == (0, 2)

    paths = {"SGD": alone["SGD"], "Lookahead (SGD)": over["SGD"], "SGD + momentum": alone["SGD + momentum"],
             "Lookahead (SGD + momentum)": over["SGD + momentum"]}
    cross = [crossings(p[:, 0]) for p in paths.values()]
    kept = (1 - 0.4 * CURVATURE[0]) ** 5
    says(f.explanation, "Every k = {} steps the slow weights move α = {} of the way to the fast weights, and the fast "
         "weights restart there. Crossings of x = {}, overshoots along the valley (for Lookahead, of its slow "
         "weights): SGD {}, Lookahead (SGD) {}, SGD + momentum {}, Lookahead (SGD + momentum) {}. Along x SGD keeps "
         "{} of its distance every {} steps, the slow weights over it 1 − α(1 − {}) = {}: slower. Not tested here: "
         "Adadelta and the cost.",
         5, 0.5, 0, *cross, kept, 5, kept, 1 - 0.5 * (1 - kept))
    # What to look for: momentum's overshoots are cut short (fewer crossings, settles sooner); plain SGD, which
    # does not overshoot along x, is slowed down; the slow weights move only at every fifth step.
    assert cross[3] < cross[2] and slow_steps["SGD + momentum"] < steps["SGD + momentum"]
    assert cross[0] == 0 and slow_steps["SGD"] > steps["SGD"]
    moved = np.any(over["SGD"][1:] != over["SGD"][:-1], axis=1)
    assert np.array_equal(np.flatnonzero(moved) + 1, np.arange(5, 301, 5))


def test_lookahead_oracle_matches_the_engines_slow_weights():
    """The NumPy Lookahead above is the engine's (so its numbers judge the same runs)."""
    s = lessons.get("lookahead").scenario
    rec = run(s, 3, dtype="float64")
    np.testing.assert_allclose(rec.aux[0], heavy_ball(0.1, 0.9, 300, 5, 0.5)[1], atol=1e-9)


# ── Lesson 10: linear regression with full, single-sample and mini-batch gradients ─────────────

def batches(seed: int, n: int, size: int, steps: int) -> np.ndarray:
    """(steps, size) sample indices of each step, drawn as documented in the module docstring."""
    batch_key = jax.random.split(jax.random.PRNGKey(seed))[1]
    draw = jax.jit(jax.vmap(lambda k: jax.random.permutation(jax.random.fold_in(batch_key, k), n)[:size]))
    return np.asarray(draw(jnp.arange(steps, dtype=jnp.int32)))


def regression_sgd(x: np.ndarray, y: np.ndarray, size: int, lr: float, steps: int,
                   seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions and gradient estimates of SGD on (w, b) with batches of `size` (all samples: full batch)."""
    idx = batches(seed, len(x), size, steps) if size < len(x) else np.tile(np.arange(len(x)), (steps, 1))
    p, path, used = np.array([-2.0, -3.0]), [], []
    path.append(p)
    for rows in idx:
        r = p[0] * x[rows] + p[1] - y[rows]
        g = np.array([2 * np.mean(r * x[rows]), 2 * np.mean(r)])
        used.append(g)
        p = p - lr * g
        path.append(p)
    return np.array(path), np.array(used)


def test_lesson_10_batch_size():
    data = landscapes.get("linear_regression").data
    x, y = np.array(data.inputs), np.array(data.targets)
    solution = np.linalg.solve(np.array([[x @ x, x.sum()], [x.sum(), len(x)]]), np.array([x @ y, y.sum()]))
    radius, tail = 0.2, 100
    sizes = {"FGD": 256, "MBGD": 16, "SGD": 1}
    runs = {n: regression_sgd(x, y, b, 0.1, 300, 0) for n, b in sizes.items()}
    s = lessons.get("batch-size").scenario
    for i, spec in enumerate(s.runs):  # the mirrored draws are the engine's: same estimates, same path
        name = next(n for n, b in sizes.items() if b == spec.batch_size)
        rec = run(s, i)
        np.testing.assert_allclose(rec.positions[0], runs[name][0], atol=2e-4)
        np.testing.assert_allclose(rec.grads[0], runs[name][1], atol=2e-3, rtol=1e-3)
    dist = {n: np.linalg.norm(p - solution, axis=1) for n, (p, _) in runs.items()}
    jitter = {n: d[-tail:].mean() for n, d in dist.items()}
    steps = {n: settle(runs[n][0], solution, radius) for n in sizes}
    cost = {n: None if steps[n] is None else steps[n] * sizes[n] for n in sizes}
    first = int(np.argmax(dist["SGD"] <= radius))
    share = round(100 * float(np.mean(dist["SGD"][first:] <= radius)))
    f = finding("batch-size")
    c1, c2, c3 = f.checks
    assert c1.claim.endswith("all 256 samples.")
    says(c1.measured, "FGD (B = {}): mean distance to the least-squares (w, b) over the last {} steps below {}; it "
         "settles within {} of it and stays there from step {}, after {} per-sample gradients.",
         256, tail, 1e-3, radius, steps["FGD"], cost["FGD"])
    assert c1.holds == (jitter["FGD"] < 1e-3 and steps["FGD"] is not None)
    says(c2.measured, "SGD (B = {}) first comes within {} at step {}, after {} per-sample gradients, but never "
         "settles: from then on it is within {} only {} % of the time; mean distance over the last {} steps {}.",
         1, radius, first, first, radius, share, tail, jitter["SGD"])
    assert steps["SGD"] is None and c2.holds == (jitter["SGD"] > jitter["FGD"])
    says(c3.measured, "MBGD (B = {}): mean distance over the last {} steps {}, between FGD's and SGD's; it settles "
         "within {} and stays there from step {}, after {} per-sample gradients to FGD's {}.",
         16, tail, jitter["MBGD"], radius, steps["MBGD"], cost["MBGD"], cost["FGD"])
    assert jitter["FGD"] < jitter["MBGD"] < jitter["SGD"]
    assert c3.holds == (cost["MBGD"] is not None and cost["MBGD"] < cost["FGD"])
    assert f.verdict == "confirmed" and f.explanation == ""
    loss, paths = f.charts  # drawn in the map's colours; the loss curve is L(w, b) − L* along each path
    assert [c.name for c in loss.series] == [f"FGD (B = {sizes['FGD']})", "MBGD (B = 16)", "SGD (B = 1)"]
    assert [c.color for c in loss.series] == [c.color for c in paths.series] == ["#4363d8", "#3cb44b", "#e6194b"]
    best = np.mean((solution[0] * x + solution[1] - y) ** 2)
    for curve, name in zip(loss.series, sizes):
        p = runs[name][0]
        gap = np.mean((np.outer(p[:, 0], x) + p[:, 1:2] - y) ** 2, axis=1) - best
        shown = gap > 1e-4  # above float32's resolution of the engine's path
        np.testing.assert_allclose(curve.y[shown], gap[shown], rtol=0.05)
    # What to look for: SGD is near after a few dozen one-sample steps but keeps wandering; the mini-batch path
    # wanders much less; the full-batch path never moves away from the solution and stops on it.
    assert 12 <= first <= 60 and jitter["MBGD"] < jitter["SGD"] / 2
    assert np.all(np.diff(dist["FGD"]) <= 1e-12) and dist["FGD"][-1] < 1e-6


# ── Lesson 11: annealed gradient noise on Peaks ──────────────────────────────────────────────

def hess(p: np.ndarray) -> np.ndarray:
    """(…, 2, 2) Hessian of Peaks by central differences of the hand-written gradient."""
    h = 1e-6
    return np.stack([(peaks_grad(p + h * e) - peaks_grad(p - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)


def stationary_points() -> list[tuple[np.ndarray, np.ndarray]]:
    """Every stationary point of Peaks in [-3, 3]² (Newton's method from a 31 × 31 grid, all at once) with its
    Hessian's eigenvalues."""
    p = np.stack(np.meshgrid(np.linspace(-3, 3, 31), np.linspace(-3, 3, 31)), -1).reshape(-1, 2)
    for _ in range(60):
        p = p - np.linalg.solve(hess(p) + 1e-12 * np.eye(2), peaks_grad(p)[..., None])[..., 0]
    lam = np.linalg.eigvalsh(hess(p))
    keep = (np.all(np.abs(p) <= 3, axis=1) & (np.linalg.norm(peaks_grad(p), axis=1) < 1e-10)
            & (np.min(np.abs(lam), axis=1) > 1e-2))
    found: list[tuple[np.ndarray, np.ndarray]] = []
    for q, l in zip(p[keep], lam[keep]):
        if not any(np.linalg.norm(q - r) < 1e-6 for r, _ in found):
            found.append((q, l))
    return found


def noise_draws(seeds: int, steps: int, n: int) -> np.ndarray:
    """(seeds, steps, n, 2) standard normal draws of the gradient-noise wrapper for seeds 0, 1, …: its key,
    PRNGKey(seed), is split once per step and the draw's key once more (one gradient leaf)."""
    def one(seed):
        def body(key, _):
            key, draw = jax.random.split(key)
            return key, jax.random.normal(jax.random.split(draw, 1)[0], (2, n), jnp.float32)

        return jax.lax.scan(body, jax.random.PRNGKey(seed), None, length=steps)[1]

    draws = jax.jit(jax.vmap(one))(jnp.arange(seeds, dtype=jnp.int32))
    return np.swapaxes(np.asarray(draws, np.float64), 2, 3)


def noisy_sgd(a: float, start, seeds: int = 8, n: int = 8, lr: float = 0.1, gamma: float = 0.55,
              steps: int = 1000) -> np.ndarray:
    """(seeds, n, T+1, 2) paths of SGD with g + N(0, a/(1+t)^γ) from t = 0, in float64, for seeds 0 … seeds-1."""
    xi = noise_draws(seeds, steps, n)
    p = np.broadcast_to(np.asarray(start, float), (seeds, n, 2))
    path = [p]
    for t in range(steps):
        p = p - lr * (peaks_grad(p) + np.sqrt(a / (1 + t) ** gamma) * xi[:, t])
        path.append(p)
    return np.stack(path, axis=2)


def test_hand_written_peaks_is_the_catalogues():
    """The oracle's Peaks is the landscape the lesson runs on, and its gradient is the derivative of it."""
    p = np.random.default_rng(0).uniform(-3, 3, (50, 2))
    np.testing.assert_allclose(peaks(p), np.asarray(landscapes.get("peaks").f(p.T)), rtol=1e-12, atol=1e-12)
    h = 1e-6
    numeric = np.stack([(peaks(p + h * e) - peaks(p - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)
    np.testing.assert_allclose(peaks_grad(p), numeric, atol=1e-6)


def basin(points: np.ndarray, minima: np.ndarray) -> np.ndarray:
    """Index of the minimum a slow plain descent (η = 0.005, 4000 steps) from each point reaches, −1 if none."""
    p = points.copy()
    for _ in range(4000):
        p = p - 5e-3 * peaks_grad(p)
    dist = np.linalg.norm(p[:, None] - minima[None], axis=-1)
    return np.where(dist.min(axis=1) < 1e-3, np.argmin(dist, axis=1), -1)


def test_lesson_11_gradient_noise():
    start, seeds, n, source = np.array([0.2964, 0.3202]), 8, 8, (0.01, 0.3, 1.0)
    points = stationary_points()
    minima = np.array([p for p, lam in points if lam[0] > 0])
    saddles = np.array([p for p, lam in points if lam[0] < 0 < lam[1]])
    assert (len(minima), len(saddles)) == (3, 3)
    glob = int(np.argmin(peaks(minima)))
    lam, vecs = next((np.linalg.eigh(hess(p)) for p, _ in points if np.allclose(p, minima[glob])))
    steep, vec = lam[-1], vecs[:, -1]
    home = int(np.argmin(np.linalg.norm(minima - start, axis=1)))
    other = 3 - glob - home
    paths = {a: noisy_sgd(a, start, seeds, n) for a in (*source, 10.0)}  # seeds × starts
    ends = {a: basin(p[:, :, -1].reshape(-1, 2), minima) for a, p in paths.items()}
    assert all(np.all(e >= 0) for e in ends.values()), "every trajectory ends in some basin"
    left = {a: int(np.count_nonzero(e != home)) for a, e in ends.items()}
    plain = noisy_sgd(0.0, start, 1, n)[0]
    plain_left = int(np.count_nonzero(basin(plain[:, -1], minima) != home))
    on_map = int(np.count_nonzero(ends[10.0][:n] != home))
    f = finding("gradient-noise")
    c1, c2 = f.checks
    says(c1.measured, "Trajectories that end in another minimum's basin, of {} ({} seeds × {} starts): a = {}: {}, "
         "a = {}: {}, a = {}: {}; SGD without noise: {} of {}.",
         seeds * n, seeds, n, 0.01, left[0.01], 0.3, left[0.3], 1.0, left[1.0], plain_left, n)
    assert c1.holds == (max(left[a] for a in source) > plain_left)
    to_global, to_other = (int(np.count_nonzero(ends[10.0] == m)) for m in (glob, other))
    says(c2.measured, "With a = {}: {} of {} ({} in that of the global minimum, {} in that of the local minimum at "
         "({}, {})); on the map (seed {}) {} of {}.",
         10.0, left[10.0], seeds * n, to_global, to_other, *minima[other], 0, on_map, n)
    assert c2.holds == (left[10.0] > max(plain_left, *(left[a] for a in source)))
    assert (left[1.0], left[10.0] > 0, f.verdict) == (0, True, "partly confirmed")

    strays = {a: np.linalg.norm(paths[a] - start, axis=-1).max() for a in source}
    says(f.explanation, "To leave its basin a point must cross the ridge around it, whose lowest points are saddles: "
         "Peaks' saddles are at least {} from the start and {} above it. With a = {} the first kick η·σ₀ is {} and "
         "σₜ shrinks as (1+t)^−{}: no trajectory strayed further than {} from the start (a = {}: {}, a = {}: {}). "
         "With a = {} the first kick is {}. At the global minimum the steepest curvature, {}, is above 2/η = {}: "
         "SGD at η = {} cannot settle there, and a point that reaches it is thrown back and forth around it.",
         np.linalg.norm(saddles - start, axis=1).min(), peaks(saddles).min() - peaks(start), 1.0, 0.1, 0.275,
         strays[1.0], 0.3, strays[0.3], 0.01, strays[0.01], 10.0, 0.1 * np.sqrt(10), steep, 20.0, 0.1)
    assert steep > 20
    # Thrown back and forth: plain SGD at η = 0.1 from 0.001 off the global minimum, along its steepest
    # direction, neither settles nor leaves the global minimum's basin.
    p = np.array([minima[glob] + 1e-3 * vec])
    near = []
    for _ in range(1000):
        p = p - 0.1 * peaks_grad(p)
        near.append(np.linalg.norm(p - minima[glob]))
    assert min(near[-100:]) > 1e-2 and basin(p, minima)[0] == glob
    # What to look for: without noise nothing moves; with a = 1 the map's points stay in the basin; with a = 10
    # at least one of the map's points is thrown into another basin.
    assert np.abs(plain - start).max() < 1e-3
    assert np.all(ends[1.0][:n] == home) and strays[1.0] < np.linalg.norm(saddles - start, axis=1).min()
    assert on_map >= 1


def test_gradient_noise_oracle_matches_the_engine():
    """The mirrored draws are the engine's: each step of the map's a = 10 run, less its exact gradient step,
    is σₜξₜ."""
    s = lessons.get("gradient-noise").scenario
    p = run(s, 0).positions.astype(np.float64)  # float32, as the lesson runs: its draws are float32 normals
    noise = (p[:, :-1] - p[:, 1:]) / 0.1 - peaks_grad(p[:, :-1])
    sigma = np.sqrt(10.0 / (1.0 + np.arange(1000)) ** 0.55)[None, :, None]
    np.testing.assert_allclose(noise, sigma * np.moveaxis(noise_draws(1, 1000, 8)[0], 0, 1), atol=1e-3)


def test_settling_is_staying_to_the_end_for_at_least_a_tenth_of_the_run():
    """The lessons' 'settles at step k' is the definition above: a late touch is 'never'."""
    from gradscape.lessons.gradient_descent import settle as lesson_settle

    far, near = np.array([[1.0, 0.0]]), np.array([[0.001, 0.0]])
    for tail in (0, 5, 9, 10, 11, 40, 100):
        path = np.concatenate([np.repeat(far, 101 - tail, axis=0), np.repeat(near, tail, axis=0)])
        assert lesson_settle(path, (0.0, 0.0), 0.01) == settle(path, (0.0, 0.0), 0.01)
    assert settle(np.concatenate([np.repeat(far, 90, 0), np.repeat(near, 11, 0)]), (0, 0), 0.01) == 90  # stays 10
    assert settle(np.concatenate([np.repeat(far, 91, 0), np.repeat(near, 10, 0)]), (0, 0), 0.01) is None
