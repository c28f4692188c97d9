"""The one state object: everything a view shows, as a frozen dataclass that round-trips
through a URL query string (TensorFlow Playground's model).

Query format (every key optional; a missing key means its default):
  ls=rosenbrock  start=-1.5,2;0,0.5  steps=500  noise=0  batch=32  seed=0
  ls=custom  f=(x^2-1)^2+2*y^2  dom=-2,2,-1.5,1.5   (a typed landscape; see landscapes/custom.py)
  view=2d|3d|both  logy=1  present=0   (lesson=<slug>, in older links, is read and ignored)
  t=120   (the step the player's playhead stands on, 0 … steps; missing: 0, the start)
  r1=adam;lr=0.01;b1=0.8;s=cosine;s.min_ratio=0.1;label=Adam%20fast;color=1f77b4;on=1
  r2=sgd;B=1   (a run's own batch size on a data landscape; `batch` is the default of runs without one)
  r2=… (up to MAX_RUNS runs, numbered from 1)
Each key is one field of the SCENARIO table and each run's `name=value` one of the RUN table
(below; trajectories/fields.py): the link codec, the widgets (ui/fields.py), the compute keys and
the locks are derived from them. `from_query` never raises: a malformed or out-of-range value
falls back to its default and adds a warning in words; `validate` raises for code paths that build
scenarios directly.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping
from urllib.parse import quote, unquote

from gradscape import landscapes
from gradscape import optimizers
from gradscape import schedules
from gradscape.trajectories import engine, typed
from gradscape.trajectories.fields import MISSING, Choice, Field, Flag, Kind, Number, Reader, Table, Tracked, fmt

MAX_RUNS = 8
MAX_STARTS = 16
VIEWS = ("2d", "3d", "both")
PALETTE = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324")
_COLOR = re.compile(r"^#?[0-9a-fA-F]{6}$")
MAX_LABEL = 40
RUN_KEY = re.compile(r"r\d{1,4}")  # r1 … r9999: more digits would be a number Python refuses to read


@dataclass(frozen=True)
class RunSpec:
    """One optimizer run: the optimizer, its rate, hyperparameters, schedule and looks."""

    optimizer: str = "adam"
    learning_rate: float | None = None
    hyper: tuple[tuple[str, float], ...] = ()
    schedule: str = "constant"
    schedule_params: tuple[tuple[str, float], ...] = ()
    label: str = ""
    color: str = ""
    enabled: bool = True
    batch_size: int | None = None  # data landscapes only; None: the scenario's batch size

    @property
    def lr(self) -> float:
        return optimizers.get(self.optimizer).default_lr if self.learning_rate is None else self.learning_rate

    def numbers(self) -> "RunSpec":
        """Only what decides this run's numbers (the RUN fields that compute), resolved: its rate, its
        parameters in name order, no batch of its own (a scenario resolves it). A cache key's run."""
        run = replace(self, learning_rate=self.lr, batch_size=None, hyper=tuple(sorted(self.hyper)),
                      schedule_params=tuple(sorted(self.schedule_params)))
        return RunSpec(**{f.attr: f.get(run) for f in RUN.computing()})

    def display_label(self) -> str:
        return self.label or optimizers.get(self.optimizer).name

    def engine_kwargs(self) -> dict:
        return dict(
            hyper=dict(self.hyper),
            learning_rate=self.lr,
            schedule=self.schedule,
            schedule_params=dict(self.schedule_params),
        )


def _default_runs() -> tuple[RunSpec, ...]:
    return (RunSpec("sgd", 1e-3), RunSpec("momentum", 1e-3), RunSpec("adam", 0.05))


def run_color(runs: tuple[RunSpec, ...], i: int) -> str:
    """Run i's own colour, else the palette's i-th: what every view that lists runs draws it in."""
    c = runs[i].color
    return ("#" + c.lstrip("#")) if c else PALETTE[i % len(PALETTE)]


def drawn_colors(runs: tuple[RunSpec, ...]) -> tuple[RunSpec, ...]:
    """The runs, each carrying the colour it is drawn in now (before the list is reordered)."""
    return tuple(replace(run, color=run_color(runs, i)) for i, run in enumerate(runs))


