"""The Neural net page's state: one frozen dataclass that round-trips through the URL.

Query format (every key optional; a missing key means its default):
  model=mlp  data=spirals  n=512  dseed=0  iseed=0  h=16  batch=64   (the NetworkProblem)
  steps=1000
  plane=pca-final|pca-mean|random  view=2d|3d|both  eig=0|1  present=0|1
  r1=adam;lr=0.01;s=cosine;label=…   (runs exactly as the Playground's: trajectories/scenario.py)
The sizes are a few fixed choices (what the page's sliders offer and what one shared server can
train in seconds). `from_query` never raises: a bad value falls back to its default with a
warning in words; `validate` raises for code that builds the object directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from gradscape.landscapes import networks as nets
from gradscape.trajectories import network as nw
from gradscape.trajectories.scenario import VIEWS, Reader, RunSpec, Tracked, encode_runs, run_color, run_labels

WIDTHS = (4, 8, 16, 32)
POINTS = (256, 512, 1024)
BATCHES = (16, 32, 64, 128, 256)
STEPS = (200, 500, 1000, 2000)
PLANES = {
    "pca-final": "PCA of all runs, centred on run 1's final iterate",
    "pca-mean": "PCA of all runs, centred on their mean",
    "random": "filter-normalized random directions (Li et al.)",
}
MAX_SEED = 9999


def default_runs() -> tuple[RunSpec, ...]:
    return (RunSpec("sgd", 0.5), RunSpec("momentum", 0.1), RunSpec("adam", 0.01), RunSpec("rmsprop", 0.003))


@dataclass(frozen=True)
class NetScenario:
    """Everything the Neural net page shows: the problem, the plane, 1–8 runs and the view."""

    problem: nw.NetworkProblem = nw.NetworkProblem()  # the data set's default noise: not in the link
    steps: int = 1000
    plane: str = "pca-final"
    runs: tuple[RunSpec, ...] = field(default_factory=default_runs)
    view: str = "2d"
    eigen: bool = False
    presentation: bool = False

    def shown(self) -> tuple[int, ...]:
        """Indices of the runs switched on (those are trained and drawn)."""
        return tuple(i for i, r in enumerate(self.runs) if r.enabled)

    def net_runs(self) -> tuple[nw.NetRun, ...]:
        """The switched-on runs as the training engine takes them (same mini-batch seed for all)."""
        return tuple(nw.NetRun(r.optimizer, r.lr, dict(r.hyper), r.schedule, dict(r.schedule_params))
                     for r in (self.runs[i] for i in self.shown()))

    def color(self, i: int) -> str:
        return run_color(self.runs, i)

    def label(self, i: int) -> str:
        return run_labels(self.runs)[i]

    def validate(self) -> "NetScenario":
        """Raise ValueError naming the first bad field; return self when all is well."""
        _, warnings = from_query(to_query(self))
        if warnings:
            raise ValueError(warnings[0])
        if not self.runs:
            raise ValueError("at least one run is needed")
        if self.problem.noise is not None:
            raise ValueError("the data noise is not part of the link: leave it None (the data set's default)")
        return self


# (query key, attribute, allowed values or None for a seed), of the problem and of the view.
PROBLEM_FIELDS = (
    ("model", "model", tuple(nets.MODELS)), ("data", "dataset", tuple(nets.DATASETS)), ("n", "n_points", POINTS),
    ("dseed", "data_seed", None), ("iseed", "init_seed", None), ("h", "hidden", WIDTHS), ("batch", "batch_size", BATCHES),
)
VIEW_FIELDS = (("steps", "steps", STEPS), ("plane", "plane", tuple(PLANES)), ("view", "view", VIEWS))


def _changed(obj, default, fields) -> dict[str, str]:
    return {key: str(getattr(obj, attr)) for key, attr, _ in fields if getattr(obj, attr) != getattr(default, attr)}


def to_query(s: NetScenario) -> dict[str, str]:
    """The state as query parameters; defaults are left out to keep links short."""
    d = NetScenario()
    q = {**_changed(s.problem, d.problem, PROBLEM_FIELDS), **_changed(s, d, VIEW_FIELDS)}
    for key, value, default in (("eig", s.eigen, d.eigen), ("present", s.presentation, d.presentation)):
        if value != default:
            q[key] = str(int(value))
    return {**q, **encode_runs(s.runs)}


def from_query(query: dict[str, str]) -> tuple[NetScenario, list[str]]:
    """Parse query parameters into a NetScenario; never raises, returns (state, warnings)."""
    query = Tracked(query)
    r = Reader()
    d = NetScenario()

    def read(default, fields) -> dict:
        kw = {}
        for key, attr, options in fields:
            if key in query:
                value = getattr(default, attr)
                kw[attr] = (r.number(key, query[key], value, lo=0, hi=MAX_SEED, integer=True) if options is None
                            else type(value)(r.choice(key, query[key], tuple(map(str, options)), str(value))))
        return kw

    kw = {"problem": replace(d.problem, **read(d.problem, PROBLEM_FIELDS)), **read(d, VIEW_FIELDS)}
    for key, attr in (("eig", "eigen"), ("present", "presentation")):
        if key in query:
            kw[attr] = r.flag(key, query[key], getattr(d, attr))
    runs = r.runs(query)
    if runs is not None:
        kw["runs"] = runs or default_runs()
    r.unread(query)
    return replace(d, **kw), r.warnings
