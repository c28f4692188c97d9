"""Exports of a sweep view: its numbers (CSV, JSON), its configuration (re-imports like a link),
its picture (PNG, SVG), drawn from the same compact arrays the browser gets, and an interactive
HTML page that works offline (plotly.js inlined, with the app's sweep map or rate chart). No Streamlit here.

The numbers are one row per rate and start point (loss vs learning rate) or per cell (maps): the
swept values or start point, final loss − f*, the engine's status, the steps run until that status
(all of them when still moving) and, on a basin map, the basin reached. A picture is the map
raster, nearest-neighbour scaled, with axes, titles and the categories' legend around it (SVG:
vectors around the raster embedded as a PNG), or the rate chart drawn as lines and markers.
"""

from __future__ import annotations

import html
import io
import json
import math
import textwrap

import numpy as np
from PIL import Image

from gradscape.trajectories import engine, sweep_scenario, typed
from gradscape.trajectories.sweep_scenario import MAX_BASIN_RUNS, SweepScenario
from gradscape.viz import export, frontend
from gradscape.viz.canvases import Raster, Svg, text_width
from gradscape.viz.render import INK, WHITE, Axis, Panel, hex_rgb, mix, panel_frame, value_range
from gradscape.viz.sweeps import (
    KIND_NAMES, Maps, RateSweep, SweepMap, failed_rates, quartiles_over_starts, rate_figure, reference_loss, row_names,
)
from gradscape.viz.text import csv_field, script_json

SWEEP = export.Codec("sweep", "a sweep configuration", sweep_scenario.from_query, sweep_scenario.to_query)
BASE_WIDTH = 960  # type and lines are sized for this width and scaled with the picture
GAP = "final_loss_minus_fstar"
Column = np.ndarray | list[str]


# ---- numbers ----

def _status_words(status: np.ndarray) -> list[str]:
    return [engine.STATUS_NAMES[int(code)] for code in np.ravel(status)]


def _rate_table(s: SweepScenario, sweep: RateSweep) -> dict[str, Column]:
    parts: list[dict[str, Column]] = []
    starts = np.array(s.start_points, float)
    for i, c in enumerate(sweep.curves):
        r, n = c.gap.shape
        steps = np.where(c.status == engine.RUNNING, s.steps, c.event_step)
        parts.append({
            "run": np.full(r * n, i + 1), "label": [c.label] * (r * n), "learning_rate": np.repeat(c.rates, n),
            "start": np.tile(np.arange(n), r), "start_x": np.tile(starts[:, 0], r), "start_y": np.tile(starts[:, 1], r),
            GAP: c.gap.ravel(), "status": _status_words(c.status), "steps": steps.ravel().astype(np.int64),
        })
    return _join(parts)


def _map_table(s: SweepScenario, maps: Maps) -> dict[str, Column]:
    basin = s.kind == "basin"
    x_name, y_name = ("start_x", "start_y") if basin else (s.x.param, s.y.param)
    parts: list[dict[str, Column]] = []
    for i, m in enumerate(maps.maps):
        ny, nx = m.cat.shape
        rows, cols = np.divmod(np.arange(nx * ny), nx)
        part: dict[str, Column] = {
            "map": np.full(nx * ny, i + 1), "title": [m.title] * (nx * ny), "row": rows, "col": cols,
            x_name: m.x.centres()[cols], y_name: m.y.centres()[rows],
            "status": _status_words(m.status), "steps": m.step.ravel().astype(np.int64),
        }
        if m.loss is not None:
            part[GAP] = m.loss.ravel()
        if basin:
            part["basin"] = [m.categories[k].name for k in m.cat.ravel()]
        parts.append(part)
    return _join(parts)


def _join(parts: list[dict[str, Column]]) -> dict[str, Column]:
    """Parts with the same columns, one after another."""
    return {name: (sum((p[name] for p in parts), []) if isinstance(parts[0][name], list)
                   else np.concatenate([p[name] for p in parts])) for name in parts[0]}


