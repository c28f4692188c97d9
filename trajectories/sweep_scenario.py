"""A sweep as a scenario: everything the Sweeps page shows, round-tripping through a URL.

Query format (every key optional; a missing key means its default):
  sweep=lr|heatmap|basin|trainability  ls=rosenbrock  start=-1.5,2;0,0.5  steps=500  tol=0.0001
  r1=adam;lr=0.01;b1=0.8;s=cosine  r2=…           (the Playground's run format)
  rates=0.0001,1,100                               (learning-rate sweep: low, high, rates per curve)
  x=learning_rate,0.0001,1  y=b1,0,0.999  res=128  color=loss|steps   (heat map and trainability)
Each key is one field of the SWEEP table (below; trajectories/fields.py). The heat map and
trainability views sweep run 1's parameters; the basin map runs up to
MAX_BASIN_RUNS runs on a grid of start points over the landscape's domain. `from_query` never
raises: a bad value falls back to its default with a warning in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from gradscape import optimizers
from gradscape.trajectories import engine, scenario
from gradscape.trajectories.fields import Choice, Field, Kind, Number, Reader, Table, Tracked, fmt
from gradscape.trajectories.scenario import RunSpec, Scenario, kept_colors
from gradscape.trajectories.sweeps import over_work

KINDS = ("lr", "heatmap", "basin", "trainability")
COLOURINGS = ("loss", "steps")
LR_COUNT = (10, 400)
MAX_BASIN_RUNS = 4
RESOLUTION = {"heatmap": (8, 256), "basin": (8, 512), "trainability": (8, 512)}
TOL_RANGE = (1e-8, 1.0)
LEARNING_RATE = "learning_rate"
DEFAULT_RATES = (1e-4, 1.0)


@dataclass(frozen=True)
class Axis:
    """One swept parameter of a heat map: 'learning_rate' or a hyperparameter of run 1, over [low, high]."""

    param: str
    low: float
    high: float



def param_bounds(optimizer: str, param: str) -> tuple[float, float, bool]:
    """(low, high, log) of a sweepable parameter, from the catalogue's metadata."""
    if param == LEARNING_RATE:
        return (*engine.LR_RANGE, True)
    h = optimizers.get(optimizer).hyper(param)
    return h.low, h.high, h.log


def sweepable(optimizer: str) -> tuple[str, ...]:
    """Parameters a heat map can sweep: the learning rate and every real-valued hyperparameter."""
    return (LEARNING_RATE,) + tuple(h.name for h in optimizers.get(optimizer).hypers if not h.integer)


def _default_base() -> Scenario:
    return Scenario(runs=(RunSpec("adam", 0.05), RunSpec("momentum", 1e-3), RunSpec("sgd", 1e-3)))


@dataclass(frozen=True)
class SweepScenario:
    """One sweep view: a Playground scenario (`base`: landscape, runs, start points, steps) and how
    to sweep it. The basin map ignores the start points; gradient noise and mini-batches are off."""

    kind: str = "lr"
    base: Scenario = field(default_factory=_default_base)
    tol: float = 1e-4
    rates: tuple[float, float] = DEFAULT_RATES
    count: int = 100
    x: Axis = Axis(LEARNING_RATE, *DEFAULT_RATES)
    y: Axis = Axis("b1", 0.0, 0.999)
    resolution: int = 128
    colour: str = "loss"

    @property
    def landscape(self) -> str:
        return self.base.landscape

    @property
    def runs(self) -> tuple[RunSpec, ...]:
        return self.base.runs

    @property
    def steps(self) -> int:
        return self.base.steps

    @property
    def start_points(self) -> tuple[tuple[float, float], ...]:
        return self.base.start_points

    def axis_log(self, axis: Axis) -> bool:
        return param_bounds(self.runs[0].optimizer, axis.param)[2]

    def cells(self) -> int:
        """Runs one request asks the engine for."""
        if self.kind == "lr":
            return len(self.runs) * self.count * len(self.start_points)
        return self.resolution**2 * (min(len(self.runs), MAX_BASIN_RUNS) if self.kind == "basin" else 1)

    def over_cap(self) -> str:
        """Why the request is over the per-request work cap (steps weighed by the landscape's cost), in words; '' when it is within."""
        problem = over_work(self.landscape, self.cells(), self.steps)
        return problem and (f"{problem} (it keeps one user from stalling a shared server): lower the resolution, the steps "
                            "or the number of runs.")

    def playground(self, i: int, *, start: tuple[float, float] | None = None, **values: float) -> Scenario:
        """Run i as a Playground scenario from `start` (default: the first start), with `values` set
        (learning_rate and/or hyperparameters); the run keeps its colour."""
        run = self.runs[i]
        lr = values.pop(LEARNING_RATE, run.learning_rate)
        hyper = {**dict(run.hyper), **values}
        spec = replace(run, learning_rate=lr, hyper=tuple(hyper.items()), color=self.base.color(i))
        return Scenario(landscape=self.landscape, runs=kept_colors((spec,)), starts=(start or self.start_points[0],),
                        steps=self.steps, presentation=self.base.presentation)

    def validate(self) -> "SweepScenario":
        """Raise ValueError with the first problem a link of this sweep would report; self otherwise."""
        _, warnings = from_query(to_query(self))
        if warnings:
            raise ValueError(warnings[0])
        return self


