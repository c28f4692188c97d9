"""Seed 003 §4.1's 2-D experiments with five learning-rate policies: the Rosenbrock canyon (2),
local minima on Peaks (3), saddle points (4), a plateau ending in a cliff (5)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gradscape import landscapes
from gradscape import trajectories as tr
from gradscape.landscapes.classic import CLIFF_AT
from gradscape.lessons.base import Check, Finding, Lesson, labels, run, run_all, scenario
from gradscape.lessons.measures import (
    as_number,
    best_value,
    curvature,
    first_step,
    fmt,
    global_minimum_index,
    listing,
    loss_at,
    settle_step,
)
from gradscape.lessons.policies import DESCRIPTION, NAMES, PARAMS, five_policies
from gradscape.trajectories import ends, engine
from gradscape.trajectories.scenario import RunSpec, Scenario

CONSTANT, STEP, COSINE, SGDR, WARMUP = range(5)

# 2 ─ canyon ─────────────────────────────────────────────────────────────────────────────────

CANYON_TAIL, CANYON_AT, CANYON_NEAR = 200, 200, 0.1
TIE = 1.01  # final losses within 1% count as a tie
SMOOTH = (STEP, COSINE, WARMUP)  # the policies whose rate never rises after step 50 (SGDR restarts every 100)


def _canyon(lesson: Lesson) -> Finding:
    """Loss rises near the end, step decay's late progress, final losses, warmup-cosine's gap to cosine.

    The constant and SGDR runs bounce across the canyon: their last digits depend on rounding
    (float32 and float64 runs part after a few hundred steps), so they are quoted only as far as
    both agree: the constant run by its distance from the minimum, SGDR's loss to one digit.
    """
    s = lesson.scenario
    recs = run_all(s)
    final = [float(r.losses[0, -1]) for r in recs]
    rises = [int(np.count_nonzero(np.diff(r.losses[0, -CANYON_TAIL - 1 :]) > 0)) for r in recs]
    half = s.steps // 2
    step_progress = recs[STEP].losses[0, half] / recs[STEP].losses[0, -1]
    gap = np.linalg.norm(recs[WARMUP].positions[0] - recs[COSINE].positions[0], axis=1)
    near = settle_step(gap, CANYON_NEAR)
    minimum = np.array(landscapes.get(s.landscape).minima[0].xy)
    miss = float(np.linalg.norm(recs[CONSTANT].positions[0, -1] - minimum))
    bouncing = bool(np.any(np.diff(recs[CONSTANT].losses[0, -11:]) > 0))  # its loss still rose in the last 10 steps
    return Finding(
        checks=(
            Check(
                "With a constant rate SGD bounces between the canyon walls: the loss oscillates.",
                f"Steps in which the loss went up, of the last {CANYON_TAIL}: "
                f"{listing((NAMES[i], rises[i]) for i in (CONSTANT, *SMOOTH))}.",
                rises[CONSTANT] >= CANYON_TAIL // 4 and not any(rises[i] for i in SMOOTH),
            ),
            Check(
                "Step decay lowers the rate too fast and stalls early.",
                f"Step decay's rate at the end: {fmt(recs[STEP].lrs[0, -1])}; its loss fell only by a factor "
                f"{fmt(step_progress)} over the second half ({fmt(final[STEP])} at the end, cosine {fmt(final[COSINE])}).",
                step_progress < 1.1 and final[STEP] > final[COSINE],
            ),
            Check(
                "Cosine decay gives the best result.",
                f"Final losses: step {fmt(final[STEP])}, cosine {fmt(final[COSINE])}, SGDR ≈ {fmt(final[SGDR], 1)}, "
                f"warmup-cosine {fmt(final[WARMUP])}; the constant-rate path ends {fmt(miss, 2)} from the minimum"
                + (", still bouncing." if bouncing else "."),
                final[COSINE] <= TIE * min(final[STEP:]) and final[COSINE] < final[CONSTANT],
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
            **{f"loss rises/{n}": v for n, v in zip(NAMES, rises)},
            "constant miss": miss,
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
    "nearly stops about halfway along the canyon; cosine and warmup-cosine get furthest, side by side. Compare the "
    "LR curves with the paths.",
    claim="A constant rate leaves SGD jumping between the canyon walls and the loss oscillates; step decay shrinks "
    "the rate too early and stalls; cosine is best in speed and accuracy; linear warmup + cosine reaches the "
    "region cosine is in by about step 200.",
    source="Liu & Zhang 2023, §4.1.1, Fig. 5",
    scenario=scenario("rosenbrock", five_policies("sgd", 0.004), ((0.0, 0.0),), 1000),
    measure=_canyon,
    zoom=((-0.25, 1.25), (-0.25, 1.25)),
)

# 3 ─ Peaks ──────────────────────────────────────────────────────────────────────────────────

PEAKS_GRID = 41
MU_SCAN = tuple(np.round(np.arange(0.0, 0.955, 0.01), 2))  # momenta scanned from the first start
DECIDED = 0.5  # an escape is over once the path stays this close to the global minimum
OFF, ELSEWHERE = -1, -2  # _places codes besides the index of a minimum


def _grid(key: str, n: int) -> np.ndarray:
    """n×n start points filling the landscape's domain (edges excluded)."""
    (x0, x1), (y0, y1) = landscapes.get(key).domain
    xs = np.linspace(x0, x1, n + 2)[1:-1]
    ys = np.linspace(y0, y1, n + 2)[1:-1]
    return np.array([(x, y) for y in ys for x in xs])


