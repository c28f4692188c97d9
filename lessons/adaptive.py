"""Lessons on adaptive rates: Adam vs AMSGrad on Reddi's problem (6), warmup and RAdam (8),
AdaMod and learning-rate sensitivity (9), AdaGrad's vanishing step (12)."""

from __future__ import annotations

import math

import numpy as np

from gradscape import landscapes
from gradscape import optimizers
from gradscape import trajectories as tr
from gradscape.lessons.base import Check, Finding, Lesson, labels, run, run_all, scenario
from gradscape.lessons.measures import best_value, count_global, fmt, listing, nearest_minimum, settle_step
from gradscape.schedules.presets import NOAM_WARMUPS, SGDR_RESTARTS, Preset
from gradscape.trajectories import engine
from gradscape.trajectories.scenario import RunSpec
from gradscape.viz.lines import Chart, Series

# 6 ─ Reddi's online problem ─────────────────────────────────────────────────────────────────

REDDI_STEPS, REDDI_LR, REDDI_EARLY = 3000, 0.5, 60


def _reddi(lesson: Lesson) -> Finding:
    prob = landscapes.REDDI
    slope = np.asarray(prob.f(np.ones((1, 3)), np.arange(1, 4)))  # f_t(1) for t = 1, 2, 3
    big = float(slope[0])
    b2 = 1.0 / (1.0 + big**2)
    kwargs = dict(learning_rate=REDDI_LR, hyper={"b1": 0.0, "b2": b2}, schedule="inverse-sqrt",
                  schedule_params={"flat_steps": 1}, starts=[[0.0]], steps=REDDI_STEPS)
    names = ("Adam", "AMSGrad")
    recs = [tr.run(prob.key, key, **kwargs) for key in ("adam", "amsgrad")]
    t = np.arange(1, REDDI_STEPS + 1)
    best = np.asarray(prob.f(np.full((1, REDDI_STEPS), prob.optimum), t))
    regret = [np.cumsum(r.losses[0, :REDDI_STEPS] - best) / t for r in recs]
    x_end = [float(r.positions[0, -1, 0]) for r in recs]
    rare = (t % 3 == 1)[:REDDI_EARLY]
    moves = [r.effective[0, :REDDI_EARLY, 0] * np.where(rare, big, 1.0) for r in recs]  # |Δx| per step
    step_big = [float(m[rare].mean()) for m in moves]
    step_small = [float(m[~rare].mean()) for m in moves]
    net = [2 * b - a for a, b in zip(step_big, step_small)]
    steps = np.arange(REDDI_STEPS + 1)
    return Finding(
        checks=(
            Check(
                f"Adam with β1 = 0, β2 = 1/(1 + C²) and ηₜ = η/√t drifts to the wrong end, x = +1 (C = {fmt(big)}).",
                f"Adam's x after {REDDI_STEPS} steps: {x_end[0]:+.2f}; its average regret R_T/T: {fmt(regret[0][-1])}.",
                x_end[0] > 0.9,
            ),
            Check(
                "AMSGrad, which never lets its second-moment estimate decrease, converges to the optimum x = −1.",
                f"AMSGrad's x after {REDDI_STEPS} steps: {x_end[1]:+.2f}; its average regret: {fmt(regret[1][-1])}.",
                x_end[1] < -0.9,
            ),
        ),
        numbers={"x/Adam": x_end[0], "x/AMSGrad": x_end[1], "regret/Adam": float(regret[0][-1]),
                 "regret/AMSGrad": float(regret[1][-1]), **{f"net move per period/{n}": v for n, v in zip(names, net)}},
        explanation=(
            f"Every third step brings the gradient C = {fmt(big)}, the two others −1, so the average slope "
            f"{fmt((big - 2) / 3)} > 0 points to x = −1. With β2 = {fmt(b2)} Adam's v̂ follows the latest g², so its step "
            f"barely depends on the gradient's size: over the first {REDDI_EARLY} steps its mean |Δx| was "
            f"{fmt(step_big[0])} on a C-gradient and {fmt(step_small[0])} on a −1, a net {net[0]:+.3g} per period of three "
            f"steps. AMSGrad keeps the largest v̂ seen, so its −1 steps stay short: {fmt(step_big[1])} against "
            f"{fmt(step_small[1])}, net {net[1]:+.3g} per period."
        ),
        charts=(
            Chart("x on Reddi's online problem", "step", "x",
                  tuple(Series(n, steps, r.positions[0, :, 0]) for n, r in zip(names, recs))),
            Chart("Average regret R_t / t", "step", "R_t / t", tuple(Series(n, t, g) for n, g in zip(names, regret))),
        ),
    )


