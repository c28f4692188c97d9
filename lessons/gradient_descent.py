"""Lessons on the gradient-descent family: ill-conditioning and momentum (1), Lookahead over SGD
(7), batch size (10), gradient noise (11).

One idea of arrival runs through them: a path *settles* within a radius of a point at step k when
from step k to the end, and for at least the run's last SETTLE_SHARE, it stays within that radius.
Lessons 1 and 7 take the radius at which the engine says a path has come to rest (a thousandth of
the map, trajectories/ends.py), so their steps are the legend's 'at the global minimum since step k'.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from gradscape import landscapes
from gradscape.lessons.base import Check, Finding, Lesson, labels, run, run_all, scenario
from gradscape.lessons.measures import (
    as_number,
    best_value,
    curvature,
    first_step,
    fmt,
    heavy_ball_multiplier,
    listing,
    loss_at,
    settle_step,
    sign_changes,
)
from gradscape.trajectories import ends
from gradscape.trajectories.scenario import RunSpec
from gradscape.viz.lines import Chart, Series

SETTLE_SHARE = 0.1


def settle(path: np.ndarray, point, radius: float) -> int | None:
    """Steps to settle: the first step from which a (T+1, 2) path stays within `radius` of `point` to
    the end, for at least the last SETTLE_SHARE of the run; None (never) otherwise."""
    dist = np.linalg.norm(np.asarray(path) - np.asarray(point), axis=-1)
    k = settle_step(dist, radius)
    return k if k is not None and len(dist) - 1 - k >= SETTLE_SHARE * (len(dist) - 1) else None


def compared(a: int | None, b: int | None) -> str:
    """'faster than' / 'slower than' / 'as fast as' for two step counts (None: never)."""
    x, y = as_number(a), as_number(b)
    return "faster than" if x < y else "slower than" if x > y else "as fast as"


def rest_radius(key: str) -> float:
    """The distance within which the engine counts a path as at rest: REST_FRACTION of the map's size."""
    return ends.REST_FRACTION * landscapes.get(key).size


def minimum_of(key: str) -> np.ndarray:
    """The landscape's first catalogued minimum (the only one of the convex lessons' landscapes)."""
    return np.array(landscapes.get(key).minima[0].xy)


# 1 ─ ill-conditioning ───────────────────────────────────────────────────────────────────────

ZIGZAG_WINDOW = 30
SMALL_LR = 0.4  # a rate at which SGD's own swings shrink faster than momentum's
RATE_STEP = 10  # the step at which AdaGrad's rate along the valley is quoted
SGD, MOMENTUM, ADAGRAD = 0, 1, 2  # the runs of lesson 1


def wider(a: np.ndarray, b: np.ndarray) -> int:
    """At how many of the first ZIGZAG_WINDOW steps path a is further from the valley floor (|y|) than path b."""
    span = slice(1, ZIGZAG_WINDOW + 1)
    return int(np.count_nonzero(np.abs(a[span, 1]) > np.abs(b[span, 1])))


