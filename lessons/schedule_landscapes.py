"""Seed 003 §4.1's 2-D experiments with five learning-rate policies: the Rosenbrock canyon (2),
local minima on Peaks (3), saddle points (4), a plateau ending in a cliff (5)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import landscapes
from landscapes.classic import CLIFF_AT
from lessons.base import Check, Finding, Lesson, labels, run, run_all, scenario
from lessons.measures import (
    as_number,
    best_value,
    curvature,
    first_step,
    fmt,
    global_minimum_index,
    listing,
    nearest_minimum,
    settle_step,
    sign_changes,
)
from lessons.policies import DESCRIPTION, NAMES, PARAMS, five_policies
from trajectories import engine
from trajectories.scenario import RunSpec

CONSTANT, STEP, COSINE, SGDR, WARMUP = range(5)

# 2 ─ canyon ─────────────────────────────────────────────────────────────────────────────────

CANYON_TAIL, CANYON_AT, CANYON_NEAR = 200, 200, 0.1
TIE = 1.01  # final losses within 1% count as a tie


def _canyon(lesson: Lesson) -> Finding:
    s = lesson.scenario
    recs = run_all(s)
    final = [float(r.losses[0, -1]) for r in recs]
    turns = [sign_changes(np.diff(r.losses[0, -CANYON_TAIL - 1 :])) for r in recs]
    half = s.steps // 2
    step_progress = recs[STEP].losses[0, half] / recs[STEP].losses[0, -1]
    gap = np.linalg.norm(recs[WARMUP].positions[0] - recs[COSINE].positions[0], axis=1)
    near = settle_step(gap, CANYON_NEAR)
    return Finding(
        checks=(
            Check(
                "With a constant rate SGD bounces between the canyon walls: the loss oscillates.",
                f"Loss turning points in the last {CANYON_TAIL} steps: {listing(zip(NAMES, turns))}.",
                turns[CONSTANT] >= CANYON_TAIL // 2 and max(turns[STEP:]) < CANYON_TAIL // 2,
            ),
            Check(
                "Step decay lowers the rate too fast and stalls early.",
                f"Step decay's rate at the end: {fmt(recs[STEP].lrs[0, -1])}; its loss fell only by a factor "
                f"{fmt(step_progress)} over the second half ({fmt(final[STEP])} at the end, cosine {fmt(final[COSINE])}).",
                step_progress < 1.1 and final[STEP] > final[COSINE],
            ),
            Check(
                "Cosine decay gives the best result.",
                f"Final losses: {listing(zip(NAMES, final))}.",
                final[COSINE] <= TIE * min(final),
            ),
            Check(
                f"Warmup-cosine reaches the region cosine is in by about step {CANYON_AT}.",
                f"Distance between the warmup-cosine and cosine points at step {CANYON_AT}: {fmt(gap[CANYON_AT])}; "
                f"within {fmt(CANYON_NEAR)} of each other from step {fmt(near)} on.",
                bool(gap[CANYON_AT] <= CANYON_NEAR),
            ),
        ),
        numbers={
            **{f"final loss/{n}": v for n, v in zip(NAMES, final)},
            **{f"loss turns/{n}": v for n, v in zip(NAMES, turns)},
            "step progress": float(step_progress),
            "warmup gap at 200": float(gap[CANYON_AT]),
            "warmup near from": as_number(near),
        },
        explanation=(
            f"Warmup spends its first {PARAMS[WARMUP]['warmup_steps']:g} steps below the full rate, so it enters the "
            f"canyon later and trails cosine along the floor: {fmt(gap[CANYON_AT])} apart at step {CANYON_AT}, closer than "
            f"{fmt(CANYON_NEAR)} only from step {fmt(near)}."
        ) if gap[CANYON_AT] > CANYON_NEAR else "",
    )


CANYON = Lesson(
    number=2,
    slug="canyon-schedules",
    title="Schedules in the Rosenbrock canyon",
    question="Plain SGD, one starting rate, five schedules: which one gets furthest along a narrow curved canyon?",
    setup=f"Rosenbrock from (0, 0), SGD without momentum, η₀ = 0.004 (more than the canyon floor near the minimum "
    f"tolerates: 2/1002 ≈ 0.002), 1000 steps, with {DESCRIPTION}.",
    look_for="Near the end the constant-rate path hops from wall to wall and its loss curve saw-tooths; step decay "
    "freezes halfway along the canyon; cosine gets closest to (1, 1). Compare the LR curves with the paths.",
    claim="A constant rate leaves SGD jumping between the canyon walls and the loss oscillates; step decay shrinks "
    "the rate too early and stalls; cosine is best in speed and accuracy; linear warmup + cosine reaches the "
    "region cosine is in by about step 200.",
    source="Liu & Zhang 2023, §4.1.1, Fig. 5",
    scenario=scenario("canyon-schedules", "rosenbrock", five_policies("sgd", 0.004), ((0.0, 0.0),), 1000),
    measure=_canyon,
    zoom=((-0.25, 1.25), (-0.25, 1.25)),
)

# 3 ─ Peaks ──────────────────────────────────────────────────────────────────────────────────

PEAKS_GRID, MU_STEP = 41, 0.01


def _grid(key: str, n: int) -> np.ndarray:
    """n×n start points filling the landscape's domain (edges excluded)."""
    (x0, x1), (y0, y1) = landscapes.get(key).domain
    xs = np.linspace(x0, x1, n + 2)[1:-1]
    ys = np.linspace(y0, y1, n + 2)[1:-1]
    return np.array([(x, y) for y in ys for x in xs])