REDDI = Lesson(
    number=6,
    slug="adam-amsgrad-reddi",
    title="Adam can fail, AMSGrad fixes it",
    question="Can Adam converge to the worst point of a simple convex problem?",
    setup=f"Reddi et al.'s online problem on x ∈ [−1, 1]: fₜ(x) = Cx when t mod 3 = 1, −x otherwise (C = 3). Adam and "
    f"AMSGrad with β1 = 0, β2 = 1/(1 + C²) = 0.1 and ηₖ = {REDDI_LR}/√k, from x = 0, {REDDI_STEPS} steps. A 1-D, "
    "time-varying problem: the lesson plots x and the average regret instead of a map.",
    look_for="Adam's x climbs to +1, the worst point, and stays; AMSGrad's falls to −1. Adam's average regret levels "
    "off above zero; AMSGrad's tends to zero.",
    claim="Adam's effective learning rate can increase over time, so it need not converge: on this linear problem, "
    "optimal at x = −1, the exponential average lets the rare large gradient C be outweighed by the frequent small "
    "ones and Adam converges to x = +1. AMSGrad uses the maximum of past second moments and converges.",
    source="Reddi, Kale & Kumar 2018, §3, retold by Chang, Liang & Li 2024, §3.2, eq. 22",
    scenario=None,
    measure=_reddi,
)

# 8 ─ warmup and RAdam ───────────────────────────────────────────────────────────────────────

WARMUP_SEEDS, EARLY = 8, 5


def radam_switch(b2: float, threshold: float) -> int:
    """The first step t at which RAdam's ρₜ exceeds its threshold (the rectified phase starts)."""
    t = np.arange(1, 1000, dtype=float)
    rho_inf = 2.0 / (1.0 - b2) - 1.0
    rho = rho_inf - 2.0 * t * b2**t / (1.0 - b2**t)
    return int(t[np.argmax(rho > threshold)])


def _decided(key: str, rec: tr.RunRecord) -> int:
    """The step from which every path of a record stays nearest the minimum it ends nearest."""
    nearest = nearest_minimum(key, rec.positions)
    return max(settle_step((nearest != nearest[:, -1:])[i].astype(float), 0.0) for i in range(len(nearest)))


def _restarts(rates: np.ndarray) -> list[int]:
    """The steps at which a rate curve jumps up."""
    return [int(k) for k in np.flatnonzero(np.diff(rates) > 0) + 1]


def _expected_restarts(t0: int, mult: int, steps: int) -> list[int]:
    """SGDR's restart steps by its definition: cycles of T₀, T₀·T_mult, T₀·T_mult², …"""
    out, start, length = [], t0, t0
    while start < steps:
        out.append(start)
        length *= mult
        start += length
    return out


def _curves(preset: Preset) -> list[np.ndarray]:
    return [tr.schedule_curve(e.schedule, preset.T, preset.lr, e.params) for e in preset.entries]


def _chart(preset: Preset, curves: list[np.ndarray]) -> Chart:
    k = np.arange(preset.T)
    return Chart(preset.name, "step", "η", tuple(Series(e.label, k, c) for e, c in zip(preset.entries, curves)))


