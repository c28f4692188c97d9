"""gradscape from Python: what the app's pages compute, from a link, a configuration file or keywords.

`import gradscape` gives these names (loaded on first use, so importing gradscape stays fast and
changes nothing):

    scenario(link_or_file, /) or scenario(**settings)  what a view shows: a Scenario (Playground),
                                                       Lesson, NetScenario (Neural net) or SweepScenario
    run(what)      a Playground, lesson or Neural net scenario computed: `Results` (rows = the results table)
    sweep(what)    a Sweeps view computed: `Results` (one row per run or map)
    export(what, path)   a file of what `run`/`sweep` computed, its format from the suffix: .csv .json
                   .html (the interactive page, offline) .png .svg (a picture) .gif .mp4 (an animation)
    landscapes, optimizers, schedules   the catalogues: `REGISTRY` (key → entry) and `get(key)` each
    register_optimizer, register_torch_optimizer   your own optimizer (gradscape.trajectories.plugins)

Links are read as strictly as the command line reads them: where the app would open a link with a
change and a warning, these raise ValueError naming it. Nothing here configures JAX: runs are in
float32, which needs no setting (the `gradscape` command line calls
`gradscape.trajectories.runtime.configure()` first, as the app does).

    >>> import gradscape
    >>> s = gradscape.scenario("http://localhost:8501/?ls=himmelblau&r1=adam;lr=0.1&r2=sgd;lr=0.01&steps=100")
    >>> s.landscape, [(r.optimizer, r.lr) for r in s.runs], s.steps
    ('himmelblau', [('adam', 0.1), ('sgd', 0.01)], 100)
    >>> results = gradscape.run(s)
    >>> [row["run"] for row in results.rows]
    ['Adam', 'SGD']
    >>> print(results.table())  # doctest: +NORMALIZE_WHITESPACE
    run   start   final loss  end  nearest minimum  distance
    Adam  (0, 0)  ...
    SGD   (0, 0)  ...at a global minimum since step ...
    >>> gradscape.scenario("http://localhost:8501/?ls=himmelblau&r1=adamm")
    Traceback (most recent call last):
    ...
    ValueError: the link: r1: unknown optimizer 'adamm'; using Adam. Not run: the app would open it with that change.
    >>> "adam" in gradscape.optimizers.REGISTRY, gradscape.landscapes.get("himmelblau").name
    (True, 'Himmelblau')
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from gradscape.lessons.base import Finding, Lesson
from gradscape.trajectories import typed
from gradscape.trajectories.net_scenario import NetScenario
from gradscape.trajectories.plugins import register_optimizer, register_torch_optimizer
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.trajectories.sweep_scenario import SweepScenario
from gradscape.viz import animate, export as files, network_export, render, sweep_export
from gradscape.viz import network as vn
from gradscape.viz import sweeps as vs
from gradscape.viz.player import results_rows, run_trace
from gradscape.viz.results_table import cell_text
from gradscape.api import links

Source = str | os.PathLike
View = Scenario | NetScenario | SweepScenario | Lesson
FORMATS = {
    "Playground": (".csv", ".json", ".html", ".png", ".svg", ".gif", ".mp4"),
    "Neural net": (".csv", ".json", ".html"),
    "Sweeps": (".csv", ".json", ".html", ".png", ".svg"),
}
RUN_FIELDS = ("optimizer", "learning_rate", "schedule", "schedule_params", "label", "color", "enabled", "batch_size")


def _run_spec(run: str | Mapping[str, Any] | RunSpec) -> RunSpec:
    """A run from an optimizer key, a RunSpec, or a dict of RunSpec fields whose other keys are the
    optimizer's hyperparameters ({"optimizer": "adam", "learning_rate": 0.1, "b1": 0.8})."""
    if isinstance(run, RunSpec):
        return run
    if isinstance(run, str):
        return RunSpec(run)
    if not isinstance(run, Mapping) or "optimizer" not in run:
        raise ValueError(f"a run is an optimizer key, a RunSpec or a dict with an 'optimizer', got {run!r}")
    fields = {k: v for k, v in run.items() if k in RUN_FIELDS}
    if isinstance(fields.get("schedule_params"), Mapping):
        fields["schedule_params"] = tuple(fields["schedule_params"].items())
    hyper = tuple((k, v) for k, v in run.items() if k not in RUN_FIELDS)
    return RunSpec(**fields, hyper=hyper)