def _zigzag_why(lesson: Lesson, recs: list) -> str:
    """The per-step multipliers behind the zig-zag, the same comparison at SMALL_LR, and AdaGrad's falling rate."""
    s = lesson.scenario
    bottom = tuple(minimum_of(s.landscape))
    steep, flat = curvature(s.landscape, bottom, 1), curvature(s.landscape, bottom, 0)
    mu, eta = dict(s.runs[MOMENTUM].hyper)["momentum"], s.runs[SGD].lr
    sgd_y, mom_y = heavy_ball_multiplier(eta, 0.0, steep).real, heavy_ball_multiplier(eta, mu, steep)
    sgd_x, mom_x = heavy_ball_multiplier(eta, 0.0, flat).real, abs(heavy_ball_multiplier(eta, mu, flat))
    turn = np.degrees(abs(np.angle(mom_y)))
    small = [run(s, i, learning_rate=SMALL_LR).positions[0] for i in (SGD, MOMENTUM)]
    ada = recs[ADAGRAD]
    return (
        f"Each step multiplies SGD's distance from the floor by 1 − ηh = {fmt(sgd_y)} (h = {fmt(steep)}, the curvature "
        f"across the valley): a crossing at every step. Momentum's multiplier is a pair of size √μ = {fmt(abs(mom_y))} "
        f"turning {fmt(turn)}° a step (a crossing every {fmt(180 / turn)} steps), so its swings shrink "
        f"{'faster' if abs(mom_y) < abs(sgd_y) else 'more slowly'} than SGD's. At η = {fmt(SMALL_LR)} (the same μ) "
        f"SGD's multiplier is {fmt(heavy_ball_multiplier(SMALL_LR, 0.0, steep).real)} and momentum's |y| is above "
        f"SGD's at {wider(small[1], small[0])} of the first {ZIGZAG_WINDOW} steps. "
        f"Along the valley (h = {fmt(flat)}) momentum keeps {fmt(mom_x)} of its distance a step, SGD {fmt(sgd_x)}. "
        f"AdaGrad's first step moves x by {fmt(abs(ada.positions[0, 1, 0] - ada.positions[0, 0, 0]))}, but its rate "
        f"along x, η/√(Σg²), falls as gradients add up: {fmt(ada.effective[0, RATE_STEP - 1, 0])} at step {RATE_STEP}."
    )