def _peaks(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    target = global_minimum_index(s.landscape)
    grid = _grid(s.landscape, PEAKS_GRID)
    starts = np.concatenate([s.start_points, grid])  # the lesson's starts and the grid in one batch
    fates_all = [nearest_minimum(s.landscape, run(s, i, starts=starts).positions[:, -1]) for i in range(len(s.runs))]
    k = len(s.start_points)
    ends, fates = [f[:k] for f in fates_all], [f[k:] for f in fates_all]
    trapped = fates[0] != target
    escapes = [int(np.count_nonzero(trapped & (f == target))) for f in fates[1:]]
    start = s.start_points[0]
    demo = ["global" if e[0] == target else "local" for e in ends[1:]]
    best = int(np.argmax(escapes))
    mu = dict(s.runs[1].hyper)["momentum"]
    nearby = {
        m: demo[CONSTANT] if m == mu else
        "global" if nearest_minimum(s.landscape, run(s, 1, hyper={"momentum": m}, starts=starts).positions[0, -1]) == target
        else "local"
        for m in (round(mu - MU_STEP, 6), mu, round(mu + MU_STEP, 6))
    }
    return Finding(
        checks=(
            Check(
                "Without momentum SGD cannot leave the local minimum.",
                f"{names[0]} ends in the global minimum's basin from {int(np.count_nonzero(ends[0] == target))} of "
                f"{len(ends[0])} lesson starts, and from {int(np.count_nonzero(~trapped))} of {len(grid)} starts on a "
                f"{PEAKS_GRID}×{PEAKS_GRID} grid: the rest stop in a local minimum.",
                bool(np.all(ends[0] != target)),
            ),
            Check(
                f"At a critical momentum (μ = {fmt(mu)}), constant and cosine escape the local minimum; step, SGDR "
                "and warmup-cosine do not.",
                f"From ({fmt(start[0])}, {fmt(start[1])}): " + ", ".join(f"{n} → {d}" for n, d in zip(NAMES, demo)) + ".",
                demo[CONSTANT] == demo[COSINE] == "global" and {demo[STEP], demo[SGDR], demo[WARMUP]} == {"local"},
            ),
            Check(
                "The same holds over many starts: keeping the rate large (constant, cosine) escapes more often.",
                f"Of the {int(np.count_nonzero(trapped))} grid starts where SGD is trapped, momentum reaches the "
                f"global minimum from: {listing(zip(NAMES, escapes))}.",
                min(escapes[CONSTANT], escapes[COSINE]) > max(escapes[STEP], escapes[SGDR], escapes[WARMUP]),
            ),
        ),
        numbers={
            "trapped starts": int(np.count_nonzero(trapped)),
            **{f"escapes/{n}": v for n, v in zip(NAMES, escapes)},
            **{f"demo escapes/{n}": float(d == "global") for n, d in zip(NAMES, demo)},
            **{f"demo escapes/constant/mu={m:g}": float(d == "global") for m, d in nearby.items()},
        },
        explanation=(
            f"Escapes are rare — at most {fmt(100 * max(escapes) / max(1, np.count_nonzero(trapped)))}% of the "
            f"trapped starts for any schedule — and the schedule that escapes most often is {NAMES[best]} "
            f"({escapes[best]}), not constant or cosine. At a single start the outcome hangs on a knife edge: from "
            f"({fmt(start[0])}, {fmt(start[1])}) with the constant rate, "
            + ", ".join(f"μ = {fmt(m)} → {d}" for m, d in nearby.items())
            + ". The source's figure shows single starts."
        ),
    )


LOCAL_MINIMA = Lesson(
    number=3,
    slug="peaks-local-minima",
    title="Local minima on Peaks",
    question="Can momentum and the learning-rate schedule carry SGD out of a local minimum?",
    setup=f"Peaks from (−1.2, −0.8) and (−2.5, 1), 500 steps: SGD (η = 0.05) without momentum, and SGD with momentum "
    f"0.97 (η = 0.05) under {DESCRIPTION}. The check also runs every policy from a {PEAKS_GRID}×{PEAKS_GRID} grid "
    "of starts.",
    look_for="Plain SGD rolls into the nearest basin and stays. With momentum the paths overshoot; from (−1.2, −0.8) "
    "some climb out of the local minimum on the left and reach the deep global minimum at the bottom.",
    claim="Momentum is essential: without it SGD never leaves the local minimum. At a critical momentum, schedules "
    "that keep the rate large (constant, cosine) escape the local minimum, while step decay, SGDR and "
    "warmup-cosine stay; the start point matters as much as the schedule.",
    source="Liu & Zhang 2023, §4.1.2, Fig. 6",
    scenario=scenario(
        "peaks-local-minima",
        "peaks",
        (RunSpec("sgd", 0.05, label="SGD (no momentum)", color="#808080"),
         *five_policies("momentum", 0.05, (("momentum", 0.97),), prefix="momentum, ")),
        ((-1.2, -0.8), (-2.5, 1.0)),
        500,
    ),
    measure=_peaks,
)

# 4 ─ saddles ────────────────────────────────────────────────────────────────────────────────

ESCAPE_Y = 1.0
ADAPTIVE = (5, 6, 7)  # Adam, Yogi, Lookahead-Yogi in the saddle scenario


def _saddle(key: str) -> tuple[float, float]:
    return next(p.xy for p in landscapes.get(key).points if p.kind == "saddle")


def _escape_steps(rec, perturbed: range) -> list[int | None]:
    return [first_step(np.abs(rec.positions[j, :, 1]) > ESCAPE_Y) for j in perturbed]


def _saddles(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    x0 = landscapes.get("cubic_saddle").starts[0][0]
    cubic = replace(s, landscape="cubic_saddle", starts=tuple((x0, y) for _, y in s.start_points))
    surfaces = {"x² − y²": (s, _saddle(s.landscape)), "x³ − 3x − 2y²": (cubic, _saddle(cubic.landscape))}
    on_axis = (CONSTANT, *ADAPTIVE)
    recs = {"x² − y²": {i: run(s, i) for i in range(len(s.runs))}, "x³ − 3x − 2y²": {i: run(cubic, i) for i in on_axis}}
    max_y = {(k, i): float(np.abs(recs[k][i].positions[0, :, 1]).max()) for k in surfaces for i in on_axis}
    max_gy = max(float(np.abs(recs[k][i].grads[0, :, 1]).max()) for k in surfaces for i in on_axis)
    to_saddle = {(k, i): float(np.hypot(*(recs[k][i].positions[0, -1] - np.array(p))))
                 for k, (_, p) in surfaces.items() for i in (CONSTANT, ADAPTIVE[0])}
    perturbed = range(1, len(s.start_points))
    y0 = [s.start_points[j][1] for j in perturbed]
    esc = {i: _escape_steps(recs["x² − y²"][i], perturbed) for i in range(5)}
    slowest = [max(range(5), key=lambda i: (as_number(esc[i][j]), i == STEP)) for j in range(len(y0))]
    push = -curvature(s.landscape, _saddle(s.landscape), 1)  # off the axis y grows by (1 + push·η) per step
    budget = {i: np.cumsum(np.log1p(push * recs["x² − y²"][i].lrs[0])) for i in range(5)}
    need = {y: float(np.log(ESCAPE_Y / y)) for y in y0}
    at = (esc[CONSTANT][-1] or s.steps) - 1  # when the constant rate escapes from the smallest y₀
    table = "; ".join(f"y₀ = {fmt(y)}: " + listing((NAMES[i], esc[i][j]) for i in range(5)) for j, y in enumerate(y0))
    yogis = "; ".join(f"{k}: " + listing((names[i], max_y[k, i]) for i in ADAPTIVE[1:]) for k in surfaces)
    stall = "; ".join(f"{k}: " + listing((names[i], to_saddle[k, i]) for i in (CONSTANT, ADAPTIVE[0])) for k in surfaces)
    return Finding(
        checks=(
            Check(
                "Started on the saddle's axis (y = 0), SGD and Adam stall at the saddle.",
                f"From y₀ = 0, distance to the saddle after {s.steps} steps — {stall}.",
                max(to_saddle.values()) < 0.05,
            ),
            Check(
                "Yogi and Lookahead-Yogi escape the saddle from the same start.",
                f"Largest |y| reached from y₀ = 0 — {yogis}.",
                min(max_y[k, i] for i in ADAPTIVE[1:] for k in surfaces) > ESCAPE_Y,
            ),
            Check(
                "Any perturbation of the start, y₀ = 0.1, 0.01 or 0.001, lets SGD escape under every schedule.",
                f"Steps until |y| > {fmt(ESCAPE_Y)} on x² − y²: {table}.",
                all(v is not None for e in esc.values() for v in e),
            ),
            Check(
                "Step decay escapes most slowly.",
                "Slowest schedule: " + ", ".join(f"y₀ = {fmt(y)}: {NAMES[i]}" for y, i in zip(y0, slowest)) + ".",
                all(i == STEP for i in slowest),
            ),
        ),
        numbers={
            **{f"max |y|/{names[i]}/{k}": v for (k, i), v in max_y.items()},
            "max |dfdy| on axis": max_gy,
            **{f"escape/{NAMES[i]}/y0={y:g}": as_number(esc[i][j]) for i in range(5) for j, y in enumerate(y0)},
            **{f"log growth by step {at + 1}/{NAMES[i]}": float(b[at]) for i, b in budget.items()},
        },
        explanation=(
            f"On y = 0 the gradient's y-component is exactly 0 for both functions (largest |∂f/∂y| recorded along the "
            f"y₀ = 0 paths: {fmt(max_gy)}), so every first-order method — Yogi and Lookahead-Yogi included — has "
            "nothing to move y with: their second moments and Lookahead's averaging act on a zero. Only a perturbation "
            f"(noise, a random start) breaks the symmetry. Off the axis y grows by (1 + {fmt(push)}η) per step, so a "
            f"start y₀ escapes once Σ ln(1 + {fmt(push)}ηₖ) reaches ln(1/y₀) ("
            + ", ".join(f"{fmt(v)} for y₀ = {fmt(y)}" for y, v in need.items())
            + f"): the schedule that accumulates rate most slowly escapes last. That sum after {at + 1} steps, when "
            f"the constant rate escapes from y₀ = {fmt(y0[-1])}: "
            + listing((NAMES[i], b[at]) for i, b in budget.items()) + "."
        ),
    )


SADDLES = Lesson(
    number=4,
    slug="saddle-points",
    title="Saddle points",
    question="Do optimizers get stuck at a saddle point, and what gets them out?",
    setup=f"x² − y² from (−3, 0) and from (−3, y₀) with y₀ = 0.1, 0.01, 0.001, 500 steps: SGD (η = 0.02) under "
    f"{DESCRIPTION}; Adam, Yogi and Lookahead-Yogi (η = 0.1). The check repeats the on-axis runs on x³ − 3x − 2y² "
    "from (2, 0).",
    look_for="Every path that starts exactly on y = 0 slides into the saddle and stays there, adaptive methods "
    "included. The perturbed starts sit on the axis for a while, then peel off exponentially — slowest, or never, "
    "with step decay.",
    claim="Starting level with the saddle, SGD cannot escape and converges near it; of all SGD- and Adam-based "
    "optimizers only Yogi escapes, and Lookahead-Yogi does too. Any tiny perturbation of the start lets every "
    "schedule escape, step decay clearly the slowest.",
    source="Liu & Zhang 2023, §4.1.3, Fig. 3 (Yogi: Zaheer et al. 2018; Lookahead: Zhang et al. 2019)",
    scenario=scenario(
        "saddle-points",
        "saddle",
        (
            *five_policies("sgd", 0.02, prefix="SGD, "),
            RunSpec("adam", 0.1, label="Adam", color="#42d4f4"),
            RunSpec("yogi", 0.1, label="Yogi", color="#f032e6"),
            RunSpec("lookahead_yogi", 0.1, label="Lookahead-Yogi", color="#9a6324"),
        ),
        ((-3.0, 0.0), (-3.0, 0.1), (-3.0, 0.01), (-3.0, 0.001)),
        500,
    ),
    measure=_saddles,
)

# 5 ─ plateau and cliff ──────────────────────────────────────────────────────────────────────


def _plateau(lesson: Lesson) -> Finding:
    s = lesson.scenario
    recs = run_all(s)
    f_min = best_value(s.landscape)
    cross = [first_step(r.positions[0, :, 0] >= CLIFF_AT) for r in recs]
    fate = [r.status_text(0) for r in recs]
    gap = [float(r.losses[0, -1] - f_min) for r in recs]
    left = [int(r.status[0]) == engine.LEFT_DOMAIN for r in recs]
    rate_at_cliff = [None if c is None else float(r.lrs[0, min(c, s.steps - 1)]) for c, r in zip(cross, recs)]
    plateau_grad = float(np.linalg.norm(recs[STEP].grads[0, 0]))
    cliff_grad = max(float(np.linalg.norm(r.grads[0], axis=1).max()) for r in recs)
    non_cyclical = [as_number(cross[i]) for i in (CONSTANT, COSINE, WARMUP)]
    settled = [NAMES[i] for i in range(5) if not left[i] and gap[i] < 1e-2]
    best = min(range(5), key=lambda i: (left[i], gap[i]))
    return Finding(
        checks=(
            Check(
                "A constant rate crosses the plateau fastest.",
                f"Steps to reach the cliff (x ≥ {fmt(CLIFF_AT)}): {listing(zip(NAMES, cross))}.",
                int(np.argmin([as_number(c) for c in cross])) == CONSTANT,
            ),
            Check(
                "A fast-decaying rate (step decay) gets stuck on the plateau.",
                f"Step decay ends at x = {fmt(recs[STEP].positions[0, -1, 0])} with η = {fmt(recs[STEP].lrs[0, -1])}.",
                cross[STEP] is None,
            ),
            Check(
                "A cyclical schedule (SGDR) crosses more slowly than the non-cyclical ones.",
                f"SGDR reaches the cliff at step {fmt(cross[SGDR])}; constant, cosine and warmup-cosine by step "
                f"{fmt(max(non_cyclical))}.",
                as_number(cross[SGDR]) > max(non_cyclical),
            ),
            Check(
                "The constant rate also ends with the best accuracy; the cliff itself is no obstacle.",
                "After the run: " + "; ".join(f"{n} {f}, f − f* = {fmt(max(g, 0.0))}" for n, f, g in zip(NAMES, fate, gap))
                + ".",
                best == CONSTANT,
            ),
        ),
        numbers={
            **{f"cross/{n}": as_number(c) for n, c in zip(NAMES, cross)},
            **{f"final gap/{n}": g for n, g in zip(NAMES, gap)},
            **{f"left domain/{n}": float(v) for n, v in zip(NAMES, left)},
            "plateau gradient": plateau_grad,
            "cliff gradient": cliff_grad,
        },
        explanation=(
            f"The plateau's slope is {fmt(plateau_grad)}; the cliff's reaches {fmt(cliff_grad)} along these paths, "
            f"{fmt(cliff_grad / plateau_grad)}× more. A rate that crosses the plateau in a few hundred steps turns that "
            f"slope into a leap: the constant run {fate[CONSTANT]}. The rate each run had when it reached the cliff: "
            + listing((n, r) for n, r in zip(NAMES, rate_at_cliff) if r is not None)
            + f"; the runs that settled in the basin: {', '.join(settled) or 'none'}."
        ) if best != CONSTANT else "",
    )


PLATEAU = Lesson(
    number=5,
    slug="plateau-cliff",
    title="Plateaus and cliffs",
    question="Starting on a nearly flat plateau that ends in a cliff, which schedule gets down — and stays down?",
    setup=f"The plateau-and-cliff surface (|∇f| ≈ 8·10⁻⁴ on the plateau, up to 16 on the cliff at x = 1) from "
    f"(−1, −1), SGD with momentum 0.9, η₀ = 0.5, 1000 steps, with {DESCRIPTION}.",
    look_for="All paths creep right along the plateau; the constant one reaches the cliff first and is hurled off the "
    "map; cosine and warmup-cosine arrive later with a smaller rate and settle in the basin; step decay never "
    "arrives.",
    claim="On a plateau gradients are tiny and the optimizer lingers; decaying the rate too early strands it there. "
    "A constant rate gives the best speed and accuracy; cliffs do not hinder optimization — flat regions do; "
    "cyclical schedules are slower, because each cycle contains small rates.",
    source="Liu & Zhang 2023, §4.1.4, Fig. 7 (its 2-D sigmoid)",
    scenario=scenario("plateau-cliff", "plateau", five_policies("momentum", 0.5, (("momentum", 0.9),)),
                      ((-1.0, -1.0),), 1000),
    measure=_plateau,
)
