"""Lesson 13: every adaptive optimizer in the catalogue races on one landscape, each at its best
of five learning rates, ranked by steps to tolerance."""

from __future__ import annotations

from typing import NamedTuple

import optimizers
import trajectories as tr
from lessons.base import Check, Finding, Lesson, scenario
from lessons.measures import as_number, best_value, fmt, settle_step
from trajectories.scenario import RunSpec

LANDSCAPE, START, STEPS, TOL = "beale", (1.0, 1.5), 500, 1e-4
RATE_FACTORS = (0.1, 0.3, 1.0, 3.0, 10.0)  # × the catalogue's default rate
ADAPTIVE_FAMILIES = ("adaptive learning rate", "adaptive moment")
ADAPTIVE_WRAPPED = ("lookahead_yogi", "ranger", "ranger21", "swats")  # adaptive cores inside wrappers
SOURCE_FAST = ("adam", "adamw", "radam", "rmsprop", "ranger")


class Result(NamedTuple):
    """One runner: its best rate, steps to tolerance (None: never) and final f − f* at that rate."""

    key: str
    learning_rate: float
    steps: int | None
    gap: float

    @property
    def order(self) -> tuple[float, float, str]:
        return (as_number(self.steps), self.gap, self.key)


def contenders() -> list[str]:
    """Every adaptive optimizer of the catalogue."""
    return [k for k, o in optimizers.REGISTRY.items() if o.family in ADAPTIVE_FAMILIES or k in ADAPTIVE_WRAPPED]


def rates(key: str) -> list[float]:
    return [float(f"{optimizers.get(key).default_lr * f:.6g}") for f in RATE_FACTORS]


def _hyper(key: str) -> dict[str, float]:
    """Run-length settings that some optimizers need (Ranger21's warm-down)."""
    return {"total_steps": STEPS} if "total_steps" in optimizers.get(key).defaults() else {}


def _race(key: str, f_min: float) -> Result:
    results = []
    for lr in rates(key):
        rec = tr.run(LANDSCAPE, key, learning_rate=lr, hyper=_hyper(key), starts=[START], steps=STEPS)
        gap = rec.losses[0] - f_min
        results.append(Result(key, lr, settle_step(gap, TOL), float(gap[-1])))
    return min(results, key=lambda r: r.order)


def standings() -> list[Result]:
    """All contenders, fastest first (ties: lower final loss, then name)."""
    f_min = best_value(LANDSCAPE)
    return sorted((_race(k, f_min) for k in contenders()), key=lambda r: r.order)


def _name(key: str) -> str:
    return optimizers.get(key).name


def _steps(r: Result) -> str:
    return f"within tolerance after {r.steps} steps" if r.steps is not None else "never within tolerance"


def _measure(lesson: Lesson) -> Finding:
    table = standings()
    rank = {r.key: i + 1 for i, r in enumerate(table)}
    half = len(table) // 2
    ranking = "; ".join(f"{rank[r.key]}. {_name(r.key)} {fmt(r.steps)} (η {fmt(r.learning_rate)})" for r in table)
    fast = [next(r for r in table if r.key == k) for k in SOURCE_FAST]
    return Finding(
        checks=(
            Check(
                "Adam, AdamW, RAdam, RMSProp and Ranger are the fast group: they reach a low loss first.",
                f"Their ranks among {len(table)}: "
                + ", ".join(f"{_name(r.key)} {rank[r.key]}" for r in fast)
                + f" (top half: 1–{half}). Steps to f − f* ≤ {fmt(TOL)}, best of five rates: {ranking}.",
                all(rank[r.key] <= half for r in fast),
            ),
        ),
        numbers={**{f"rank/{r.key}": rank[r.key] for r in table}, **{f"steps/{r.key}": as_number(r.steps) for r in table},
                 **{f"rate/{r.key}": r.learning_rate for r in table}},
        explanation=(
            "The source ranked training-loss curves of a Transformer translation model over 15 epochs, with warmup; "
            f"here each optimizer runs {STEPS} steps on a 2-D function, without warmup, at the best of five rates. "
            "Where the five stand: "
            + "; ".join(f"{_name(r.key)}: {_steps(r)}, final f − f* {fmt(max(r.gap, 0.0))} at η {fmt(r.learning_rate)}"
                        for r in fast)
            + ". AdamW's decoupled weight decay pulls it towards the origin, so its fixed point is not the minimum."
        ),
    )


# The eight fastest as measured by the check (tests/test_lessons.py keeps this list honest).
PODIUM = (("lookahead_yogi", 1.0), ("lion", 0.5), ("nadam", 0.3), ("qhadam", 0.3), ("adabelief", 0.3),
          ("nadam_torch", 0.3), ("adabound", 0.3), ("adam", 0.3))

RACE = Lesson(
    number=13,
    slug="optimizer-race",
    title="The optimizer race",
    question="Which adaptive optimizer reaches the minimum first?",
    setup=f"Beale's function from (1, 1.5), {STEPS} steps. Every adaptive optimizer in the catalogue runs at five rates "
    "(0.1, 0.3, 1, 3 and 10 × its default) and keeps its best; they are ranked by the steps after which f − f* "
    f"stays below {TOL:g}. The map shows the eight fastest.",
    look_for="The leaders cut across Beale's flat arm to (3, 0.5) in about a hundred steps; the rankings beside the "
    "map list all the others, including those that never get there.",
    claim="In the source's translation experiment Adam, AdamW, RAdam, RMSProp and Ranger reach a low loss within 15 "
    "epochs, ahead of the others.",
    source="Chang, Liang & Li 2024, §4.3.3, Figs. 13 and 14",
    scenario=scenario(
        "optimizer-race",
        LANDSCAPE,
        tuple(RunSpec(k, lr, tuple(_hyper(k).items()), label=f"{_name(k)} η={lr:g}") for k, lr in PODIUM),
        (START,),
        STEPS,
    ),
    measure=_measure,
    zoom=((-0.5, 3.5), (-1.25, 2.0)),
)

__all__ = ["RACE", "Result", "contenders", "rates", "standings"]
