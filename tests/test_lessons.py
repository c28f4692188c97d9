"""Every lesson runs headless, and its verdict holds with the documented numbers.

The numbers asserted here are the ones the lessons report; a change to the engine, an optimizer
or a schedule that breaks a phenomenon (or silently changes a verdict) fails here.
"""

import functools
import re

import numpy as np
import pytest

from gradscape import lessons
from gradscape.lessons.base import Check, Finding
from gradscape.lessons.race import SHOWN, contenders
from gradscape.trajectories.scenario import MAX_RUNS, from_query, to_query

SLUGS = [lesson.slug for lesson in lessons.LESSONS]


@functools.cache
def finding(slug: str) -> Finding:
    return lessons.get(slug).check()


def held(slug: str) -> list[bool]:
    return [c.holds for c in finding(slug).checks]


def test_catalogue_numbers_slugs_and_texts():
    assert [lesson.number for lesson in lessons.LESSONS] == list(range(1, 15))
    assert len(set(SLUGS)) == len(SLUGS)
    for lesson in lessons.LESSONS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", lesson.slug) and len(lesson.slug) <= 40
        for text in (lesson.title, lesson.question, lesson.setup, lesson.look_for, lesson.claim, lesson.source):
            assert text.strip()
        assert re.search(r"\b(19|20)\d\d\b", lesson.source) and "seed" not in lesson.source  # author and year, for students
    with pytest.raises(ValueError, match="unknown lesson"):
        lessons.get("no-such-lesson")


@pytest.mark.parametrize("slug", [lesson.slug for lesson in lessons.LESSONS if lesson.scenario is not None])  # lesson 6 has no map
def test_scenario_round_trips_through_the_url(slug):
    lesson = lessons.get(slug)
    query = lesson.query()
    back, warnings = from_query(query)
    assert warnings == []
    assert back == lesson.scenario and to_query(back) == query
    assert 1 <= len(lesson.scenario.runs) <= MAX_RUNS and lesson.scenario.steps <= 1000


@pytest.mark.parametrize("slug", SLUGS)
def test_every_lesson_checks_headless(slug):
    f = finding(slug)
    assert f.checks and f.statement
    assert all(c.claim and c.measured for c in f.checks)
    if not f.confirmed:
        assert f.explanation, "a contradicted claim needs an explanation"
    for chart in f.charts:
        for s in chart.series:
            assert s.x.shape == s.y.shape and s.x.size > 1


@pytest.mark.parametrize("holds,verdict", [((True, True), "confirmed"), ((True, False), "partly confirmed"),
                                            ((False, True), "partly confirmed"), ((False, False), "not confirmed")])
def test_a_verdict_counts_the_claims_that_held(holds, verdict):
    f = Finding(checks=tuple(Check(f"claim {i}", f"measured {i}", h) for i, h in enumerate(holds)), numbers={})
    assert (f.verdict, f.confirmed) == (verdict, verdict == "confirmed")


def n(slug: str, key: str) -> float:
    return finding(slug).numbers[key]


def test_ill_conditioning_zigzag():
    s = "ill-conditioning-momentum"
    assert held(s) == [True, True, False]  # AdaGrad settles after momentum: not "faster still"
    assert n(s, "crossings/SGD") == 30 and n(s, "crossings/SGD + momentum") == 17 and n(s, "crossings/AdaGrad") == 0
    assert n(s, "narrower steps/SGD + momentum") == 29
    assert (n(s, "settle/SGD"), n(s, "settle/SGD + momentum"), n(s, "settle/AdaGrad")) == (64, 22, 52)


def test_canyon_schedules():
    s = "canyon-schedules"
    assert held(s) == [True, True, True, True]
    assert n(s, "loss rises/constant") == 100
    assert n(s, "loss rises/step") == n(s, "loss rises/cosine") == n(s, "loss rises/warmup-cosine") == 0
    assert n(s, "constant miss") == pytest.approx(0.74, abs=0.005)
    assert n(s, "final loss/step") == pytest.approx(0.143, rel=0.01)
    assert n(s, "final loss/cosine") == pytest.approx(0.0315, rel=0.01)
    assert n(s, "warmup gap at 200") < 0.1


