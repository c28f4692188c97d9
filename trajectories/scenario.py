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
`from_query` never raises: a malformed or out-of-range value falls back to its default and
adds a warning in words; `validate` raises for code paths that build scenarios directly.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field, replace
from typing import Collection
from urllib.parse import quote, unquote

from gradscape import landscapes
from gradscape import optimizers
from gradscape import schedules
from gradscape.trajectories import engine

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
        return self.starts or (landscapes.get(self.landscape).default_start,)

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

    def validate(self) -> "Scenario":
        """Raise ValueError naming the first bad field; return self when all is well."""
        _, warnings = from_query(to_query(self))
        if warnings:
            raise ValueError(warnings[0])
        return self


def fmt(v: float) -> str:
    return f"{v:.6g}"


def encode_run(run: RunSpec) -> str:
    """One run as a link value: `adam;lr=0.01;b1=0.8;s=cosine;…` (defaults left out)."""
    parts = [run.optimizer]
    if run.learning_rate is not None:
        parts.append(f"lr={fmt(run.learning_rate)}")
    parts += [f"{k}={fmt(v)}" for k, v in run.hyper]
    if run.batch_size is not None:
        parts.append(f"B={run.batch_size}")
    if run.schedule != "constant":
        parts.append(f"s={run.schedule}")
    parts += [f"s.{k}={fmt(v)}" for k, v in run.schedule_params]
    if run.label:
        parts.append(f"label={quote(run.label, safe='')}")
    if run.color:
        parts.append(f"color={run.color.lstrip('#')}")
    if not run.enabled:
        parts.append("on=0")
    return ";".join(parts)


def to_query(s: Scenario) -> dict[str, str]:
    """The scenario as query parameters; defaults are left out to keep links short."""
    d = Scenario()
    q: dict[str, str] = {"ls": s.landscape}
    if landscapes.custom.is_custom(s.landscape):
        q = {"ls": "custom", **landscapes.custom.link_fields(s.landscape)}
    if s.starts:
        q["start"] = ";".join(f"{fmt(x)},{fmt(y)}" for x, y in s.starts)
    for key, value, default in [
        ("steps", s.steps, d.steps), ("noise", s.noise, d.noise), ("batch", s.batch_size, d.batch_size),
        ("seed", s.seed, d.seed), ("view", s.view, d.view), ("logy", int(s.log_loss), int(d.log_loss)),
        ("present", int(s.presentation), int(d.presentation)),
        ("t", s.playhead, d.playhead),
    ]:
        if value != default:
            q[key] = fmt(value) if isinstance(value, float) else str(value)
    return {**q, **encode_runs(s.runs)}


def encode_runs(runs: tuple[RunSpec, ...]) -> dict[str, str]:
    """The runs as query parameters r1, r2, …"""
    return {f"r{i}": encode_run(run) for i, run in enumerate(runs, start=1)}


