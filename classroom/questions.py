"""The questions an exercise asks, answered by the engine, never by the teacher.

Each kind reads the engine's record of the exercise's own settings (the Playground's runs, a sweep's
curves, a lesson's measured numbers) when the student submits, and grades the answer in words that
quote what the engine measured: right or wrong, and how far. A question that has no clear answer in
its experiment (two runs tied, no run diverging, a run that ends nowhere named) raises `NoAnswer`
when it is made, so a teacher never hands out a question the run cannot grade.

One concept of "reaching the tolerance": the step from which the loss gap f − f* stays ≤ tol to the
end of the run (f* the landscape's catalogued minimum value, `Landscape.f_star`). A path "escapes"
when it diverges or leaves the map. Where a scenario starts from several points, a question names
one start (`start`), and every measure is that start's path.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from gradscape import landscapes
from gradscape import lessons
from gradscape.trajectories import engine, typed
from gradscape.trajectories.api import RunRecord
from gradscape.trajectories.scenario import Scenario
from gradscape.trajectories.sweep_scenario import SweepScenario
from gradscape.viz import sweeps as vs
from gradscape.viz.player import run_trace

MAX_WORDING = 500
MAX_EXPLANATION = 1000
MAX_NUMBER_NAME = 80
TOL_RANGE = (1e-6, 1.0)
RTOL_RANGE = (0.01, 1.0)
FACTOR_RANGE = (1.05, 10.0)
ATOL_RANGE = (1e-9, 1e6)
TIE = 0.01  # two runs whose loss gaps differ by less than this share of the larger are tied
LOSS_FLOOR = 1e-6  # a final loss within this of the engine's counts as right, whatever the relative tolerance
ESCAPED = (engine.DIVERGED, engine.LEFT_DOMAIN)
AT_NAMED_MINIMUM = (engine.AT_GLOBAL_MIN, engine.AT_A_GLOBAL_MIN, engine.AT_LOCAL_MIN)
ENDS = {  # how a path ends, as the choices of an "end" question, in the player's words
    "minimum": "at a minimum", "saddle": "at a saddle", "maximum": "at a maximum", "flat": "on a flat region",
    "moving": "still moving", "barely": "barely moving", "diverged": "diverged", "left": "left the map",
}
_END_OF = {
    **{code: "minimum" for code in engine.AT_A_MINIMUM}, engine.AT_SADDLE: "saddle", engine.AT_MAXIMUM: "maximum",
    engine.ON_FLAT: "flat", engine.RUNNING: "moving", engine.BARELY_MOVING: "barely", engine.DIVERGED: "diverged",
    engine.LEFT_DOMAIN: "left",
}


class NoAnswer(ValueError):
    """The question has no clear answer in its experiment; the message says why, in words."""


@dataclass(frozen=True)
class Question:
    """What the student is asked. `wording` (empty: the kind's own words) and `explanation` are the
    teacher's; the other fields are the kind's parameters (`Kind.params`)."""

    kind: str
    wording: str = ""
    explanation: str = ""
    run: int = 0  # a run's index (0-based; the page numbers runs from 1)
    start: int = 0  # a start point's index, for scenarios with several
    tol: float = 1e-3  # the loss-gap tolerance f − f* ≤ tol
    rtol: float = 0.1  # a number within this share of the engine's counts as right
    factor: float = 1.5  # a learning rate within this factor of the engine's counts as right
    atol: float = 0.05  # a lesson's number within this of the lesson's counts as right
    number: str = ""  # the name of a lesson's measured number


@dataclass(frozen=True)
class Experiment:
    """What a question is asked about: the exercise's scenario (its runs), sweep, or lesson."""

    scenario: Scenario | None = None
    sweep: SweepScenario | None = None
    lesson: str | None = None


@dataclass(frozen=True)
class Solution:
    """The engine's answer (a run index, a minimum index, an ENDS key or a number) and, per choice,
    the words that say what the engine measured for it (`facts`)."""

    answer: Any
    facts: Mapping[Any, str]
    point: tuple[float, float] | None = None  # where the path ends (click questions)


@dataclass(frozen=True)
class Grade:
    """Right or not, in words, and how far off (a class's leaderboard ranks by it): a number's share of
    the engine's (a learning rate's: |ln(ratio)|), a click's distance from the end, a choice 0 or 1."""

    right: bool
    text: str
    off: float = 0.0


@dataclass(frozen=True)
class Kind:
    """One kind of question: its name for the teacher, where it is asked, the parameters it reads,
    the answer it takes ("run", "minimum", "end", "number", "click"), its default wording and its solver."""

    title: str
    pages: tuple[str, ...]
    params: tuple[str, ...]
    answer: str
    ask: Callable[[Question, Experiment], str]
    solve: Callable[[Question, Experiment], Solution]


# ---- what a path did ----

def _record(e: Experiment, i: int) -> RunRecord:
    return run_trace(e.scenario, i).record


def reach_step(gap: np.ndarray, tol: float) -> int | None:
    """The first step from which `gap` stays ≤ tol to the end (None when its last value is over)."""
    ok = np.isfinite(gap) & (gap <= tol)
    if not ok[-1]:
        return None
    bad = np.flatnonzero(~ok)
    return int(bad[-1] + 1) if len(bad) else 0


def _f_star(e: Experiment) -> float:
    f_star = typed.landscape(e.scenario.landscape).f_star
    if f_star is None:
        raise NoAnswer(f"{typed.landscape(e.scenario.landscape).name} has no known minimum value f*, so f − f* is not defined")
    return f_star


def _start_words(e: Experiment, q: Question) -> str:
    points = e.scenario.start_points
    if len(points) < 2:
        return ""
    x, y = points[q.start]
    return f" from start point {q.start + 1} of {len(points)}, ({x:.3g}, {y:.3g})"


def _label(e: Experiment, i: int) -> str:
    return e.scenario.label(i)


def _enabled(e: Experiment) -> list[int]:
    return [i for i, run in enumerate(e.scenario.runs) if run.enabled]


def _runs_to_compare(e: Experiment) -> list[int]:
    runs = _enabled(e)
    if len(runs) < 2:
        raise NoAnswer("it compares runs, and fewer than two runs are switched on")
    return runs


def _final_words(rec: RunRecord, j: int) -> str:
    if rec.status[j] in ESCAPED:
        return rec.status_text(j)
    return f"ends at f = {rec.losses[j, -1]:.4g}"


# ---- the kinds' solvers ----

def _lowest(q: Question, e: Experiment) -> Solution:
    runs = _runs_to_compare(e)
    finals = {}
    for i in runs:
        rec = _record(e, i)
        finals[i] = math.inf if rec.status[q.start] in ESCAPED else float(rec.losses[q.start, -1])
    ordered = sorted(runs, key=lambda i: finals[i])
    best, second = ordered[0], ordered[1]
    if not math.isfinite(finals[best]):
        raise NoAnswer("every run diverges or leaves the map")
    f_star = typed.landscape(e.scenario.landscape).f_star
    ref = f_star if f_star is not None else finals[best]
    gap_best, gap_second = finals[best] - ref, finals[second] - ref
    if math.isfinite(gap_second) and gap_second - gap_best <= TIE * max(abs(gap_best), abs(gap_second), 1e-9):
        raise NoAnswer(f"{_label(e, best)} and {_label(e, second)} end within {TIE:.0%} of each other")
    return Solution(best, {i: _final_words(_record(e, i), q.start) for i in runs})


def _first(q: Question, e: Experiment) -> Solution:
    runs = _runs_to_compare(e)
    f_star = _f_star(e)
    reached, facts = {}, {}
    for i in runs:
        rec = _record(e, i)
        reached[i] = reach_step(rec.losses[q.start] - f_star, q.tol)
        facts[i] = (f"stays within f − f* ≤ {q.tol:g} from step {reached[i]} on" if reached[i] is not None
                    else f"does not end within f − f* ≤ {q.tol:g} in {e.scenario.steps} steps")
    steps = sorted((s, i) for i, s in reached.items() if s is not None)
    if not steps:
        raise NoAnswer(f"no run gets within f − f* ≤ {q.tol:g} for good in {e.scenario.steps} steps")
    if len(steps) > 1 and steps[0][0] == steps[1][0]:
        raise NoAnswer(f"{_label(e, steps[0][1])} and {_label(e, steps[1][1])} get there at the same step, {steps[0][0]}")
    return Solution(steps[0][1], facts)


def _diverges(q: Question, e: Experiment) -> Solution:
    runs = _runs_to_compare(e)
    events = {}
    for i in runs:
        rec = _record(e, i)
        if rec.status[q.start] in ESCAPED:
            events[i] = int(rec.event_step[q.start])
    if not events:
        raise NoAnswer("no run diverges or leaves the map")
    if len(events) == len(runs):
        raise NoAnswer("every run diverges or leaves the map")
    order = sorted((s, i) for i, s in events.items())
    if len(order) > 1 and order[0][0] == order[1][0]:
        raise NoAnswer(f"{_label(e, order[0][1])} and {_label(e, order[1][1])} fail at the same step, {order[0][0]}")
    facts = {i: (_record(e, i).status_text(q.start) if i in events else "neither diverges nor leaves the map") for i in runs}
    return Solution(order[0][1], facts)


def minimum_name(p: landscapes.base.Point) -> str:
    """A catalogued minimum in words: its label (or kind) and where it is."""
    name = p.label or ("global minimum" if p.kind == "min" else "local minimum")
    return f"{name} ({p.x:.3g}, {p.y:.3g})"


def _minima(e: Experiment) -> tuple:
    minima = typed.landscape(e.scenario.landscape).minima
    if len(minima) < 2:
        raise NoAnswer(f"{typed.landscape(e.scenario.landscape).name} has fewer than two known minima to choose from")
    return minima


def nearest_minimum(e: Experiment, point: tuple[float, float]) -> tuple[int, float]:
    """The index of the catalogued minimum nearest `point`, and its distance."""
    xy = np.array([p.xy for p in typed.landscape(e.scenario.landscape).minima])
    d = np.linalg.norm(xy - np.asarray(point, float), axis=1)
    return int(np.argmin(d)), float(np.min(d))


def _minimum(q: Question, e: Experiment) -> Solution:
    minima = _minima(e)
    rec = _record(e, q.run)
    if rec.status[q.start] not in AT_NAMED_MINIMUM:
        raise NoAnswer(f"{_label(e, q.run)}{_start_words(e, q)} ends {rec.status_text(q.start)}, not at a known minimum")
    end = tuple(float(v) for v in rec.positions[q.start, -1])
    k, d = nearest_minimum(e, end)
    facts = {m: f"the run ends at ({end[0]:.3g}, {end[1]:.3g}), {float(np.hypot(*np.subtract(end, p.xy))):.3g} from it"
             for m, p in enumerate(minima)}
    return Solution(k, facts, end)


def _end(q: Question, e: Experiment) -> Solution:
    rec = _record(e, q.run)
    code = int(rec.status[q.start])
    if code not in _END_OF:
        raise NoAnswer(f"the engine names this end '{rec.status_text(q.start)}', which is not one of the choices")
    return Solution(_END_OF[code], {key: rec.status_text(q.start) for key in ENDS})


def _steps(q: Question, e: Experiment) -> Solution:
    rec = _record(e, q.run)
    step = reach_step(rec.losses[q.start] - _f_star(e), q.tol)
    if step is None:
        raise NoAnswer(f"{_label(e, q.run)}{_start_words(e, q)} does not end within f − f* ≤ {q.tol:g}")
    if step == 0:
        raise NoAnswer(f"{_label(e, q.run)}{_start_words(e, q)} starts within f − f* ≤ {q.tol:g} already")
    return Solution(step, {})


def _loss(q: Question, e: Experiment) -> Solution:
    rec = _record(e, q.run)
    if rec.status[q.start] in ESCAPED:
        raise NoAnswer(f"{_label(e, q.run)}{_start_words(e, q)} {rec.status_text(q.start)}: it has no final loss")
    return Solution(float(rec.losses[q.start, -1]), {})


def _rate(q: Question, e: Experiment) -> Solution:
    s = e.sweep
    if s.kind != "lr":
        raise NoAnswer("it reads a learning-rate sweep, and this sweep is another kind")
    if vs.reference_loss(s.landscape) is None:
        raise NoAnswer(f"{typed.landscape(s.landscape).name} has no known minimum value f*, so f − f* is not defined")
    curve = vs.compute(s).curves[q.run]
    ok = curve.median() <= q.tol
    if not ok.any():
        raise NoAnswer(f"{curve.label} gets within f − f* ≤ {q.tol:g} at none of the swept rates")
    best = int(np.flatnonzero(ok)[-1])
    if best == len(curve.rates) - 1:
        raise NoAnswer(f"{curve.label} still converges at the sweep's highest rate, {curve.rates[-1]:.3g}: sweep higher rates")
    return Solution(float(curve.rates[best]), {"next": f"{curve.rates[best + 1]:.3g}"})


_LESSONS_LOCK = threading.Lock()


def lesson_numbers(slug: str) -> Mapping[str, float]:
    """What a lesson's check measured, by name: computed once per process (the lessons are deterministic),
    however many students open the exercise at once."""
    with _LESSONS_LOCK:
        return _lesson_numbers(slug)


@functools.lru_cache(maxsize=16)
def _lesson_numbers(slug: str) -> Mapping[str, float]:
    return dict(lessons.get(slug).check().numbers)


def _lesson(q: Question, e: Experiment) -> Solution:
    numbers = lesson_numbers(e.lesson)
    if q.number not in numbers or not math.isfinite(numbers[q.number]):
        raise NoAnswer(f"the lesson measures no number '{q.number}'")
    return Solution(float(numbers[q.number]), {})


# ---- default wordings ----

def _ask_runs(text: str) -> Callable[[Question, Experiment], str]:
    return lambda q, e: text.format(tol=f"{q.tol:g}") + _start_words(e, q) + "?"


def _ask_run(text: str) -> Callable[[Question, Experiment], str]:
    return lambda q, e: text.format(run=_label(e, q.run), tol=f"{q.tol:g}", where=_start_words(e, q))


PLAYGROUND_PAGES = ("playground", "lessons")
KINDS: dict[str, Kind] = {
    "lowest": Kind("Which run ends lowest?", PLAYGROUND_PAGES, ("start",), "run",
                   _ask_runs("Which run ends with the lowest loss"), _lowest),
    "first": Kind("Which run reaches the tolerance first?", PLAYGROUND_PAGES, ("start", "tol"), "run",
                  _ask_runs("Which run is first to get within f − f* ≤ {tol} and stay there"), _first),
    "diverges": Kind("Which run diverges first?", PLAYGROUND_PAGES, ("start",), "run",
                     _ask_runs("Which run is first to diverge or leave the map"), _diverges),
    "minimum": Kind("Which minimum does a run end in?", PLAYGROUND_PAGES, ("run", "start"), "minimum",
                    _ask_run("In which minimum does {run}{where} end?"), _minimum),
    "click": Kind("Where will a run end? (click the map)", PLAYGROUND_PAGES, ("run", "start"), "click",
                  _ask_run("Where will {run}{where} end? Click the map where you think it stops."), _minimum),
    "end": Kind("How does a run end?", PLAYGROUND_PAGES, ("run", "start"), "end",
                _ask_run("How does {run}{where} end?"), _end),
    "steps": Kind("Steps for a run to reach the tolerance", PLAYGROUND_PAGES, ("run", "start", "tol", "rtol"), "number",
                  _ask_run("After how many steps is {run}{where} within f − f* ≤ {tol} for good?"), _steps),
    "loss": Kind("A run's final loss", PLAYGROUND_PAGES, ("run", "start", "rtol"), "number",
                 _ask_run("What is the final loss of {run}{where}?"), _loss),
    "rate": Kind("Largest learning rate that still converges", ("sweeps",), ("run", "tol", "factor"), "number",
                 lambda q, e: f"What is the largest learning rate at which {e.sweep.base.label(q.run)} still gets within "
                              f"f − f* ≤ {q.tol:g} in {e.sweep.steps} steps"
                              + (" (the median over its start points)" if len(e.sweep.start_points) > 1 else "") + "?",
                 _rate),
    "lesson": Kind("A number the lesson measures", ("lessons",), ("number", "atol"), "number",
                   lambda q, e: f"What does the lesson measure for '{q.number}'?", _lesson),
}

_COMMON = ("kind", "wording", "explanation")


def wording(q: Question, e: Experiment) -> str:
    """What the student reads: the teacher's words, else the kind's own."""
    return q.wording or KINDS[q.kind].ask(q, e)


def to_dict(q: Question) -> dict[str, Any]:
    """The question as a token holds it: its kind, the teacher's texts and the kind's parameters."""
    return {name: getattr(q, name) for name in _COMMON + KINDS[q.kind].params}


def _number(name: str, value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"its '{name}' must be a number in [{lo:g}, {hi:g}]")
    return float(value)


def _index(name: str, value: Any, n: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise ValueError(f"its '{name}' names {what} {value!r}, and there are {n}")
    return value


def _text(name: str, value: Any, cap: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"its '{name}' is not text")
    if len(value) > cap:
        raise ValueError(f"its {name} is {len(value):,} characters long, over the {cap:,} an exercise may hold")
    return value


def from_dict(raw: Any, page: str) -> Question:
    """A question read from a token for `page`; ValueError in words for anything that is not one
    (unknown kind or keys, a kind not asked on this page, a parameter of the wrong type or range)."""
    if not isinstance(raw, dict):
        raise ValueError("its question is not a set of named values")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"its question kind {str(kind)[:40]!r} is not one of {', '.join(KINDS)}")
    spec = KINDS[kind]
    if page not in spec.pages:
        raise ValueError(f"a '{kind}' question is not asked on the {page} page")
    unknown = sorted(set(raw) - set(_COMMON) - set(spec.params))
    if unknown:
        raise ValueError(f"its question has settings a '{kind}' question does not take: {', '.join(k[:40] for k in unknown[:5])}")
    values: dict[str, Any] = {"kind": kind}
    values["wording"] = _text("wording", raw.get("wording", ""), MAX_WORDING)
    values["explanation"] = _text("explanation", raw.get("explanation", ""), MAX_EXPLANATION)
    ranges = {"tol": TOL_RANGE, "rtol": RTOL_RANGE, "factor": FACTOR_RANGE, "atol": ATOL_RANGE}
    for name in spec.params:
        if name not in raw:
            continue
        value = raw[name]
        if name in ranges:
            values[name] = _number(name, value, *ranges[name])
        elif name == "number":
            values[name] = _text(name, value, MAX_NUMBER_NAME)
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"its '{name}' must be a whole number ≥ 0")
        else:
            values[name] = value
    return Question(**values)


