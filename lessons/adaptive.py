"""Lessons on adaptive rates: Adam vs AMSGrad on Reddi's problem (6), warmup and RAdam (8),
AdaMod and learning-rate sensitivity (9), AdaGrad's vanishing step (12)."""

from __future__ import annotations

import numpy as np

import landscapes
import optimizers
import trajectories as tr
from lessons.base import Check, Finding, Lesson, labels, run, run_all, scenario
from lessons.measures import best_value, count_global, fmt, listing
from schedules.presets import NOAM_WARMUPS, SGDR_RESTARTS, Preset
from trajectories import engine
from trajectories.scenario import RunSpec
from viz.lines import Chart, Series

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


def _radam_switch(b2: float, threshold: float) -> int:
    """The first step t at which RAdam's ρₜ exceeds its threshold (the rectified phase starts)."""
    t = np.arange(1, 1000, dtype=float)
    rho_inf = 2.0 / (1.0 - b2) - 1.0
    rho = rho_inf - 2.0 * t * b2**t / (1.0 - b2**t)
    return int(t[np.argmax(rho > threshold)])


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
    adam, warm, radam = 0, 1, 2
    hyper = optimizers.get("radam").resolve(dict(s.runs[radam].hyper))
    switch = _radam_switch(hyper["b2"], hyper["threshold"])
    noam, sgdr = _curves(NOAM_WARMUPS), _curves(SGDR_RESTARTS)
    warmups = [int(e.params["warmup_steps"]) for e in NOAM_WARMUPS.entries]
    peaks = [float(c.max()) for c in noam]
    cycles = [(int(e.params["t0"]), int(e.params["t_mult"])) for e in SGDR_RESTARTS.entries]
    restarts = [_restarts(c) for c in sgdr]
    expected = [_expected_restarts(a, b, SGDR_RESTARTS.T) for a, b in cycles]
    return Finding(
        checks=(
            Check(
                "Adam without warmup falls into a poor optimum early; with warmup it does better.",
                f"Runs (of {total}, noise σ = {fmt(s.noise)}) that end in the global minimum: "
                f"{listing(zip(names[:2], hits[:2]))}.",
                hits[warm] > hits[adam],
            ),
            Check(
                "RAdam's rectifier removes the need for warmup: it does as well as Adam with warmup.",
                f"{names[radam]}: {hits[radam]} of {total}.",
                hits[radam] >= hits[warm],
            ),
            Check(
                "A longer Noam warmup lowers the peak rate and makes the curve gentler.",
                "Peak rate for warmup " + listing(zip(map(str, warmups), peaks)) + "; reached at step "
                + ", ".join(str(int(c.argmax())) for c in noam) + ".",
                all(a > b for a, b in zip(peaks, peaks[1:])),
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
            f"Under noisy gradients the first steps decide the basin. Mean distance moved in the first {EARLY} steps: "
            f"{listing(zip(names, early))}. RAdam's rectifier is off until step {switch} "
            f"(ρₜ ≤ {fmt(hyper['threshold'])}); "
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
    setup="Styblinski–Tang from its central maximum (0, 0), where the true gradient points to the global minimum "
    "(bottom left), with Gaussian gradient noise σ = 10; Adam, Adam with 50 steps of linear warmup, and RAdam, all "
    "η = 0.1, 500 steps, eight noisy runs each (the check uses 64). Beside it: Noam curves for three warmup "
    "lengths and SGDR curves for (T₀, T_mult) = (10, 2) and (100, 1).",
    look_for="Without warmup Adam's first noisy steps scatter the runs over all four basins; with warmup most reach "
    "the global minimum; RAdam's first steps are the largest of all.",
    claim="Adam's adaptive rate has a large variance early on; without warmup it can fall into a poor local optimum "
    "in the first epoch and never recover, while warmup avoids this. RAdam's variance rectification gives the "
    "effect of warmup without one. A longer Noam warmup lowers the peak; SGDR restarts on a fixed or doubling cycle.",
    source="Chang, Liang & Li 2024, §2.1–2.2, Figs. 4 and 5, and §3.4, Fig. 7 (after Liu et al. 2019, RAdam)",
    scenario=scenario(
        "warmup-radam",
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
SENSITIVITY = (("SGDM", 0, 1e-3), ("Adam", 2, 0.1), ("AdaMod", 5, 0.1))  # (name, run index, η₀)
REACH = 1e-4
ADAM_MID, ADAMOD_MID = 3, 6  # Adam and AdaMod at η = 0.1


def _final_gap(rec: tr.RunRecord, f_min: float) -> float:
    ok = int(rec.status[0]) not in (engine.DIVERGED, engine.LEFT_DOMAIN)
    return float(rec.losses[0, -1] - f_min) if ok else float("inf")


def _adamod(lesson: Lesson) -> Finding:
    s = lesson.scenario
    f_min = best_value(s.landscape)
    gaps = {n: np.array([_final_gap(run(s, i, learning_rate=float(lr0 * m)), f_min) for m in SWEEP])
            for n, i, lr0 in SENSITIVITY}
    reached = {n: int(np.count_nonzero(g <= REACH)) for n, g in gaps.items()}
    span = {n: (float(np.min(g)), float(np.max(g))) for n, g in gaps.items()}
    adam, adamod = run(s, ADAM_MID), run(s, ADAMOD_MID)
    peak = {n: r.effective[0].max(axis=0) for n, r in (("Adam", adam), ("AdaMod", adamod))}
    early = float(np.median(adamod.effective[0, :100] / adam.effective[0, :100]))
    steps = np.arange(1, s.steps + 1)
    ranges = "; ".join(f"{n} {fmt(lo)} … {fmt(hi)}" for n, (lo, hi) in span.items())
    return Finding(
        checks=(
            Check(
                "SGD with momentum and Adam give results that depend on the initial learning rate.",
                f"Final f − f* over 13 rates from η₀/10 to 10·η₀ (SGDM η₀ = 0.001, Adam and AdaMod η₀ = 0.1): {ranges} "
                "(inf: diverged).",
                all(span[n][1] > 100 * max(span[n][0], 1e-12) for n in ("SGDM", "Adam")),
            ),
            Check(
                "AdaMod reaches the same result with learning rates two orders of magnitude apart.",
                f"Rates (of 13) that end within {fmt(REACH)} of the minimum: {listing(reached.items())}.",
                reached["AdaMod"] == len(SWEEP),
            ),
            Check(
                "AdaMod's long-term average (β3) clips abnormally large adaptive step sizes.",
                "Largest per-coordinate step size |Δθ|/|g| at η = 0.1 (x, y): "
                + "; ".join(f"{n} {fmt(p[0])}, {fmt(p[1])}" for n, p in peak.items()) + ".",
                bool(np.all(peak["AdaMod"] < peak["Adam"])),
            ),
        ),
        numbers={**{f"reached/{n}": v for n, v in reached.items()}, **{f"best gap/{n}": v[0] for n, v in span.items()},
                 **{f"worst gap/{n}": v[1] for n, v in span.items()}, "AdaMod/Adam early step": early,
                 **{f"peak step/{n}/{c}": float(p[j]) for n, p in peak.items() for j, c in enumerate("xy")}},
        explanation=(
            "AdaMod's bound is an exponential average of Adam's own step sizes (memory 1/(1 − β3) = 1000 steps, "
            "starting at 0), so it scales with η like Adam's step and cannot make the result independent of η. Over "
            f"the first 100 steps AdaMod's step was a median {fmt(early)}× Adam's: in a run of {s.steps} steps the "
            "bound acts mostly as a long warmup, which costs the small rates most. The source's claim comes from "
            "long neural-network training, where the final accuracy is what stays the same."
        ) if reached["AdaMod"] < len(SWEEP) else "",
        charts=(
            Chart("Final f − f* vs learning rate (multiple of η₀)", "η / η₀", "f − f*",
                  tuple(Series(n, SWEEP, np.where(np.isfinite(g), np.maximum(g, 1e-12), np.nan)) for n, g in gaps.items()),
                  log_x=True, log_y=True),
            Chart("Per-coordinate step size at η = 0.1 (Adam = AdaMod without the β3 bound)", "step", "|Δθ| / |g|",
                  tuple(Series(f"{n} {c}", steps, r.effective[0, :, j])
                        for n, r in (("Adam", adam), ("AdaMod", adamod)) for j, c in enumerate("xy")), log_y=True),
        ),
    )


ADAMOD = Lesson(
    number=9,
    slug="adamod-lr-sensitivity",
    title="AdaMod and learning-rate sensitivity",
    question="Is AdaMod really less sensitive to the learning rate than SGD with momentum and Adam?",
    setup="Rosenbrock from (−1.5, 2), 1000 steps: SGD + momentum 0.9 at η = 10⁻⁴ and 10⁻², Adam and AdaMod "
    "(β3 = 0.999) at η = 0.01, 0.1 and 1. The check sweeps 13 rates over two orders of magnitude for each and "
    "plots AdaMod's and Adam's per-coordinate step size.",
    look_for="SGD + momentum crawls at 10⁻⁴ and blows up at 10⁻²; Adam's and AdaMod's paths change with η too, "
    "and AdaMod starts slower than Adam at every rate.",
    claim="AdaMod keeps an exponential long-term average of Adam's adaptive learning rates and clips the current "
    "rate to it, removing abnormally large rates: it needs no warmup and is insensitive to the learning rate — "
    "where SGDM's and Adam's results depend on the initial rate, AdaMod converges to the same result with rates "
    "two orders of magnitude apart.",
    source="Ding et al. 2019 (AdaMod), as reported by QbitAI 2019",
    scenario=scenario(
        "adamod-lr-sensitivity",
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


def _step_size(rec: tr.RunRecord) -> np.ndarray:
    """|Δθ|/|g| per step, geometric mean over x and y."""
    return np.sqrt(np.prod(rec.effective[0], axis=1))


def _adagrad(lesson: Lesson) -> Finding:
    s = lesson.scenario
    names = labels(s)
    recs = run_all(s)
    sizes = [_step_size(r) for r in recs]
    f_min = best_value(s.landscape)
    final = [float(r.losses[0, -1] - f_min) for r in recs]
    growth = [float(z[-1] / z[9]) for z in sizes]
    ada = sizes[0]
    largest_rise = float(np.max(ada[1:] / ada[:-1]))
    steps = np.arange(1, s.steps + 1)
    return Finding(
        checks=(
            Check(
                "AdaGrad's sum of squared gradients only grows, so its step size only shrinks.",
                f"AdaGrad's step size |Δθ|/|g|: {fmt(ada[0])} at step 1, {fmt(ada[9])} at step 10, {fmt(ada[-1])} at step "
                f"{s.steps}; largest rise from one step to the next: ×{largest_rise:.4f} (float32 rounding).",
                largest_rise < ROUNDING and ada[-1] < ada[0],
            ),
            Check(
                "AdaGrad's rate ends up too small to learn; RMSProp and Adadelta, which average only recent squared "
                "gradients, keep a usable step and get further.",
                f"Step size change from step 10 to {s.steps}: " + listing((n, g) for n, g in zip(names, growth))
                + "×; final f − f*: " + listing(zip(names, final)) + ".",
                growth[0] <= 1.0 < min(growth[1:]) and final[0] > max(final[1:]),
            ),
        ),
        numbers={**{f"growth/{n}": g for n, g in zip(names, growth)}, **{f"final gap/{n}": g for n, g in zip(names, final)},
                 "AdaGrad largest rise": largest_rise, "AdaGrad step 1": float(ada[0]), "AdaGrad step end": float(ada[-1])},
        charts=(Chart("Step size |Δθ|/|g| (geometric mean over x, y)", "step", "|Δθ| / |g|",
                      tuple(Series(n, steps, z) for n, z in zip(names, sizes)), log_y=True),),
    )


ADAGRAD = Lesson(
    number=12,
    slug="adagrad-vanishing-step",
    title="AdaGrad's vanishing step vs RMSProp and Adadelta",
    question="Why did RMSProp and Adadelta replace AdaGrad's running sum with a moving average?",
    setup="Rosenbrock from (−1.5, 2), 1000 steps: AdaGrad (η = 0.5), RMSProp (η = 0.01, ρ = 0.9) and Adadelta "
    "(ρ = 0.9, lr = 1 as in the paper). The chart beside the map shows each one's step size |Δθ|/|g| per step.",
    look_for="AdaGrad's step size drops within the first steps, when the gradients are large, and never recovers: "
    "it crawls along the canyon floor. RMSProp's and Adadelta's step sizes grow as the gradients shrink, and they "
    "get much further.",
    claim="AdaGrad divides by the root of the sum of all past squared gradients; the sum keeps growing, so the "
    "learning rate shrinks until it is infinitesimally small and the algorithm stops learning. Adadelta and RMSProp "
    "use a decaying average of recent squared gradients instead.",
    source="Ruder 2016, §4.3–4.5; Chang, Liang & Li 2024, §2.3–2.5",
    scenario=scenario(
        "adagrad-vanishing-step",
        "rosenbrock",
        (
            RunSpec("adagrad", 0.5, label="AdaGrad", color="#e6194b"),
            RunSpec("rmsprop", 0.01, label="RMSProp", color="#4363d8"),
            RunSpec("adadelta", 1.0, label="Adadelta", color="#3cb44b"),
        ),
        ((-1.5, 2.0),),
        1000,
    ),
    measure=_adagrad,
)
