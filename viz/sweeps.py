"""Sweep results as compact maps and charts: what the Sweeps page draws. No Streamlit here.

A map is an image of cells, each with a category (a known minimum reached, diverged, …) and a
shade within it (steps taken, final loss), sent to the browser as uint8 arrays plus uint16 steps
and float16 losses for the hover text: 4–6 bytes a cell, not a Plotly point per cell. The
learning-rate sweep is a small Plotly figure (a few hundred points per curve).
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from gradscape import optimizers
from gradscape.memo import ByteLRU
from gradscape.trajectories import costs, engine, sweeps, typed
from gradscape.trajectories.scenario import Scenario
from gradscape.trajectories.sweep_scenario import LEARNING_RATE, MAX_BASIN_RUNS, Axis, SweepScenario
from gradscape.viz.axes import log_axis, log_ticks
from gradscape.viz.player import encode_array
from gradscape.viz.text import plotly_text

Progress = Callable[[float], None]
KIND_NAMES = {"lr": "Loss vs learning rate", "heatmap": "Hyperparameter heat map", "basin": "Basins of attraction",
              "trainability": "Trainability boundary"}
CACHE_BYTES = 64 * 2**20  # sweep results: 14 bytes a map cell (4 basin maps at 512² ≈ 15 MB), a rate sweep ≈ 5–50 kB
BASIN_RADIUS = 0.02  # a final point within this fraction of the domain's width of a known minimum has reached it
GLOBAL_GAP = 1e-6  # minima whose loss is within this of the lowest known are global
LOSS_FLOOR = 1e-12  # final loss − f* is drawn no lower than this on log axes
VIRIDIS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
MINIMA_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4")  # not the runs' palette
DIVERGED = ("#3a3a3a",)
LEFT = ("#9e9e9e",)
STILL = ("#d9d2c5",)


@dataclass(frozen=True)
class Category:
    """A class of cells and its colour ramp (one colour: flat; several: shade 0 → first … 255 → last)."""

    name: str
    colours: tuple[str, ...]


@dataclass(frozen=True)
class MapAxis:
    label: str
    low: float
    high: float
    log: bool
    n: int

    def centres(self) -> np.ndarray:
        """Cell centres (geometric on a log axis) to the 6 significant digits a link carries, so the
        Playground run a cell opens is exactly the run the cell shows."""
        edges = np.geomspace(self.low, self.high, self.n + 1) if self.log else np.linspace(self.low, self.high, self.n + 1)
        mid = np.sqrt(edges[:-1] * edges[1:]) if self.log else (edges[:-1] + edges[1:]) / 2
        return np.array([float(f"{v:.6g}") for v in mid])


@dataclass(frozen=True, eq=False)
class SweepMap:
    """One picture: cat[i, j] indexes `categories`, shade[i, j] in 0…255, row i is y, column j is x."""

    title: str
    note: str
    x: MapAxis
    y: MapAxis
    cat: np.ndarray
    shade: np.ndarray
    step: np.ndarray
    loss: np.ndarray | None
    categories: tuple[Category, ...]
    shade_label: str
    marks: tuple[tuple[float, float, str], ...] = ()  # points drawn on the map (a basin map's known minima)
    status: np.ndarray | None = None  # engine status per cell, for the exports (the browser reads `cat`)

    @functools.cached_property
    def payload(self) -> dict:
        """The map for the browser (computed once per map: a cached result is sent again on every rerun)."""
        arrays = {"cat": encode_array(self.cat, "u1"), "shade": encode_array(self.shade, "u1"),
                  "step": encode_array(self.step, "<u2")}
        if self.loss is not None:
            arrays["loss"] = encode_array(self.loss, "<f2")
        digest = hashlib.blake2b("|".join(arrays.values()).encode(), digest_size=8).hexdigest()
        return {
            "title": self.title, "note": self.note, "shadeLabel": self.shade_label, "digest": digest,
            "x": vars(self.x), "y": vars(self.y), **arrays, "marks": [list(m) for m in self.marks],
            "categories": [{"name": c.name, "colours": list(c.colours)} for c in self.categories],
        }


@dataclass(frozen=True, eq=False)
class Maps:
    maps: tuple[SweepMap, ...]


def reference_loss(landscape: str) -> float | None:
    """f* of the landscape (`Landscape.f_star`; None when no minimum is known)."""
    return typed.landscape(landscape).f_star


def loss_gap(landscape: str, loss: np.ndarray) -> np.ndarray:
    """final loss − f* (f* the lowest known minimum, else the lowest finite loss given), floored at LOSS_FLOOR."""
    ref = reference_loss(landscape)
    finite = np.isfinite(loss)
    if ref is None:
        ref = float(np.min(loss[finite])) if finite.any() else 0.0
    with np.errstate(invalid="ignore"):
        return np.where(finite, np.maximum(loss - ref, LOSS_FLOOR), np.inf)


def axis_label(optimizer: str, param: str) -> str:
    """How an axis (and its picker) names a sweepable parameter: "learning rate η", "β1 (b1)"."""
    if param == LEARNING_RATE:
        return "learning rate η"
    h = optimizers.get(optimizer).hyper(param)
    return f"{h.label} ({h.name})" if h.label and h.label != h.name else h.name


def _map_axis(s: SweepScenario, axis: Axis) -> MapAxis:
    return MapAxis(axis_label(s.runs[0].optimizer, axis.param), axis.low, axis.high, s.axis_log(axis), s.resolution)


def _collect(chunks, progress: Progress, done: int, total: int) -> sweeps.LaneRecord:
    """Join a sweep's chunks, reporting progress (lanes done of `total` across the request) after each."""
    parts = []
    for finished, _, rec in chunks:
        parts.append(rec)
        progress((done + finished) / total)
    return sweeps.LaneRecord.concat(parts)


