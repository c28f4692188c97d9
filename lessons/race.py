"""Lesson 13: every adaptive optimizer in the catalogue races on one landscape, each at its best
of five learning rates, placed by the step from which its path stays near the minimum."""

from __future__ import annotations

from typing import NamedTuple

import math

import jax
import jax.numpy as jnp
import numpy as np

from gradscape import landscapes
from gradscape import optimizers
from gradscape import trajectories as tr
from gradscape.lessons.adaptive import radam_switch
from gradscape.lessons.base import Check, Finding, Lesson, scenario
from gradscape.lessons.measures import as_number, first_step, fmt, settle_step
from gradscape.trajectories import engine
from gradscape.trajectories.scenario import RunSpec

LANDSCAPE, START, STEPS, RADIUS = "beale", (1.0, 1.5), 500, 0.01
RATE_FACTORS = (0.1, 0.3, 1.0, 3.0, 10.0)  # × the catalogue's default rate
ADAPTIVE_FAMILIES = ("adaptive learning rate", "adaptive moment")
ADAPTIVE_WRAPPED = ("lookahead_yogi", "ranger", "ranger21", "swats")  # adaptive cores inside wrappers
SOURCE_FAST = ("adam", "adamw", "radam", "rmsprop", "ranger")
RECTIFIED = ("radam", "ranger")  # RAdam's rectifier, alone and inside Lookahead
LOST = (engine.DIVERGED, engine.LEFT_DOMAIN)


class Result(NamedTuple):
    """One optimizer at one rate: the step from which its path stays within RADIUS of the minimum
    (None: never), the first step it is within RADIUS, its distance from the minimum at the end
    (inf once it diverged or left the map), and its end state."""

    key: str
    learning_rate: float
    steps: int | None
    first: int | None
    distance: float
    status: int
    event_step: int

    @property
    def order(self) -> tuple[float, float]:
        return (as_number(self.steps), self.distance)


def contenders() -> list[str]:
    """Every adaptive optimizer of the catalogue."""
    return [k for k, o in optimizers.REGISTRY.items() if o.family in ADAPTIVE_FAMILIES or k in ADAPTIVE_WRAPPED]


def rates(key: str) -> list[float]:
    """The five rates an optimizer races at: RATE_FACTORS × its catalogue default."""
    return [float(f"{optimizers.get(key).default_lr * f:.6g}") for f in RATE_FACTORS]


def minimum() -> np.ndarray:
    """The landscape's global minimum (its only catalogued one)."""
    return np.array(next(p.xy for p in landscapes.get(LANDSCAPE).points if p.kind == "min"))


def trial(key: str, lr: float) -> Result:
    """One run from START, judged by its distance from the minimum."""
    rec = tr.run(LANDSCAPE, key, learning_rate=lr, starts=[START], steps=STEPS)
    status, event = int(rec.status[0]), int(rec.event_step[0])
    if status in LOST:
        return Result(key, lr, None, None, float("inf"), status, event)
    distance = np.linalg.norm(rec.positions[0] - minimum(), axis=1)
    near = distance <= RADIUS
    return Result(key, lr, settle_step(distance, RADIUS), first_step(near), float(distance[-1]), status, event)


def best(trials: list[Result]) -> Result:
    """The earliest to stay near the minimum; among those that never do, the closest at the end."""
    return min(trials, key=lambda r: r.order)


def places(table: list[Result]) -> dict[str, int | None]:
    """Competition places (ties share one) of the optimizers that get within RADIUS; None for the others."""
    done = [r.steps for r in table if r.steps is not None]
    return {r.key: None if r.steps is None else 1 + sum(s < r.steps for s in done) for r in table}


def _name(key: str) -> str:
    """The optimizer's display name."""
    return optimizers.get(key).name