def kept_colors(runs: tuple[RunSpec, ...]) -> tuple[RunSpec, ...]:
    """Runs that carry their colours, with each colour written only where the palette would not give it
    at the run's position: every run keeps its colour, and links stay short."""
    return tuple(replace(run, color="" if run.color.lower() == PALETTE[i % len(PALETTE)] else run.color)
                 for i, run in enumerate(runs))


def free_color(runs: tuple[RunSpec, ...]) -> str:
    """The first palette colour no run is drawn in (a new run's, assigned once)."""
    used = {run_color(runs, i).lower() for i in range(len(runs))}
    return next((c for c in PALETTE if c not in used), PALETTE[len(runs) % len(PALETTE)])


def _short(v: float) -> str:
    return f"{v:.3g}"


def _traits(run: RunSpec) -> dict[str, str]:
    """What can tell two runs of one name apart, as the words a label would add."""
    opt = optimizers.get(run.optimizer)
    sched = schedules.get(run.schedule)
    hyper = {h.name: h for h in opt.hypers}
    traits = {"optimizer": opt.name, "schedule": sched.name, "lr": f"η={_short(run.lr)}"}
    for name, value in opt.resolve(dict(run.hyper)).items():
        traits[f"h.{name}"] = f"{hyper[name].label or name}={_short(value)}"
    params = {h.name: h for h in sched.params}
    for name, value in {**sched.defaults(), **dict(run.schedule_params)}.items():
        traits[f"s.{run.schedule}.{name}"] = f"{params[name].label or name}={_short(value)}"
    traits["batch"] = "" if run.batch_size is None else f"B={run.batch_size}"
    return traits


@functools.lru_cache(maxsize=1024)
def run_labels(runs: tuple[RunSpec, ...]) -> tuple[str, ...]:
    """Each run's name in legends, tables and exports: its label, else its optimizer's name; where runs
    share a name, the settings in which they differ are added ("Adam · cosine", "Adam · η=0.01"), and
    runs alike in every setting are numbered ("Adam (2)")."""
    names = [run.display_label() for run in runs]
    labels = list(names)
    for name in set(names):
        group = [i for i, n in enumerate(names) if n == name]
        if len(group) < 2:
            continue
        traits = {i: _traits(runs[i]) for i in group}
        keys = dict.fromkeys(k for i in group for k in traits[i])
        differ = [k for k in keys if len({traits[i][k] for i in group if k in traits[i]}) > 1]
        for i in group:
            labels[i] = " · ".join([name, *(t for k in differ if (t := traits[i].get(k, "")))])
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[i] = f"{label} ({seen[label]})"
    return tuple(labels)


@dataclass(frozen=True)
class Scenario:
    """Everything a view shows. Empty `starts` means the landscape's first default start."""

    landscape: str = "rosenbrock"
    runs: tuple[RunSpec, ...] = field(default_factory=_default_runs)
    starts: tuple[tuple[float, float], ...] = ()
    steps: int = 500
    noise: float = 0.0
    batch_size: int | None = None
    seed: int = 0
    view: str = "2d"
    log_loss: bool = True
    presentation: bool = False
    playhead: int = 0  # the step the player shows; never beyond `steps`

    def __post_init__(self) -> None:
        if self.playhead > self.steps:  # a run made shorter: its playhead stands at the new end
            object.__setattr__(self, "playhead", self.steps)

    @property
    def start_points(self) -> tuple[tuple[float, float], ...]:
        return self.starts or (typed.landscape(self.landscape).default_start,)

    def color(self, i: int) -> str:
        return run_color(self.runs, i)

    def label(self, i: int) -> str:
        return run_labels(self.runs)[i]

    def batch_of(self, i: int) -> int | None:
        """Run i's batch size: its own, else the scenario's (None: full batch or no data)."""
        own = self.runs[i].batch_size
        return self.batch_size if own is None else own

    def engine_kwargs(self, i: int) -> dict:
        """Arguments of `trajectories.run` for run i (all start points as one batch)."""
        return dict(
            starts=self.start_points,
            steps=self.steps,
            noise=self.noise,
            batch_size=self.batch_of(i),
            seed=self.seed,
            **self.runs[i].engine_kwargs(),
        )

    def compute_key(self, i: int) -> "Scenario":
        """Only what decides run i's numbers (the SCENARIO and RUN fields that compute), resolved: the
        default start, the run's batch and rate, parameters in name order. The cache key of its trace."""
        resolved = replace(self, starts=self.start_points, batch_size=self.batch_of(i))
        return Scenario(**{f.attr: f.get(resolved) for f in SCENARIO.computing()}, runs=(self.runs[i].numbers(),))

    def validate(self) -> "Scenario":
        """Raise ValueError naming the first bad field; return self when all is well."""
        _, warnings = from_query(to_query(self))
        if warnings:
            raise ValueError(warnings[0])
        return self


