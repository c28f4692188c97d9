"""What a lesson is, what its check returns, and the one way a check runs a scenario's run.

A `Lesson` is static text plus a `Scenario` (what the Playground plays) and a `measure`
function that runs the engine and returns a `Finding`: one `Check` per claim of the source,
each with the measured statement and whether the claim holds, an explanation where the run
disagrees with the source, every measured number by name, and extra `Chart`s (plain x/y
series) for what the Playground cannot show (a 1-D online problem, schedule curves, sweeps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from gradscape import trajectories as tr
from gradscape.trajectories.net_scenario import NetScenario
from gradscape.trajectories.scenario import RunSpec, Scenario, run_labels, to_query
from gradscape.viz.lines import Chart

Box = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Check:
    """One claim of the source, what the engine measured, and whether the claim holds."""

    claim: str
    measured: str
    holds: bool


@dataclass(frozen=True, eq=False)
class Finding:
    """The verdict of a lesson, computed from engine records."""

    checks: tuple[Check, ...]
    numbers: dict[str, float]
    explanation: str = ""
    charts: tuple[Chart, ...] = ()

    @property
    def confirmed(self) -> bool:
        return all(c.holds for c in self.checks)

    @property
    def verdict(self) -> str:
        held = sum(c.holds for c in self.checks)
        return "confirmed" if held == len(self.checks) else "partly confirmed" if held else "not confirmed"

    @property
    def statement(self) -> str:
        return " ".join(c.measured for c in self.checks)


@dataclass(frozen=True, eq=False)
class Lesson:
    """A one-click demo of one claim from the sources, with a check that runs the engine."""

    number: int
    slug: str
    title: str
    question: str
    setup: str
    look_for: str
    claim: str
    source: str
    scenario: Scenario | None
    measure: Callable[["Lesson"], Finding] = field(repr=False)
    zoom: Box | None = None  # default camera: the part of the domain worth looking at
    network: NetScenario | None = None  # a lesson on the Neural net page: its setting there

    def check(self) -> Finding:
        """Run the engine and judge the source's claim (the first call compiles)."""
        return self.measure(self)

    def query(self) -> dict[str, str]:
        """The Playground link's query parameters of the lesson's scenario (a lesson with one)."""
        return to_query(self.scenario)


def scenario(landscape: str, runs: tuple[RunSpec, ...], starts: tuple[tuple[float, float], ...], steps: int, **kwargs) -> Scenario:
    """A validated lesson scenario."""
    return Scenario(landscape=landscape, runs=runs, starts=starts, steps=steps, **kwargs).validate()


def run(s: Scenario, i: int, hyper: dict[str, float] | None = None, **overrides) -> tr.RunRecord:
    """Run i of a scenario exactly as the Playground does, optionally with changed arguments."""
    kwargs = s.engine_kwargs(i)
    kwargs["hyper"] = {**kwargs["hyper"], **(hyper or {})}
    kwargs.update(overrides)
    return tr.run(s.landscape, s.runs[i].optimizer, **kwargs)


def run_all(s: Scenario) -> list[tr.RunRecord]:
    """Every run of a scenario, as the Playground runs them."""
    return [run(s, i) for i in range(len(s.runs))]


def labels(s: Scenario) -> list[str]:
    """The runs' legend labels."""
    return list(run_labels(s.runs))
