"""Lessons 2-5 (seed 003 §4.1) against independent float64 NumPy re-runs.

Every optimizer and schedule here is written from its formula (SPEC §2-3): plain SGD and heavy-ball
momentum (m = μm + g, θ -= ηm), Adam, Yogi and Lookahead; the five policies of seed 003 with the
update count k from 0, as the engine's schedules take it. The landscapes are hand-written in
tests/oracles.py. A path that leaves the map widened by half its size on each side is held where it
was (the engine's documented rule). End points are classified by distance to the catalogued points
(verified here as stationary points of the hand-written gradients): a path is at a point when it
ends within 1 % of the map's size of it, on the map. Each displayed sentence of a lesson's finding
is then read number by number: a number must be the oracle's value as written (an integer exactly,
a decimal within half a unit of its last digit shown), so float32 runs can pass only where the
shown digits do not depend on rounding.

Lesson 3 runs its full 41×41 grid of starts here too, all paths as one NumPy batch (2–3 s).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from gradscape import landscapes
from gradscape import lessons
from gradscape.lessons.base import Finding
from gradscape.schedules.presets import FIVE_POLICIES
from tests.oracles import (
    cubic_saddle_grad,
    peaks,
    peaks_grad,
    plateau_cliff,
    plateau_cliff_grad,
    rosenbrock,
    rosenbrock_grads,
    saddle_grad,
)

POLICIES = ("constant", "step", "cosine", "SGDR", "warmup-cosine")
NUMBER = r"(-?\d+(?:\.\d+)?(?:e[+-]\d+)?|never)"
MARGIN = 0.5  # a path has left the map once outside the domain widened by half its size on each side
NEAR = 1e-2  # at a point: within this fraction of the map's size of it
REST, REST_SHARE, REST_MIN = 1e-3, 0.05, 10  # at rest: within REST·size of the end over the last 5 % (≥ 10 steps)


@functools.cache
def finding(slug: str) -> Finding:
    return lessons.get(slug).check()


def measured(slug: str) -> list[str]:
    return [c.measured for c in finding(slug).checks]


def shows(shown: str, value) -> bool:
    """Whether `shown` is `value` as written: None as 'never', an integer exactly, otherwise within half a
    unit of the last digit shown."""
    if value is None:
        return shown == "never"
    if isinstance(value, (int, np.integer)):
        return shown == str(int(value))
    mantissa, _, exponent = shown.partition("e")
    unit = 10.0 ** (int(exponent or 0) - len(mantissa.partition(".")[2]))
    return abs(float(shown) - float(value)) <= 0.5 * unit * (1 + 1e-9)


def reads(text: str, template: str, *values) -> None:
    """`text` is `template` with each '{}' showing the matching value (see `shows`)."""
    parts = template.split("{}")
    assert len(parts) == len(values) + 1
    match = re.fullmatch(NUMBER.join(re.escape(p) for p in parts), text)
    assert match, f"\n{text!r}\ndoes not read as\n{template!r}"
    for shown, value in zip(match.groups(), values):
        assert shows(shown, value), (shown, value, text)


def test_reading_numbers_as_written():
    assert shows("0.0315", 0.031509) and not shows("0.0315", 0.03156)
    assert shows("7.81e-06", 7.8125e-6) and shows("1.26e+04", 12589.0) and not shows("1.26e+04", 12660.0)
    assert shows("0.05", 0.0467) and not shows("0.05", 0.0449)
    assert shows("18", 18) and not shows("18", 17) and not shows("18.0", 18) and shows("never", None)
    reads("a 1, b never.", "a {}, b {}.", 1, None)
    with pytest.raises(AssertionError):
        reads("a 2, b never.", "a {}, b {}.", 1, None)


# ── the oracle's pieces ──────────────────────────────────────────────────────────────────────

def rates(policy: str, steps: int, lr: float) -> np.ndarray:
    """η_k of update k = 0 … steps-1 under seed 003's five policies (the preset's parameters, asserted below)."""
    k = np.arange(steps, dtype=float)
    cosine = lambda t, length: 0.5 * (1 + np.cos(np.pi * t / length))  # noqa: E731
    return lr * {
        "constant": np.ones(steps),
        "step": 0.5 ** np.floor(k / 100),
        "cosine": cosine(k, steps),
        "SGDR": cosine(k % 100, 100),
        "warmup-cosine": np.where(k < 50, k / 50, cosine(k - 50, steps - 50)),
    }[policy]


def test_the_oracles_policies_are_the_presets():
    params = [dict(entry.params) for entry in FIVE_POLICIES.entries]
    assert [e.schedule for e in FIVE_POLICIES.entries] == ["constant", "step", "cosine", "sgdr", "warmup-cosine"]
    assert params == [{}, {"alpha": 0.5, "step_size": 100}, {"min_ratio": 0.0},
                      {"t0": 100, "t_mult": 1, "min_ratio": 0.0}, {"warmup_steps": 50, "min_ratio": 0.0}]


def size(domain) -> float:
    (x0, x1), (y0, y1) = domain
    return max(x1 - x0, y1 - y0)


def on_map(p: np.ndarray, domain, margin: float = MARGIN) -> np.ndarray:
    (x0, x1), (y0, y1) = domain
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    return (np.isfinite(p).all(-1) & (p[..., 0] >= x0 - mx) & (p[..., 0] <= x1 + mx)
            & (p[..., 1] >= y0 - my) & (p[..., 1] <= y1 + my))


class Paths:
    """Positions (N, T+1, 2) of N paths, each held at its last point on the map once it leaves
    (`left`: the step it left, -1 if never)."""

    def __init__(self, starts, domain):
        self.domain = domain
        self.points = [np.array(starts, float).reshape(-1, 2)]
        self.left = np.full(len(self.points[0]), -1)

    @property
    def p(self) -> np.ndarray:
        return self.points[-1]

    def move(self, new: np.ndarray) -> None:
        out = ~on_map(new, self.domain) & (self.left < 0)
        self.left[out] = len(self.points)
        self.points.append(np.where((self.left < 0)[:, None], new, self.p))

    @property
    def positions(self) -> np.ndarray:
        return np.stack(self.points, axis=1)


def heavy_ball(grad, starts, lr_k: np.ndarray, domain, mu=0.0) -> Paths:
    """SGD with heavy-ball momentum in the torch form, m = μm + g, θ -= η_k m (μ = 0: plain SGD). The rates
    are (T,) or one row per path (N, T); μ a number or one per path."""
    paths = Paths(starts, domain)
    n, lr_k = len(paths.p), np.asarray(lr_k, float)
    lr_k = np.broadcast_to(lr_k.reshape(-1, lr_k.shape[-1]), (n, lr_k.shape[-1]))
    mu = np.broadcast_to(np.reshape(mu, (-1, 1)), (n, 1))
    m = np.zeros_like(paths.p)
    for t in range(lr_k.shape[1]):
        m = mu * m + grad(paths.p)
        paths.move(paths.p - lr_k[:, t : t + 1] * m)
    return paths


def adam_family(grad, starts, lr: float, steps: int, domain, yogi: bool = False, lookahead: bool = False) -> Paths:
    """Adam (β = 0.9, 0.999, ε = 1e-8) or Yogi (v₀ = 1e-6, ε = 1e-3: v -= (1-β2) sign(v-g²) g²), both with the
    bias-corrected step; `lookahead`: every 5th step slow += ½(fast - slow), fast = slow."""
    b1, b2, eps = 0.9, 0.999, 1e-3 if yogi else 1e-8
    paths = Paths(starts, domain)
    m, v, slow = np.zeros_like(paths.p), np.full_like(paths.p, 1e-6 if yogi else 0.0), paths.p.copy()
    for t in range(1, steps + 1):
        g = grad(paths.p)
        m = b1 * m + (1 - b1) * g
        v = v - (1 - b2) * np.sign(v - g * g) * g * g if yogi else b2 * v + (1 - b2) * g * g
        new = paths.p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        if lookahead and t % 5 == 0:
            slow = slow + 0.5 * (new - slow)
            new = slow.copy()
        paths.move(new)
    return paths


def catalogue(key: str, grad) -> dict[str, np.ndarray]:
    """The landscape's catalogued points by kind, each checked to be stationary for the hand-written gradient."""
    points: dict[str, list] = {}
    for p in landscapes.get(key).points:
        assert np.linalg.norm(grad(np.array(p.xy))) < 1e-6, (key, p)
        points.setdefault(p.kind, []).append(p.xy)
    return {kind: np.array(xy) for kind, xy in points.items()}


