"""Exercise questions against independent answers: each kind's answer from a float64 NumPy re-run of
the same optimizers (written out here from their textbook rules), the grade of that answer "right",
of a wrong one "wrong", in words that quote the numbers; and every lesson's ready-made question has a
clear answer (Reddi's, against a NumPy re-run of Adam on the online problem)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gradscape import landscapes, lessons
from gradscape.classroom import questions
from gradscape.classroom.lesson_questions import LESSON_QUESTIONS
from gradscape.classroom.questions import Experiment, NoAnswer, Question
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.trajectories.sweep_scenario import SweepScenario
from tests.oracles import peaks, peaks_grad

# 0.1x² + 2y² from (-5, -2), 100 steps: SGD η=0.1 crawls along x, momentum gets there, SGD η=0.6 overshoots in y
QUAD = Scenario("quadratic", runs=(RunSpec("sgd", 0.1), RunSpec("momentum", 0.05), RunSpec("sgd", 0.6)), steps=100)
PEAKS = Scenario("peaks", runs=(RunSpec("sgd", 0.05), RunSpec("momentum", 0.01)), starts=((0.2, 0.92), (-2.5, 1.0)), steps=200)
SADDLE = Scenario("saddle", runs=(RunSpec("sgd", 0.05),), starts=((-3.0, 0.0), (-3.0, 0.01)), steps=200)
RATES = SweepScenario(kind="lr", base=Scenario("quadratic", runs=(RunSpec("sgd", 0.1),), steps=100), rates=(0.01, 1.0), count=60)


def quad(p: np.ndarray) -> float:
    return 0.1 * p[0] ** 2 + 2 * p[1] ** 2


def quad_grad(p: np.ndarray) -> np.ndarray:
    return np.array([0.2 * p[0], 4 * p[1]])


def descend(grad, start, lr: float, steps: int, momentum: float = 0.0) -> np.ndarray:
    """(T+1, 2) positions of m = μm + g, θ = θ − ηm in float64 (μ = 0: plain gradient descent)."""
    p, m = np.asarray(start, float), np.zeros(2)
    path = [p]
    for _ in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            m = momentum * m + grad(p)
            p = p - lr * m
        path.append(p)
    return np.array(path)


def oracle_path(s: Scenario, i: int, j: int = 0) -> np.ndarray:
    run = s.runs[i]
    grad = {"quadratic": quad_grad, "peaks": lambda p: peaks_grad(p), "saddle": lambda p: np.array([2 * p[0], -2 * p[1]])}[s.landscape]
    return descend(grad, s.start_points[j], run.lr, s.steps, dict(run.hyper).get("momentum", 0.9) if run.optimizer == "momentum" else 0.0)


def oracle_losses(s: Scenario, i: int, j: int = 0) -> np.ndarray:
    f = {"quadratic": quad, "peaks": lambda p: float(peaks(p))}[s.landscape]
    return np.array([f(p) for p in oracle_path(s, i, j)])


def escaped(s: Scenario, path: np.ndarray) -> bool:
    """Whether the path leaves the map widened by half its size (or stops being finite)."""
    (x0, x1), (y0, y1) = landscapes.get(s.landscape).domain
    size = max(x1 - x0, y1 - y0)
    out = ~np.isfinite(path).all(axis=1) | (path[:, 0] < x0 - size / 2) | (path[:, 0] > x1 + size / 2) \
        | (path[:, 1] < y0 - size / 2) | (path[:, 1] > y1 + size / 2)
    return bool(out.any())


def reach(gap: np.ndarray, tol: float) -> int | None:
    """Written out independently: the last step over tol, plus one."""
    over = [t for t, g in enumerate(gap) if not g <= tol]
    if over and over[-1] == len(gap) - 1:
        return None
    return over[-1] + 1 if over else 0


def nearest_minimum(landscape: str, point) -> int:
    minima = landscapes.get(landscape).minima
    return min(range(len(minima)), key=lambda m: math.dist(minima[m].xy, point))


def oracle_answer(s: Scenario, q: Question):
    """The answer of a Playground question, from the NumPy re-runs."""
    runs = range(len(s.runs))
    if q.kind == "lowest":
        finals = {i: math.inf if escaped(s, oracle_path(s, i, q.start)) else oracle_losses(s, i, q.start)[-1] for i in runs}
        return min(finals, key=finals.get)
    if q.kind == "first":
        steps = {i: reach(oracle_losses(s, i, q.start), q.tol) for i in runs}
        return min((i for i in runs if steps[i] is not None), key=steps.get)
    if q.kind == "diverges":
        (only,) = [i for i in runs if escaped(s, oracle_path(s, i, q.start))]
        return only
    if q.kind == "steps":
        return reach(oracle_losses(s, q.run, q.start), q.tol)
    if q.kind == "loss":
        return oracle_losses(s, q.run, q.start)[-1]
    if q.kind in ("minimum", "click"):
        return nearest_minimum(s.landscape, oracle_path(s, q.run, q.start)[-1])
    if q.kind == "end" and escaped(s, oracle_path(s, q.run, q.start)):
        return "left"
    raise ValueError(f"no oracle for this {q.kind} question")


CHOICE_CASES = [(QUAD, Question("lowest")), (QUAD, Question("first")), (QUAD, Question("diverges")),
                (PEAKS, Question("minimum", run=0)), (PEAKS, Question("minimum", run=1))]


@pytest.mark.parametrize("s, q", CHOICE_CASES, ids=lambda v: getattr(v, "kind", getattr(v, "landscape", "")))
def test_choices_are_graded_against_a_numpy_rerun(s, q):
    e = Experiment(scenario=s)
    truth = oracle_answer(s, q)
    assert questions.solve(q, e).answer == truth
    right = questions.grade(q, e, truth)
    assert right.right and questions.option_label(q, e, truth) in right.text
    for other in questions.options(q, e):
        if other != truth:
            wrong = questions.grade(q, e, other)
            assert not wrong.right and questions.option_label(q, e, truth) in wrong.text


def test_the_numbers_a_choice_quotes_are_the_runs():
    e = Experiment(scenario=QUAD)
    text = questions.grade(Question("lowest"), e, 0).text  # momentum ends lowest; SGD η=0.1 was picked
    quoted = [float(v) for v in re.findall(r"f = ([0-9.e+-]+[0-9])", text)]
    assert quoted == pytest.approx([oracle_losses(QUAD, 1)[-1], oracle_losses(QUAD, 0)[-1]], rel=2e-3)
    first = questions.grade(Question("first"), e, 1).text
    assert f"from step {reach(oracle_losses(QUAD, 1), 1e-3)} on" in first


@pytest.mark.parametrize("q", [Question("steps", run=1), Question("loss", run=1)], ids=lambda q: q.kind)
def test_numbers_are_right_within_the_tolerance_and_wrong_beyond_it(q):
    e = Experiment(scenario=QUAD)
    truth = oracle_answer(QUAD, q)
    assert questions.solve(q, e).answer == pytest.approx(truth, rel=0.02)
    assert questions.grade(q, e, truth).right
    assert questions.grade(q, e, truth * (1 + 0.8 * q.rtol)).right
    high = questions.grade(q, e, truth * 3)
    low = questions.grade(q, e, truth / 3)
    assert not high.right and "too high" in high.text and not low.right and "too low" in low.text
    assert f"{questions.solve(q, e).answer:.4g}" in high.text and "±10%" in high.text


def test_how_a_run_ends_is_the_engines_end_state():
    e = Experiment(scenario=SADDLE)
    on, off = Question("end", run=0, start=0), Question("end", run=0, start=1)
    assert np.allclose(oracle_path(SADDLE, 0, 0)[-1], (0, 0), atol=1e-6)  # the saddle point
    assert questions.solve(on, e).answer == "saddle" and questions.grade(on, e, "saddle").right
    assert escaped(SADDLE, oracle_path(SADDLE, 0, 1))
    assert questions.solve(off, e).answer == "left" and not questions.grade(off, e, "minimum").right


def test_a_click_is_graded_by_basin_and_says_how_far():
    e = Experiment(scenario=PEAKS)
    q = Question("click", run=1)  # momentum from (0.2, 0.92) ends at the global minimum
    end = oracle_path(PEAKS, 1)[-1]
    near = (end[0] + 0.3, end[1] - 0.2)
    graded = questions.grade(q, e, near)
    assert graded.right and f"is {math.dist(near, end):.3g} from where the run ends" in graded.text
    local = landscapes.get("peaks").minima[1].xy
    wrong = questions.grade(q, e, local)
    assert not wrong.right and f"{math.dist(local, end):.3g} from where the run ends" in wrong.text


def oracle_rate(s: SweepScenario = RATES, tol: float = 1e-3) -> float:
    """The largest of the sweep's rates at which SGD on the quadratic ends within f − f* ≤ tol (NumPy re-runs)."""
    rates = np.geomspace(*s.rates, s.count)
    converges = [reach(np.array([quad(p) for p in descend(quad_grad, s.start_points[0], r, s.steps)]), tol) is not None
                 for r in rates]
    return float(rates[np.flatnonzero(converges)[-1]])