def check(q: Question, e: Experiment) -> None:
    """Raise ValueError in words when the question names a run or start point the experiment lacks,
    or a switched-off run (its paths are not drawn)."""
    params = KINDS[q.kind].params
    if e.lesson is not None and e.scenario is None and q.kind != "lesson":
        raise ValueError("this lesson has no runs on a map to ask about")
    if "run" in params:
        runs = e.sweep.runs if e.sweep is not None else e.scenario.runs
        _index("run", q.run, len(runs), "run")
        if not runs[q.run].enabled and e.sweep is None:
            raise ValueError(f"its question asks about run {q.run + 1}, which is switched off")
    if "start" in params:
        _index("start", q.start, len(e.scenario.start_points), "start point")


def solve(q: Question, e: Experiment) -> Solution:
    """The engine's answer to `q` (checked first); NoAnswer when it has no clear one, ValueError for a question
    that does not fit the experiment."""
    check(q, e)
    return KINDS[q.kind].solve(q, e)


# ---- grading ----

def _how_far(answer: float, truth: float) -> str:
    diff = answer - truth
    share = f" ({abs(diff) / abs(truth):.0%})" if truth else ""
    return f"{abs(diff):.4g}{share} too {'high' if diff > 0 else 'low'}" if diff else "exactly it"