def at(ends: np.ndarray, point, domain) -> np.ndarray:
    """Which end points lie at `point` (within NEAR of the map's size)."""
    return np.linalg.norm(ends - np.asarray(point), axis=-1) <= NEAR * size(domain)


def at_rest(path: np.ndarray, domain) -> bool:
    """The engine's 'at rest': every position over the run's last 5 % (≥ 10 steps) within REST of the end."""
    window = max(REST_MIN, int(np.ceil(REST_SHARE * (len(path) - 1))))
    return bool(np.all(np.linalg.norm(path[-window - 1:] - path[-1], axis=1) <= REST * size(domain)))


def settle(gap: np.ndarray, radius: float) -> int | None:
    """First index from which `gap` stays ≤ radius to the end (None if it ends above)."""
    above = np.flatnonzero(gap > radius)
    return 0 if not above.size else int(above[-1]) + 1 if above[-1] + 1 < len(gap) else None


def test_hand_written_landscapes_are_the_catalogues():
    p = np.random.default_rng(0).uniform(-3, 3, (64, 2))
    for key, f, grad in (("peaks", peaks, peaks_grad), ("plateau", plateau_cliff, plateau_cliff_grad),
                         ("rosenbrock", rosenbrock, rosenbrock_grads)):
        np.testing.assert_allclose(f(p), np.asarray(landscapes.get(key).f(p.T)), rtol=1e-12, atol=1e-12)
        numeric = np.stack([(f(p + 1e-6 * e) - f(p - 1e-6 * e)) / 2e-6 for e in np.eye(2)], axis=-1)
        np.testing.assert_allclose(grad(p), numeric, rtol=1e-6, atol=1e-5)
    for key, grad in (("saddle", saddle_grad), ("cubic_saddle", cubic_saddle_grad)):
        numeric = np.stack([(np.asarray(landscapes.get(key).f((p + 1e-6 * e).T))
                             - np.asarray(landscapes.get(key).f((p - 1e-6 * e).T))) / 2e-6 for e in np.eye(2)], axis=-1)
        np.testing.assert_allclose(grad(p), numeric, atol=1e-5)
    kinds = catalogue("peaks", peaks_grad)
    assert peaks(kinds["min"][0]) == pytest.approx(-6.551, abs=1e-3)
    assert sorted(peaks(kinds["local min"]).round(3)) == [-3.05, -0.065]


