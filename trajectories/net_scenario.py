"""The Neural net page's state: one frozen dataclass that round-trips through the URL.

Query format (every key optional; a missing key means its default):
  model=mlp  data=spirals  n=512  dseed=0  iseed=0  h=16  batch=64   (the NetworkProblem)
  steps=1000
  plane=pca-final|pca-mean|random  view=2d|3d|both  eig=0|1  present=0|1
  r1=adam;lr=0.01;s=cosine;label=…   (runs exactly as the Playground's: trajectories/scenario.py)
Each key is one field of the NET table (below; trajectories/fields.py). The sizes are a few fixed choices (what the page's sliders offer and what one shared server can
train in seconds). `from_query` never raises: a bad value falls back to its default with a
warning in words; `validate` raises for code that builds the object directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gradscape.landscapes import networks as nets
from gradscape.trajectories import network as nw
from gradscape.trajectories.fields import Choice, Field, Flag, Number, Reader, Table, Tracked
from gradscape.trajectories.scenario import VIEWS, RunSpec, RunsKind, run_color, run_labels

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


NET = Table(
    Field("model", "problem.model", Choice(lambda: tuple(nets.MODELS)), "model"),
    Field("data", "problem.dataset", Choice(lambda: tuple(nets.DATASETS)), "data set"),
    Field("n", "problem.n_points", Choice(POINTS), "points"),
    Field("dseed", "problem.data_seed", Number(0, MAX_SEED, integer=True), "data seed"),
    Field("iseed", "problem.init_seed", Number(0, MAX_SEED, integer=True), "init seed"),
    Field("h", "problem.hidden", Choice(WIDTHS), "hidden width"),
    Field("batch", "problem.batch_size", Choice(BATCHES), "batch size"),
    Field("steps", "steps", Choice(STEPS), "training steps"),
    Field("plane", "plane", Choice(tuple(PLANES)), "plane"),
    Field("view", "view", Choice(VIEWS), "view"),
    Field("eig", "eigen", Flag(), "top Hessian eigenvalue"),
    Field("present", "presentation", Flag(), "presentation mode", lockable=False),
    Field("r", "runs", RunsKind(), "the list of runs", widget=False, always=True),
)
"""The Neural net page's state (the data noise is the data set's default, not in the link)."""


def to_query(s: NetScenario) -> dict[str, str]:
    """The state as query parameters; defaults are left out to keep links short."""
    return NET.encode(s, NetScenario())


def from_query(query: dict[str, str]) -> tuple[NetScenario, list[str]]:
    """Parse query parameters into a NetScenario; never raises, returns (state, warnings)."""
    query = Tracked(query)
    r = Reader()
    s = NET.decode(r, query, NetScenario())
    r.unread(query)
    return s, r.warnings