def table(s: SweepScenario, result: Maps | RateSweep) -> dict[str, Column]:
    """What the view shows, as columns of equal length: one row per rate and start, or per cell."""
    return _rate_table(s, result) if s.kind == "lr" else _map_table(s, result)


def summary_rows(result: Maps | RateSweep) -> list[dict]:
    """The view in a few rows, as the page states it: per run of a rate sweep its best rate (the lowest
    median final loss − f* over the starts) and how many rates failed (half the starts or more diverged
    or left the map); per map its title and the sentence under it."""
    if isinstance(result, Maps):
        return [{"map": m.title, "summary": m.note} for m in result.maps]
    rows = []
    for c in result.curves:
        best = c.best()
        diverged, left = failed_rates(c)
        rows.append({"run": c.label, "best learning rate": None if best is None else float(c.rates[best]),
                     "median final loss − f*": None if best is None else float(c.median()[best]),
                     "rates diverged": int(diverged.sum()), "rates left the map": int(left.sum())})
    return rows


def _csv_texts(col: Column) -> list[str]:
    if isinstance(col, list):
        return [csv_field(v) for v in col]
    if col.dtype.kind in "iu":
        return [str(v) for v in col.tolist()]
    return export.number_texts(col)


def _json_values(col: Column) -> list:
    if isinstance(col, list):
        return col
    return col.tolist() if col.dtype.kind in "iu" else export.json_numbers(col)


def sweep_csv(s: SweepScenario, result: Maps | RateSweep) -> str:
    """The view's rows as CSV (floats to full precision: they read back to the same numbers; +∞: diverged)."""
    cols = table(s, result)
    texts = [_csv_texts(c) for c in cols.values()]
    return "\n".join([",".join(cols), *(",".join(row) for row in zip(*texts))]) + "\n"


def sweep_json(s: SweepScenario, result: Maps | RateSweep) -> str:
    """The configuration (it re-imports), f* and the view's rows as columns (non-finite numbers as null)."""
    cols = table(s, result)
    return json.dumps({**export.config_doc(s, SWEEP), "view": KIND_NAMES[s.kind], "fstar": reference_loss(s.landscape),
                       "columns": {name: _json_values(c) for name, c in cols.items()}})


# ---- pictures ----

def _ramp(colours: tuple[str, ...], u: np.ndarray) -> np.ndarray:
    """(len(u), 3) float RGB: the colours spread evenly over u ∈ [0, 1] (one colour: flat)."""
    ramp = np.array([hex_rgb(v) for v in colours], np.float64)
    at = np.linspace(0, 1, len(ramp)) if len(ramp) > 1 else np.zeros(1)
    return np.stack([np.interp(u, at, ramp[:, ch]) for ch in range(3)], axis=1)


def map_rgb(m: SweepMap) -> np.ndarray:
    """(ny, nx, 3) uint8, top row the highest y: each cell's category ramp at its shade, as the browser colours it."""
    out = np.zeros((*m.cat.shape, 3))
    u = m.shade.astype(np.float64) / 255
    for k, c in enumerate(m.categories):
        hit = m.cat == k
        out[hit] = _ramp(c.colours, u[hit])
    return out[::-1].round().astype(np.uint8)


def _wrapped(c, x: float, y: float, text: str, size: float, width: float) -> float:
    """`text` wrapped to `width` pixels from (x, y) down; the y below it."""
    for line in textwrap.wrap(text, max(10, int(width / (0.6 * size)))):
        c.text(x, y, line, size, "la")
        y += 1.35 * size
    return y


def _swatch(c, box, colours: tuple[str, ...]) -> None:
    """A category's ramp, left (shade 0) to right."""
    x0, y0, x1, y1 = box
    row = _ramp(colours, np.linspace(0, 1, max(1, round(x1 - x0)))).round().astype(np.uint8)
    c.picture(box, Image.fromarray(np.repeat(row[None], max(1, round(y1 - y0)), axis=0), "RGB"))
    c.rect(box, INK, 0.5)