def _zigzag(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    recs = run_all(s)
    paths = [r.positions[0] for r in recs]
    bottom = minimum_of(s.landscape)
    crossings = [sign_changes(p[: ZIGZAG_WINDOW + 1, 1]) for p in paths]
    steps = [settle(p, bottom, rest_radius(s.landscape)) for p in paths]
    narrower = wider(paths[SGD], paths[MOMENTUM])
    slowest = as_number(steps[SGD]) > max(as_number(steps[MOMENTUM]), as_number(steps[ADAGRAD]))
    return Finding(
        checks=(
            Check(
                "Plain SGD zig-zags across the steep axis and needs many steps.",
                f"Crossings of the valley floor (y = 0) in the first {ZIGZAG_WINDOW} steps: "
                f"{listing(zip(names, crossings))}. Steps to settle within {fmt(rest_radius(s.landscape))} of the "
                f"minimum and stay there (the legend's 'since step'): {listing(zip(names, steps))}.",
                crossings[SGD] >= ZIGZAG_WINDOW // 2 and slowest,
            ),
            Check(
                "Momentum oscillates less and converges faster.",
                f"{names[MOMENTUM]} crosses the floor {crossings[MOMENTUM]} times to {names[SGD]}'s "
                f"{crossings[SGD]}, its distance from the floor |y| is below {names[SGD]}'s at {narrower} of the "
                f"first {ZIGZAG_WINDOW} steps, and it settles at step {fmt(steps[MOMENTUM])} to {names[SGD]}'s "
                f"{fmt(steps[SGD])}.",
                crossings[MOMENTUM] < crossings[SGD] and narrower > ZIGZAG_WINDOW / 2
                and as_number(steps[MOMENTUM]) < as_number(steps[SGD]),
            ),
            Check(
                "AdaGrad's per-coordinate rates converge faster still.",
                f"{names[ADAGRAD]} crosses the floor {crossings[ADAGRAD]} times and settles at step "
                f"{fmt(steps[ADAGRAD])}: {compared(steps[ADAGRAD], steps[SGD])} {names[SGD]}, "
                f"{compared(steps[ADAGRAD], steps[MOMENTUM])} {names[MOMENTUM]}.",
                as_number(steps[ADAGRAD]) < min(as_number(steps[SGD]), as_number(steps[MOMENTUM])),
            ),
        ),
        numbers={
            **{f"crossings/{n}": v for n, v in zip(names, crossings)},
            **{f"settle/{n}": as_number(v) for n, v in zip(names, steps)},
            "narrower steps/SGD + momentum": narrower,
        },
        explanation=_zigzag_why(lesson, recs),
    )


ILL_CONDITIONING = Lesson(
    number=1,
    slug="ill-conditioning-momentum",
    title="Ill-conditioning and momentum",
    question="Why does gradient descent zig-zag in a long narrow bowl, and what do momentum and AdaGrad change?",
    setup="f = 0.1x² + 2y² (curvature 20× larger along y) from (−5, −2): SGD (η = 0.45), SGD + momentum "
    "(η = 0.45, μ = 0.5) and AdaGrad (η = 1), 100 steps.",
    look_for="SGD's path crosses the valley floor at every step while it creeps along x; momentum crosses less often, "
    "in smaller swings, and runs faster along the valley; AdaGrad's path bends into the minimum without crossing, "
    "but arrives after momentum's.",
    claim="SGD oscillates across the steep direction and needs many iterations; momentum accumulates past "
    "gradients, so it does not have to find a new direction each step, oscillates less and converges faster; "
    "AdaGrad's per-coordinate rates converge faster still.",
    source="Chang, Liang & Li 2024, §1.3–1.5 and §2.3, Figs. 1, 3 and 6",
    scenario=scenario(
        "quadratic",
        (
            RunSpec("sgd", 0.45, label="SGD", color="#e6194b"),
            RunSpec("momentum", 0.45, (("momentum", 0.5),), label="SGD + momentum", color="#4363d8"),
            RunSpec("adagrad", 1.0, label="AdaGrad", color="#3cb44b"),
        ),
        ((-5.0, -2.0),),
        100,
        log_loss=True,
    ),
    measure=_zigzag,
    zoom=((-6.0, 1.0), (-2.5, 2.5)),
)

# 7 ─ Lookahead ─────────────────────────────────────────────────────────────────────────────

PAIRS = ((0, 1), (2, 3))  # (inner optimizer, Lookahead over it) in the scenario
PAPER_SETTINGS = ((5, 0.5), (5, 0.8), (10, 0.5), (10, 0.8))  # (k, α): the ranges Zhang et al. recommend


def slow_weights(rec) -> np.ndarray:
    """The path Lookahead's claim is about: its slow weights (the second path)."""
    return rec.aux[0]


def span(values: list[int | None]) -> str:
    """'65–100' (fmt's 'never' for None); one value alone when they are all equal."""
    lo, hi = min(values, key=as_number), max(values, key=as_number)
    return fmt(lo) if as_number(lo) == as_number(hi) else f"{fmt(lo)}–{fmt(hi)}"


def _lookahead_why(lesson: Lesson, crossings: list[int]) -> str:
    """Why Lookahead helps momentum and slows plain SGD, from the runs' crossings and SGD's multiplier along x."""
    s = lesson.scenario
    names = labels(s)
    hyper = dict(s.runs[1].hyper)
    k, alpha = int(hyper["lookahead_k"]), hyper["lookahead_alpha"]
    flat = curvature(s.landscape, tuple(minimum_of(s.landscape)), 0)
    inner = heavy_ball_multiplier(s.runs[0].lr, 0.0, flat).real ** k
    slow = 1 - alpha * (1 - inner)
    return (
        f"Every k = {k} steps the slow weights move α = {fmt(alpha)} of the way to the fast weights, and the fast "
        f"weights restart there. Crossings of x = 0, overshoots along the valley (for Lookahead, of its slow weights): "
        f"{listing(zip(names, crossings))}. "
        f"Along x {names[0]} keeps {fmt(inner)} of its distance every {k} steps, the slow weights over it "
        f"1 − α(1 − {fmt(inner)}) = {fmt(slow)}: {'slower' if slow > inner else 'faster'}. "
        "Not tested here: Adadelta and the cost."
    )


def _insensitivity(s, steps: list, bottom: np.ndarray, radius: float) -> tuple[Check, dict]:
    """Lookahead over each inner optimizer at each of the PAPER_SETTINGS: steps for its slow weights to settle,
    and whether Lookahead is faster than the inner optimizer alone at all or at none of them."""
    names = labels(s)
    grid = {outer: [settle(slow_weights(run(s, outer, hyper={"lookahead_k": k, "lookahead_alpha": a})), bottom, radius)
                    for k, a in PAPER_SETTINGS] for _, outer in PAIRS}
    faster = {outer: sum(as_number(g) < as_number(steps[inner]) for g in grid[outer]) for inner, outer in PAIRS}
    ks = " and ".join(fmt(v) for v in sorted({k for k, _ in PAPER_SETTINGS}))
    alphas = " and ".join(fmt(v) for v in sorted({a for _, a in PAPER_SETTINGS}))
    check = Check(
        "Lookahead is insensitive to its settings.",
        f"With k = {ks} and α = {alphas} the slow weights settle at steps "
        + "; ".join(f"{span(grid[outer])} over {names[inner]} (alone {fmt(steps[inner])}), faster in {faster[outer]} "
                    f"of {len(PAPER_SETTINGS)}" for inner, outer in PAIRS)
        + ".",
        all(n in (0, len(PAPER_SETTINGS)) for n in faster.values()),
    )
    numbers = {f"settle/{names[o]}/k={k},alpha={a:g}": as_number(v)
               for _, o in PAIRS for (k, a), v in zip(PAPER_SETTINGS, grid[o])}
    return check, numbers


def _lookahead(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    bottom, radius = minimum_of(s.landscape), rest_radius(s.landscape)
    recs = run_all(s)
    steps = [settle(r.positions[0], bottom, radius) for r in recs]  # each run's own path, as in the legend
    outers = [outer for _, outer in PAIRS]
    judged = [slow_weights(r) if i in outers else r.positions[0] for i, r in enumerate(recs)]  # what a claim is about
    slow = {outer: settle(judged[outer], bottom, radius) for outer in outers}
    crossings = [sign_changes(p[:, 0]) for p in judged]
    speed_ups = tuple(
        Check(
            f"Lookahead reaches the minimum in fewer steps than {names[inner]} alone.",
            f"Steps to settle within {fmt(radius)} of the minimum and stay there (the legend's 'since step'): "
            f"{names[inner]} {fmt(steps[inner])}; {names[outer]} {fmt(steps[outer])}, its slow weights "
            f"{fmt(slow[outer])}.",
            as_number(slow[outer]) < as_number(steps[inner]),
        )
        for inner, outer in PAIRS
    )
    insensitive, grid = _insensitivity(s, steps, bottom, radius)
    return Finding(
        checks=(*speed_ups, insensitive),
        numbers={**{f"settle/{n}": as_number(v) for n, v in zip(names, steps)},
                 **{f"settle/{names[o]}/slow weights": as_number(v) for o, v in slow.items()},
                 **{f"crossings/{n}": v for n, v in zip(names, crossings)}, **grid},
        explanation=_lookahead_why(lesson, crossings),
    )


LOOKAHEAD = Lesson(
    number=7,
    slug="lookahead",
    title="Lookahead: fast and slow weights",
    question="What do Lookahead's two sets of weights do, and does Lookahead speed up its inner optimizer?",
    setup="f = 0.1x² + 2y² from (−5, −2), 300 steps: SGD (η = 0.4) and Lookahead over it, SGD + momentum "
    "(η = 0.1, μ = 0.9) and Lookahead over it (k = 5, α = 0.5). Lookahead's slow weights are drawn as a second path.",
    look_for="The fast weights explore for five steps, then the slow weights jump half-way towards them and the fast "
    "weights restart from there. Momentum's wide swings around the minimum are cut short; plain SGD, which does not "
    "overshoot along x, is slowed down.",
    claim="Lookahead keeps fast weights, updated by an ordinary optimizer, and slow weights that every k steps move "
    "towards them; guided by the fast weights the slow weights approach the minimum faster than SGD, and in "
    "experiments Lookahead sped up SGD and SGD with momentum (not Adadelta). It is insensitive to its settings and "
    "cheap.",
    source="Zhang et al. 2019 (Lookahead), as drawn by Chang, Liang & Li 2024, §3.5, Fig. 8 and §4.3.2, Fig. 12",
    scenario=scenario(
        "quadratic",
        (
            RunSpec("sgd", 0.4, label="SGD", color="#f58231"),
            RunSpec("lookahead", 0.4, (("momentum", 0.0), ("lookahead_k", 5), ("lookahead_alpha", 0.5)),
                    label="Lookahead (SGD)", color="#911eb4"),
            RunSpec("momentum", 0.1, (("momentum", 0.9),), label="SGD + momentum", color="#4363d8"),
            RunSpec("lookahead", 0.1, (("momentum", 0.9), ("lookahead_k", 5), ("lookahead_alpha", 0.5)),
                    label="Lookahead (SGD + momentum)", color="#3cb44b"),
        ),
        ((-5.0, -2.0),),
        300,
    ),
    measure=_lookahead,
    zoom=((-6.0, 2.0), (-2.5, 2.5)),
)

# 10 ─ batch size ────────────────────────────────────────────────────────────────────────────

BATCH_SIZES, MINI_BATCH, BATCH_RADIUS, TAIL = ("FGD", "MBGD", "SGD"), 16, 0.2, 100
STILL = 1e-3  # a mean distance over the tail below this is no oscillation (float32 rounding sits far below)
BATCH_DATA = landscapes.get("linear_regression").data.size


def _batch(lesson: Lesson) -> Finding:
    s = lesson.scenario
    order = sorted(range(len(s.runs)), key=lambda i: -(s.batch_of(i) or BATCH_DATA))  # the map's runs, largest B first
    names = [labels(s)[i] for i in order]
    sizes = [s.batch_of(i) or BATCH_DATA for i in order]
    recs = [run(s, i) for i in order]
    f_min = best_value(s.landscape)
    solution = minimum_of(s.landscape)
    dist = [np.linalg.norm(r.positions[0] - solution, axis=1) for r in recs]
    jitter = [float(d[-TAIL:].mean()) for d in dist]
    steps = [settle(r.positions[0], solution, BATCH_RADIUS) for r in recs]
    cost = [None if k is None else k * b for k, b in zip(steps, sizes)]
    fgd, mbgd, sgd = range(3)
    first = first_step(dist[sgd] <= BATCH_RADIUS)
    share = 0.0 if first is None else float(np.mean(dist[sgd][first:] <= BATCH_RADIUS))
    stays = "never settles" if steps[sgd] is None else f"settles only at step {steps[sgd]}"
    axis = np.arange(s.steps + 1)
    return Finding(
        checks=(
            Check(
                "Full-batch gradient descent does not oscillate, but every update costs O(n): all "
                f"{sizes[fgd]} samples.",
                f"{names[fgd]}: mean distance to the least-squares (w, b) over the last {TAIL} steps "
                f"{'below ' + fmt(STILL) if jitter[fgd] < STILL else fmt(jitter[fgd])}; "
                f"it settles within {fmt(BATCH_RADIUS)} of it and stays there from step {fmt(steps[fgd])}, after "
                f"{fmt(cost[fgd])} per-sample gradients.",
                jitter[fgd] < STILL and steps[fgd] is not None,
            ),
            Check(
                "SGD costs O(1) per update, but its gradient estimate makes it oscillate.",
                f"{names[sgd]} first comes within {fmt(BATCH_RADIUS)} at step {fmt(first)}, after {fmt(first)} "
                f"per-sample gradients, but {stays}: from then on it is within {fmt(BATCH_RADIUS)} only "
                f"{round(100 * share)} % of the time; mean distance over the last {TAIL} steps {fmt(jitter[sgd])}.",
                steps[sgd] is None and jitter[sgd] > jitter[fgd],
            ),
            Check(
                "Mini-batches trade between the two.",
                f"{names[mbgd]}: mean distance over the last {TAIL} steps {fmt(jitter[mbgd])}, between "
                f"{BATCH_SIZES[fgd]}'s and {BATCH_SIZES[sgd]}'s; it settles within {fmt(BATCH_RADIUS)} and stays "
                f"there from step {fmt(steps[mbgd])}, after {fmt(cost[mbgd])} per-sample gradients to "
                f"{BATCH_SIZES[fgd]}'s {fmt(cost[fgd])}.",
                jitter[fgd] < jitter[mbgd] < jitter[sgd] and as_number(cost[mbgd]) < as_number(cost[fgd]),
            ),
        ),
        numbers={
            **{f"jitter/{n}": v for n, v in zip(BATCH_SIZES, jitter)},
            **{f"settle/{n}": as_number(v) for n, v in zip(BATCH_SIZES, steps)},
            **{f"samples to settle/{n}": as_number(v) for n, v in zip(BATCH_SIZES, cost)},
            "first near/SGD": as_number(first),
            "share near/SGD": share,
        },
        charts=(
            Chart("Full-data loss along each path", "step", "L(w, b) − L*",
                  tuple(Series(n, axis, loss_at(s.landscape, r.positions[0]) - f_min, s.color(i))
                        for i, n, r in zip(order, names, recs)), log_y=True),
            Chart("Paths in the (w, b) plane", "w", "b",
                  tuple(Series(n, r.positions[0, :, 0], r.positions[0, :, 1], s.color(i))
                        for i, n, r in zip(order, names, recs))),
        ),
    )


BATCH_SIZE = Lesson(
    number=10,
    slug="batch-size",
    title="Batch size: full-batch, stochastic and mini-batch gradients",
    question="What does the batch size change when fitting a line: the path, the noise, the cost?",
    setup=f"Linear regression y ≈ w·x + b on 256 samples, from (w, b) = (−2, −3), plain SGD η = 0.1, 300 steps; "
    f"the gradient of each step comes from all 256 samples (FGD), a mini-batch of {MINI_BATCH} (MBGD) or one "
    "sample (SGD), drawn with a fixed seed. The three race on one map, each run with its own batch size B.",
    look_for="The single-sample path gets near the solution after a few dozen one-sample steps but keeps wandering "
    "around it; the mini-batch path wanders much less; the full-batch path is smooth and stops on it.",
    claim="Full-batch gradient descent is stable but costs O(n) per update; SGD costs O(1) but its gradient "
    "estimate makes it oscillate; mini-batches trade between the two.",
    source="Chang, Liang & Li 2024, §1.2–1.5 and Table 1; Ruder 2016, §2",
    scenario=scenario(
        "linear_regression",
        (RunSpec("sgd", 0.1, label=f"FGD (B = {BATCH_DATA})", color="#4363d8", batch_size=BATCH_DATA),
         RunSpec("sgd", 0.1, label="SGD (B = 1)", color="#e6194b", batch_size=1),
         RunSpec("sgd", 0.1, label=f"MBGD (B = {MINI_BATCH})", color="#3cb44b", batch_size=MINI_BATCH)),
        ((-2.0, -3.0),), 300, seed=0,
    ),
    measure=_batch,
    zoom=((-2.5, 3.0), (-3.5, 2.0)),
)

# 11 ─ gradient noise ────────────────────────────────────────────────────────────────────────

SOURCE_NOISE = (0.01, 0.3, 1.0)
LARGE_NOISE = 10.0
NOISE_SEEDS = 8
DRAIN_LR, DRAIN_STEPS, ARRIVED = 0.01, 2000, 0.05  # a slow plain descent that finds the basin a point lies in
LOUD, NOISY, PLAIN = 0, 1, 2  # the runs of lesson 11: a = 10 (drawn first, under the others), a = 1, no noise


def basins(s, records: list) -> np.ndarray:
    """Index into the landscape's minima of the basin each trajectory of these records ends in: the minimum
    that plain descent at the small rate DRAIN_LR, started from its last point, comes within ARRIVED of (−1: none)."""
    minima = np.array([p.xy for p in landscapes.get(s.landscape).minima])
    starts = np.concatenate([r.positions[:, -1] for r in records])
    drained = run(s, PLAIN, starts=starts, learning_rate=DRAIN_LR, steps=DRAIN_STEPS).positions[:, -1]
    dist = np.linalg.norm(drained[:, None] - minima[None], axis=-1)
    nearest = np.argmin(dist, axis=1)
    return np.where(dist[np.arange(len(drained)), nearest] <= ARRIVED, nearest, -1)


def left_home(reached: np.ndarray, home: int) -> int:
    """How many trajectories ended in the basin of a minimum other than `home` (from `basins`)."""
    return int(np.count_nonzero((reached >= 0) & (reached != home)))


def steepest_curvature(key: str, point) -> float:
    """The largest eigenvalue of the landscape's Hessian at a point."""
    hessian = ends.landscape_derivatives(key, np.asarray(point, float)[None])[1]
    return float(np.linalg.eigvalsh(hessian[:, :, 0])[-1])


def minimum_name(key: str, index: int) -> str:
    """'the global minimum' or 'the local minimum at (−1.35, 0.2)'."""
    point = landscapes.get(key).minima[index]
    return "the global minimum" if point.kind == "min" else f"the local minimum at ({fmt(point.x)}, {fmt(point.y)})"


def _noise_why(lesson: Lesson, strays: dict[float, float]) -> str:
    """How far the saddles are, how big the kicks are and how far the source's noise carried any trajectory."""
    s = lesson.scenario
    start = np.array(s.start_points[0])
    saddles = np.array([p.xy for p in landscapes.get(s.landscape).points if p.kind == "saddle"])
    above = float(np.min(loss_at(s.landscape, saddles)) - loss_at(s.landscape, start))
    away = float(np.min(np.linalg.norm(saddles - start, axis=1)))
    gamma = dict(s.runs[NOISY].hyper)["noise_gamma"]
    kick = {a: s.runs[NOISY].lr * np.sqrt(a) for a in (SOURCE_NOISE[-1], LARGE_NOISE)}  # η·σ₀, σ₀² = a
    return (
        "To leave its basin a point must cross the ridge around it, whose lowest points are saddles: Peaks' saddles "
        f"are at least {fmt(away)} from the start and {fmt(above)} above it. With a = {fmt(SOURCE_NOISE[-1])} the "
        f"first kick η·σ₀ is {fmt(kick[SOURCE_NOISE[-1]])} and σₜ shrinks as (1+t)^−{fmt(gamma / 2)}: no trajectory "
        f"strayed further than {fmt(strays[SOURCE_NOISE[-1]])} from the start ("
        + ", ".join(f"a = {fmt(a)}: {fmt(strays[a])}" for a in reversed(SOURCE_NOISE[:-1]))
        + f"). With a = {fmt(LARGE_NOISE)} the first kick is {fmt(kick[LARGE_NOISE])}."
        + _unstable_bottom(s)
    )


def _unstable_bottom(s) -> str:
    """Why a point that reaches the global minimum keeps moving there: η·h > 2 on its steepest curvature."""
    ls = landscapes.get(s.landscape)
    bottom = min(ls.minima, key=lambda p: loss_at(s.landscape, np.array(p.xy)))
    steep, eta = steepest_curvature(s.landscape, bottom.xy), s.runs[NOISY].lr
    if steep <= 2 / eta:
        return ""
    return (f" At the global minimum the steepest curvature, {fmt(steep)}, is above 2/η = {fmt(2 / eta)}: SGD at "
            f"η = {fmt(eta)} cannot settle there, and a point that reaches it is thrown back and forth around it.")


class Escapes(NamedTuple):
    """What the noisy runs of lesson 11 did: trajectories that left the start's basin, by noise level a (of
    NOISE_SEEDS seeds each), without noise and on the map's a = 10 run; the basins the a = 10 runs ended in;
    and how far each of the source's noise levels carried any trajectory from the start."""

    left: dict[float, int]
    plain: int
    on_map: int
    loud: np.ndarray
    home: int
    strays: dict[float, float]


def _escapes(s) -> Escapes:
    start = np.array(s.start_points[0])
    home = int(np.argmin(np.linalg.norm(np.array([p.xy for p in landscapes.get(s.landscape).minima]) - start, axis=1)))
    noisy = {a: [run(s, NOISY, hyper={"noise_a": a, "noise_seed": k}) for k in range(NOISE_SEEDS)]
             for a in (*SOURCE_NOISE, LARGE_NOISE)}
    reached = {a: basins(s, recs) for a, recs in noisy.items()}
    plain, on_map = (left_home(basins(s, [run(s, i)]), home) for i in (PLAIN, LOUD))
    strays = {a: max(float(np.linalg.norm(r.positions - start, axis=-1).max()) for r in noisy[a]) for a in SOURCE_NOISE}
    left = {a: left_home(r, home) for a, r in reached.items()}
    return Escapes(left, plain, on_map, reached[LARGE_NOISE], home, strays)


def _noise(lesson: Lesson) -> Finding:
    s = lesson.scenario
    n = len(s.start_points)
    total = NOISE_SEEDS * n
    e = _escapes(s)
    left, plain = e.left, e.plain
    where = ", ".join(f"{np.count_nonzero(e.loud == m)} in that of {minimum_name(s.landscape, int(m))}"
                      for m in sorted(set(e.loud.tolist()) - {e.home, -1}))
    return Finding(
        checks=(
            Check(
                "Adding annealed Gaussian noise σₜ² = a/(1+t)^0.55 (a = 0.01, 0.3 or 1) to the gradient helps SGD "
                "leave a local minimum.",
                f"Trajectories that end in another minimum's basin, of {total} ({NOISE_SEEDS} seeds × {n} starts): "
                + ", ".join(f"a = {fmt(a)}: {left[a]}" for a in SOURCE_NOISE)
                + f"; SGD without noise: {plain} of {n}.",
                max(left[a] for a in SOURCE_NOISE) > plain,
            ),
            Check(
                "More noise gives more chances to escape.",
                f"With a = {fmt(LARGE_NOISE)}: {left[LARGE_NOISE]} of {total}" + (f" ({where})" if where else "")
                + f"; on the map (seed {fmt(dict(s.runs[LOUD].hyper)['noise_seed'])}) {e.on_map} of {n}.",
                left[LARGE_NOISE] > max(plain, *(left[a] for a in SOURCE_NOISE)),
            ),
        ),
        numbers={"escapes/SGD": plain, **{f"escapes/a={a:g}": v for a, v in left.items()}, "escapes/map a=10": e.on_map,
                 **{f"stray/a={a:g}": v for a, v in e.strays.items()}},
        explanation=_noise_why(lesson, e.strays),
    )


_SHALLOW_MIN = (0.2964, 0.3202)  # Peaks' shallow local minimum, to four decimals (a short, exact link)

GRADIENT_NOISE = Lesson(
    number=11,
    slug="gradient-noise",
    title="Gradient noise",
    question="Does adding decaying Gaussian noise to the gradient help SGD out of a local minimum?",
    setup="Peaks, eight trajectories per run starting in the shallow local minimum near (0.30, 0.32); SGD η = 0.1 "
    "without noise, and with annealed noise σₜ² = a/(1+t)^0.55 for a = 1 (the source's largest) and a = 10, 1000 "
    "steps. Each trajectory draws its own noise.",
    look_for="Without noise nothing moves; with a = 1 the points jitter inside the basin and stay there; with a = 10 "
    "the kicks are big enough to throw a point over the rim now and then, and it rolls down into another basin.",
    claim="Adding noise N(0, σₜ²) with σₜ² = η/(1+t)^γ (γ = 0.55) to every gradient makes training more robust "
    "to poor initialisation: the noise gives the model more chances to escape and find new local minima.",
    source="Neelakantan et al. 2015, as summarised by Ruder 2016, §6",
    scenario=scenario(
        "peaks",
        (
            RunSpec("gradient_noise", 0.1, (("noise_a", LARGE_NOISE), ("noise_gamma", 0.55), ("noise_seed", 0)),
                    label="SGD + noise a = 10", color="#3cb44b"),
            RunSpec("gradient_noise", 0.1, (("noise_a", 1.0), ("noise_gamma", 0.55), ("noise_seed", 0)),
                    label="SGD + noise a = 1", color="#4363d8"),
            RunSpec("sgd", 0.1, label="SGD", color="#e6194b"),
        ),
        (_SHALLOW_MIN,) * 8,
        1000,
    ),
    measure=_noise,
    zoom=((-1.0, 1.5), (-2.5, 1.0)),
)