def scenario(source: Source | View | None = None, /, **settings) -> View:
    """What a view shows, checked: from a link of the app (whole, as Copy link gives it, its path and
    query alone, or its query alone: gradscape.api.links), an exported configuration file (an existing
    file is always read as one), or keywords of a Playground `Scenario` (`landscape`, `runs` — optimizer keys,
    RunSpecs or dicts —, `starts`, `steps`, `noise`, `batch_size`, `seed`, …). A Lessons link gives the
    `Lesson`. ValueError names the first problem.

    >>> s = scenario(landscape="rosenbrock", runs=["adam", {"optimizer": "momentum", "learning_rate": 0.001, "momentum": 0.95}],
    ...              starts=[(-1.5, 2.0)], steps=200)
    >>> [(r.optimizer, r.lr, dict(r.hyper)) for r in s.runs]
    [('adam', 0.1, {}), ('momentum', 0.001, {'momentum': 0.95})]
    >>> scenario("http://localhost:8501/lessons?lesson=saddle-points").title
    'Saddle points'
    >>> scenario("/lessons?lesson=saddle-points") is scenario("?lesson=saddle-points")
    True
    >>> scenario(landscape="rosenbrock", steps=9000)
    Traceback (most recent call last):
    ...
    ValueError: 'steps=9000' is outside [1, 5000]; using 500.
    """
    if source is not None and settings:
        raise ValueError("give a link, a file or keyword settings, not both")
    if source is None:
        if "runs" in settings:
            settings["runs"] = tuple(_run_spec(r) for r in settings["runs"])
        if "starts" in settings:
            try:
                settings["starts"] = tuple((float(x), float(y)) for x, y in settings["starts"])
            except (TypeError, ValueError):
                raise ValueError(f"scenario(): starts must be (x, y) points, got {settings['starts']!r}") from None
        try:
            return Scenario(**settings).validate()
        except TypeError as err:
            raise ValueError(f"scenario(): {err}") from None
    if isinstance(source, (Scenario, NetScenario, SweepScenario)):
        return source.validate()
    if isinstance(source, Lesson):
        return source
    return links.read(source).value