def _places(key: str, points: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Where each path ends: the index of the catalogued minimum within the engine's 'at a point' radius
    (trajectories.ends), OFF for a path that left the map, diverged or ends outside the drawn map, else ELSEWHERE."""
    ls = landscapes.get(key)
    minima = np.array([p.xy for p in ls.minima])
    dist = np.linalg.norm(np.asarray(points)[:, None] - minima[None], axis=-1)
    near = dist.min(axis=1) <= ends.NEAR_FRACTION * ls.size
    on_map = ~np.isin(status, (engine.LEFT_DOMAIN, engine.DIVERGED)) & np.array([ls.contains(p) for p in points])
    return np.where(on_map, np.where(near, dist.argmin(axis=1), ELSEWHERE), OFF)


def _final(s: Scenario, i: int, starts: np.ndarray, **overrides) -> tr.FinalRecord:
    """Where run i of a scenario ends from each of many starts (the engine's final-only scan)."""
    return tr.final_points(s.landscape, s.runs[i].optimizer, **{**s.engine_kwargs(i), "starts": starts, **overrides})


def _momentum_needed(s: Scenario, i: int, target: int) -> float | None:
    """The least momentum of MU_SCAN with which run i goes from the scenario's first start to minimum `target`."""
    swept = tr.sweep(s.landscape, s.runs[i].optimizer, {"momentum": MU_SCAN},
                     **{**s.engine_kwargs(i), "starts": s.start_points[:1]})
    hits = _places(s.landscape, swept.positions[:, 0], swept.status[:, 0]) == target
    return float(MU_SCAN[int(np.argmax(hits))]) if hits.any() else None


def _where(key: str, code: int) -> str:
    """'the global minimum', 'the local minimum at (-1.35, 0.205)', 'off the map', 'elsewhere'."""
    if code == OFF:
        return "off the map"
    if code == ELSEWHERE:
        return "elsewhere"
    point = landscapes.get(key).minima[code]
    return "the global minimum" if point.kind == "min" else f"the local minimum at ({fmt(point.x)}, {fmt(point.y)})"


def _grid_fates(s: Scenario, target: int) -> tuple[np.ndarray, list[int], np.ndarray]:
    """The grid starts from which plain SGD (run 0) ends in a local minimum; from those, how many reach the global
    minimum without momentum under each policy; and where the five momentum runs end, (5, starts)."""
    key = s.landscape
    grid = _grid(key, PEAKS_GRID)
    plain = _final(s, 0, grid)
    trapped = grid[np.isin(_places(key, plain.positions, plain.status), [target, OFF, ELSEWHERE], invert=True)]
    policies = [dict(schedule=r.schedule, schedule_params=dict(r.schedule_params)) for r in s.runs[1:]]
    plain_escapes = [int(np.count_nonzero(_places(key, f.positions, f.status) == target))
                     for f in (_final(s, 0, trapped, **p) for p in policies)]
    momentum = np.array([_places(key, f.positions, f.status) for f in (_final(s, i, trapped) for i in range(1, 6))])
    return trapped, plain_escapes, momentum


def _decided_by(s: Scenario, starts: np.ndarray, target: int) -> int | None:
    """The last step at which a constant-rate momentum path from these starts comes within DECIDED of the global
    minimum for good (None without starts)."""
    if not len(starts):
        return None
    goal = np.array(landscapes.get(s.landscape).minima[target].xy)
    paths = run(s, 1 + CONSTANT, starts=starts).positions
    return max(settle_step(np.linalg.norm(p - goal, axis=1), DECIDED) for p in paths)


def _peaks_why(needed: list[float | None], same: bool, decided: int | None, some: int, trapped: int) -> str:
    """Why the schedules barely differ: step decay's first steps, who needs more momentum, what the start decides."""
    parts = []
    if same and decided is not None:
        parts.append(f"Step decay runs at exactly the constant rate for its first {PARAMS[STEP]['step_size']:g} "
                     f"steps, and the escapes are over before that: every constant-rate path from the grid that "
                     f"reaches the global minimum stays within {fmt(DECIDED)} of it from step {decided} on. So step "
                     "decay reaches the global minimum from exactly the starts the constant rate does.")
    more = [i for i, v in enumerate(needed) if as_number(v) > as_number(needed[CONSTANT])]
    if more:
        parts.append(f"More momentum than the constant rate's {fmt(needed[CONSTANT], 2)} is needed only by "
                     f"{listing(((NAMES[i], needed[i]) for i in more), 2)}"
                     + (f"; warmup-cosine's rate starts at 0 and reaches η₀ only at step "
                        f"{PARAMS[WARMUP]['warmup_steps']:g}." if WARMUP in more else "."))
    parts.append(f"From all but {some} of the {trapped} grid starts the five schedules agree on whether the global "
                 "minimum is reached: the start decides, not the schedule.")
    return " ".join(parts)


def _peaks(lesson: Lesson) -> Finding:
    """Plain SGD and momentum under five schedules from a grid of starts, the momentum each schedule needs
    from the first start, and where the lesson's own paths end."""
    s = lesson.scenario
    key = s.landscape
    target = global_minimum_index(key)
    trapped, plain_escapes, momentum = _grid_fates(s, target)
    reached = momentum == target
    escapes = [int(n) for n in np.count_nonzero(reached, axis=1)]
    all_five, none = int(np.count_nonzero(reached.all(axis=0))), int(np.count_nonzero(~reached.any(axis=0)))
    some = len(trapped) - all_five - none
    needed = [_momentum_needed(s, i, target) for i in range(1, 6)]
    demo = [_places(key, r.positions[:, -1], r.status) for r in run_all(s)]
    decided = _decided_by(s, trapped[reached[CONSTANT]], target)
    (ax, ay), (bx, by) = s.start_points
    mu = dict(s.runs[1].hyper)["momentum"]
    b_ends = {int(d[1]) for d in demo}
    return Finding(
        checks=(
            Check(
                "Without momentum SGD cannot leave the local minimum, whatever the schedule.",
                f"Plain SGD ends in a local minimum from {len(trapped)} of the {PEAKS_GRID ** 2} starts of a "
                f"{PEAKS_GRID}×{PEAKS_GRID} grid. From those, without momentum, the global minimum is reached by: "
                f"{listing(zip(NAMES, plain_escapes))}.",
                not any(plain_escapes),
            ),
            Check(
                "At a critical momentum, constant and cosine escape the local minimum; step decay, SGDR and "
                "warmup-cosine do not.",
                f"Least momentum (to 0.01) that carries SGD from ({fmt(ax)}, {fmt(ay)}) past "
                f"{_where(key, int(demo[0][0]))} into the global minimum: {listing(zip(NAMES, needed), 2)}. "
                f"With μ = {fmt(mu)}, grid starts from which the global minimum is reached: "
                f"{listing(zip(NAMES, escapes))}.",
                max(as_number(needed[CONSTANT]), as_number(needed[COSINE]))
                < min(as_number(needed[i]) for i in (STEP, SGDR, WARMUP))
                and min(escapes[CONSTANT], escapes[COSINE]) > max(escapes[STEP], escapes[SGDR], escapes[WARMUP]),
            ),
            Check(
                "The start point matters a great deal: from some starts neither momentum nor the schedule helps.",
                f"With μ = {fmt(mu)}, of the {len(trapped)} grid starts, all five schedules reach the global minimum "
                f"from {all_five}, none of them from {none}, some but not all from {some}. From ({fmt(bx)}, {fmt(by)}) "
                + (f"every path on the map ends in {_where(key, b_ends.pop())}." if len(b_ends) == 1 else
                   "the paths end in " + ", ".join(sorted(_where(key, c) for c in b_ends)) + "."),
                all_five > 0 and none > 0,
            ),
        ),
        numbers={
            "trapped starts": len(trapped),
            **{f"plain escapes/{n}": v for n, v in zip(NAMES, plain_escapes)},
            **{f"escapes/{n}": v for n, v in zip(NAMES, escapes)},
            **{f"momentum needed/{n}": as_number(v) for n, v in zip(NAMES, needed)},
            "all five escape": all_five,
            "none escapes": none,
            "escapes decided by": as_number(decided),
            **{f"ends/{label}/{j}": float(d[j]) for label, d in zip(labels(s), demo) for j in range(len(d))},
        },
        explanation=_peaks_why(needed, bool(np.array_equal(reached[STEP], reached[CONSTANT])), decided, some,
                               len(trapped)),
    )


LOCAL_MINIMA = Lesson(
    number=3,
    slug="peaks-local-minima",
    title="Local minima on Peaks",
    question="Can momentum and the learning-rate schedule carry SGD out of a local minimum?",
    setup=f"Peaks from (0.2, 0.92) and (−2.5, 1), 500 steps: SGD (η = 0.02) without momentum, and SGD with momentum "
    f"0.84 (η = 0.02) under {DESCRIPTION}. The check also runs every policy from a {PEAKS_GRID}×{PEAKS_GRID} grid "
    "of starts and scans the momentum from (0.2, 0.92).",
    look_for="From (0.2, 0.92) plain SGD (grey) rolls into the shallow dip in the middle and stays there. With "
    "momentum the paths roll through the dip and on into the deep global minimum at the bottom — all but "
    "warmup-cosine, which stays in the dip. From (−2.5, 1) every path ends in the local minimum on the left.",
    claim="Momentum is essential: without it SGD never leaves the local minimum, whatever the schedule. At a critical "
    "momentum, schedules that keep the rate large (constant, cosine) escape the local minimum, while step decay, "
    "SGDR and warmup-cosine stay; the start point matters a great deal too.",
    source="Liu & Zhang 2023, §4.1.2, Fig. 6",
    scenario=scenario(
        "peaks",
        (RunSpec("sgd", 0.02, label="SGD (no momentum)", color="#808080"),
         *five_policies("momentum", 0.02, (("momentum", 0.84),), prefix="momentum, ")),
        ((0.2, 0.92), (-2.5, 1.0)),
        500,
    ),
    measure=_peaks,
)

# 4 ─ saddles ────────────────────────────────────────────────────────────────────────────────

ESCAPE_Y = 1.0
ADAPTIVE = (5, 6, 7)  # Adam, Yogi, Lookahead-Yogi in the saddle scenario


def _saddle(key: str) -> tuple[float, float]:
    """The landscape's catalogued saddle."""
    return next(p.xy for p in landscapes.get(key).points if p.kind == "saddle")


def _escape_steps(rec, perturbed: range) -> list[int | None]:
    """For each perturbed start, the first step at which |y| exceeds ESCAPE_Y (None: never)."""
    return [first_step(np.abs(rec.positions[j, :, 1]) > ESCAPE_Y) for j in perturbed]


def _saddles(lesson: Lesson) -> Finding:
    """Every run from the saddle's axis on both surfaces, SGD's escapes from the perturbed starts, and why."""
    s = lesson.scenario
    names = labels(s)
    x0 = landscapes.get("cubic_saddle").starts[0][0]
    cubic = replace(s, landscape="cubic_saddle", starts=((x0, 0.0),))
    surfaces = {"x² − y²": s, "x³ − 3x − 2y²": cubic}
    recs = {k: run_all(sc) for k, sc in surfaces.items()}
    max_y = {(k, i): float(np.abs(r.positions[0, :, 1]).max()) for k in surfaces for i, r in enumerate(recs[k])}
    max_gy = max(float(np.abs(r.grads[0, :, 1]).max()) for k in surfaces for r in recs[k])
    to_saddle = {k: [float(np.hypot(*(r.positions[0, -1] - np.array(_saddle(sc.landscape))))) for r in recs[k]]
                 for k, sc in surfaces.items()}
    near = {k: ends.NEAR_FRACTION * landscapes.get(sc.landscape).size for k, sc in surfaces.items()}
    far_k, far_i = max(((k, i) for k in surfaces for i in range(len(s.runs))), key=lambda ki: to_saddle[ki[0]][ki[1]])
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
    return Finding(
        checks=(
            Check(
                "Started on the saddle's axis (y = 0), SGD and Adam stall at the saddle.",
                f"From y₀ = 0, after {s.steps} steps, no run on either surface — SGD under the five schedules, Adam, "
                f"Yogi, Lookahead-Yogi — is further than {fmt(to_saddle[far_k][far_i])} from the saddle "
                f"({names[far_i]} on {far_k}).",
                all(to_saddle[k][i] <= near[k] for k in surfaces for i in (*range(5), ADAPTIVE[0])),
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
            **{f"to saddle/{names[i]}/{k}": v for k, d in to_saddle.items() for i, v in enumerate(d)},
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
    "included. The perturbed starts sit on the axis for a while, then peel off exponentially, SGDR last.",
    claim="Starting level with the saddle, SGD cannot escape and converges near it; of all SGD- and Adam-based "
    "optimizers only Yogi escapes, and Lookahead-Yogi does too. Any tiny perturbation of the start lets every "
    "schedule escape, step decay clearly the slowest.",
    source="Liu & Zhang 2023, §4.1.3, Fig. 3 (Yogi: Zaheer et al. 2018; Lookahead: Zhang et al. 2019)",
    scenario=scenario(
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


def _plateau_end(rec) -> str:
    """How a plateau run ends: its event, where on the plateau it stopped, or its end state in the basin."""
    code = int(rec.status[0])
    if code in (engine.LEFT_DOMAIN, engine.DIVERGED):
        return rec.status_text(0)
    if rec.positions[0, -1, 0] < CLIFF_AT:
        return f"on the plateau at x = {fmt(rec.positions[0, -1, 0])}"
    name = engine.STATUS_NAMES[code]
    return name if code in engine.AT_A_MINIMUM else f"in the basin, {name}"


def _steepest_on_row(key: str, y: float, x0: float, x1: float, n: int = 4001, h: float = 1e-5) -> float:
    """The largest |∇f| on the row from (x0, y) to (x1, y), by central differences of the landscape's f."""
    xs = np.linspace(x0, x1, n)
    row = np.stack([xs, np.full(n, y)], axis=-1)
    gx, gy = ((loss_at(key, row + d) - loss_at(key, row - d)) / (2 * h) for d in np.eye(2) * h)
    return float(np.hypot(gx, gy).max())


def _plateau(lesson: Lesson) -> Finding:
    """When each run reaches the cliff, how it ends, and the slopes and rates that explain it."""
    s = lesson.scenario
    recs = run_all(s)
    f_min = best_value(s.landscape)
    cross = [first_step(r.positions[0, :, 0] >= CLIFF_AT) for r in recs]
    fate = [_plateau_end(r) for r in recs]
    gap = [float(r.losses[0, -1] - f_min) for r in recs]
    left = [int(r.status[0]) == engine.LEFT_DOMAIN for r in recs]
    in_basin = [NAMES[i] for i, r in enumerate(recs) if not left[i] and r.positions[0, -1, 0] >= CLIFF_AT]
    rate_at_cliff = [None if c is None else float(r.lrs[0, min(c, s.steps - 1)]) for c, r in zip(cross, recs)]
    (x0, y0), goal = s.start_points[0], landscapes.get(s.landscape).minima[0]
    plateau_grad = float(np.linalg.norm(recs[STEP].grads[0, 0]))
    cliff_grad = _steepest_on_row(s.landscape, y0, x0, goal.x)
    non_cyclical = [as_number(cross[i]) for i in (CONSTANT, COSINE, WARMUP)]
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
                "After the run: " + "; ".join(f"{n} {f}" for n, f in zip(NAMES, fate)) + ".",
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
            f"The slope |∇f| is {fmt(plateau_grad)} at the start; on its row, y = {fmt(y0)}, the cliff's reaches "
            f"{fmt(cliff_grad)}, {fmt(cliff_grad / plateau_grad)}× more. The rate each run had at the step it reached "
            "the cliff: "
            + listing((n, r) for n, r in zip(NAMES, rate_at_cliff) if r is not None)
            + f". The constant run {fate[CONSTANT]}; the runs that end in the basin: {', '.join(in_basin) or 'none'}."
        ) if best != CONSTANT else "",
    )


PLATEAU = Lesson(
    number=5,
    slug="plateau-cliff",
    title="Plateaus and cliffs",
    question="Starting on a nearly flat plateau that ends in a cliff, which schedule gets down — and stays down?",
    setup=f"The plateau-and-cliff surface (|∇f| < 8·10⁻⁴ on the plateau x ≤ 0, up to 12 on the cliff at x = 1) from "
    f"(−1, −1), SGD with momentum 0.9, η₀ = 0.5, 1000 steps, with {DESCRIPTION}.",
    look_for="All paths creep right along the plateau; the constant one reaches the cliff first and is hurled off the "
    "map; cosine and warmup-cosine arrive later with a smaller rate and settle in the basin; SGDR arrives last; step "
    "decay never arrives.",
    claim="On a plateau gradients are tiny and the optimizer lingers; decaying the rate too early strands it there. "
    "A constant rate gives the best speed and accuracy; cliffs do not hinder optimization — flat regions do; "
    "cyclical schedules are slower, because each cycle contains small rates.",
    source="Liu & Zhang 2023, §4.1.4, Fig. 7 (its 2-D sigmoid)",
    scenario=scenario("plateau", five_policies("momentum", 0.5, (("momentum", 0.9),)),
                      ((-1.0, -1.0),), 1000),
    measure=_plateau,
)