def test_peaks_local_minima():
    s = "peaks-local-minima"
    assert held(s) == [True, False, True]
    policies = ("constant", "step", "cosine", "SGDR", "warmup-cosine")
    assert n(s, "trapped starts") == 528
    assert [n(s, f"plain escapes/{p}") for p in policies] == [0] * 5
    assert [n(s, f"escapes/{p}") for p in policies] == [18, 18, 18, 18, 10]
    assert [n(s, f"momentum needed/{p}") for p in policies] == [0.82, 0.82, 0.82, 0.82, 0.87]
    assert (n(s, "all five escape"), n(s, "none escapes")) == (10, 510)
    assert n(s, "escapes decided by") < 100  # before step decay first lowers its rate


def test_saddle_points():
    s = "saddle-points"
    assert held(s) == [True, False, True, False]
    f = finding(s)
    assert n(s, "max |dfdy| on axis") == 0.0
    assert all(v == 0.0 for k, v in f.numbers.items() if k.startswith("max |y|/"))
    assert max(v for k, v in f.numbers.items() if k.startswith("to saddle/")) == pytest.approx(0.00116, rel=0.01)
    expected = {"constant": (59, 118, 177), "step": (59, 135, 303), "SGDR": (108, 217, 326)}
    for policy, steps in expected.items():
        assert [n(s, f"escape/{policy}/y0={y:g}") for y in (0.1, 0.01, 0.001)] == list(steps)


def test_plateau_and_cliff():
    s = "plateau-cliff"
    assert held(s) == [True, True, True, False]
    cross = {p: n(s, f"cross/{p}") for p in ("constant", "step", "cosine", "SGDR", "warmup-cosine")}
    assert cross == {"constant": 455, "step": np.inf, "cosine": 589, "SGDR": 863, "warmup-cosine": 586}
    assert n(s, "left domain/constant") == 1 and n(s, "left domain/cosine") == 0
    assert n(s, "final gap/cosine") < 1e-4 and n(s, "cliff gradient") > 1e4 * n(s, "plateau gradient")


def test_reddi_adam_fails_amsgrad_converges():
    s = "adam-amsgrad-reddi"
    assert held(s) == [True, True]
    assert n(s, "x/Adam") > 0.99 and n(s, "x/AMSGrad") < -0.98
    assert n(s, "regret/Adam") > 0.5 > 0.05 > n(s, "regret/AMSGrad")
    assert n(s, "net move per period/Adam") > 0 > n(s, "net move per period/AMSGrad")
    assert [c.title for c in finding(s).charts] == ["x on Reddi's online problem", "Average regret R_t / t"]


def test_lookahead():
    s = "lookahead"
    assert held(s) == [False, True, False]
    assert (n(s, "settle/SGD"), n(s, "settle/Lookahead (SGD)")) == (73, 161)
    assert n(s, "settle/Lookahead (SGD)/slow weights") == 165
    assert (n(s, "settle/SGD + momentum"), n(s, "settle/Lookahead (SGD + momentum)/slow weights")) == (104, 95)
    assert n(s, "settle/Lookahead (SGD + momentum)/k=10,alpha=0.5") > n(s, "settle/SGD + momentum")


def test_warmup_and_radam():
    s = "warmup-radam"
    assert held(s) == [True, False, True, True]
    adam, warm, radam = (n(s, f"global/{k}") for k in ("Adam", "Adam + warmup", "RAdam"))
    assert (adam, warm, radam) == pytest.approx((34, 54, 20), abs=6)
    assert warm >= adam + 10 and radam < adam
    assert n(s, "early move/RAdam") > 5 * n(s, "early move/Adam") > 5 * n(s, "early move/Adam + warmup")
    assert n(s, "RAdam rectifier from step") == 6
    assert [c.title for c in finding(s).charts] == ["Noam warmup lengths", "SGDR restart periods"]