@dataclass(frozen=True, eq=False)
class Results:
    """What `run` or `sweep` computed. `rows` is the results table (one dict per row: per run and start
    point on the Playground, per run on the Neural net page, per run or map of a sweep); `shown` what
    the exports draw (the runs' traces, the PlaneView, or the sweep's maps or curves); `finding` a
    lesson's verdict."""

    view: Scenario | NetScenario | SweepScenario | None
    page: str
    rows: tuple[dict, ...]
    shown: Any
    title: str
    finding: Finding | None = None
    zoom: Any = None
    app_url: str = files.DEFAULT_APP_URL

    def table(self) -> str:
        """The rows as a text table, numbers as the app's results table writes them."""
        if not self.rows:
            return ""
        columns = list(self.rows[0])
        cells = [columns] + [[cell_text(c, row[c]) for c in columns] for row in self.rows]
        widths = [max(len(r[k]) for r in cells) for k in range(len(columns))]
        return "\n".join("  ".join(text.ljust(w) for text, w in zip(r, widths)).rstrip() for r in cells)

    def verdict(self) -> str:
        """A lesson's verdict in words: the verdict, then each claim, whether it holds and what was measured."""
        if self.finding is None:
            return ""
        lines = [f"Verdict: {self.finding.verdict}"]
        for check in self.finding.checks:
            lines.append(f"  {'✓ holds' if check.holds else '✗ does not hold'}: {check.claim}")
            lines.append(f"    {check.measured}")
        if self.finding.explanation:
            lines.append(f"Why: {self.finding.explanation}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return "\n\n".join(part for part in (self.table(), self.verdict()) if part)


@contextmanager
def _bar(show: bool, total: int, unit: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (tqdm; none when `show` is False or stderr is not a terminal):
    yields `advance(done)`, setting how many of `total` are done."""
    if not show:
        yield lambda done: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, file=sys.stderr, disable=None, leave=False, dynamic_ncols=True) as bar:
        def advance(done: int) -> None:
            bar.update(max(0, done - bar.n))

        yield advance


def _playground(s: Scenario, progress: bool) -> list:
    shown = [i for i, r in enumerate(s.runs) if r.enabled]
    traces = []
    with _bar(progress, len(shown), "run") as advance:
        for i in shown:
            traces.append((i, run_trace(s, i)))
            advance(len(traces))
    return traces


def _network(s: NetScenario) -> Results:
    if not s.shown():
        raise ValueError("every run is switched off (on=0): switch one on")
    view = vn.trained_view(s)
    return Results(s, "Neural net", tuple(network_export.results_rows(s, view)), view, f"Neural net {view.record.problem.spec.name}")


def _lesson(lesson: Lesson, progress: bool) -> Results:
    title = f"Lesson {lesson.number} {lesson.title}"
    if lesson.network is not None:
        results = replace(_network(lesson.network), title=title)
    elif lesson.scenario is not None:
        traces = _playground(lesson.scenario, progress)
        results = Results(lesson.scenario, "Playground", tuple(results_rows(lesson.scenario, traces)), traces, title, zoom=lesson.zoom)
    else:
        results = Results(None, "Lessons", (), None, title)
    return replace(results, finding=lesson.check())


def _computed(read: links.Read, progress: bool) -> Results:
    value = read.value
    if isinstance(value, SweepScenario):
        raise ValueError("this is a Sweeps view: compute it with sweep() (gradscape sweep)")
    if isinstance(value, Lesson):
        results = _lesson(value, progress)
    elif isinstance(value, NetScenario):
        results = _network(value)
    else:
        traces = _playground(value, progress)
        if not traces:
            raise ValueError("every run is switched off (on=0): switch one on")
        results = Results(value, "Playground", tuple(results_rows(value, traces)), traces,
                          f"Playground {typed.landscape(value.landscape).name}")
    return replace(results, app_url=read.app_url)


def _read(what: Source | View | links.Read) -> links.Read:
    if isinstance(what, links.Read):
        return what
    if isinstance(what, (str, os.PathLike)):
        return links.read(what)
    return links.Read(scenario(what), "")


def _page(value: View | None) -> str:
    """The page whose exports a view has ("" for a lesson without runs)."""
    if isinstance(value, Lesson):
        return "Neural net" if value.network is not None else "Playground" if value.scenario is not None else ""
    return {Scenario: "Playground", NetScenario: "Neural net", SweepScenario: "Sweeps"}.get(type(value), "")


def exports(what: Results | View) -> tuple[str, ...]:
    """The file suffixes `export` writes for a view (or for what was computed of it), as the app's Export
    menu offers them: none for a lesson whose verdict comes from charts of its own.

    >>> exports(scenario(landscape="himmelblau")), exports(scenario("http://localhost:8501/networks"))
    (('.csv', '.json', '.html', '.png', '.svg', '.gif', '.mp4'), ('.csv', '.json', '.html'))
    """
    if isinstance(what, Results):
        return FORMATS[what.page] if what.view is not None else ()
    return FORMATS.get(_page(what), ())


def check_format(what: Results | View, path: str | os.PathLike, format: str | None = None) -> str:
    """The suffix `export` writes `path` in (`format`, else the path's own), or ValueError naming the
    formats this view has."""
    suffix = f".{format.lower().lstrip('.')}" if format else Path(path).suffix.lower()
    offered = exports(what)
    if not offered:
        raise ValueError(f"{Path(path).name}: this lesson has no runs to export: its verdict comes from charts of its own")
    if suffix not in offered:
        raise ValueError(f"{Path(path).name}: this view exports {', '.join(offered)} files, not {suffix or 'a file without a suffix'}")
    return suffix


def run(what: Source | View | links.Read, *, progress: bool = False) -> Results:
    """Compute a Playground scenario, a lesson (its runs and its verdict) or a Neural net setting, from
    a link, a configuration file or a scenario object, as the app's page does.

    >>> lesson = run("http://localhost:8501/lessons?lesson=adagrad-vanishing-step")
    >>> lesson.finding.verdict in ("confirmed", "partly confirmed", "not confirmed"), lesson.verdict().startswith("Verdict:")
    (True, True)
    """
    return _computed(_read(what), progress)


def sweep(what: Source | SweepScenario | links.Read, *, progress: bool = False) -> Results:
    """Compute a Sweeps view (learning-rate curves, heat map, basins, trainability) from a Sweeps link,
    a sweep configuration file or a SweepScenario.

    >>> r = sweep("http://localhost:8501/sweeps?sweep=lr&ls=himmelblau&r1=adam&rates=0.001,1,10&steps=100")
    >>> row = r.rows[0]
    >>> row["run"], 0.001 <= row["best learning rate"] <= 1
    ('Adam', True)
    """
    read = _read(what)
    s = read.value
    if not isinstance(s, SweepScenario):
        raise ValueError("this is not a Sweeps view: compute it with run() (gradscape run)")
    if s.over_cap():
        raise ValueError(vs.too_big(s))
    with _bar(progress, 1000, "‰") as advance:
        result = vs.compute(s, lambda f: advance(round(1000 * f)))
    title = f"Sweep {vs.KIND_NAMES[s.kind]} {typed.landscape(s.landscape).name}"
    return Results(s, "Sweeps", tuple(sweep_export.summary_rows(result)), result, title, app_url=read.app_url)


def _file(r: Results, suffix: str, step: int | None, progress: bool) -> str | bytes:
    """The export of `r` in the format of `suffix` (checked by `export`)."""
    s = r.view
    if r.page == "Sweeps":
        return {".csv": lambda: sweep_export.sweep_csv(s, r.shown), ".json": lambda: sweep_export.sweep_json(s, r.shown),
                ".html": lambda: sweep_export.sweep_html(s, r.shown, title=r.title, app_url=r.app_url),
                ".png": lambda: sweep_export.png(s, r.shown, *render.PNG_SIZES[0]),
                ".svg": lambda: sweep_export.svg(s, r.shown, *render.SVG_SIZE)}[suffix]()
    if r.page == "Neural net":
        return {".csv": lambda: network_export.network_csv(s, r.shown), ".json": lambda: network_export.network_json(s, r.shown),
                ".html": lambda: network_export.network_html(s, r.shown, title=r.title, app_url=r.app_url)}[suffix]()
    traces = r.shown
    if suffix in (".png", ".svg"):
        at = s.steps if step is None else step
        if not 0 <= at <= s.steps:
            raise ValueError(f"step must be in [0, {s.steps}], got {at}")
        size = render.PNG_SIZES[0] if suffix == ".png" else render.SVG_SIZE
        frame = render.layout(s, traces, *size, r.zoom)
        return render.png(frame, at) if suffix == ".png" else render.svg(frame, at)
    if suffix in (".gif", ".mp4"):
        spec = animate.AnimationSpec(suffix[1:], stride=animate.default_stride(s.steps))
        with _bar(progress, len(animate.frame_steps(s.steps, spec.stride)), "frame") as advance:
            return animate.animation(s, traces, spec, lambda done, total: advance(done), r.zoom)
    return {".csv": lambda: files.trajectories_csv(s, traces), ".json": lambda: files.trajectories_json(s, traces),
            ".html": lambda: files.player_html(replace(s, view="2d" if s.view == "2d" else "both"), traces, title=r.title,
                                               zoom=r.zoom, app_url=r.app_url)}[suffix]()


def export(what: Results | Source | View, path: str | os.PathLike, *, format: str | None = None,
           step: int | None = None, progress: bool = False) -> Path:
    """Write a file of what `run` or `sweep` computed (computing it first when given a link, a file or a
    scenario); its format is `format` or else the path's suffix, as the app's Export menu makes it: .csv, .json, .html
    (the interactive page, offline), .png (1920×1080) and .svg (960×540) of the map at `step` (default:
    the last), .gif and .mp4 (960×540, ≈ 300 frames). The Neural net view has no .png/.svg/.gif/.mp4,
    a sweep no .gif/.mp4. Returns the path written.

    >>> import tempfile, pathlib, json
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "run.json"
    >>> export("http://localhost:8501/?ls=himmelblau&r1=adam;lr=0.1&steps=50", out).name
    'run.json'
    >>> doc = json.loads(out.read_text())
    >>> doc["query"]["ls"], doc["steps"], len(doc["runs"][0]["trajectories"][0]["x"])
    ('himmelblau', 50, 51)
    """
    target = Path(path)
    if not isinstance(what, Results):
        read = _read(what)
        check_format(read.value, target, format)
        what = sweep(read, progress=progress) if isinstance(read.value, SweepScenario) else _computed(read, progress)
    suffix = check_format(what, target, format)
    data = _file(what, suffix, step, progress)
    try:
        target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as err:
        raise ValueError(f"{target}: cannot be written ({err.strerror or err})") from None
    return target


__all__ = ["Results", "check_format", "export", "exports", "register_optimizer", "register_torch_optimizer", "run", "scenario", "sweep"]