def _warmup(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    recs = [[run(s, i, seed=k) for k in range(WARMUP_SEEDS)] for i in range(len(s.runs))]
    total = WARMUP_SEEDS * len(s.start_points)
    hits = [count_global(s.landscape, rs) for rs in recs]
    early = [float(np.mean([np.linalg.norm(r.positions[:, EARLY] - r.positions[:, 0], axis=1) for r in rs]))
             for rs in recs]
    decided = max(_decided(s.landscape, r) for rs in recs for r in rs)
    adam, warm, radam = 0, 1, 2
    hyper = optimizers.get("radam").resolve(dict(s.runs[radam].hyper))
    switch = radam_switch(hyper["b2"], hyper["threshold"])
    noam, sgdr = _curves(NOAM_WARMUPS), _curves(SGDR_RESTARTS)
    warmups = [int(e.params["warmup_steps"]) for e in NOAM_WARMUPS.entries]
    peaks = [float(c.max()) for c in noam]
    peak_steps = [int(c.argmax()) for c in noam]
    cycles = [(int(e.params["t0"]), int(e.params["t_mult"])) for e in SGDR_RESTARTS.entries]
    restarts = [_restarts(c) for c in sgdr]
    expected = [_expected_restarts(a, b, SGDR_RESTARTS.T) for a, b in cycles]
    return Finding(
        checks=(
            Check(
                "Adam without warmup falls into a poor optimum early; with warmup it does better.",
                f"Runs (of {total}, noise σ = {fmt(s.noise)}) that end nearest the global minimum: "
                f"{listing(zip(names[:2], hits[:2]))}.",
                hits[warm] > hits[adam],
            ),
            Check(
                "RAdam's rectifier removes the need for warmup: it does as well as Adam with warmup.",
                f"{names[radam]}: {hits[radam]} of {total}.",
                hits[radam] >= hits[warm],
            ),
            Check(
                "A longer Noam warmup gives a lower, later peak.",
                "Peak rate for warmup " + listing(zip(map(str, warmups), peaks)) + ", at steps "
                + ", ".join(map(str, peak_steps)) + " (counted from 0).",
                all(a > b for a, b in zip(peaks, peaks[1:])) and peak_steps == sorted(set(peak_steps)),
            ),
            Check(
                "SGDR with T₀ = 100, T_mult = 1 restarts every 100 steps; with T₀ = 10, T_mult = 2 each cycle is "
                "twice as long as the one before.",
                "Restarts: " + "; ".join(f"T₀ = {a}, T_mult = {b}: steps {', '.join(map(str, r))}"
                                         for (a, b), r in zip(cycles, restarts)) + ".",
                restarts == expected,
            ),
        ),
        numbers={
            **{f"global/{n}": v for n, v in zip(names, hits)},
            **{f"early move/{n}": v for n, v in zip(names, early)},
            "RAdam rectifier from step": switch,
            **{f"Noam peak/w={w}": p for w, p in zip(warmups, peaks)},
        },
        explanation=(
            f"Under noisy gradients the first steps decide the basin: every run was nearest its final minimum from step "
            f"{decided} of {s.steps} on. Mean distance from the start after {EARLY} steps: "
            f"{listing(zip(names, early))}. RAdam's rectifier starts only at step {switch} "
            f"(before that ρₜ ≤ {fmt(hyper['threshold'])}); "
            "until then it steps by η·m̂, the raw momentum of the noisy gradient, without Adam's normalisation — "
            "larger, not smaller, steps than Adam's when the noise is large."
        ) if hits[radam] < hits[warm] else "",
        charts=(_chart(NOAM_WARMUPS, noam), _chart(SGDR_RESTARTS, sgdr)),
    )


WARMUP = Lesson(
    number=8,
    slug="warmup-radam",
    title="Warmup and RAdam",
    question="Why warm up Adam's learning rate, and does RAdam make warmup unnecessary?",
    setup="Styblinski–Tang from (0, 0), next to its central maximum, where the true gradient points to the global "
    "minimum (bottom left), with Gaussian gradient noise σ = 10; Adam, Adam with 50 steps of linear warmup, and RAdam, all "
    "η = 0.1, 500 steps, eight noisy runs each (the check uses 64). Beside it: Noam curves for three warmup "
    "lengths and SGDR curves for (T₀, T_mult) = (10, 2) and (100, 1).",
    look_for="Without warmup Adam's first noisy steps scatter the runs over several basins; with warmup most reach "
    "the global minimum; RAdam's first steps are the largest of all.",
    claim="Adam's adaptive rate has a large variance early on; without warmup it can fall into a poor local optimum "
    "in the first epoch and never recover, while warmup avoids this. RAdam's variance rectification gives the "
    "effect of warmup without one. A longer Noam warmup lowers the peak; SGDR restarts on a fixed or doubling cycle.",
    source="Chang, Liang & Li 2024, §2.1–2.2, Figs. 4 and 5, and §3.4, Fig. 7 (after Liu et al. 2019, RAdam)",
    scenario=scenario(
        "styblinski_tang",
        (
            RunSpec("adam", 0.1, label="Adam", color="#e6194b"),
            RunSpec("adam", 0.1, schedule="linear-warmup", schedule_params=(("warmup_steps", 50),),
                    label="Adam + warmup", color="#3cb44b"),
            RunSpec("radam", 0.1, label="RAdam", color="#4363d8"),
        ),
        ((0.0, 0.0),) * 8,
        500,
        noise=10.0,
        seed=0,
    ),
    measure=_warmup,
)

# 9 ─ AdaMod ─────────────────────────────────────────────────────────────────────────────────

SWEEP = np.round(10.0 ** np.linspace(-1, 1, 13), 6)  # two orders of magnitude around each η₀
SENSITIVITY = (("SGDM", 1, 1e-3), ("Adam", 3, 0.1), ("AdaMod", 6, 0.1))  # (name, run swept and drawn in its colour, η₀)
REACH = 1e-4
FLOOR = 1e-8  # final gaps below this are float32 rounding: written "< 10⁻⁸" and drawn at 10⁻⁸
SPIKE = 1.5  # an abnormal rate: Adam's ηₜ rising by half or more in one step
SMALLEST, ADAMOD_MID = 0.01, 6  # the smallest map rate; AdaMod at η = 0.1
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _final_gap(rec: tr.RunRecord, f_min: float) -> tuple[float, int]:
    """f − f* at the end (inf when the run diverged or left the map) and the run's end code."""
    code = int(rec.status[0])
    ok = code not in (engine.DIVERGED, engine.LEFT_DOMAIN)
    return (float(rec.losses[0, -1] - f_min) if ok else float("inf")), code


def _power(value: float) -> str:
    """10⁻⁸ for 1e-8."""
    return "10" + str(round(math.log10(value))).translate(SUPERSCRIPT)


def _gap_text(value: float) -> str:
    return f"< {_power(FLOOR)}" if value < FLOOR else fmt(value)


def _percents(values: np.ndarray) -> str:
    """'42 %' or '40–45 %' for per-coordinate shares."""
    lo, hi = (f"{100 * v:.0f}" for v in (np.min(values), np.max(values)))
    return f"{lo} %" if lo == hi else f"{lo}–{hi} %"


def _span(gaps: np.ndarray, codes: list[int]) -> str:
    """'from < 1e-8 to 2.79; 4 left the map'."""
    finite = gaps[np.isfinite(gaps)]
    lost = "".join(f", {codes.count(c)} {engine.STATUS_NAMES[c]}" for c in (engine.LEFT_DOMAIN, engine.DIVERGED) if c in codes)
    return f"from {_gap_text(float(finite.min()))} to {_gap_text(float(finite.max()))}{lost}"


def _adamod_rates(rec: tr.RunRecord, lr: float, hyper: dict[str, float]) -> np.ndarray:
    """Adam's per-coordinate rate ηₜ = η√(1-β2ᵗ)/(1-β1ᵗ)/(√v+ε) at each step, from the recorded v (T, 2)."""
    t = np.arange(1, rec.steps + 1, dtype=float)[:, None]
    v = rec.state[".adam.nu"][0]
    return lr * np.sqrt(1 - hyper["b2"] ** t) / (1 - hyper["b1"] ** t) / (np.sqrt(v) + hyper["eps"])


def _adamod(lesson: Lesson) -> Finding:
    s = lesson.scenario
    f_min = best_value(s.landscape)
    runs = {n: [_final_gap(run(s, i, learning_rate=float(lr0 * m)), f_min) for m in SWEEP] for n, i, lr0 in SENSITIVITY}
    gaps = {n: np.array([g for g, _ in r]) for n, r in runs.items()}
    codes = {n: [c for _, c in r] for n, r in runs.items()}
    reached = {n: int(np.count_nonzero(g <= REACH)) for n, g in gaps.items()}
    span = {n: (float(np.min(g)), float(np.max(g))) for n, g in gaps.items()}
    rec = run(s, ADAMOD_MID, record_state=True)
    lr = s.runs[ADAMOD_MID].lr
    hyper = optimizers.get("adamod").resolve(dict(s.runs[ADAMOD_MID].hyper))
    rate = _adamod_rates(rec, lr, hyper)
    bound = rec.state[".bound"][0]
    active = np.count_nonzero(bound < rate, axis=0)
    cut = bound / rate
    jumps = rate[1:] / rate[:-1]
    spikes = np.any(jumps >= SPIKE, axis=1)
    ordinary_cut = float(np.mean((bound[1:] < rate[1:])[~spikes])) if (~spikes).any() else 0.0
    small = {n: gaps[n][int(np.argmin(np.abs(lr0 * SWEEP - SMALLEST)))] for n, _, lr0 in SENSITIVITY}
    steps = np.arange(1, s.steps + 1)
    return Finding(
        checks=(
            Check(
                "SGD with momentum and Adam give results that depend on the initial learning rate.",
                f"Final f − f* over {len(SWEEP)} rates from η₀/10 to 10·η₀ ("
                + ", ".join(f"{n} η₀ = {fmt(lr0)}" for n, _, lr0 in SENSITIVITY) + "): "
                + "; ".join(f"{n} {_span(gaps[n], codes[n])}" for n in gaps) + ".",
                all(span[n][1] > 100 * max(span[n][0], FLOOR) for n in ("SGDM", "Adam")),
            ),
            Check(
                "AdaMod reaches the same result with learning rates two orders of magnitude apart.",
                f"Rates (of {len(SWEEP)}) that end with f − f* ≤ {_power(REACH)}: {listing(reached.items())}.",
                reached["AdaMod"] == len(SWEEP),
            ),
            Check(
                "AdaMod's long-term average (β3) clips abnormally large adaptive step sizes.",
                f"At η = {fmt(lr)} AdaMod's bound s was below Adam's rate ηₜ on "
                + (f"all {s.steps} steps, in x and in y" if np.all(active == s.steps)
                   else f"{active[0]} (x) and {active[1]} (y) of {s.steps} steps")
                + f": it cut the rate to a median {_percents(np.median(cut, axis=0))} of ηₜ "
                f"({_percents(cut[-1])} at step {s.steps}). ηₜ never rose more "
                f"than {100 * (np.max(jumps) - 1):.1f} % from one step to the next: "
                + (f"{np.count_nonzero(spikes)} steps rose by half or more." if spikes.any() else "there were no spikes to clip."),
                bool(spikes.any()) and ordinary_cut < 0.5,
            ),
        ),
        numbers={**{f"reached/{n}": v for n, v in reached.items()}, **{f"best gap/{n}": v[0] for n, v in span.items()},
                 **{f"worst gap/{n}": v[1] for n, v in span.items()}, "bound active/x": int(active[0]),
                 "bound active/y": int(active[1]), "median cut": float(np.median(cut)),
                 "largest rate rise": float(np.max(jumps))},
        explanation=(
            f"AdaMod's bound s averages its own past rates over about 1/(1 − β3) = {round(1 / (1 - hyper['b3']))} steps, "
            f"starting from 0. With β2 = {fmt(hyper['b2'])} Adam's v shrinks by at most {fmt(100 * (1 - hyper['b2']))} % "
            "a step, so its rate ηₜ cannot spike; here it rises slowly as "
            f"the gradients shrink, and s lags below it: the bound acts as a warm-up that lasts the whole run. s scales "
            f"with η like Adam's step, so it cannot make the result independent of η: at η = {fmt(SMALLEST)} AdaMod ends "
            f"at f − f* = {_gap_text(small['AdaMod'])} where Adam ends at {_gap_text(small['Adam'])}."
        ),
        charts=(
            Chart("Final f − f* vs learning rate (multiple of η₀)", "η / η₀", "f − f*",
                  tuple(Series(n, SWEEP, np.where(np.isfinite(g), np.maximum(g, FLOOR), np.nan), s.color(i))
                        for (n, i, _), g in zip(SENSITIVITY, gaps.values())),
                  log_x=True, log_y=True),
            Chart(f"AdaMod at η = {fmt(lr)}: Adam's rate ηₜ and the bound s", "step", "rate",
                  tuple(Series(f"{name} {c}", steps, series[:, j], color, dash)
                        for j, (c, color) in enumerate((("x", "#f58231"), ("y", "#911eb4")))
                        for name, series, dash in (("ηₜ", rate, "solid"), ("s", bound, "dot"))), log_y=True),
        ),
    )


ADAMOD = Lesson(
    number=9,
    slug="adamod-lr-sensitivity",
    title="AdaMod and learning-rate sensitivity",
    question="Is AdaMod really less sensitive to the learning rate than SGD with momentum and Adam?",
    setup="Rosenbrock from (−1.5, 2), 1000 steps: SGD + momentum 0.9 at η = 10⁻⁴ and 10⁻², Adam and AdaMod "
    "(β3 = 0.999) at η = 0.01, 0.1 and 1. The check sweeps 13 rates over two orders of magnitude for each and "
    "plots, for AdaMod at η = 0.1, Adam's per-coordinate rate ηₜ against the bound s that AdaMod applies to it.",
    look_for="SGD + momentum crawls at 10⁻⁴ and leaves the map within a few steps at 10⁻²; Adam's and AdaMod's "
    "paths change with η too, and AdaMod starts slower than Adam at every rate. In the second chart the dotted bound "
    "stays below the rate all along.",
    claim="AdaMod keeps an exponential long-term average of Adam's adaptive learning rates and clips the current "
    "rate to it, removing abnormally large rates: it needs no warmup and is insensitive to the learning rate — "
    "where SGDM's and Adam's results depend on the initial rate, AdaMod converges to the same result with rates "
    "two orders of magnitude apart.",
    source="Ding et al. 2019 (AdaMod), as reported by QbitAI 2019",
    scenario=scenario(
        "rosenbrock",
        (
            RunSpec("momentum", 1e-4, (("momentum", 0.9),), label="SGDM η=1e-4", color="#a9a9a9"),
            RunSpec("momentum", 1e-2, (("momentum", 0.9),), label="SGDM η=1e-2", color="#000000"),
            RunSpec("adam", 0.01, label="Adam η=0.01", color="#fabed4"),
            RunSpec("adam", 0.1, label="Adam η=0.1", color="#e6194b"),
            RunSpec("adam", 1.0, label="Adam η=1", color="#800000"),
            RunSpec("adamod", 0.01, label="AdaMod η=0.01", color="#aaffc3"),
            RunSpec("adamod", 0.1, label="AdaMod η=0.1", color="#3cb44b"),
            RunSpec("adamod", 1.0, label="AdaMod η=1", color="#005a32"),
        ),
        ((-1.5, 2.0),),
        1000,
    ),
    measure=_adamod,
)

# 12 ─ AdaGrad's vanishing step ──────────────────────────────────────────────────────────────

ROUNDING = 1.01  # float32 step sizes |Δθ|/|g| carry rounding of θ's last bits
FIRST = 10  # the canyon wall's large gradients come in the first steps
VANISHED = 0.1  # "vanishes": the step size falls below this share of its step-FIRST value by the end
STALLED = 1.1  # "stops learning": f − f* falls by less than this factor over the run's second half
ADAGRAD_RUNS = (0, 1)  # the scenario's AdaGrad runs (η = 0.5 and η = 2); the others average recent g²


def _step_size(rec: tr.RunRecord) -> np.ndarray:
    """|Δθ|/|g| per step, geometric mean over x and y."""
    return np.sqrt(np.prod(rec.effective[0], axis=1))


def _sum_share(rec: tr.RunRecord, step: int) -> float:
    """The smaller share, over x and y, of the final sum of squared gradients already summed after `step` steps."""
    sums = np.cumsum(rec.grads[0] ** 2, axis=0)
    return float(np.min(sums[step - 1] / sums[-1]))


def _times(names: list[str], factors: list[float], runs, digits: int) -> str:
    """'×6.2 (RMSProp) and ×82 (Adadelta)'."""
    parts = [f"×{fmt(factors[i], digits)} ({names[i]})" for i in runs]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _decade(value: float) -> float:
    """The power of ten at or below a positive value: the bound 'more than ×10' that float rounding cannot move."""
    return float(10 ** np.floor(np.log10(value)))


def _adagrad(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    recs = run_all(s)
    sizes = [_step_size(r) for r in recs]
    gaps = [r.losses[0] - best_value(s.landscape) for r in recs]
    final = [float(g[-1]) for g in gaps]
    growth = [float(z[-1] / z[FIRST - 1]) for z in sizes]
    half = s.steps // 2
    fall = [float(g[half] / g[-1]) for g in gaps]
    ada = ADAGRAD_RUNS
    rest = [i for i in range(len(recs)) if i not in ada]
    rise = max(float(np.max(sizes[i][1:] / sizes[i][:-1])) for i in ada)
    share = min(_sum_share(recs[i], FIRST) for i in ada)
    drift = math.ceil(100 * max(abs(1.0 - growth[i]) for i in ada))  # AdaGrad's step-size change after FIRST, in %
    marks = (1, FIRST, s.steps)
    steps = np.arange(1, s.steps + 1)
    return Finding(
        checks=(
            Check(
                "AdaGrad adds every squared gradient to its sum, so its step size can only shrink.",
                f"Step size |Δθ|/|g| at steps {', '.join(map(str, marks))}: "
                + "; ".join(f"{names[i]} " + ", ".join(fmt(sizes[i][k - 1], 2) for k in marks) for i in ada)
                + f". It never grew from one step to the next (largest ratio ×{rise:.4f}: float32 rounding).",
                rise < ROUNDING and all(sizes[i][-1] < sizes[i][0] for i in ada),
            ),
            Check(
                "The step keeps shrinking until it is infinitesimally small and AdaGrad stops learning.",
                f"By step {FIRST} each AdaGrad sum held {math.floor(100 * share)} % or more of its final value, so "
                f"from there its step size changed by less than {drift} % and stayed far from zero; over the last "
                f"{s.steps - half} steps f − f* still fell " + _times(names, fall, ada, 2) + ".",
                any(growth[i] < VANISHED and fall[i] < STALLED for i in ada),
            ),
            Check(
                "RMSProp and Adadelta, which average only recent squared gradients, keep a usable step and keep "
                "learning.",
                f"From step {FIRST} to {s.steps} their step sizes grew " + _times(names, growth, rest, 2)
                + f", while AdaGrad's changed by less than {drift} %; over the last {s.steps - half} steps their "
                f"f − f* fell by more than ×{fmt(_decade(min(fall[i] for i in rest)))}.",
                min(growth[i] for i in rest) > 1.0 and min(fall[i] for i in rest) > max(fall[i] for i in ada),
            ),
            Check(
                "So RMSProp and Adadelta end lower than AdaGrad.",
                f"Final f − f* after {s.steps} steps: " + listing(zip(names, final), 2) + ".",
                min(final[i] for i in ada) > max(final[i] for i in rest),
            ),
        ),
        numbers={**{f"final gap/{n}": g for n, g in zip(names, final)}, **{f"growth/{n}": g for n, g in zip(names, growth)},
                 **{f"late fall/{n}": f for n, f in zip(names, fall)}, "AdaGrad largest rise": rise,
                 f"AdaGrad sum share at {FIRST}": share},
        explanation=(
            f"AdaGrad's sum grows by g² a step, so it grows only while the gradients are large. Here the largest come "
            f"first, on the canyon wall (‖g‖ = {fmt(float(np.linalg.norm(recs[0].grads[0, 0])))} at the start); from "
            f"then on its step is fixed: small, not vanishing. Its first step is η·sign(g) in each coordinate, so its "
            f"first steps are about η long: at η = {fmt(s.runs[ada[1]].lr)} they jumped across the canyon to "
            f"f − f* = {fmt(float(gaps[ada[1]][FIRST]), 2)} by step {FIRST}, and from there it crept like "
            f"η = {fmt(s.runs[ada[0]].lr)}. The chosen rate decides where those first steps land; the frozen sum "
            "decides how slowly AdaGrad moves afterwards."
        ),
        charts=(Chart("Step size |Δθ|/|g| (geometric mean over x, y)", "step", "|Δθ| / |g|",
                      tuple(Series(n, steps, z, s.color(i)) for i, (n, z) in enumerate(zip(names, sizes))), log_y=True),),
    )


ADAGRAD = Lesson(
    number=12,
    slug="adagrad-vanishing-step",
    title="AdaGrad's vanishing step vs RMSProp and Adadelta",
    question="Does AdaGrad's step really vanish, and is that why RMSProp and Adadelta do better?",
    setup="Rosenbrock from (−1.5, 2), 1000 steps: AdaGrad at η = 0.5 and at η = 2, RMSProp (η = 0.01, ρ = 0.9) and "
    "Adadelta (ρ = 0.9, lr = 1 as in the paper). The chart beside the map shows each one's step size |Δθ|/|g| per "
    "step.",
    look_for="AdaGrad's step size drops in the first ten steps, while the gradients are large, then stays flat: it "
    "neither recovers nor vanishes. RMSProp's and Adadelta's grow as the gradients shrink. At η = 2 AdaGrad's first "
    "steps jump across the canyon, which is why it ends lowest; from there it creeps like η = 0.5.",
    claim="AdaGrad divides by the root of the sum of all past squared gradients; the sum keeps growing, so the "
    "learning rate shrinks until it is infinitesimally small and the algorithm stops learning. Adadelta and RMSProp "
    "use a decaying average of recent squared gradients instead.",
    source="Ruder 2016, §4.3–4.5; Chang, Liang & Li 2024, §2.3–2.5",
    scenario=scenario(
        "rosenbrock",
        (
            RunSpec("adagrad", 0.5, label="AdaGrad η=0.5", color="#e6194b"),
            RunSpec("adagrad", 2.0, label="AdaGrad η=2", color="#f58231"),
            RunSpec("rmsprop", 0.01, label="RMSProp", color="#4363d8"),
            RunSpec("adadelta", 1.0, label="Adadelta", color="#3cb44b"),
        ),
        ((-1.5, 2.0),),
        1000,
    ),
    measure=_adagrad,
)