class LandscapeKind(Kind):
    """`ls=<key>`, or a typed landscape as `ls=custom&f=…&dom=…` (landscapes/custom.py)."""

    def read(self, r, key, query, default, ctx, name):
        if key not in query:
            return MISSING
        ls = query[key]
        if ls == "custom" or landscapes.custom.is_custom(ls):
            try:
                if not landscapes.custom.is_custom(ls):
                    ls = landscapes.custom.key_from_link(query.get("f", ""), query.get("dom"))
                typed.landscape(ls)
                return ls
            except ValueError as err:
                r.warn(f"custom landscape: {str(err).rstrip('.')}; using {typed.landscape(default).name}.")
                return default
        if ls not in landscapes.REGISTRY:
            r.warn(f"unknown landscape '{ls}'; using {typed.landscape(default).name}.")
            return default
        return ls

    def write(self, key, value):
        return {key: "custom", **landscapes.custom.link_fields(value)} if landscapes.custom.is_custom(value) else {key: value}


def _read_starts(r: Reader, raw: str, landscape: str) -> tuple[tuple[float, float], ...]:
    ls = typed.landscape(landscape)
    out = []
    for chunk in raw.split(";")[:MAX_STARTS]:
        try:
            x, y = (float(v) for v in chunk.split(","))
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ValueError
        except ValueError:
            r.warn(f"start point '{chunk}' is not 'x,y'; ignored.")
            continue
        if not ls.contains((x, y)):
            r.warn(f"start point ({x:g}, {y:g}) is outside the domain of {ls.name}; ignored.")
            continue
        out.append((x, y))
    if len(raw.split(";")) > MAX_STARTS:
        r.warn(f"only the first {MAX_STARTS} start points are used.")
    return tuple(out)


def format_starts(starts: tuple[tuple[float, float], ...]) -> str:
    """Start points as the Playground's text box shows them: 'x, y; x, y'."""
    return "; ".join(f"{x:.6g}, {y:.6g}" for x, y in starts)


class StartsKind(Kind):
    """`start=x,y;x,y` (up to MAX_STARTS, each inside the landscape's domain); typed as 'x, y; x, y'."""

    def parse(self, r, key, raw, default, ctx):
        return _read_starts(r, raw, ctx["landscape"])

    def format(self, value):
        return ";".join(f"{fmt(x)},{fmt(y)}" for x, y in value)

    def to_widget(self, value, state):
        return format_starts(value)

    def from_widget(self, raw, state):
        r = Reader()
        text = raw.strip()
        starts = _read_starts(r, ";".join(c.replace(" ", "") for c in text.split(";")), state.landscape) if text else ()
        if r.warnings:
            raise ValueError(" ".join(r.warnings))
        return starts


class BatchKind(Kind):
    """A mini-batch size of the landscape's data (None: full batch); only data landscapes have one."""

    def read(self, r, key, query, default, ctx, name):
        if key not in query:
            return MISSING
        data = typed.landscape(ctx["landscape"]).data
        if data is None:
            r.warn(f"'{key}' applies only to data landscapes; {typed.landscape(ctx['landscape']).name} has none. Ignored.")
            return MISSING
        return r.number(key, query[key], None, lo=1, hi=data.size, integer=True)

    def to_widget(self, value, state):
        data = typed.landscape(state.landscape).data
        return MISSING if data is None else value or data.size

    def from_widget(self, raw, state):
        data = typed.landscape(state.landscape).data
        return None if data is None or int(raw) >= data.size else int(raw)