def _grade_number(q: Question, truth: float, answer: float) -> Grade:
    if q.kind == "rate":
        ratio = answer / truth if answer > 0 else math.inf
        right = answer > 0 and max(ratio, 1 / ratio) <= q.factor
        far = "exactly it" if ratio == 1 else (f"{ratio:.3g}× it" if answer > 0 else "not a learning rate (it must be > 0)")
        rule = f"within a factor {q.factor:g} counts"
        return Grade(right, f"The sweep's answer is η = {truth:.3g}; yours, {answer:.4g}, is {far} ({rule}).",
                     abs(math.log(ratio)))
    if q.kind == "lesson":
        right = abs(answer - truth) <= q.atol
        rule = f"within ±{q.atol:g} counts"
    elif q.kind == "loss":
        right = abs(answer - truth) <= max(q.rtol * abs(truth), LOSS_FLOOR)
        rule = f"within ±{q.rtol:.0%} (or ±{LOSS_FLOOR:g}) counts"
    else:
        right = abs(answer - truth) <= q.rtol * abs(truth)
        rule = f"within ±{q.rtol:.0%} counts"
    off = abs(answer - truth) / abs(truth) if truth else abs(answer - truth)
    return Grade(right, f"The engine's answer is {truth:.4g}; yours, {answer:.4g}, is {_how_far(answer, truth)} ({rule}).",
                 off)