class Reader:
    """Collects warnings while reading untrusted query values (shared by every view's state object)."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def number(self, key: str, raw: str, default, *, lo: float, hi: float, integer: bool = False):
        try:
            v = float(raw)
            if not math.isfinite(v) or (integer and v != int(v)):
                raise ValueError
        except ValueError:
            self.warn(f"'{key}={raw}' is not a {'whole ' if integer else ''}number; using {default}.")
            return default
        if not lo <= v <= hi:
            self.warn(f"'{key}={raw}' is outside [{lo:g}, {hi:g}]; using {default}.")
            return default
        return int(v) if integer else v

    def choice(self, key: str, raw: str, options: tuple[str, ...], default: str) -> str:
        if raw in options:
            return raw
        self.warn(f"'{key}={raw}' is not one of {', '.join(options)}; using {default}.")
        return default

    def flag(self, key: str, raw: str, default: bool) -> bool:
        if raw in ("0", "1"):
            return raw == "1"
        self.warn(f"'{key}={raw}' should be 0 or 1; using {int(default)}.")
        return default

    def starts(self, raw: str, landscape: str) -> tuple[tuple[float, float], ...]:
        ls = landscapes.get(landscape)
        out = []
        for chunk in raw.split(";")[:MAX_STARTS]:
            try:
                x, y = (float(v) for v in chunk.split(","))
                if not (math.isfinite(x) and math.isfinite(y)):
                    raise ValueError
            except ValueError:
                self.warn(f"start point '{chunk}' is not 'x,y'; ignored.")
                continue
            if not ls.contains((x, y)):
                self.warn(f"start point ({x:g}, {y:g}) is outside the domain of {ls.name}; ignored.")
                continue
            out.append((x, y))
        if len(raw.split(";")) > MAX_STARTS:
            self.warn(f"only the first {MAX_STARTS} start points are used.")
        return tuple(out)

    def custom(self, query: dict[str, str], default: str) -> str:
        """The typed landscape of ls=custom&f=…&dom=… (or of a full ls=custom:… key), parsed and built so
        that every later use succeeds; `default` with a warning saying what was wrong otherwise."""
        try:
            key = query["ls"]
            if not landscapes.custom.is_custom(key):
                key = landscapes.custom.key_from_link(query.get("f", ""), query.get("dom"))
            landscapes.get(key)
            return key
        except ValueError as err:
            self.warn(f"custom landscape: {err}; using {landscapes.get(default).name}.")
            return default

    def run(self, key: str, raw: str, data_size: int | None = None) -> RunSpec | None:
        """One run's value; `data_size` is the landscape's sample count (None: no data, no 'B')."""
        fields = [f for f in raw.split(";") if f]
        if not fields:
            self.warn(f"'{key}' is empty; ignored.")
            return None
        name = fields[0]
        if name not in optimizers.REGISTRY:
            self.warn(f"{key}: unknown optimizer '{name}'; using Adam.")
            name = "adam"
        opt = optimizers.get(name)
        spec: dict = {"optimizer": name}
        hyper: dict[str, float] = {}
        sched_params: dict[str, float] = {}
        sched = "constant"
        pending: list[tuple[str, str]] = []
        for f in fields[1:]:
            k, sep, v = f.partition("=")
            if not sep:
                self.warn(f"{key}: '{f}' is not name=value; ignored.")
            elif k == "s":
                if v in schedules.REGISTRY:
                    sched = v
                else:
                    self.warn(f"{key}: unknown schedule '{v}'; using constant.")
            else:
                pending.append((k, v))
        for k, v in pending:
            if k == "lr":
                lo, hi = engine.LR_RANGE
                spec["learning_rate"] = self.number(f"{key}.lr", v, opt.default_lr, lo=lo, hi=hi)
            elif k == "label":
                spec["label"] = unquote(v)[:MAX_LABEL]
                if len(unquote(v)) > MAX_LABEL:
                    self.warn(f"{key}: the label is cut to its first {MAX_LABEL} characters.")
            elif k == "color":
                if _COLOR.match(v):
                    spec["color"] = "#" + v.lstrip("#")
                else:
                    self.warn(f"{key}: colour '{v}' is not a hex colour like 1f77b4; using the palette.")
            elif k == "on":
                spec["enabled"] = self.flag(f"{key}.on", v, True)
            elif k == "B":
                if data_size is None:
                    self.warn(f"{key}: 'B' (batch size) applies only to data landscapes; ignored.")
                else:
                    spec["batch_size"] = self.number(f"{key}.B", v, None, lo=1, hi=data_size, integer=True)
            elif k.startswith("s."):
                pname = k[2:]
                info = schedules.get(sched)
                hp = {h.name: h for h in info.params}.get(pname)
                if hp is None:
                    self.warn(f"{key}: schedule {info.name} has no parameter '{pname}'; ignored.")
                else:
                    sched_params[pname] = self.number(f"{key}.{k}", v, hp.default, lo=hp.low, hi=hp.high, integer=hp.integer)
            else:
                hp = {h.name: h for h in opt.hypers}.get(k)
                if hp is None:
                    self.warn(f"{key}: {opt.name} has no parameter '{k}'; ignored.")
                else:
                    hyper[k] = self.number(f"{key}.{k}", v, hp.default, lo=hp.low, hi=hp.high, integer=hp.integer)
        return RunSpec(
            hyper=tuple(hyper.items()), schedule=sched, schedule_params=tuple(sched_params.items()), **spec
        )

    def runs(self, query: dict[str, str], data_size: int | None = None) -> tuple[RunSpec, ...] | None:
        """The runs r1, r2, … of the link (at most MAX_RUNS, in number order); None when it has none.
        Runs over the cap are named in a warning; `data_size` as in `run`."""
        run_keys = sorted((k for k in dict.keys(query) if RUN_KEY.fullmatch(k)), key=lambda k: int(k[1:]))
        if len(run_keys) > MAX_RUNS:
            self.warn(f"only the first {MAX_RUNS} runs are used; ignored: {', '.join(run_keys[MAX_RUNS:])}.")
            if isinstance(query, Tracked):
                query.read.update(run_keys)
        runs = tuple(spec for k in run_keys[:MAX_RUNS] if (spec := self.run(k, query[k], data_size)) is not None)
        return runs if run_keys else None

    def unread(self, query: "Tracked", outer_keys: Collection[str] = ()) -> None:
        """Name in a warning every key of the link that nothing read (nor reads later: `outer_keys`)."""
        for k in sorted(dict.keys(query) - query.read - set(outer_keys)):
            self.warn(f"'{k}' is not a setting of gradscape links; ignored.")


class Tracked(dict):
    """A query whose keys remember being looked up, so that `from_query` can name those it ignored."""

    def __init__(self, query: dict[str, str]) -> None:
        super().__init__(query)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(key)
        return super().__contains__(key)


def from_query(query: dict[str, str], outer_keys: Collection[str] = ()) -> tuple[Scenario, list[str]]:
    """Parse query parameters into a Scenario; never raises, returns (scenario, warnings). Every key
    neither read here nor in `outer_keys` (those a link format built on this one reads itself, as
    the Sweeps page's) is named in a warning."""
    query = Tracked(query)
    r = Reader()
    d = Scenario()
    kw: dict = {}
    ls = query.get("ls", d.landscape)
    if ls == "custom" or landscapes.custom.is_custom(ls):
        ls = r.custom(query, d.landscape)
    elif ls not in landscapes.REGISTRY:
        r.warn(f"unknown landscape '{ls}'; using {landscapes.get(d.landscape).name}.")
        ls = d.landscape
    kw["landscape"] = ls
    if "start" in query:
        kw["starts"] = r.starts(query["start"], ls)
    if "steps" in query:
        kw["steps"] = r.number("steps", query["steps"], d.steps, lo=1, hi=engine.MAX_STEPS, integer=True)
    if "noise" in query:
        kw["noise"] = r.number("noise", query["noise"], d.noise, lo=0, hi=engine.MAX_NOISE)
    if "batch" in query:
        data = landscapes.get(ls).data
        if data is None:
            r.warn(f"'batch' applies only to data landscapes; {landscapes.get(ls).name} has none. Ignored.")
        else:
            kw["batch_size"] = r.number("batch", query["batch"], None, lo=1, hi=data.size, integer=True)
    if "seed" in query:
        kw["seed"] = r.number("seed", query["seed"], d.seed, lo=0, hi=2**31 - 1, integer=True)
    if "view" in query:
        kw["view"] = r.choice("view", query["view"], VIEWS, d.view)
    if "logy" in query:
        kw["log_loss"] = r.flag("logy", query["logy"], d.log_loss)
    if "present" in query:
        kw["presentation"] = r.flag("present", query["present"], d.presentation)
    query.get("lesson")  # older links name the lesson they came from: read, and ignored
    if "t" in query:
        kw["playhead"] = r.number("t", query["t"], d.playhead, lo=0, hi=kw.get("steps", d.steps), integer=True)
    data = landscapes.get(ls).data
    runs = r.runs(query, None if data is None else data.size)
    if runs is not None:
        kw["runs"] = runs or _default_runs()
    r.unread(query, outer_keys)
    return replace(d, **kw), r.warnings


def with_run(s: Scenario, i: int, **changes) -> Scenario:
    """A copy of the scenario with run i changed."""
    runs = list(s.runs)
    runs[i] = replace(runs[i], **changes)
    return replace(s, runs=tuple(runs))