def _engine_kwargs(s: SweepScenario, i: int) -> dict:
    return dict(steps=s.steps, tol=s.tol, **s.runs[i].engine_kwargs())


def _run_lanes(s: SweepScenario, i: int, starts: np.ndarray, vary: dict, progress: Progress, done: int,
               total: int) -> sweeps.LaneRecord:
    """Run i of the sweep over `starts` × `vary`."""
    chunks = sweeps.lane_chunks(s.landscape, s.runs[i].optimizer, starts, vary, **_engine_kwargs(s, i))
    return _collect(chunks, progress, done, total)


def _run_grid(s: SweepScenario, progress: Progress) -> tuple[MapAxis, MapAxis, np.ndarray, np.ndarray, sweeps.LaneRecord]:
    """Run 1 over the x × y grid of its parameters from the first start: axes, cell values, record."""
    _check(s)
    x, y = _map_axis(s, s.x), _map_axis(s, s.y)
    X, Y = np.meshgrid(x.centres(), y.centres())
    chunks = sweeps.grid_chunks(s.landscape, s.runs[0].optimizer, s.start_points[0], (s.x.param, x.centres()),
                                (s.y.param, y.centres()), **_engine_kwargs(s, 0))
    return x, y, X, Y, _collect(chunks, progress, 0, s.resolution**2)