def option_label(q: Question, e: Experiment, option: Any) -> str:
    """How a choice is named: a run's label, a minimum's name, an end in the player's words."""
    answer = KINDS[q.kind].answer
    if answer == "run":
        return _label(e, option)
    if answer in ("minimum", "click"):
        return minimum_name(typed.landscape(e.scenario.landscape).minima[option])
    if answer == "end":
        return ENDS[option]
    return f"{option:.4g}"


def options(q: Question, e: Experiment) -> list[Any]:
    """The choices the student picks from (empty for numbers and clicks)."""
    answer = KINDS[q.kind].answer
    if answer == "run":
        return _enabled(e)
    if answer == "minimum":
        return list(range(len(typed.landscape(e.scenario.landscape).minima)))
    if answer == "end":
        return list(ENDS)
    return []


def grade(q: Question, e: Experiment, answer: Any) -> Grade:
    """The student's `answer` (an option, a number, or a clicked (x, y)) graded against the engine's."""
    solution = solve(q, e)
    kind = KINDS[q.kind].answer
    if kind == "number":
        return _grade_number(q, solution.answer, float(answer))
    if kind == "click":
        picked, _ = nearest_minimum(e, answer)
        end = solution.point
        far = float(np.hypot(answer[0] - end[0], answer[1] - end[1]))
        where = f"your click ({answer[0]:.3g}, {answer[1]:.3g}) is {far:.3g} from where the run ends, ({end[0]:.3g}, {end[1]:.3g})"
        truth = option_label(q, e, solution.answer)
        if picked == solution.answer:
            return Grade(True, f"It ends at the {truth}, the known minimum nearest your click; {where}.", far)
        return Grade(False, f"It ends at the {truth}, but the known minimum nearest your click is the "
                            f"{option_label(q, e, picked)}; {where}.", far)
    return _choice_grade(q, e, solution, answer, kind)