def _and(words: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _names(keys: list[str]) -> str:
    """Display names joined as a sentence."""
    return _and([_name(k) for k in keys])


def _at_least(value: float) -> str:
    """A distance rounded down to two significant digits, so that 'or more' stays true."""
    scale = 10.0 ** (math.floor(math.log10(value)) - 1)
    return fmt(math.floor(value / scale) * scale, 2)


def _slope() -> float:
    """‖∇f‖ at the start."""
    f = landscapes.get(LANDSCAPE).f
    return float(jnp.linalg.norm(jax.grad(f)(jnp.asarray(START, jnp.float32))))


def _ranking(table: list[Result], place: dict[str, int | None]) -> str:
    finishers = sorted((r for r in table if r.steps is not None), key=lambda r: (r.steps, r.key))
    never = sorted(r.key for r in table if r.steps is None)
    text = "; ".join(f"{place[r.key]}. {_name(r.key)} {r.steps} (η {fmt(r.learning_rate)})" for r in finishers)
    return text + (f"; never within {fmt(RADIUS)}: {_names(never)}" if never else "")


def _rectified(trials: dict[str, list[Result]], bests: dict[str, Result]) -> str:
    """What happened to RAdam and Ranger at each rate, in one sentence."""
    lost = [r for k in RECTIFIED for r in trials[k] if r.status in LOST]
    hyper = optimizers.get("radam").defaults()
    text = (f"RAdam and Ranger take plain momentum steps η·m̂, without Adam's normalisation, for their first "
            f"{radam_switch(hyper['b2'], hyper['threshold']) - 1} steps, from a slope of ‖∇f‖ = {fmt(_slope(), 2)}")
    if lost:
        rates_lost = sorted({r.learning_rate for r in lost})
        text += (f": at η = {_and([fmt(v) for v in rates_lost])} they {_end_words(lost)} by step "
                 f"{max(r.event_step for r in lost)}")
    far = min(bests[k].distance for k in RECTIFIED)
    return text + f"; at their best rates they are still {_at_least(far)} or more from the minimum at step {STEPS}."


def _arrival(r: Result) -> str:
    """'stays within 0.01 from step 168' or 'ends 0.15 from it'."""
    return f"stays within {fmt(RADIUS)} from step {r.steps}" if r.steps is not None else f"ends {fmt(r.distance, 2)} from it"


def _adamw(trials: dict[str, list[Result]], adamw: Result) -> str:
    """AdamW against Adam at the same rate."""
    adam = next(r for r in trials["adam"] if r.learning_rate == adamw.learning_rate)
    return (f"AdamW is Adam plus a decoupled weight decay that pulls it towards the origin: at η = "
            f"{fmt(adamw.learning_rate)}, where Adam {_arrival(adam)}, AdamW is still {fmt(adamw.distance, 2)} from the "
            f"minimum at step {STEPS}, {engine.STATUS_NAMES[adamw.status]}.")


def _lion(lion: Result) -> str:
    """Where Lion's sign steps took it at its best rate."""
    text = f"Lion's sign step is η long in each coordinate however close it is: at its best rate, η = {fmt(lion.learning_rate)}, "
    if lion.first is not None:
        text += f"it came within {fmt(RADIUS)} of the minimum at step {lion.first}, did not stay, and "
    return text + f"ends {fmt(lion.distance, 2)} from it, {engine.STATUS_NAMES[lion.status]}."


def _end_words(results: list[Result]) -> str:
    """'diverge', 'leave the map' or both, for what happened to these runs."""
    codes = sorted({r.status for r in results})
    return " or ".join(engine.STATUS_NAMES[c] for c in codes).replace("diverged", "diverge").replace("left", "leave")


def _measure(lesson: Lesson) -> Finding:
    trials = {k: [trial(k, lr) for lr in rates(k)] for k in contenders()}
    bests = {k: best(t) for k, t in trials.items()}
    table = list(bests.values())
    place = places(table)
    half = len(table) // 2
    fast = [bests[k] for k in SOURCE_FAST]
    placed = [r for r in fast if r.steps is not None]
    never = [r.key for r in fast if r.steps is None]
    adamw, lion = bests["adamw"], bests["lion"]
    return Finding(
        checks=(
            Check(
                "Adam, AdamW, RAdam, RMSProp and Ranger are the fast group: they reach a low loss first.",
                f"Places among {len(table)} (the step from which the path stays within {fmt(RADIUS)} of the minimum, "
                "best of five rates): "
                + ", ".join(f"{_name(r.key)} {place[r.key]} (step {r.steps})" for r in placed)
                + (f"; {_names(never)} never get within {fmt(RADIUS)}" if never else "")
                + f". The top half is places 1–{half}.",
                all(place[r.key] is not None and place[r.key] <= half for r in fast),
            ),
        ),
        numbers={**{f"place/{k}": as_number(p) for k, p in place.items()},
                 **{f"steps/{k}": as_number(r.steps) for k, r in bests.items()},
                 **{f"rate/{k}": r.learning_rate for k, r in bests.items()},
                 **{f"distance/{k}": r.distance for k, r in bests.items()}},
        explanation=(
            f"Ranking: {_ranking(table, place)}. The source ranked training-loss curves of a Transformer translation "
            f"model over 15 epochs, with warmup; here each optimizer runs {STEPS} steps on a 2-D function, without "
            f"warmup. {_adamw(trials, adamw)} {_rectified(trials, bests)} {_lion(lion)}"
        ),
    )


# Drawn on the map, each at its best rate as the check measures it (tests/test_lesson_truth_adaptive.py
# recomputes those rates): the source's five, two that arrive early and Lion.
SHOWN = (("lookahead_yogi", 1.0), ("nadam", 0.3), ("adam", 0.3), ("rmsprop", 0.009), ("adamw", 0.3), ("lion", 0.05),
         ("radam", 0.01), ("ranger", 0.01))

RACE = Lesson(
    number=13,
    slug="optimizer-race",
    title="The optimizer race",
    question="Which adaptive optimizer reaches the minimum first?",
    setup=f"Beale's function from (1, 1.5), {STEPS} steps. Every adaptive optimizer in the catalogue runs at five rates "
    "(0.1, 0.3, 1, 3 and 10 × its default) and keeps its best; they are placed by the step from which the path stays "
    f"within {RADIUS:g} of the minimum (3, 0.5). The map shows the source's five fast ones (Adam, AdamW, RAdam, "
    "RMSProp, Ranger), Lookahead (Yogi), Nadam and Lion, each at its best rate.",
    look_for="Lookahead (Yogi) and Nadam get to (3, 0.5) first, then Adam; RMSProp arrives late; at step 500 AdamW is "
    "still creeping towards the minimum, Lion keeps hopping around it, and RAdam and Ranger are far away. The ranking "
    "of all of them is under the verdict (the legend's 'since step' counts from when a path came to rest there, a few "
    "steps later).",
    claim="In the source's translation experiment Adam, AdamW, RAdam, RMSProp and Ranger reach a low loss within 15 "
    "epochs, ahead of the others.",
    source="Chang, Liang & Li 2024, §4.3.3, Figs. 13 and 14",
    scenario=scenario(
        LANDSCAPE,
        tuple(RunSpec(k, lr, label=f"{_name(k)} η={lr:g}") for k, lr in SHOWN),
        (START,),
        STEPS,
    ),
    measure=_measure,
    zoom=((-0.5, 3.5), (-1.25, 2.0)),
)

__all__ = ["RACE", "SHOWN", "Result", "best", "contenders", "places", "rates", "trial"]