class RunsKind(Kind):
    """The runs `r1=…`, `r2=…` (at most MAX_RUNS, in number order; the RUN table's format each).
    `data_size` gives the sample count of the landscape read so far (None: no data, no 'B')."""

    def __init__(self, data_size: Callable[[Mapping], int | None] = lambda ctx: None) -> None:
        self.data_size = data_size

    def read(self, r, key, query, default, ctx, name):
        run_keys = sorted((k for k in dict.keys(query) if RUN_KEY.fullmatch(k)), key=lambda k: int(k[1:]))
        if not run_keys:
            return MISSING
        if len(run_keys) > MAX_RUNS:
            r.warn(f"only the first {MAX_RUNS} runs are used; ignored: {', '.join(run_keys[MAX_RUNS:])}.")
            query.read.update(run_keys)
        data_size = self.data_size(ctx)
        runs = tuple(spec for k in run_keys[:MAX_RUNS] if (spec := read_run(r, k, query[k], data_size)) is not None)
        return runs or default

    def write(self, key, value):
        return encode_runs(value)


def _data_size(ctx: Mapping) -> int | None:
    data = typed.landscape(ctx["landscape"]).data
    return None if data is None else data.size


SCENARIO = Table(
    Field("ls", "landscape", LandscapeKind(), "landscape", computes=True, widget=False, always=True),
    Field("start", "starts", StartsKind(), "start points", computes=True),
    Field("steps", "steps", Number(1, engine.MAX_STEPS, integer=True), "steps", computes=True),
    Field("noise", "noise", Number(0, engine.MAX_NOISE), "gradient noise", computes=True),
    Field("batch", "batch_size", BatchKind(), "batch size", computes=True),
    Field("seed", "seed", Number(0, 2**31 - 1, integer=True), "seed", computes=True),
    Field("view", "view", Choice(VIEWS), "view"),
    Field("logy", "log_loss", Flag(), "log loss axis"),
    Field("present", "presentation", Flag(), "presentation mode", lockable=False),
    Field("t", "playhead", Number(0, lambda ctx: ctx["steps"], integer=True), "playhead", lockable=False, widget=False),
    Field("r", "runs", RunsKind(_data_size), "the list of runs", widget=False, always=True),
    ignored=("lesson",),
)
"""The Playground's state (and the Lessons' and the Sweeps' base). `ls` is written first, and read
before the fields whose ranges depend on it."""


@dataclass(frozen=True)
class EntryKind(Kind):
    """A catalogue entry by key; an unknown one falls back to `fallback` (called `fallback_name`) with a warning."""

    registry: Mapping
    what: str
    fallback: str
    fallback_name: str

    def parse(self, r, key, raw, default, ctx):
        if raw in self.registry:
            return raw
        r.warn(f"{key.rpartition('.')[0]}: unknown {self.what} '{raw}'; using {self.fallback_name}.")
        return self.fallback


class RateKind(Number):
    """A learning rate; a bad one falls back to the optimizer's default rate."""

    def parse(self, r, key, raw, default, ctx):
        return super().parse(r, key, raw, optimizers.get(ctx["optimizer"]).default_lr, ctx)


class RunBatchKind(Kind):
    """A run's own batch size (data landscapes only; None: the scenario's)."""

    def parse(self, r, key, raw, default, ctx):
        if ctx["data_size"] is None:
            r.warn(f"{key.rpartition('.')[0]}: 'B' (batch size) applies only to data landscapes; ignored.")
            return default
        return r.number(key, raw, None, lo=1, hi=ctx["data_size"], integer=True)


@dataclass(frozen=True)
class ParamsKind(Kind):
    """Named numbers declared by the catalogue entry read before (an optimizer's hyperparameters,
    written `b1=0.8`, or a schedule's parameters, written `s.min_ratio=0.1`), in declaration order."""

    declared: Callable[[Mapping], tuple]
    prefix: str = ""

    def read(self, r, key, query, default, ctx, name):
        out = []
        run = name.rpartition(".")[0]
        for h in self.declared(ctx):
            link_key = self.prefix + h.name
            if link_key in query:
                out.append((h.name, r.number(f"{run}.{link_key}", query[link_key], h.default, lo=h.low, hi=h.high,
                                             integer=h.integer)))
        return tuple(out)

    def write(self, key, value):
        return {self.prefix + k: fmt(v) for k, v in value}