def test_adamod_sensitivity():
    s = "adamod-lr-sensitivity"
    assert held(s) == [True, False, False]
    assert (n(s, "reached/SGDM"), n(s, "reached/Adam"), n(s, "reached/AdaMod")) == pytest.approx((3, 8, 3), abs=1)
    assert n(s, "worst gap/SGDM") == np.inf
    assert n(s, "bound active/x") == n(s, "bound active/y") == 1000  # the bound cuts every step: a warm-up
    assert n(s, "median cut") == pytest.approx(0.27, abs=0.02) and n(s, "largest rate rise") < 1.5


def test_batch_size():
    s = "batch-size"
    assert held(s) == [True, True, True]
    assert n(s, "jitter/FGD") < 1e-3
    assert n(s, "jitter/MBGD") == pytest.approx(0.055, abs=0.02) and n(s, "jitter/SGD") == pytest.approx(0.235, abs=0.05)
    assert [n(s, f"samples to settle/{b}") for b in ("FGD", "MBGD", "SGD")] == [4096, 256, np.inf]
    assert n(s, "first near/SGD") == 29 and n(s, "share near/SGD") == pytest.approx(0.41, abs=0.02)


def test_gradient_noise():
    s = "gradient-noise"
    assert held(s) == [False, True]
    assert n(s, "escapes/SGD") == n(s, "escapes/a=0.01") == n(s, "escapes/a=0.3") == n(s, "escapes/a=1") == 0
    assert n(s, "escapes/a=10") == 14 and n(s, "escapes/map a=10") == 1
    assert n(s, "stray/a=1") < 0.4


def test_adagrad_vanishing_step():
    s = "adagrad-vanishing-step"
    assert held(s) == [True, False, True, False]
    assert n(s, "growth/AdaGrad η=0.5") <= 1.0 and n(s, "AdaGrad sum share at 10") > 0.98
    assert n(s, "growth/RMSProp") == pytest.approx(6.17, rel=0.15) and n(s, "growth/Adadelta") == pytest.approx(82, rel=0.15)
    assert n(s, "final gap/AdaGrad η=0.5") == pytest.approx(1.61, rel=0.05)
    assert n(s, "final gap/AdaGrad η=2") < n(s, "final gap/RMSProp") < n(s, "final gap/Adadelta")


def test_race_places_every_adaptive_optimizer():
    """Places and rates as the check measures them; tests/test_lesson_truth_adaptive.py recomputes them."""
    s = "optimizer-race"
    assert held(s) == [False]
    places = {k[len("place/"):]: v for k, v in finding(s).numbers.items() if k.startswith("place/")}
    steps = {k: n(s, f"steps/{k}") for k in places}
    assert set(places) == set(contenders())
    for k, p in places.items():  # competition places: ties share one; those that never arrive have none
        assert p == (np.inf if steps[k] == np.inf else 1 + sum(v < steps[k] for v in steps.values()))
    assert all(n(s, f"rate/{k}") == lr for k, lr in SHOWN), "the map's runs are drawn at their best rates"


def test_network_paths_are_near_a_plane_yet_the_plane_hides_loss():
    slug = "networks-2d-pictures"
    assert held(slug) == [True, True, True]
    walk = n(slug, "top-2 fraction/random walk")
    assert abs(walk - 6 / np.pi**2 * 1.25) < 0.05  # Antognini & Sohl-Dickstein's 6/(π²k²), k = 1, 2
    assert n(slug, "top-2 fraction/SGD") > walk and n(slug, "top-2 fraction/Adam") > walk
    assert n(slug, "max relative loss gap") > 0.01 and n(slug, "max off-plane distance") > 0