def _star(c, x: float, y: float, r: float, k: float) -> None:
    """A five-pointed star outline (a known minimum, as the browser marks it), black over a white halo."""
    angle = np.pi / 2 + np.arange(11) * np.pi / 5
    radius = np.where(np.arange(11) % 2, 0.42 * r, r)
    xs, ys = x + radius * np.cos(angle), y - radius * np.sin(angle)
    c.lines(xs, ys, WHITE, 3 * k)
    c.lines(xs, ys, (0, 0, 0), 1.2 * k)


def _map_panel(c, k: float, m: SweepMap, box, note_width: float) -> None:
    x0, y0, x1, y1 = box
    p = Panel(m.y.label, Axis(m.x.low, m.x.high, x0, x1, m.x.log), Axis(m.y.low, m.y.high, y1, y0, m.y.log))
    c.picture(box, Image.fromarray(map_rgb(m), "RGB").resize((round(x1 - x0), round(y1 - y0)), Image.NEAREST))
    for mx, my, _ in m.marks:
        _star(c, float(p.x.px(mx)), float(p.y.px(my)), 8 * k, k)
    panel_frame(c, k, p, m.x.label, None)
    c.text(x0, y0 - 30 * k, m.title, 15 * k, "ls", INK)
    _wrapped(c, x0, y1 + 40 * k, m.note, 11 * k, note_width)


def _legend_entry(c, k: float, x: float, y: float, cat, width: float) -> float:
    """One category's swatch and name at (x, y); the y below it."""
    _swatch(c, (x, y, x + 40 * k, y + 14 * k), cat.colours)
    return _wrapped(c, x + 48 * k, y, cat.name, 12 * k, width - 48 * k) + 6 * k


