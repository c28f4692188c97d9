"""Lessons on the gradient-descent family: ill-conditioning and momentum (1), Lookahead over SGD
(7), batch size (10), gradient noise (11)."""

from __future__ import annotations

import numpy as np

import landscapes
from lessons.base import Check, Finding, Lesson, labels, run, run_all, scenario
from lessons.measures import (
    as_number,
    best_value,
    count_global,
    curvature,
    first_step,
    fmt,
    heavy_ball_multiplier,
    listing,
    loss_at,
    settle_step,
    sign_changes,
)
from trajectories.scenario import RunSpec
from viz.lines import Chart, Series

# 1 ─ ill-conditioning ───────────────────────────────────────────────────────────────────────

ZIGZAG_WINDOW, ZIGZAG_TOL = 30, 1e-3


def _zigzag(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    recs = run_all(s)
    f_min = best_value(s.landscape)
    flips = [sign_changes(r.positions[0, : ZIGZAG_WINDOW + 1, 1]) for r in recs]
    settle = [settle_step(r.losses[0] - f_min, ZIGZAG_TOL) for r in recs]
    sgd, mom, ada = 0, 1, 2
    bottom = landscapes.get(s.landscape).minima[0].xy
    steep, flat = curvature(s.landscape, bottom, 1), curvature(s.landscape, bottom, 0)
    mu = dict(s.runs[mom].hyper)["momentum"]
    mult = {
        (i, axis): heavy_ball_multiplier(s.runs[i].lr, m, h)
        for i, m in ((sgd, 0.0), (mom, mu))
        for axis, h in (("x", flat), ("y", steep))
    }
    turn = np.degrees(abs(np.angle(mult[mom, "y"])))
    explanation = (
        f"Per-step multiplier along the steep y axis (curvature {fmt(steep)}): {names[sgd]} {fmt(mult[sgd, 'y'].real)}, "
        f"a sign flip every step; {names[mom]} a complex pair of modulus {fmt(abs(mult[mom, 'y']))} turning "
        f"{fmt(turn)}° per step, a flip every {fmt(180 / turn)} steps: momentum slows the zig-zag down, while its "
        f"amplitude shrinks {'more slowly' if abs(mult[mom, 'y']) > abs(mult[sgd, 'y']) else 'faster'} than SGD's. "
        f"Its speed-up is along the flat x axis (curvature {fmt(flat)}): contraction per step "
        f"{fmt(abs(mult[mom, 'x']))} against {fmt(abs(mult[sgd, 'x']))} for {names[sgd]}."
    )
    return Finding(
        checks=(
            Check(
                "Plain SGD zig-zags across the steep axis.",
                f"Sign changes of y in the first {ZIGZAG_WINDOW} steps: {listing(zip(names, flips))}.",
                flips[sgd] >= ZIGZAG_WINDOW // 2 and flips[sgd] > max(flips[mom], flips[ada]),
            ),
            Check(
                "Momentum reduces the oscillation and reaches the minimum in fewer steps.",
                f"Steps until the loss stays below {fmt(ZIGZAG_TOL)}: {listing(zip(names, settle))}.",
                flips[mom] < flips[sgd] and as_number(settle[mom]) < as_number(settle[sgd]),
            ),
            Check(
                "AdaGrad adapts the step per coordinate: no zig-zag, and faster than SGD.",
                f"AdaGrad: {flips[ada]} sign changes of y, {fmt(settle[ada])} steps to tolerance.",
                flips[ada] <= 1 and as_number(settle[ada]) < as_number(settle[sgd]),
            ),
        ),
        numbers={
            **{f"sign changes/{n}": v for n, v in zip(names, flips)},
            **{f"steps to tolerance/{n}": as_number(v) for n, v in zip(names, settle)},
            "multiplier y/SGD": mult[sgd, "y"].real,
            "modulus y/momentum": abs(mult[mom, "y"]),
            "contraction x/SGD": abs(mult[sgd, "x"]),
            "contraction x/momentum": abs(mult[mom, "x"]),
        },
        explanation=explanation,
    )


ILL_CONDITIONING = Lesson(
    number=1,
    slug="ill-conditioning-momentum",
    title="Ill-conditioning and momentum",
    question="Why does gradient descent zig-zag in a long narrow bowl, and what do momentum and AdaGrad change?",
    setup="f = 0.1x² + 2y² (curvature 20× larger along y) from (−5, −2): SGD (η = 0.4), SGD + momentum "
    "(η = 0.4, μ = 0.5) and AdaGrad (η = 1), 100 steps.",
    look_for="SGD's path flips across the x axis at every step while it creeps along x; momentum's flips are "
    "slower and it runs faster along the valley; AdaGrad's path bends smoothly into the minimum.",
    claim="SGD oscillates across the steep direction and needs many iterations; momentum accumulates past "
    "gradients, so it does not have to find a new direction each step, oscillates less and converges faster; "
    "AdaGrad's per-coordinate rates converge faster still.",
    source="Chang, Liang & Li 2024, §1.3–1.5 and §2.3, Figs. 1, 3 and 6",
    scenario=scenario(
        "ill-conditioning-momentum",
        "quadratic",
        (
            RunSpec("sgd", 0.4, label="SGD", color="#e6194b"),
            RunSpec("momentum", 0.4, (("momentum", 0.5),), label="SGD + momentum", color="#4363d8"),
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

LOOKAHEAD_TOL = 1e-3
PAIRS = ((0, 1), (2, 3))  # (inner optimizer, Lookahead over it) in the scenario


def _lookahead(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    recs = run_all(s)
    f_min = best_value(s.landscape)
    # Lookahead's answer is its slow weights (the second path); the inner optimizer's is its position.
    paths = [r.positions[0] if r.aux is None else r.aux[0] for r in recs]
    settle = [settle_step(loss_at(s.landscape, p) - f_min, LOOKAHEAD_TOL) for p in paths]
    overshoots = [sign_changes(p[:, 0]) for p in paths]
    hyper = dict(s.runs[1].hyper)
    checks = tuple(
        Check(
            f"Lookahead reaches the minimum in fewer steps than {names[inner]} alone.",
            f"Steps until the loss stays below {fmt(LOOKAHEAD_TOL)}: {names[inner]} {fmt(settle[inner])}, the slow "
            f"weights of {names[outer]} {fmt(settle[outer])}.",
            as_number(settle[outer]) < as_number(settle[inner]),
        )
        for inner, outer in PAIRS
    )
    return Finding(
        checks=checks,
        numbers={**{f"steps to tolerance/{n}": as_number(v) for n, v in zip(names, settle)},
                 **{f"x sign changes/{n}": v for n, v in zip(names, overshoots)}},
        explanation=(
            f"Every k = {fmt(hyper['lookahead_k'])} steps the slow weights move α = {fmt(hyper['lookahead_alpha'])} of "
            "the way to the fast weights. That averages out overshooting — sign changes of x along the path: "
            + listing(zip(names, overshoots))
            + " — but when the inner optimizer already heads straight for the minimum it only shortens each stride."
        ) if not all(c.holds for c in checks) else "",
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
        "lookahead",
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

BATCH_SIZES, MINI_BATCH, REACH_TOL, TAIL = ("FGD", "MBGD", "SGD"), 16, 0.01, 100
BATCH_DATA = landscapes.get("linear_regression").data.size


def _batch(lesson: Lesson) -> Finding:
    s = lesson.scenario
    data = landscapes.get(s.landscape)
    order = sorted(range(len(s.runs)), key=lambda i: -(s.batch_of(i) or data.data.size))  # the map's runs, largest B first
    names = [labels(s)[i] for i in order]
    sizes = [s.batch_of(i) or data.data.size for i in order]
    recs = [run(s, i) for i in order]
    f_min = best_value(s.landscape)
    solution = np.array(data.minima[0].xy)
    reach = [first_step(r.losses[0] - f_min <= REACH_TOL) for r in recs]
    samples = [None if k is None else k * b for k, b in zip(reach, sizes)]
    jitter = [float(np.linalg.norm(r.positions[0, -TAIL:] - solution, axis=1).mean()) for r in recs]
    steps = np.arange(s.steps + 1)
    fgd, mbgd, sgd = range(3)
    return Finding(
        checks=(
            Check(
                "Full-batch gradient descent does not oscillate; single-sample SGD does, mini-batches less so.",
                f"Mean distance to the least-squares (w, b) over the last {TAIL} steps: {listing(zip(names, jitter))}.",
                jitter[fgd] < 1e-3 and jitter[fgd] < jitter[mbgd] < jitter[sgd],
            ),
            Check(
                "A full-batch step costs O(n) gradients, an SGD step O(1): SGD gets close far more cheaply.",
                f"Per-sample gradients used until the loss first comes within {fmt(REACH_TOL)} of the minimum: "
                + ", ".join(f"{n} {fmt(c)} ({fmt(k)} steps)" for n, c, k in zip(names, samples, reach))
                + ".",
                as_number(samples[sgd]) < as_number(samples[mbgd]) < as_number(samples[fgd]),
            ),
        ),
        numbers={
            **{f"jitter/{n}": v for n, v in zip(BATCH_SIZES, jitter)},
            **{f"samples/{n}": as_number(v) for n, v in zip(BATCH_SIZES, samples)},
            **{f"steps/{n}": as_number(v) for n, v in zip(BATCH_SIZES, reach)},
        },
        charts=(
            Chart("Full-data loss along each path", "step", "L(w, b) − L*",
                  tuple(Series(n, steps, np.maximum(r.losses[0] - f_min, 1e-12)) for n, r in zip(names, recs)), log_y=True),
            Chart("Paths in the (w, b) plane", "w", "b",
                  tuple(Series(n, r.positions[0, :, 0], r.positions[0, :, 1]) for n, r in zip(names, recs))),
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
    look_for="The single-sample path reaches the neighbourhood of the solution quickly but keeps wandering around "
    "it; the full-batch path is smooth and stops exactly on it.",
    claim="Full-batch gradient descent is stable but costs O(n) per update; SGD costs O(1) but its gradient "
    "estimate makes it oscillate; mini-batches trade between the two.",
    source="Chang, Liang & Li 2024, §1.2–1.5 and Table 1; Ruder 2016, §2",
    scenario=scenario(
        "batch-size", "linear_regression",
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


def _noise(lesson: Lesson) -> Finding:
    s = lesson.scenario
    total = NOISE_SEEDS * len(s.start_points)
    plain = count_global(s.landscape, [run(s, 0)])
    escapes = {
        a: count_global(s.landscape, [run(s, 1, hyper={"noise_a": a, "noise_seed": k}) for k in range(NOISE_SEEDS)])
        for a in (*SOURCE_NOISE, LARGE_NOISE)
    }
    saddles = [loss_at(s.landscape, np.array(p.xy)) for p in landscapes.get(s.landscape).points if p.kind == "saddle"]
    barrier = min(saddles) - loss_at(s.landscape, np.array(s.start_points[0]))
    gamma = dict(s.runs[1].hyper)["noise_gamma"]
    kick = {a: s.runs[1].lr * np.sqrt(a) for a in (1.0, LARGE_NOISE)}  # η·σ₀, σ₀² = a
    source_listing = ", ".join(f"a = {fmt(a)}: {escapes[a]}" for a in SOURCE_NOISE)
    return Finding(
        checks=(
            Check(
                "Adding annealed Gaussian noise σₜ² = a/(1+t)^0.55 (a = 0.01, 0.3 or 1) to the gradient helps SGD "
                "leave a local minimum.",
                f"Trajectories (of {total}) that leave the local minimum for the global one: SGD without noise {plain}; "
                f"{source_listing}.",
                max(escapes[a] for a in SOURCE_NOISE) > plain,
            ),
            Check(
                "More noise gives more chances to escape.",
                f"With a = {fmt(LARGE_NOISE)}: {escapes[LARGE_NOISE]} of {total}.",
                escapes[LARGE_NOISE] > max(plain, *(escapes[a] for a in SOURCE_NOISE)),
            ),
        ),
        numbers={"escapes/SGD": plain, **{f"escapes/a={a:g}": v for a, v in escapes.items()}, "barrier": barrier},
        explanation=(
            f"Any way out of the basin climbs at least {fmt(barrier)}: Peaks' lowest saddle is that far above the "
            "start. "
            f"The first noisy step moves the point by about η·σ₀ = {fmt(kick[1.0])} with a = 1 and "
            f"{fmt(kick[LARGE_NOISE])} with a = {fmt(LARGE_NOISE)}, and σₜ shrinks as t^−{fmt(gamma / 2)}: with the "
            "source's values the kicks die out before they add up to a crossing."
        ),
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
    look_for="Without noise nothing moves; with a = 1 the points jitter in the basin and settle back; with a = 10 "
    "some are kicked out of the basin and roll down to the global minimum.",
    claim="Adding noise N(0, σₜ²) with σₜ² = η/(1+t)^γ (γ = 0.55) to every gradient makes training more robust "
    "to poor initialisation: the noise gives the model more chances to escape and find new local minima.",
    source="Neelakantan et al. 2015, as summarised by Ruder 2016, §6",
    scenario=scenario(
        "gradient-noise",
        "peaks",
        (
            RunSpec("sgd", 0.1, label="SGD", color="#e6194b"),
            RunSpec("gradient_noise", 0.1, (("noise_a", 1.0), ("noise_gamma", 0.55), ("noise_seed", 0)),
                    label="SGD + noise a = 1", color="#4363d8"),
            RunSpec("gradient_noise", 0.1, (("noise_a", LARGE_NOISE), ("noise_gamma", 0.55), ("noise_seed", 0)),
                    label="SGD + noise a = 10", color="#3cb44b"),
        ),
        (_SHALLOW_MIN,) * 8,
        1000,
    ),
    measure=_noise,
    zoom=((-1.0, 1.5), (-2.5, 1.0)),
)