class LabelKind(Kind):
    def parse(self, r, key, raw, default, ctx):
        text = unquote(raw)
        if len(text) > MAX_LABEL:
            r.warn(f"{key.rpartition('.')[0]}: the label is cut to its first {MAX_LABEL} characters.")
        return text[:MAX_LABEL]

    def format(self, value):
        return quote(value, safe="")


class ColorKind(Kind):
    def parse(self, r, key, raw, default, ctx):
        if _COLOR.match(raw):
            return "#" + raw.lstrip("#")
        r.warn(f"{key.rpartition('.')[0]}: colour '{raw}' is not a hex colour like 1f77b4; using the palette.")
        return default

    def format(self, value):
        return value.lstrip("#")


RUN = Table(
    Field("opt", "optimizer", EntryKind(optimizers.REGISTRY, "optimizer", "adam", "Adam"), "optimizer", computes=True,
          always=True),
    Field("lr", "learning_rate", RateKind(*engine.LR_RANGE), "learning rate", computes=True),
    Field("h", "hyper", ParamsKind(lambda ctx: optimizers.get(ctx["optimizer"]).hypers), "hyperparameters", computes=True),
    Field("B", "batch_size", RunBatchKind(), "batch size", computes=True),
    Field("s", "schedule", EntryKind(schedules.REGISTRY, "schedule", "constant", "constant"), "schedule", computes=True),
    Field("sp", "schedule_params", ParamsKind(lambda ctx: schedules.get(ctx["schedule"]).params, "s."),
          "schedule parameters", computes=True),
    Field("label", "label", LabelKind(), "label"),
    Field("color", "color", ColorKind(), "colour"),
    Field("on", "enabled", Flag(), "on/off"),
)
"""One run, written `adam;lr=0.01;b1=0.8;s=cosine;s.min_ratio=0.1;label=…;color=1f77b4;on=0`: the
optimizer first, then `name=value` pairs (hyperparameters and schedule parameters by their own names)."""


def encode_run(run: RunSpec) -> str:
    """One run as a link value (defaults left out)."""
    q = RUN.encode(run, RunSpec())
    return ";".join([q.pop("opt"), *(f"{k}={v}" for k, v in q.items())])


def read_run(r: Reader, key: str, raw: str, data_size: int | None = None) -> RunSpec | None:
    """One run's link value; `data_size` is the landscape's sample count (None: no data, no 'B')."""
    fields = [f for f in raw.split(";") if f]
    if not fields:
        r.warn(f"'{key}' is empty; ignored.")
        return None
    pairs = Tracked({"opt": fields[0]})
    for f in fields[1:]:
        k, sep, v = f.partition("=")
        if not sep:
            r.warn(f"{key}: '{f}' is not name=value; ignored.")
        else:
            pairs[k] = v
    run = RUN.decode(r, pairs, RunSpec(), prefix=f"{key}.", context={"data_size": data_size})
    for k in sorted(dict.keys(pairs) - pairs.read):
        owner = f"schedule {schedules.get(run.schedule).name}" if k.startswith("s.") else optimizers.get(run.optimizer).name
        r.warn(f"{key}: {owner} has no parameter '{k.removeprefix('s.')}'; ignored.")
    return run


def encode_runs(runs: tuple[RunSpec, ...]) -> dict[str, str]:
    """The runs as query parameters r1, r2, …"""
    return {f"r{i}": encode_run(run) for i, run in enumerate(runs, start=1)}


def to_query(s: Scenario) -> dict[str, str]:
    """The scenario as query parameters; defaults are left out to keep links short."""
    return SCENARIO.encode(s, Scenario())


def from_query(query: dict[str, str]) -> tuple[Scenario, list[str]]:
    """Parse query parameters into a Scenario; never raises, returns (scenario, warnings). Every key
    that is not a setting is named in a warning; `lesson=`, which older links carry, is ignored."""
    query = Tracked(query)
    r = Reader()
    s = SCENARIO.decode(r, query, Scenario())
    r.unread(query)
    return s, r.warnings

def with_run(s: Scenario, i: int, **changes) -> Scenario:
    """A copy of the scenario with run i changed."""
    runs = list(s.runs)
    runs[i] = replace(runs[i], **changes)
    return replace(s, runs=tuple(runs))