# ── Lesson 2: schedules in the Rosenbrock canyon ─────────────────────────────────────────────

def test_lesson_2_canyon():
    lesson = lessons.get("canyon-schedules")
    s = lesson.scenario
    assert s.start_points == ((0.0, 0.0),) and s.steps == 1000 and {r.lr for r in s.runs} == {0.004}
    # the setup: η₀ is more than the floor near the minimum tolerates, 2/λ_max with λ_max = 1002 (to 4 digits)
    curvature = np.linalg.eigvalsh(np.array([[802.0, -400.0], [-400.0, 200.0]]))[-1]  # ∇²f at (1, 1), by hand
    assert round(curvature) == 1002 and 2 / curvature == pytest.approx(0.002, abs=5e-6) and 0.004 > 2 / curvature
    assert "2/1002 ≈ 0.002" in lesson.setup
    assert [r.optimizer for r in s.runs] == ["sgd"] * 5
    domain = landscapes.get("rosenbrock").domain
    paths = {n: heavy_ball(rosenbrock_grads, s.start_points, rates(n, 1000, 0.004), domain).positions[0]
             for n in POLICIES}
    loss = {n: rosenbrock(p) for n, p in paths.items()}
    final = {n: float(v[-1]) for n, v in loss.items()}
    rises = {n: int(np.count_nonzero(np.diff(v[-201:]) > 0)) for n, v in loss.items()}
    progress = loss["step"][500] / loss["step"][-1]
    miss = {n: float(np.linalg.norm(p[-1] - (1.0, 1.0))) for n, p in paths.items()}
    gap = np.linalg.norm(paths["warmup-cosine"] - paths["cosine"], axis=1)
    one, two, three, four = measured("canyon-schedules")
    reads(one, "Steps in which the loss went up, of the last 200: constant {}, step {}, cosine {}, warmup-cosine {}.",
          *(rises[n] for n in ("constant", "step", "cosine", "warmup-cosine")))
    reads(two, "Step decay's rate at the end: {}; its loss fell only by a factor {} over the second half ({} at the "
          "end, cosine {}).", rates("step", 1000, 0.004)[-1], progress, final["step"], final["cosine"])
    reads(three, "Final losses: step {}, cosine {}, SGDR ≈ {}, warmup-cosine {}; the constant-rate path ends {} from "
          "the minimum, still bouncing.", final["step"], final["cosine"], final["SGDR"], final["warmup-cosine"],
          miss["constant"])
    reads(four, "Distance between the warmup-cosine and cosine points at step 200: {}; within {} of each other from "
          "step {} on.", gap[200], 0.1, settle(gap, 0.1))
    # the verdicts, and what "What to look for" says
    assert rises["constant"] == 100 and not any(rises[n] for n in ("step", "cosine", "warmup-cosine"))
    assert np.count_nonzero(np.diff(loss["constant"][-11:]) > 0) >= 4  # still bouncing at the very end
    assert progress < 1.1 and final["step"] > final["cosine"]
    assert final["cosine"] <= 1.01 * min(final[n] for n in POLICIES[1:]) and final["cosine"] < final["constant"]
    assert gap[200] <= 0.1
    assert [c.holds for c in finding("canyon-schedules").checks] == [True] * 4
    assert finding("canyon-schedules").verdict == "confirmed" and finding("canyon-schedules").explanation == ""
    assert 0.4 < paths["step"][-1, 0] < 0.7 and np.linalg.norm(paths["step"][-1] - paths["step"][-101]) < 1e-3
    assert sorted(miss, key=miss.get)[:2] == ["cosine", "warmup-cosine"]
    assert abs(miss["cosine"] - miss["warmup-cosine"]) < 0.01