def _choice_grade(q: Question, e: Experiment, solution: Solution, answer: Any, kind: str) -> Grade:
    """A picked option against the engine's: off 0 when right, else 1."""
    right = answer == solution.answer
    truth = option_label(q, e, solution.answer)
    off = 0.0 if right else 1.0
    if kind == "end":
        chose = "" if right else f" You chose “{ENDS[answer]}”."
        return Grade(right, f"The engine says the run ends “{solution.facts[solution.answer]}”.{chose}", off)
    if kind == "minimum":
        if right:
            return Grade(True, f"It ends at the {truth}: {solution.facts[solution.answer]}.", off)
        return Grade(False, f"It ends at the {truth}, not the {option_label(q, e, answer)}: {solution.facts[answer]}.", off)
    if right:
        return Grade(True, f"{truth} {solution.facts[answer]}.", off)
    return Grade(False, f"{truth} {solution.facts[solution.answer]}; {option_label(q, e, answer)} {solution.facts[answer]}.",
                 off)


def answer_label(q: Question, e: Experiment, answer: Any) -> str:
    """A student's answer as a class's board counts it: a choice's name, a number to 4 digits, a click as
    the known minimum nearest it (so clicks group by basin)."""
    if KINDS[q.kind].answer == "click":
        return option_label(q, e, nearest_minimum(e, answer)[0])
    return option_label(q, e, answer)


def answer_words(q: Question, e: Experiment, solution: Solution) -> str:
    """The engine's answer in words (for the teacher who makes the exercise)."""
    kind = KINDS[q.kind].answer
    if kind == "number":
        return f"{solution.answer:.4g}"
    if kind == "end":
        return solution.facts[solution.answer]
    label = option_label(q, e, solution.answer)
    return f"{label}: {solution.facts[solution.answer]}" if kind == "run" else label