def for_run(s: Scenario, i: int) -> SweepScenario:
    """'Sweep this run': a learning-rate sweep of Playground run i, two decades either side of its rate, in
    the run's colour."""
    run = s.runs[i]
    lo, hi = engine.LR_RANGE
    runs = kept_colors((replace(run, enabled=True, color=s.color(i)),))
    base = Scenario(landscape=s.landscape, runs=runs, starts=s.starts, steps=s.steps, presentation=s.presentation)
    return SweepScenario(kind="lr", base=base, rates=(max(lo, run.lr / 100), min(hi, run.lr * 100)))


def _range(r: Reader, key: str, raw: str, default: tuple[float, float], lo: float, hi: float, log: bool) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in raw.split(","))
    except ValueError:
        r.warn(f"'{key}={raw}' is not 'low,high'; using {fmt(default[0])} to {fmt(default[1])}.")
        return default
    if not (lo <= a < b <= hi) or (log and a <= 0):
        r.warn(f"'{key}={raw}' must satisfy {lo:g} ≤ low < high ≤ {hi:g}; using {fmt(default[0])} to {fmt(default[1])}.")
        return default
    return a, b


class BaseKind(Kind):
    """The Playground scenario a sweep runs (its keys are the Playground's); gradient noise and
    mini-batches are off in sweeps."""

    def read(self, r, key, query, default, ctx, name):
        base = scenario.SCENARIO.decode(r, query, default)
        if base.noise or base.batch_size is not None:
            r.warn("sweeps run with exact full-batch gradients; the link's noise and batch size are ignored.")
            base = replace(base, noise=0.0, batch_size=None)
        return base

    def write(self, key, value):
        return scenario.SCENARIO.encode(value, _default_base())


class RatesKind(Kind):
    """`rates=low,high,count`: the learning-rate sweep's range and rates per curve."""

    def parse(self, r, key, raw, default, ctx):
        (rates, count) = default
        low, high, n = (raw.split(",") + ["", "", ""])[:3]
        rates = _range(r, key, f"{low},{high}", rates, *engine.LR_RANGE, True)
        return rates, r.number(f"{key} (count)", n or str(count), count, lo=LR_COUNT[0], hi=LR_COUNT[1], integer=True)

    def format(self, value):
        (low, high), count = value
        return f"{fmt(low)},{fmt(high)},{count}"


@dataclass(frozen=True)
class AxisKind(Kind):
    """`x=param,low,high`: a swept parameter of run 1's optimizer. The default axis is moved to one
    the optimizer has when it has not the default's parameter."""

    name: str

    def read(self, r, key, query, default, ctx, name):
        optimizer = ctx["base"].runs[0].optimizer
        if default.param not in sweepable(optimizer):
            default = Axis(LEARNING_RATE, *DEFAULT_RATES) if self.name == "x" else _first_hyper_axis(optimizer)
        return self.parse(r, name, query[key], default, ctx) if key in query else default

    def parse(self, r, key, raw, default, ctx):
        optimizer = ctx["base"].runs[0].optimizer
        param, _, rest = raw.partition(",")
        if param not in sweepable(optimizer):
            r.warn(f"'{key}': {optimizers.get(optimizer).name} has no sweepable parameter '{param}' "
                   f"(sweepable: {', '.join(sweepable(optimizer))}); using {default.param}.")
            return default
        lo, hi, log = param_bounds(optimizer, param)
        low, high = _range(r, key, rest, DEFAULT_RATES if param == LEARNING_RATE else (lo, hi), lo, hi, log)
        return Axis(param, low, high)

    def format(self, value):
        return f"{value.param},{fmt(value.low)},{fmt(value.high)}"


def _resolution(end: int) -> Callable[[Mapping], int]:
    return lambda ctx: RESOLUTION.get(ctx["kind"], RESOLUTION["basin"])[end]


SWEEP = Table(
    Field("sweep", "kind", Choice(KINDS), "sweep", always=True),
    Field("base", "base", BaseKind(), "the Playground's settings", widget=False, always=True),
    Field("tol", "tol", Number(*TOL_RANGE), "‖∇f‖ tolerance"),
    Field("res", "resolution", Number(_resolution(0), _resolution(1), integer=True), "resolution"),
    Field("color", "colour", Choice(COLOURINGS), "colour by"),
    Field("rates", ("rates", "count"), RatesKind(), "learning rates", widget=False),
    Field("x", "x", AxisKind("x"), "x axis", widget=False),
    Field("y", "y", AxisKind("y"), "y axis", widget=False),
)
"""A sweep's state: the kind first, then the Playground's fields (its base), then the sweep's own."""


def to_query(s: SweepScenario) -> dict[str, str]:
    """The sweep as query parameters (the kind, the base scenario's, then the sweep's); defaults are left out."""
    return SWEEP.encode(s, SweepScenario())


def from_query(query: dict[str, str]) -> tuple[SweepScenario, list[str]]:
    """Parse query parameters into a SweepScenario; never raises, returns (sweep, warnings)."""
    query = Tracked(query)
    r = Reader()
    s = SWEEP.decode(r, query, SweepScenario())
    r.unread(query)
    return s, r.warnings


def _first_hyper_axis(optimizer: str) -> Axis:
    """The y axis a heat map starts from: the optimizer's first real hyperparameter, else the learning rate."""
    names = sweepable(optimizer)
    name = names[1] if len(names) > 1 else LEARNING_RATE
    lo, hi, _ = param_bounds(optimizer, name)
    return Axis(name, lo, hi) if name != LEARNING_RATE else Axis(name, *DEFAULT_RATES)
