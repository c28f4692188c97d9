"""Frames of a scenario drawn in Python: the 2-D map with the paths, the learning-rate and loss
panels with the playhead. Raster (Pillow) for PNG, GIF and MP4; vector (SVG text) for print.

One drawing description serves both backends: `Frame` lays out the panels and maps data to
pixels, with a key along the bottom (each run's colour and label) so a picture or a recording
explains itself; `draw_static`, `draw_trail` and `draw_heads` issue lines, dots and text to a canvas
(viz/canvases.py: `Raster` or `Svg`). An animation (viz/animate.py) draws the static parts once,
extends the trail incrementally and draws only the heads and playhead per frame. No matplotlib: the landscape's shades are
coloured with a Viridis lookup table built from plotly's colour stops (the browser's scale).
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import plotly.colors
from PIL import Image

from gradscape.trajectories import typed
from gradscape.trajectories.scenario import Scenario
from gradscape.viz.canvases import Raster, Rgb, Svg, text_width
from gradscape.viz.landscape import grid
from gradscape.viz.player import GRID_N, RunTrace, landscape_asset, loss_floor
from gradscape.viz.thinning import kept_steps

CONTOUR_LEVELS = 30
BASE_WIDTH = 960  # type and lines are sized for this width and scaled with the frame
PNG_SIZES = ((1920, 1080), (1280, 720), (960, 540))  # a picture's sizes on offer, the first the default
SVG_SIZE = (960, 540)


@functools.cache
def viridis_lut() -> np.ndarray:
    """(256, 3) uint8: plotly's Viridis stops, linearly interpolated."""
    stops = np.array([plotly.colors.hex_to_rgb(c) for c in plotly.colors.sequential.Viridis], dtype=np.float64)
    at = np.linspace(0, 1, len(stops))
    u = np.linspace(0, 1, 256)
    return np.stack([np.interp(u, at, stops[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)


def hex_rgb(color: str) -> Rgb:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def mix(color: Rgb, other: Rgb, u: float) -> Rgb:
    return tuple(round(a + u * (b - a)) for a, b in zip(color, other))


@dataclass(frozen=True)
class Axis:
    """Data [lo, hi] onto pixels [p0, p1] (p1 < p0 for a vertical axis), optionally log10."""

    lo: float
    hi: float
    p0: float
    p1: float
    log: bool = False

    def _t(self, v):
        return np.log10(v) if self.log else v

    def px(self, v) -> np.ndarray:
        v = np.asarray(v, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            u = (self._t(v) - self._t(self.lo)) / (self._t(self.hi) - self._t(self.lo))
        return self.p0 + u * (self.p1 - self.p0)

    def ticks(self) -> list[tuple[float, str]]:
        """A handful of round values inside the range, with their labels."""
        if self.log:
            decades = range(math.ceil(math.log10(self.lo)), math.floor(math.log10(self.hi)) + 1)
            step = max(1, math.ceil(len(decades) / 5))
            return [(10.0**d, f"1e{d}") for d in decades[::step]]
        raw = (self.hi - self.lo) / 5
        mag = 10 ** math.floor(math.log10(raw))
        step = min((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), default=10 * mag)
        first = math.ceil(self.lo / step) * step
        return [(v, f"{v:.4g}") for v in np.arange(first, self.hi + step * 1e-9, step)]


@dataclass(frozen=True)
class Panel:
    title: str
    x: Axis
    y: Axis

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x.p0, self.y.p1, self.x.p1, self.y.p0)


@dataclass(frozen=True)
class Track:
    """One run as the frames draw it: paths (n, T+1, 2), curve values (n, T+1) and rates (1, T)."""

    label: str
    color: Rgb
    positions: np.ndarray
    losses: np.ndarray
    rates: np.ndarray


@dataclass(frozen=True)
class LegendEntry:
    """One run in the picture's key: its colour and label, drawn from (x, y) (left end, middle)."""

    label: str
    color: Rgb
    x: float
    y: float


def legend_entries(tracks: Sequence[Track], k: float, left: float, right: float, bottom: float) -> tuple[tuple[LegendEntry, ...], float]:
    """The runs' key in rows that fill [left, right] and end at `bottom`: its entries and its height.
    A run with several start points says how many (all its paths share its colour)."""
    size, swatch, gap, row = 12 * k, 28 * k, 20 * k, 20 * k
    rows: list[list[tuple[str, Rgb, float]]] = [[]]
    x = left
    for tr in tracks:
        n = len(tr.positions)
        text = tr.label if n == 1 else f"{tr.label} ({n} starts)"
        width = swatch + text_width(text, size)
        if rows[-1] and x + width > right:
            rows.append([])
            x = left
        rows[-1].append((text, tr.color, x))
        x += width + gap
    height = len(rows) * row
    entries = tuple(LegendEntry(text, color, x, bottom - height + (j + 0.5) * row)
                    for j, items in enumerate(rows) for text, color, x in items)
    return entries, height


def value_range(values: Sequence[np.ndarray], log: bool) -> tuple[float, float]:
    v = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in values])
    v = v[np.isfinite(v) & ((v > 0) if log else True)]
    if not len(v):
        return (1.0, 10.0) if log else (0.0, 1.0)
    lo, hi = float(v.min()), float(v.max())
    if log:
        return (lo / 1.5, hi * 1.5) if hi > lo * 1.01 else (lo / 3, hi * 3)
    pad = 0.05 * (hi - lo) or 0.5 * abs(hi) or 1.0
    return lo - pad, hi + pad


@dataclass(frozen=True)
class Frame:
    """The layout of one picture: map on the left, rate over loss on the right, at `width`×`height`."""

    scenario: Scenario
    tracks: tuple[Track, ...]
    width: int
    height: int
    map: Panel
    lr: Panel
    loss: Panel
    legend: tuple[LegendEntry, ...] = ()

    @property
    def k(self) -> float:
        return self.width / BASE_WIDTH

    @property
    def steps(self) -> int:
        return self.scenario.steps


def layout(s: Scenario, traces: Sequence[tuple[int, RunTrace]], width: int, height: int, zoom=None) -> Frame:
    """Panels and data for `traces` at the chosen size; `zoom` ((x0, x1), (y0, y1)) as the player's."""
    ls = typed.landscape(s.landscape)
    fstar = landscape_asset(s.landscape).meta["fstar"]
    log_loss = s.log_loss and fstar is not None
    tracks = tuple(
        Track(s.label(i), hex_rgb(s.color(i)), t.record.positions,
              np.maximum(t.record.losses - fstar, loss_floor(fstar)) if log_loss else t.record.losses, t.record.lrs[:1])
        for i, t in traces
    )
    k = width / BASE_WIDTH
    legend, legend_h = legend_entries(tracks, k, 14 * k, width - 150 * k, height - 6 * k)  # the step counter sits right of it
    top, bottom, left, gap = 34 * k, 50 * k + legend_h, 58 * k, 70 * k
    split = left + 0.6 * (width - left)
    (x0, x1), (y0, y1) = zoom or ls.domain
    mid = top + (height - top - bottom) / 2
    lr_lo, lr_hi = value_range([tr.rates for tr in tracks], log=True)
    f_lo, f_hi = value_range([tr.losses for tr in tracks], log=log_loss)
    steps_right = width - 14 * k
    return Frame(
        s, tracks, width, height,
        map=Panel(ls.name, Axis(x0, x1, left, split - gap / 2), Axis(y0, y1, height - bottom, top)),
        lr=Panel("learning rate (log)", Axis(0, s.steps, split + gap / 2, steps_right), Axis(lr_lo, lr_hi, mid - 30 * k, top, log=True)),
        loss=Panel("f - f* (log)" if log_loss else "loss f", Axis(0, s.steps, split + gap / 2, steps_right),
                   Axis(f_lo, f_hi, height - bottom, mid + 30 * k, log=log_loss)),
        legend=legend,
    )


# ---- what is drawn ----

GRID_COLOR = (200, 200, 205)
INK = (49, 51, 63)
WHITE = (255, 255, 255)


def landscape_image(f: Frame) -> Image.Image:
    """The map's area: the landscape's shades coloured with Viridis, with light contour lines."""
    g = grid(f.scenario.landscape, GRID_N)
    x0, y0, x1, y1 = (round(v) for v in f.map.box)
    w, h = x1 - x0, y1 - y0
    xs = np.linspace(f.map.x.lo, f.map.x.hi, w)
    ys = np.linspace(f.map.y.hi, f.map.y.lo, h)  # image rows top-down
    fx = np.interp(xs, g.xs, np.arange(len(g.xs)))
    fy = np.interp(ys, g.ys, np.arange(len(g.ys)))
    shade = g.shade.astype(np.float64)
    i0, j0 = np.floor(fy).astype(int).clip(0, len(g.ys) - 2), np.floor(fx).astype(int).clip(0, len(g.xs) - 2)
    u, v = (fx - j0)[None, :], (fy - i0)[:, None]
    a, b = shade[i0][:, j0], shade[i0][:, j0 + 1]
    c, d = shade[i0 + 1][:, j0], shade[i0 + 1][:, j0 + 1]
    z = (1 - v) * ((1 - u) * a + u * b) + v * ((1 - u) * c + u * d)
    lo, hi = float(g.shade.min()), float(g.shade.max())
    t = np.clip((z - lo) / ((hi - lo) or 1.0), 0, 1)
    rgb = viridis_lut()[(t * 255).round().astype(int)].astype(np.float64)
    level = np.floor(t * CONTOUR_LEVELS)
    edge = np.zeros_like(t, dtype=bool)
    edge[1:, :] |= level[1:, :] != level[:-1, :]
    edge[:, 1:] |= level[:, 1:] != level[:, :-1]
    rgb[edge] = 0.65 * rgb[edge] + 0.35 * 255
    return Image.fromarray(rgb.round().astype(np.uint8), "RGB")


def panel_frame(c, k: float, p: Panel, xlabel: str, ylabel: str | None) -> None:
    """A panel's border, title (top left), tick labels and axis labels, sized by the scale `k`."""
    x0, y0, x1, y1 = p.box
    c.rect(p.box, GRID_COLOR, 1 * k)
    c.text(x0, y0 - 8 * k, p.title, 14 * k, "ls", INK)
    for v, label in p.x.ticks():
        c.text(float(p.x.px(v)), y1 + 5 * k, label, 11 * k, "ma")
    for v, label in p.y.ticks():
        c.text(x0 - 5 * k, float(p.y.px(v)), label, 11 * k, "rm")
    c.text((x0 + x1) / 2, y1 + 22 * k, xlabel, 12 * k, "ma")
    if ylabel:
        c.text(x0 - 40 * k, (y0 + y1) / 2, ylabel, 12 * k, "mm")


def _path_px(f: Frame, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return f.map.x.px(xy[:, 0]), f.map.y.px(xy[:, 1])


def draw_map_static(c, f: Frame, thin: bool) -> None:
    """Landscape, notable points, full paths (faint) and start markers; `thin` keeps only drawable steps."""
    k = f.k
    c.picture(f.map.box, landscape_image(f))
    for p in typed.landscape(f.scenario.landscape).points:
        c.dot(float(f.map.x.px(p.x)), float(f.map.y.px(p.y)), 5 * k, WHITE, (0, 0, 0), 1.2 * k)
    for width, faint in ((4, True), (1.5, False)):
        for tr in f.tracks:
            for path, loss in zip(tr.positions, tr.losses):
                keep = kept_steps(loss) if thin else slice(None)
                c.lines(*_path_px(f, path[keep]), WHITE if faint else mix(tr.color, WHITE, 0.25), width * k)
    for tr in f.tracks:
        for path in tr.positions:
            c.dot(*(float(v[0]) for v in _path_px(f, path[:1])), 4.5 * k, WHITE, tr.color, 1.5 * k)


def draw_static(c, f: Frame, thin: bool = False) -> None:
    """Everything that does not move: the map (see `draw_map_static`), axes and full curves."""
    k = f.k
    with c.within(f.map.box) as inner:
        draw_map_static(inner, f, thin)
    panel_frame(c, k, f.map, "x", "y")
    panel_frame(c, k, f.lr, "step", None)
    panel_frame(c, k, f.loss, "step", None)
    for e in f.legend:
        c.lines(np.array([e.x, e.x + 20 * k]), np.array([e.y, e.y]), e.color, 4 * k)
        c.text(e.x + 26 * k, e.y, e.label, 12 * k, "lm", INK)
    for tr in f.tracks:
        for row in tr.rates:
            keep = kept_steps(row) if thin else slice(None)
            steps = np.arange(len(row))[keep]
            c.lines(f.lr.x.px(steps), f.lr.y.px(row[keep]), tr.color, 2 * k)
        for loss in tr.losses:
            keep = kept_steps(loss) if thin else slice(None)
            steps = np.arange(len(loss))[keep]
            c.lines(f.loss.x.px(steps), f.loss.y.px(loss[keep]), tr.color, 2 * k)


def draw_trail(c, f: Frame, start: int, stop: int) -> None:
    """The highlighted paths from step `start` to step `stop`."""
    for tr in f.tracks:
        for path in tr.positions:
            c.lines(*_path_px(f, path[start:stop + 1]), tr.color, 3 * f.k)


def draw_heads(c, f: Frame, step: int) -> None:
    """Where every trajectory is at `step`, on the map and on both curves; the step number."""
    k = f.k
    with c.within(f.map.box) as inner:
        for tr in f.tracks:
            for path in tr.positions:
                inner.dot(float(f.map.x.px(path[step, 0])), float(f.map.y.px(path[step, 1])), 6 * k, tr.color, WHITE, 2 * k)
    for panel, rows, at in ((f.lr, "rates", min(step, f.steps - 1)), (f.loss, "losses", step)):
        x = float(panel.x.px(at))
        _, y0, _, y1 = panel.box
        c.lines(np.array([x, x]), np.array([y0, y1]), (140, 140, 140), 1 * k)
        for tr in f.tracks:
            for row in getattr(tr, rows):
                c.dot(x, float(panel.y.px(row[at])), 5 * k, tr.color, WHITE, 1.5 * k)
    c.text(f.width - 14 * k, f.height - 16 * k, f"step {step} / {f.steps}", 13 * k, "rm", INK)


# ---- outputs ----

def png(f: Frame, step: int) -> bytes:
    """The frame at `step` as PNG."""
    image = Image.new("RGB", (f.width, f.height), WHITE)
    c = Raster(image)
    draw_static(c, f)
    with c.within(f.map.box) as inner:
        draw_trail(inner, f, 0, step)
    draw_heads(c, f, step)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def svg(f: Frame, step: int) -> str:
    """The frame at `step` as SVG: the landscape an embedded PNG, everything else vectors."""
    c = Svg()
    draw_static(c, f, thin=True)
    with c.within(f.map.box) as inner:
        for tr in f.tracks:
            for path, loss in zip(tr.positions, tr.losses):
                keep = kept_steps(loss[: step + 1])
                inner.lines(*_path_px(f, path[keep]), tr.color, 3 * f.k)
    draw_heads(c, f, step)
    return c.document(f.width, f.height, clip=f.map.box)