def test_the_largest_converging_rate_comes_from_the_sweep():
    q = Question("rate", run=0)
    e = Experiment(sweep=RATES)
    truth = oracle_rate()
    answer = questions.solve(q, e).answer
    assert answer == pytest.approx(truth, rel=0.1)
    assert questions.grade(q, e, truth).right and not questions.grade(q, e, truth * 2).right
    assert "2× it" in questions.grade(q, e, answer * 2).text


def reddi_adam_x(steps: int = 3000, c: float = 3.0, lr: float = 0.5) -> float:
    """Adam with β1 = 0, β2 = 1/(1 + C²), ηₜ = η/√t on fₜ(x) = Cx (t mod 3 = 1) or −x, x projected on [−1, 1]."""
    b2 = 1 / (1 + c * c)
    x, v = 0.0, 0.0
    for t in range(1, steps + 1):
        g = c if t % 3 == 1 else -1.0
        v = b2 * v + (1 - b2) * g * g
        x = min(1.0, max(-1.0, x - lr / math.sqrt(t) * g / (math.sqrt(v / (1 - b2**t)) + 1e-8)))
    return x


def test_every_lesson_has_a_ready_made_question_with_a_clear_answer():
    assert set(LESSON_QUESTIONS) == set(lessons.REGISTRY)
    for slug, q in LESSON_QUESTIONS.items():
        e = Experiment(scenario=lessons.get(slug).scenario, lesson=slug)
        try:
            solution = questions.solve(q, e)
        except NoAnswer as err:
            raise AssertionError(f"{slug}: {err}") from None
        assert questions.wording(q, e)
        if slug == "adam-amsgrad-reddi":
            assert solution.answer == pytest.approx(reddi_adam_x(), abs=0.02)
            assert questions.grade(q, e, reddi_adam_x()).right and not questions.grade(q, e, -1.0).right