def _shade(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """values in [lo, hi] → 0…255 (a flat range shades 0)."""
    span = hi - lo if hi > lo else 1.0
    return np.clip(np.round(255 * (values - lo) / span), 0, 255).astype(np.uint8)


def _log_range(gap: np.ndarray) -> tuple[float, float]:
    """The colour range of log₁₀ gaps: 1st to 99th percentile, so a few extreme cells do not wash out the rest."""
    finite = gap[np.isfinite(gap)]
    if not len(finite):
        return 0.0, 1.0
    lo, hi = np.percentile(np.log10(finite), (1, 99))
    return float(lo), float(hi)


def _steps_taken(rec: sweeps.LaneRecord, steps: int) -> np.ndarray:
    return np.where(rec.status == engine.RUNNING, steps, rec.event_step).astype(np.uint16)


def _check(s: SweepScenario) -> None:
    problem = s.over_cap()
    if problem:
        raise ValueError(problem)


def size_words(s: SweepScenario) -> str:
    """How much the sweep computes, in words."""
    return f"{s.cells():,} runs of {s.steps:,} steps each."


def too_big(s: SweepScenario) -> str:
    """Why a sweep over the per-request limit (its steps weighed by the landscape's cost) is not run, and what to lower, in words."""
    times = math.ceil(10 * sweeps.work(s.landscape, s.cells(), s.steps) / sweeps.MAX_WORK) / 10
    factor = costs.relative_cost(s.landscape)
    costly = f"; a step on this landscape costs about {factor:.2g}× one on most others" if factor > 1 else ""
    return (f"This sweep ({s.cells():,} runs of {s.steps:,} steps each{costly}) asks for {times:g}× the work one sweep may take "
            "on a shared server: lower the resolution, the steps or the number of runs.")


def heatmap(s: SweepScenario, progress: Progress = lambda f: None) -> Maps:
    """Run 1 over the x × y grid of its parameters from the first start, coloured by final loss or by
    the step from which ‖∇f‖ stays within the ‖∇f‖ tolerance."""
    x, y, X, Y, rec = _run_grid(s, progress)
    shape = (s.resolution, s.resolution)
    gap = loss_gap(s.landscape, rec.loss)
    diverged = rec.status == engine.DIVERGED
    left = rec.status == engine.LEFT_DOMAIN
    run = s.runs[0]
    if s.colour == "steps":
        stationary = rec.status == engine.STATIONARY
        cats = (Category(f"‖∇f‖ stays ≤ {s.tol:g} to the end", VIRIDIS), Category(f"‖∇f‖ > {s.tol:g} at step {s.steps}", STILL),
                Category("diverged", DIVERGED), Category("left the map", LEFT))
        cat = np.select([stationary, diverged, left], [0, 2, 3], 1)
        shade = _shade(rec.event_step.astype(float), 0, s.steps)
        label = f"step from which ‖∇f‖ stays ≤ {s.tol:g}: 0 … {s.steps}"
        note = f"{np.mean(stationary):.0%} of settings keep ‖∇f‖ ≤ {s.tol:g} from some step to the end of {s.steps}"
    else:
        lo, hi = _log_range(gap)
        cats = (Category("final loss − f*", VIRIDIS), Category("diverged", DIVERGED), Category("left the map", LEFT))
        cat = np.select([diverged, left], [1, 2], 0)
        shade = _shade(np.log10(np.where(np.isfinite(gap), gap, 10**hi)), lo, hi)
        label = f"log₁₀(final loss − f*): {lo:.1f} … {hi:.1f}"
        best = int(np.argmin(np.where(cat == 0, gap, np.inf)))
        note = f"best: {x.label} = {X.ravel()[best]:.3g}, {y.label} = {Y.ravel()[best]:.3g} (final loss − f* = {gap[best]:.3g})"
    title = f"{run.display_label()} on {typed.landscape(s.landscape).name}, {s.steps} steps"
    return Maps((SweepMap(title, note, x, y, cat.reshape(shape).astype(np.uint8), shade.reshape(shape),
                          _steps_taken(rec, s.steps).reshape(shape), gap.reshape(shape), cats, label,
                          status=rec.status.reshape(shape)),))


def trainability(s: SweepScenario, progress: Progress = lambda f: None) -> Maps:
    """Trainable (stays bounded) vs diverged over the x × y window, as in Sohl-Dickstein (2024):
    trainable cells shaded by final loss, diverged ones by how fast they blew up."""
    x, y, _, _, rec = _run_grid(s, progress)
    shape = (s.resolution, s.resolution)
    gap = loss_gap(s.landscape, rec.loss)
    bad = (rec.status == engine.DIVERGED) | (rec.status == engine.LEFT_DOMAIN)
    lo, hi = _log_range(np.where(bad, np.inf, gap))
    good_shade = _shade(np.log10(np.where(np.isfinite(gap), gap, 10**hi)), lo, hi)
    bad_shade = _shade(rec.event_step.astype(float), 0, s.steps)
    cats = (Category("trainable (stays bounded)", ("#08306b", "#4292c6", "#c6dbef")),
            Category("diverged or left the map", ("#67000d", "#ef3b2c", "#fcbba1")))
    label = f"blue: log₁₀(final loss − f*) {lo:.1f} … {hi:.1f}; red: step it blew up, 0 … {s.steps}"
    title = f"Trainability of {s.runs[0].display_label()} on {typed.landscape(s.landscape).name}"
    note = f"{1 - np.mean(bad):.1%} of this window trains; zoom (drag a box) to recompute the window at {s.resolution}²"
    return Maps((SweepMap(title, note, x, y, bad.reshape(shape).astype(np.uint8), np.where(bad, bad_shade, good_shade).reshape(shape),
                          _steps_taken(rec, s.steps).reshape(shape), gap.reshape(shape), cats, label,
                          status=rec.status.reshape(shape)),))


def basin_grid(landscape: str, n: int) -> tuple[MapAxis, MapAxis, np.ndarray]:
    """Cell-centred n × n start points over the domain, (n², 2), x fastest."""
    (x0, x1), (y0, y1) = typed.landscape(landscape).domain
    x, y = MapAxis("x", x0, x1, False, n), MapAxis("y", y0, y1, False, n)
    X, Y = np.meshgrid(x.centres(), y.centres())
    return x, y, np.stack([X.ravel(), Y.ravel()], axis=1)


def basin_labels(landscape: str, rec: sweeps.LaneRecord) -> np.ndarray:
    """Per lane: index of the known minimum its final point lies within BASIN_RADIUS·width of; else
    M (still moving), M+1 (diverged), M+2 (left the map), for M known minima."""
    ls = typed.landscape(landscape)
    m = len(ls.minima)
    (x0, x1), (y0, y1) = ls.domain
    label = np.full(len(rec.status), m)
    if m:
        minima = np.array([p.xy for p in ls.minima])
        with np.errstate(invalid="ignore"):
            dist = np.linalg.norm(rec.positions[:, None, :] - minima[None], axis=2)
        nearest = np.argmin(np.where(np.isfinite(dist), dist, np.inf), axis=1)
        close = np.take_along_axis(dist, nearest[:, None], axis=1)[:, 0] <= BASIN_RADIUS * max(x1 - x0, y1 - y0)
        label = np.where(close, nearest, m)
    return np.select([rec.status == engine.DIVERGED, rec.status == engine.LEFT_DOMAIN], [m + 1, m + 2], label)


def global_minima(landscape: str) -> np.ndarray:
    """Indices (into minima) of the global ones: loss within GLOBAL_GAP of the lowest known."""
    ls = typed.landscape(landscape)
    if not ls.minima:
        return np.zeros(0, int)
    values = np.asarray(ls.f(np.array([p.xy for p in ls.minima]).T))
    return np.flatnonzero(values <= values.min() + GLOBAL_GAP)


def _lighter(hex_colour: str, amount: float) -> str:
    v = int(hex_colour.lstrip("#"), 16)
    rgb = [(v >> s) & 255 for s in (16, 8, 0)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


def basin_categories(landscape: str) -> tuple[Category, ...]:
    """One colour per known minimum (dark: reached fast, light: slowly), then still moving, diverged, left."""
    ls = typed.landscape(landscape)
    cats = []
    for i, p in enumerate(ls.minima):
        c = MINIMA_COLOURS[i % len(MINIMA_COLOURS)]
        cats.append(Category(f"{p.label or p.kind} ({p.x:.3g}, {p.y:.3g})", (c, _lighter(c, 0.7))))
    return (*cats, Category("still moving", STILL), Category("diverged", DIVERGED), Category("left the map", LEFT))


def basins(s: SweepScenario, progress: Progress = lambda f: None) -> Maps:
    """Up to MAX_BASIN_RUNS runs from every start of an n × n grid over the domain, side by side."""
    _check(s)
    x, y, starts = basin_grid(s.landscape, s.resolution)
    runs = s.runs[:MAX_BASIN_RUNS]
    cats = basin_categories(s.landscape)
    glob = global_minima(s.landscape)
    marks = tuple((p.x, p.y, p.label or p.kind) for p in typed.landscape(s.landscape).minima)
    n, shape, maps = len(starts), (s.resolution, s.resolution), []
    for i, run in enumerate(runs):
        rec = _run_lanes(s, i, starts, {}, progress, i * n, n * len(runs))
        label = basin_labels(s.landscape, rec)
        taken = _steps_taken(rec, s.steps)
        share = np.mean(np.isin(label, glob)) if len(glob) else 0.0
        note = f"{share:.1%} of starts reach a global minimum" if len(glob) else "no known minimum"
        maps.append(SweepMap(f"{s.base.label(i)} (η = {run.lr:g})", note, x, y, label.reshape(shape).astype(np.uint8),
                             _shade(taken.astype(float), 0, s.steps).reshape(shape), taken.reshape(shape), None, cats,
                             f"dark: reached in few steps, light: in many (up to {s.steps})", marks,
                             rec.status.reshape(shape)))
    return Maps(tuple(maps))


@dataclass(frozen=True, eq=False)
class RateCurve:
    """One optimizer's learning-rate sweep: rates (R,), final loss − f* per rate and start (R, S),
    status and the step of its event (stationary, diverged, left) (R, S)."""

    label: str
    colour: str
    rates: np.ndarray
    gap: np.ndarray
    status: np.ndarray
    event_step: np.ndarray

    def median(self) -> np.ndarray:
        """Median over starts; a diverged or departed start counts as +∞."""
        bad = np.isin(self.status, (engine.DIVERGED, engine.LEFT_DOMAIN))
        return np.median(np.where(bad, np.inf, self.gap), axis=1)

    def best(self) -> int | None:
        """Index of the rate with the lowest median final loss (None when every rate diverged)."""
        med = self.median()
        return int(np.argmin(med)) if np.isfinite(med).any() else None


@dataclass(frozen=True, eq=False)
class RateSweep:
    curves: tuple[RateCurve, ...]


def cell_target(s: SweepScenario, maps: Maps, click: dict) -> Scenario | None:
    """The Playground scenario of a clicked cell {map, row, col} (None when the click is unreadable):
    the start point of a basin map's cell, or run 1 with a heat map cell's two parameter values."""
    try:
        i, row, col = int(click["map"]), int(click["row"]), int(click["col"])
        m = maps.maps[i]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    if not (0 <= row < m.y.n and 0 <= col < m.x.n):
        return None
    x, y = float(m.x.centres()[col]), float(m.y.centres()[row])
    if s.kind == "basin":
        return s.playground(i, start=(x, y))
    return s.playground(0, **{s.x.param: x, s.y.param: y})


def rate_target(s: SweepScenario, point: dict) -> Scenario | None:
    """The Playground scenario of a clicked point of the rate figure (its customdata is the run index)."""
    try:
        i, lr = int(point["customdata"]), float(point["x"])
    except (KeyError, TypeError, ValueError):
        return None
    return s.playground(i, learning_rate=float(f"{lr:.6g}")) if 0 <= i < len(s.runs) else None


def rate_sweep(s: SweepScenario, progress: Progress = lambda f: None) -> RateSweep:
    """Every run over `count` log-spaced rates in `rates`, from each start point."""
    _check(s)
    rates = np.geomspace(*s.rates, s.count)
    starts = np.array(s.start_points, float)
    lanes = len(rates) * len(starts)
    curves = []
    for i, run in enumerate(s.runs):
        rec = _run_lanes(s, i, np.tile(starts, (len(rates), 1)), {LEARNING_RATE: np.repeat(rates, len(starts))}, progress,
                         i * lanes, lanes * len(s.runs))
        shape = (len(rates), len(starts))
        curves.append(RateCurve(s.base.label(i), s.base.color(i), rates,
                                loss_gap(s.landscape, rec.loss).reshape(shape), rec.status.reshape(shape),
                                rec.event_step.reshape(shape)))
    return RateSweep(tuple(curves))


BAND_ROW_PX = 24  # one row of the failed-rate band per run that has one


def _log_span(values: list[np.ndarray]) -> tuple[float, float]:
    """log₁₀ [lo, hi] of the finite positive values, widened by 5 % of the decades they span (at
    least a quarter decade each way), so the curves fill the plot."""
    v = np.concatenate([np.ravel(a) for a in values]) if values else np.zeros(0)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return 0.0, 1.0
    lo, hi = math.log10(float(v.min())), math.log10(float(v.max()))
    pad = max(0.05 * (hi - lo), 0.25)
    return lo - pad, hi + pad


def failed_rates(c: RateCurve) -> tuple[np.ndarray, np.ndarray]:
    """Rates without a median (half the starts or more failed), as two masks (R,): most of the
    failures diverged, most left the map."""
    gone = ~np.isfinite(c.median())
    diverged = np.sum(c.status == engine.DIVERGED, axis=1) >= np.sum(c.status == engine.LEFT_DOMAIN, axis=1)
    return gone & diverged, gone & ~diverged


def row_names(curves: tuple[RateCurve, ...]) -> list[str]:
    """One band row name per run: its label, numbered where two runs share one."""
    labels = [c.label for c in curves]
    return [f"{label} ({i + 1})" if labels.count(label) > 1 else label for i, label in enumerate(labels)]


def quartiles_over_starts(c: RateCurve, several: bool) -> np.ndarray:
    """(2, R) first and third quartile over starts (a failed start counts as +∞); (0, R) for one start."""
    if not several:
        return np.zeros((0, len(c.rates)))
    bad = np.isin(c.status, (engine.DIVERGED, engine.LEFT_DOMAIN)) | ~np.isfinite(c.gap)
    with np.errstate(invalid="ignore"):  # between two +∞ the interpolation is ∞ − ∞: NaN, read back as +∞
        q = np.percentile(np.where(bad, np.inf, c.gap), (25, 75), axis=1)
    return np.where(np.isnan(q), np.inf, q)


def rate_figure(sweep: RateSweep, s: SweepScenario) -> dict:
    """Final loss − f* against η (log-log), one curve per run: the median over starts with its
    quartile band when there are several, the y axis fitted to those values. Rates without a median
    (✕ most starts diverged, △ most left the map) sit on a band of their own above the plot, one
    row per run, never at a huge loss; each run's best rate starred. Every point opens its run."""
    several = len(s.start_points) > 1
    quartiles = [quartiles_over_starts(c, several) for c in sweep.curves]
    lo, hi = _log_span([c.median() for c in sweep.curves] + quartiles)
    names = [plotly_text(n) for n in row_names(sweep.curves)]
    rows, data = [], []
    for i, (c, q) in enumerate(zip(sweep.curves, quartiles)):
        med = c.median()
        label = plotly_text(c.label)
        ok = np.isfinite(med)
        if several and ok.any():
            r = c.rates[ok]
            q1, q3 = (np.minimum(v[ok], 10 ** (hi + 1)) for v in q)  # an infinite quartile runs off the top
            data.append({"type": "scatter", "x": np.r_[r, r[::-1]].tolist(), "y": np.r_[q3, q1[::-1]].tolist(),
                         "fill": "toself", "fillcolor": _lighter(c.colour, 0.75), "opacity": 0.5, "line": {"width": 0},
                         "hoverinfo": "skip", "showlegend": False, "legendgroup": label})
        data.append({"type": "scatter", "mode": "lines+markers", "name": label, "legendgroup": label,
                     "x": c.rates.tolist(), "y": np.where(ok, med, np.nan).tolist(),
                     "line": {"color": c.colour, "width": 2}, "marker": {"size": 5}, "customdata": [i] * len(c.rates),
                     "hovertemplate": "η = %{x:.3g}<br>final loss − f* = %{y:.3g}<extra>" + label + "</extra>"})
        fails = failed_rates(c)
        if any(hit.any() for hit in fails):
            rows.append(names[i])
        for hit, symbol, word in zip(fails, ("x", "triangle-up"), ("diverged", "left the map")):
            if hit.any():
                data.append({"type": "scatter", "mode": "markers", "name": f"{label}: {word}", "legendgroup": label,
                             "showlegend": False, "yaxis": "y2", "x": c.rates[hit].tolist(), "y": [names[i]] * int(hit.sum()),
                             "customdata": [i] * int(hit.sum()), "marker": {"symbol": symbol, "size": 9, "color": c.colour},
                             "hovertemplate": "η = %{x:.3g}: " + word + "<extra>" + label + "</extra>"})
        best = c.best()
        if best is not None:
            data.append({"type": "scatter", "mode": "markers", "name": f"best {label}", "legendgroup": label,
                         "showlegend": False, "x": [float(c.rates[best])], "y": [float(med[best])], "customdata": [i],
                         "marker": {"symbol": "star", "size": 16, "color": c.colour, "line": {"color": "#000", "width": 1}},
                         "hovertemplate": "best η = %{x:.3g}<br>final loss − f* = %{y:.3g}<extra>" + label + "</extra>"})
    rates = np.concatenate([c.rates for c in sweep.curves]) if sweep.curves else np.zeros(0)
    return {"data": data, "layout": _rate_layout(s, rows, (lo, hi), rates)}


def _rate_layout(s: SweepScenario, rows: list[str], y_range: tuple[float, float], rates: np.ndarray) -> dict:
    """The chart's axes: the rate axis over `rates` and the loss axis over `y_range` (log₁₀), both
    ticked in decades or whole numbers (viz/axes.py), and, when a run has failed rates, the band above
    it with one category row per such run (first run on top) and its key."""
    f_star = reference_loss(s.landscape)
    y_title = f"final loss − f* (f* = {f_star:.4g})" if f_star is not None else "final loss − lowest final loss"
    plot, band = 340, BAND_ROW_PX * len(rows)
    gap = 18 if rows else 0
    total = plot + gap + band
    layout = {
        "height": total + 24 + 96, "margin": {"l": 60, "r": 10, "t": 24, "b": 96},
        "xaxis": {"title": {"text": "learning rate η"}, **log_axis(rates.tolist())},
        "yaxis": {"title": {"text": y_title}, "type": "log", "exponentformat": "power", "range": list(y_range),
                  "domain": [0, plot / total], **log_ticks(10 ** y_range[0], 10 ** y_range[1])},
        "legend": {"orientation": "h", "y": -62 / total, "yanchor": "top"},
    }
    if rows:
        layout["yaxis2"] = {"type": "category", "categoryarray": rows[::-1], "domain": [(plot + gap) / total, 1],
                            "range": [-0.5, len(rows) - 0.5], "fixedrange": True, "tickfont": {"size": 11},
                            "automargin": True, "anchor": "x"}
        layout["shapes"] = [{"type": "rect", "xref": "paper", "yref": "y2 domain", "x0": 0, "x1": 1, "y0": 0, "y1": 1,
                             "fillcolor": "#f3f3f6", "line": {"width": 0}, "layer": "below"}]
        layout["annotations"] = [{"xref": "paper", "yref": "paper", "x": 0.0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                                  "text": "No final loss at these rates: ✕ diverged   △ left the map", "showarrow": False,
                                  "font": {"size": 12, "color": "#555"}}]
    return layout


_CACHE = ByteLRU(CACHE_BYTES)
COMPUTE = {"lr": rate_sweep, "heatmap": heatmap, "basin": basins, "trainability": trainability}


def _complete(s: SweepScenario, progress: Progress) -> RateSweep | Maps:
    """The result with each map's browser payload made now: what the cache keeps is weighed whole."""
    result = COMPUTE[s.kind](s, progress)
    if isinstance(result, Maps):
        for m in result.maps:
            m.payload
    return result


def compute(s: SweepScenario, progress: Progress = lambda f: None):
    """The sweep's result (RateSweep or Maps), cached per setting across sessions (at most CACHE_BYTES
    in all, least recently used out); raises ValueError for bad settings."""
    return _CACHE.get(s, lambda key: _complete(key, progress))