# ── Lesson 3: local minima on Peaks ──────────────────────────────────────────────────────────

PEAKS_DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))


def peaks_place(ends: np.ndarray, left: np.ndarray, points: dict[str, np.ndarray]) -> np.ndarray:
    """'G' at the global minimum, 'L<i>' at local minimum i, 'off' off the map, 'else' elsewhere."""
    place = np.full(len(ends), "else", dtype=object)
    place[at(ends, points["min"][0], PEAKS_DOMAIN)] = "G"
    for i, q in enumerate(points["local min"]):
        place[at(ends, q, PEAKS_DOMAIN)] = f"L{i}"
    place[(left >= 0) | ~on_map(ends, PEAKS_DOMAIN, margin=0.0)] = "off"
    return place


def peaks_runs(groups: list[tuple[np.ndarray, str, float | np.ndarray]], lr: float, steps: int,
               points: dict[str, np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(positions, places) of each group of (starts, policy, momentum), all run as one NumPy batch."""
    starts = np.concatenate([np.reshape(g[0], (-1, 2)) for g in groups])
    sizes = [len(np.reshape(g[0], (-1, 2))) for g in groups]
    rows = np.concatenate([np.tile(rates(policy, steps, lr), (k, 1)) for k, (_, policy, _) in zip(sizes, groups)])
    mus = np.concatenate([np.broadcast_to(mu, (k,)) for k, (_, _, mu) in zip(sizes, groups)])
    paths = heavy_ball(peaks_grad, starts, rows, PEAKS_DOMAIN, mus)
    positions, places = paths.positions, peaks_place(paths.positions[:, -1], paths.left, points)
    cut = np.cumsum([0, *sizes])
    return [(positions[a:b], places[a:b]) for a, b in zip(cut[:-1], cut[1:])]


def test_lesson_3_peaks():
    s = lessons.get("peaks-local-minima").scenario
    lr, mu, steps = s.runs[0].lr, dict(s.runs[1].hyper)["momentum"], s.steps
    assert (lr, mu, steps) == (0.02, 0.84, 500) and {r.lr for r in s.runs} == {lr}
    assert [r.optimizer for r in s.runs] == ["sgd"] + ["momentum"] * 5
    points = catalogue("peaks", peaks_grad)
    (local_a, local_b), goal = points["local min"], points["min"][0]
    xs = np.linspace(-3, 3, 43)[1:-1]
    grid = np.array([(x, y) for y in xs for x in xs])
    demo = np.array(s.start_points)
    (_, plain), (_, first) = peaks_runs([(grid, "constant", 0.0), (demo, "constant", 0.0)], lr, steps, points)
    trapped = grid[np.char.startswith(plain.astype(str), "L")]
    scan = np.round(np.arange(0.0, 0.955, 0.01), 2)
    runs = peaks_runs([(trapped, n, 0.0) for n in POLICIES] + [(trapped, n, mu) for n in POLICIES]
                      + [(np.repeat(demo[:1], len(scan), axis=0), n, scan) for n in POLICIES]
                      + [(demo, n, mu) for n in POLICIES], lr, steps, points)
    plain_escapes = [int(np.count_nonzero(place == "G")) for _, place in runs[:5]]
    reached = np.array([place == "G" for _, place in runs[5:10]])
    escapes = [int(r.sum()) for r in reached]
    all_five, none = int(reached.all(axis=0).sum()), int((~reached.any(axis=0)).sum())
    needed = {n: float(scan[np.argmax(place == "G")]) if (place == "G").any() else None
              for n, (_, place) in zip(POLICIES, runs[10:15])}
    decided = max(settle(np.linalg.norm(p - goal, axis=1), 0.5) for p in runs[5][0][reached[0]])

    one, two, three = measured("peaks-local-minima")
    reads(one, "Plain SGD ends in a local minimum from {} of the {} starts of a {}×{} grid. From those, without "
          "momentum, the global minimum is reached by: constant {}, step {}, cosine {}, SGDR {}, warmup-cosine {}.",
          len(trapped), len(grid), 41, 41, *plain_escapes)
    (ax, ay), (bx, by) = s.start_points
    assert list(first) == ["L1", "L0"] and np.allclose(local_b, (0.296, 0.32), atol=1e-3)
    reads(two, "Least momentum (to 0.01) that carries SGD from ({}, {}) past the local minimum at ({}, {}) into the "
          "global minimum: constant {}, step {}, cosine {}, SGDR {}, warmup-cosine {}. With μ = {}, grid starts from "
          "which the global minimum is reached: constant {}, step {}, cosine {}, SGDR {}, warmup-cosine {}.",
          ax, ay, *local_b, *needed.values(), mu, *escapes)
    reads(three, "With μ = {}, of the {} grid starts, all five schedules reach the global minimum from {}, none of "
          "them from {}, some but not all from {}. From ({}, {}) every path on the map ends in the local minimum at "
          "({}, {}).",
          mu, len(trapped), all_five, none, len(trapped) - all_five - none, bx, by, *local_a)
    reads(finding("peaks-local-minima").explanation,
          "Step decay runs at exactly the constant rate for its first {} steps, and the escapes are over before that: "
          "every constant-rate path from the grid that reaches the global minimum stays within {} of it from step {} "
          "on. So step decay reaches the global minimum from exactly the starts the constant rate does. More momentum "
          "than the constant rate's {} is needed only by warmup-cosine {}; warmup-cosine's rate starts at 0 and "
          "reaches η₀ only at step {}. From all but {} of the {} grid starts the five schedules agree on whether the "
          "global minimum is reached: the start decides, not the schedule.",
          100, 0.5, decided, needed["constant"], needed["warmup-cosine"], 50, len(trapped) - all_five - none,
          len(trapped))
    # what the explanation and the verdicts rest on
    assert np.array_equal(reached[1], reached[0]) and decided < 100
    assert [n for n in POLICIES if (needed[n] or 1) > needed["constant"]] == ["warmup-cosine"]
    assert not any(plain_escapes) and all_five > 0 and none > 0
    assert [c.holds for c in finding("peaks-local-minima").checks] == [True, False, True]
    assert finding("peaks-local-minima").verdict == "partly confirmed"
    # "What to look for": the paths on the map, from both starts
    assert [place[0] for _, place in runs[15:]] == ["G", "G", "G", "G", "L1"]
    assert all(np.linalg.norm(p[0] - local_b, axis=1).min() < 0.2 for p, _ in runs[15:19])  # through the dip
    assert all(place[1] == "L0" for _, place in runs[15:]) and np.allclose(local_a, (-1.347, 0.205), atol=1e-3)


# ── Lesson 4: saddle points ──────────────────────────────────────────────────────────────────

def test_lesson_4_saddles():
    s = lessons.get("saddle-points").scenario
    assert s.start_points == ((-3.0, 0.0), (-3.0, 0.1), (-3.0, 0.01), (-3.0, 0.001)) and s.steps == 500
    assert [(r.optimizer, r.lr) for r in s.runs] == [("sgd", 0.02)] * 5 + [("adam", 0.1), ("yogi", 0.1),
                                                                         ("lookahead_yogi", 0.1)]
    surfaces = {"x² − y²": ("saddle", saddle_grad, s.start_points), "x³ − 3x − 2y²": ("cubic_saddle", cubic_saddle_grad,
                                                                                    ((2.0, 0.0),))}
    names = [f"SGD, {n}" for n in POLICIES] + ["Adam", "Yogi", "Lookahead-Yogi"]
    runs: dict[str, list[np.ndarray]] = {}
    for label, (key, grad, starts) in surfaces.items():
        domain = landscapes.get(key).domain
        runs[label] = [heavy_ball(grad, starts, rates(n, 500, 0.02), domain).positions for n in POLICIES] + [
            adam_family(grad, starts, 0.1, 500, domain, yogi=y, lookahead=la).positions
            for y, la in ((False, False), (True, False), (True, True))]
    saddle = {label: catalogue(key, grad)["saddle"][0] for label, (key, grad, _) in surfaces.items()}
    to_saddle = {(label, i): float(np.linalg.norm(p[0, -1] - saddle[label])) for label, ps in runs.items()
                 for i, p in enumerate(ps)}
    far = max(to_saddle, key=to_saddle.get)
    max_y = {(label, i): float(np.abs(p[0, :, 1]).max()) for label, ps in runs.items() for i, p in enumerate(ps)}
    escape = {n: [int(np.argmax(np.abs(y) > 1)) if (np.abs(y) > 1).any() else None
                  for y in runs["x² − y²"][i][1:, :, 1]] for i, n in enumerate(POLICIES)}
    y0 = (0.1, 0.01, 0.001)

    one, two, three, four = measured("saddle-points")
    reads(one, f"From y₀ = 0, after 500 steps, no run on either surface — SGD under the five schedules, Adam, Yogi, "
          f"Lookahead-Yogi — is further than {{}} from the saddle ({names[far[1]]} on {far[0]}).", to_saddle[far])
    reads(two, "Largest |y| reached from y₀ = 0 — x² − y²: Yogi {}, Lookahead-Yogi {}; x³ − 3x − 2y²: Yogi {}, "
          "Lookahead-Yogi {}.", *(max_y[label, i] for label in surfaces for i in (6, 7)))
    reads(three, "Steps until |y| > 1 on x² − y²: " + "; ".join(
        "y₀ = {}: " + ", ".join(f"{n} {{}}" for n in POLICIES) for _ in y0) + ".",
        *[v for j, y in enumerate(y0) for v in (y, *(escape[n][j] for n in POLICIES))])
    slowest = [max(POLICIES, key=lambda n: escape[n][j] or np.inf) for j in range(3)]
    reads(four, "Slowest schedule: " + ", ".join(f"y₀ = {{}}: {n}" for n in slowest) + ".", *y0)
    # On x² − y², SGD multiplies y by (1 + 2η) exactly: escape from y₀ once Σ ln(1 + 2η_k) ≥ ln(1/y₀).
    at = escape["constant"][-1]
    budget = [float(np.log1p(2 * rates(n, 500, 0.02)[:at]).sum()) for n in POLICIES]
    gy = max(float(np.abs(grad(p[0])[:, 1]).max()) for label, (_, grad, _) in surfaces.items() for p in runs[label])
    reads(finding("saddle-points").explanation,
          "On y = 0 the gradient's y-component is exactly 0 for both functions (largest |∂f/∂y| recorded along the "
          "y₀ = 0 paths: {}), so every first-order method — Yogi and Lookahead-Yogi included — has nothing to move y "
          "with: their second moments and Lookahead's averaging act on a zero. Only a perturbation (noise, a random "
          "start) breaks the symmetry. Off the axis y grows by (1 + {}η) per step, so a start y₀ escapes once "
          "Σ ln(1 + {}ηₖ) reaches ln(1/y₀) ({} for y₀ = {}, {} for y₀ = {}, {} for y₀ = {}): the schedule that "
          "accumulates rate most slowly escapes last. That sum after {} steps, when the constant rate escapes from "
          "y₀ = {}: " + ", ".join(f"{n} {{}}" for n in POLICIES) + ".",
          gy, 2, 2, *[v for y in y0 for v in (np.log(1 / y), y)], at, 0.001, *budget)
    # the verdicts, and what "What to look for" says
    assert max(to_saddle.values()) <= NEAR * 5  # every on-axis run at its saddle, even on the smaller map
    assert all(v == 0.0 for v in max_y.values()) and gy == 0.0
    assert all(v is not None for e in escape.values() for v in e) and slowest == ["SGDR"] * 3
    assert [c.holds for c in finding("saddle-points").checks] == [True, False, True, False]
    assert finding("saddle-points").verdict == "partly confirmed"


# ── Lesson 5: plateau and cliff ──────────────────────────────────────────────────────────────

def test_lesson_5_plateau():
    s = lessons.get("plateau-cliff").scenario
    assert s.start_points == ((-1.0, -1.0),) and s.steps == 1000
    assert {(r.optimizer, r.lr, dict(r.hyper)["momentum"]) for r in s.runs} == {("momentum", 0.5, 0.9)}
    domain = landscapes.get("plateau").domain
    goal = catalogue("plateau", plateau_cliff_grad)["min"][0]
    runs = {n: heavy_ball(plateau_cliff_grad, s.start_points, rates(n, 1000, 0.5), domain, 0.9) for n in POLICIES}
    paths = {n: r.positions[0] for n, r in runs.items()}
    cross = {n: int(np.argmax(p[:, 0] >= 1)) if (p[:, 0] >= 1).any() else None for n, p in paths.items()}
    left = {n: int(r.left[0]) for n, r in runs.items()}
    assert left == {"constant": 456, "step": -1, "cosine": -1, "SGDR": -1, "warmup-cosine": -1}
    assert not at_rest(paths["SGDR"], domain) and paths["SGDR"][-1, 0] > 1
    assert all(at(paths[n][-1], goal, domain) and at_rest(paths[n], domain) for n in ("cosine", "warmup-cosine"))

    one, two, three, four = measured("plateau-cliff")
    reads(one, "Steps to reach the cliff (x ≥ {}): " + ", ".join(f"{n} {{}}" for n in POLICIES) + ".",
          1, *cross.values())
    reads(two, "Step decay ends at x = {} with η = {}.", paths["step"][-1, 0], rates("step", 1000, 0.5)[-1])
    reads(three, "SGDR reaches the cliff at step {}; constant, cosine and warmup-cosine by step {}.",
          cross["SGDR"], max(cross[n] for n in ("constant", "cosine", "warmup-cosine")))
    reads(four, "After the run: constant left the map at step {}; step on the plateau at x = {}; cosine at the global "
          "minimum; SGDR in the basin, still moving; warmup-cosine at the global minimum.",
          left["constant"], paths["step"][-1, 0])
    flat = float(np.linalg.norm(plateau_cliff_grad(np.array(s.start_points[0]))))
    row = np.stack([np.linspace(-1.0, goal[0], 20001), np.full(20001, -1.0)], axis=-1)
    cliff = float(np.linalg.norm(plateau_cliff_grad(row), axis=1).max())
    at_cliff = {n: rates(n, 1000, 0.5)[c] for n, c in cross.items() if c is not None}
    reads(finding("plateau-cliff").explanation,
          "The slope |∇f| is {} at the start; on its row, y = {}, the cliff's reaches {}, {}× more. The rate each run "
          "had at the step it reached the cliff: " + ", ".join(f"{n} {{}}" for n in at_cliff) + ". The constant run "
          "left the map at step {}; the runs that end in the basin: cosine, SGDR, warmup-cosine.",
          flat, -1, cliff, cliff / flat, *at_cliff.values(), left["constant"])
    # the setup's slopes: below 8·10⁻⁴ on the plateau x ≤ 0, up to 12 on the cliff
    x, y = np.meshgrid(np.linspace(-4, 4, 2001), np.linspace(-2, 2, 401))
    slope = np.linalg.norm(plateau_cliff_grad(np.stack([x, y], axis=-1)), axis=-1)
    assert slope[x <= 0].max() < 8e-4 and round(slope.max()) == 12
    assert "(|∇f| < 8·10⁻⁴ on the plateau x ≤ 0, up to 12 on the cliff at x = 1)" in lessons.get("plateau-cliff").setup
    assert min(cross, key=lambda n: cross[n] or np.inf) == "constant" and cross["step"] is None
    assert [c.holds for c in finding("plateau-cliff").checks] == [True, True, True, False]
    assert finding("plateau-cliff").verdict == "partly confirmed"