def draw_maps(c, s: SweepScenario, maps: Maps, width: int, height: int) -> None:
    """One map with the legend on its right, or several in a row with the legend below them."""
    k = width / BASE_WIDTH
    n = len(maps.maps)
    head, left, right, top, below = 34 * k, 70 * k, 20 * k, 48 * k, 62 * k
    legend_h = 0 if n == 1 else 150 * k
    legend_w = 250 * k if n == 1 else 0
    c.text(20 * k, 10 * k, f"{KIND_NAMES[s.kind]}: {typed.landscape(s.landscape).name}, {s.steps} steps", 17 * k, "la", INK)
    cell_w = (width - legend_w) / n
    side = min(cell_w - left - right, height - head - legend_h - top - below)
    for i, m in enumerate(maps.maps):
        x0 = i * cell_w + left
        _map_panel(c, k, m, (x0, head + top, x0 + side, head + top + side), cell_w - left)
    first = maps.maps[0]
    if n == 1:
        x, y = left + side + 30 * k, head + top
        for cat in first.categories:
            y = _legend_entry(c, k, x, y, cat, width - x - 10 * k)
        _wrapped(c, x, y + 8 * k, first.shade_label, 11 * k, width - x - 10 * k)
        return
    per_row = max(1, int((width - left) // (230 * k)))
    y0 = head + top + side + below + 24 * k
    for j, cat in enumerate(first.categories):
        _legend_entry(c, k, left + (j % per_row) * 230 * k, y0 + (j // per_row) * 24 * k, cat, 220 * k)
    rows = math.ceil(len(first.categories) / per_row)
    _wrapped(c, left, y0 + rows * 24 * k + 6 * k, first.shade_label, 11 * k, width - left - 20 * k)


def _cross(c, x: float, y: float, r: float, colour, width: float) -> None:
    c.lines(np.array([x - r, x + r]), np.array([y - r, y + r]), colour, width)
    c.lines(np.array([x - r, x + r]), np.array([y + r, y - r]), colour, width)


def _triangle(c, x: float, y: float, r: float, colour, width: float) -> None:
    c.lines(np.array([x - r, x, x + r, x - r]), np.array([y + r, y - r, y + r, y + r]), colour, width)


def draw_rates(c, s: SweepScenario, sweep: RateSweep, width: int, height: int) -> None:
    """Final loss − f* against η on log-log axes: the median over starts (with its quartiles when
    there are several), best rates ringed; rates with no median (✕ diverged, △ left the map) on
    a band above the plot, one row per run that has any, as the browser draws them."""
    k = width / BASE_WIDTH
    legend_w = 220 * k
    several = len(s.start_points) > 1
    fails = [failed_rates(cv) for cv in sweep.curves]
    rows = [i for i, f in enumerate(fails) if any(hit.any() for hit in f)]
    names = row_names(sweep.curves)
    row_h = 16 * k
    left = max(80 * k, 14 * k + max((text_width(names[i], 10 * k) for i in rows), default=0))  # room for the row names
    band = (left, 78 * k, width - legend_w - 20 * k, 78 * k + row_h * len(rows))
    box = (band[0], band[3] + (32 * k if rows else 0), band[2], height - 60 * k)
    quartiles = [quartiles_over_starts(cv, several) for cv in sweep.curves]
    lo, hi = value_range([cv.median() for cv in sweep.curves] + quartiles, log=True)
    f_star = reference_loss(s.landscape)
    title = f"final loss − f* (f* = {f_star:.4g})" if f_star is not None else "final loss − lowest final loss"
    p = Panel(title, Axis(*s.rates, box[0], box[2], log=True), Axis(lo, hi, box[3], box[1], log=True))
    c.text(20 * k, 10 * k, f"{KIND_NAMES['lr']}: {typed.landscape(s.landscape).name}, {s.steps} steps", 17 * k, "la", INK)
    if rows:
        c.text(band[0], band[1] - 6 * k, "No final loss at these rates: ✕ diverged, △ left the map", 12 * k, "ls", INK)
        c.rect(band, (200, 200, 205), 1 * k)
    panel_frame(c, k, p, "learning rate η", None)
    for j, i in enumerate(rows):
        y = band[1] + (j + 0.5) * row_h
        c.text(band[0] - 6 * k, y, names[i], 10 * k, "rm", INK)
        for hit, mark in zip(fails[i], (_cross, _triangle)):
            for x in p.x.px(sweep.curves[i].rates[hit]):
                mark(c, float(x), y, 4 * k, hex_rgb(sweep.curves[i].colour), 1.5 * k)
    for cv, quartile in zip(sweep.curves, quartiles):
        colour = hex_rgb(cv.colour)
        xs = p.x.px(cv.rates)
        for q in quartile:
            c.lines(xs, p.y.px(np.where(np.isfinite(q), q, np.nan)), mix(colour, WHITE, 0.5), 1 * k)
        med = cv.median()
        c.lines(xs, p.y.px(np.where(np.isfinite(med), med, np.nan)), colour, 2.2 * k)
        for x, v in zip(xs, med):
            c.dot(float(x), float(p.y.px(v)), 2.4 * k, colour, colour, 1 * k)
        best = cv.best()
        if best is not None:
            c.dot(float(xs[best]), float(p.y.px(med[best])), 7 * k, colour, (0, 0, 0), 1.5 * k)
    _rate_legend(c, k, s, sweep, width - legend_w, band[1], legend_w)


def _rate_legend(c, k: float, s: SweepScenario, sweep: RateSweep, x: float, y: float, legend_w: float) -> None:
    """Each run's colour and label, the band's marks, the best-rate ring and what the thin lines are."""
    for cv in sweep.curves:
        c.lines(np.array([x, x + 30 * k]), np.array([y + 7 * k] * 2), hex_rgb(cv.colour), 2.5 * k)
        y = _wrapped(c, x + 38 * k, y, cv.label, 12 * k, legend_w - 50 * k) + 6 * k
    for mark, words in ((_cross, "diverged"), (_triangle, "left the map")):
        mark(c, x + 15 * k, y + 7 * k, 4 * k, INK, 1.5 * k)
        y = _wrapped(c, x + 38 * k, y, words, 12 * k, legend_w - 50 * k) + 6 * k
    c.dot(x + 15 * k, y + 7 * k, 7 * k, WHITE, (0, 0, 0), 1.5 * k)
    y = _wrapped(c, x + 38 * k, y, "best rate (lowest median)", 12 * k, legend_w - 50 * k) + 6 * k
    if len(s.start_points) > 1:
        _wrapped(c, x, y + 6 * k, f"thin lines: quartiles over the {len(s.start_points)} starts", 11 * k, legend_w - 10 * k)


def _draw(c, s: SweepScenario, result: Maps | RateSweep, width: int, height: int) -> None:
    (draw_rates if s.kind == "lr" else draw_maps)(c, s, result, width, height)


def png(s: SweepScenario, result: Maps | RateSweep, width: int, height: int) -> bytes:
    """The view as a PNG of `width` × `height` pixels."""
    image = Image.new("RGB", (width, height), WHITE)
    _draw(Raster(image), s, result, width, height)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def svg(s: SweepScenario, result: Maps | RateSweep, width: int = 960, height: int = 540) -> str:
    """The view as SVG: axes, text, legend and curves as vectors; a map's cells an embedded PNG."""
    c = Svg()
    _draw(c, s, result, width, height)
    return c.document(width, height)


# ---- interactive page ----

def _view_script(s: SweepScenario, result: Maps | RateSweep) -> str:
    """The script that draws the view into #ovz-host: the app's sweep map script with a SweepView
    mounted by hand (clicks go nowhere: there is no Playground to open), or the rate figure."""
    if s.kind == "lr":
        figure = rate_figure(result, s)
        return (frontend.common_js()
                + f"\nconst FIG = {script_json(figure)};\n"  # JS, not JSON: NaN (a gap in a curve) is a literal
                "Plotly.newPlot(document.getElementById('ovz-host'), FIG.data, FIG.layout, CONFIG);")
    data = {"plotly": "", "maps": [m.payload for m in result.maps], "zoomable": False, "clickable": False, "height": 560}
    return (frontend.sweep_map_js("standalone")
            + f"\nnew SweepView(document.getElementById('ovz-host')).receive({script_json(data)}, () => {{}});")


def shown_labels(s: SweepScenario) -> list[str]:
    """The runs the view shows: run 1 (heat map, trainability), the first MAX_BASIN_RUNS (basins) or all (rates)."""
    count = {"lr": len(s.runs), "basin": MAX_BASIN_RUNS}.get(s.kind, 1)
    return [r.display_label() for r in s.runs[:count]]


def sweep_html(s: SweepScenario, result: Maps | RateSweep, *, title: str, app_url: str = export.DEFAULT_APP_URL) -> str:
    """A self-contained page with the view (hover shows each cell or point), titled by what it shows,
    with a link to the same sweep on the Sweeps page of the app at `app_url`."""
    name = typed.landscape(s.landscape).name
    runs = shown_labels(s)
    kind = "module" if s.kind != "lr" else "text/javascript"
    return "\n".join([
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(export.document_title(title, name, runs))}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>body {{ font-family: sans-serif; margin: 1.5rem; color: #31333f; }}\n{frontend.sweep_map('css')}</style>",
        f"<script>{export.inline_script(frontend.plotly_js())}</script>",
        "</head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<div id="ovz-host">{frontend.sweep_map("html") if s.kind != "lr" else ""}</div>',
        export.footer(f"{KIND_NAMES[s.kind]} on {name}, {s.steps} steps: {', '.join(runs)}.",
                      export.app_link(app_url, "sweeps", sweep_scenario.to_query(s))),
        f'<script type="{kind}">{export.inline_script(_view_script(s, result))}</script>',
        "</body></html>",
    ])
