"""The class board's figures, for a projector: every submitted path on one map, the start points
coloured by where their paths ended (a basin map built by the class), learning rates against final
losses, and the class's answers. No Streamlit here; the board (ui/class_board.py) hands each entry
over as a `Drawn` row.

An entry's category is where its path ended: the known minimum it came to rest at (the end state
the engine named, trajectories/ends.py, and a known minimum within viz.sweeps.BASIN_RADIUS of the
end point), or else its end state itself ("diverged", "at a saddle", …): the map and the charts
share one legend. Everything a student typed (names, answers) reaches Plotly through `plotly_text`
(viz/text.py): Plotly reads tags, entities and templates in its labels and hover texts.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from typing import NamedTuple, Protocol, Sequence

import numpy as np

from gradscape.trajectories import engine, typed
from gradscape.viz.axes import log_axis
from gradscape.viz.figures import landscape_traces
from gradscape.viz.sweeps import BASIN_RADIUS, DIVERGED, LEFT, STILL, basin_categories, loss_gap
from gradscape.viz.text import plotly_text

MAX_PATHS = 500  # paths on one map: the most recent
MAX_BARS = 12  # answers shown as bars; the rest are counted as one
GRID_N = 100  # the map's contour grid (a projector shows no finer)
ANOTHER_MINIMUM = "at another minimum"  # at rest at a minimum the catalogue does not list
NOT_MEASURED = "no path"  # an answer without a run
_MINIMUM_STATES = {engine.STATUS_NAMES[c] for c in engine.AT_A_MINIMUM}
_STATE_COLOURS = {
    ANOTHER_MINIMUM: "#8c6d31", engine.STATUS_NAMES[engine.RUNNING]: STILL[0],
    engine.STATUS_NAMES[engine.DIVERGED]: DIVERGED[0], engine.STATUS_NAMES[engine.LEFT_DOMAIN]: LEFT[0],
    engine.STATUS_NAMES[engine.AT_SADDLE]: "#e377c2", engine.STATUS_NAMES[engine.AT_MAXIMUM]: "#d62728",
    engine.STATUS_NAMES[engine.ON_FLAT]: "#bcbd22", engine.STATUS_NAMES[engine.BARELY_MOVING]: "#17becf",
    engine.STATUS_NAMES[engine.AT_REST]: "#7f7f7f", NOT_MEASURED: "#c7c7c7",
}


class Submitted(Protocol):
    """What the figures read of an entry (classroom.board.Submission has these)."""

    landscape: str | None
    optimizer: str | None
    learning_rate: float | None
    start: tuple[float, float] | None
    end: tuple[float, float] | None
    final_loss: float | None
    end_state: str | None
    path: tuple[tuple[float, float], ...] | None
    answer: str | None
    right: bool | None
    off: float | None


class Drawn(NamedTuple):
    """One entry as the board draws it: its number, who sent it as the board may show it, what it holds."""

    id: int
    who: str
    sub: Submitted


@functools.lru_cache(maxsize=64)
def _minima(landscape: str) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...], float]:
    """The known minima of a landscape: their points, legend names and colours (as the Sweeps page's basin
    map names and colours them), and the distance within which an end point is at one."""
    ls = typed.landscape(landscape)
    cats = basin_categories(landscape)[: len(ls.minima)]
    (x0, x1), (y0, y1) = ls.domain
    return (np.array([p.xy for p in ls.minima], float).reshape(-1, 2), tuple(c.name for c in cats),
            tuple(c.colours[0] for c in cats), BASIN_RADIUS * max(x1 - x0, y1 - y0))


def category(landscape: str, sub: Submitted) -> str:
    """Where an entry's path ended, as the legend names it (see the module's text)."""
    if sub.end_state is None:
        return NOT_MEASURED
    if sub.end_state not in _MINIMUM_STATES:
        return sub.end_state
    points, names, _, radius = _minima(landscape)
    if sub.end is not None and len(points):
        distance = np.linalg.norm(points - np.asarray(sub.end, float), axis=1)
        nearest = int(np.argmin(distance))
        if distance[nearest] <= radius:
            return names[nearest]
    return ANOTHER_MINIMUM


def colour(landscape: str, name: str) -> str:
    """A category's colour: its minimum's, else its end state's."""
    _, names, colours, _ = _minima(landscape)
    return colours[names.index(name)] if name in names else _STATE_COLOURS.get(name, "#7f7f7f")


def _ordered(landscape: str, names: set[str]) -> list[str]:
    """Categories in legend order: the known minima as the catalogue lists them, then the rest as the engine does."""
    order = [*_minima(landscape)[1], ANOTHER_MINIMUM, *engine.STATUS_NAMES.values(), NOT_MEASURED]
    return sorted(names, key=lambda n: order.index(n) if n in order else len(order))


def on_map(rows: Sequence[Drawn], landscape: str) -> list[Drawn]:
    """The rows on `landscape` that have a path, the MAX_PATHS most recent (rows come oldest first)."""
    return [r for r in rows if r.sub.landscape == landscape and r.sub.path][-MAX_PATHS:]


def landscapes_by_count(rows: Sequence[Drawn]) -> list[tuple[str, int]]:
    """The landscapes the rows ran on, most entries first (ties: first submitted first)."""
    return Counter(r.sub.landscape for r in rows if r.sub.landscape is not None).most_common()


def _grouped(landscape: str, rows: Sequence[Drawn]) -> list[tuple[str, list[Drawn]]]:
    """The rows by where they ended (`category`, worked out once a row), in legend order."""
    groups: dict[str, list[Drawn]] = {}
    for row in rows:
        groups.setdefault(category(landscape, row.sub), []).append(row)
    return [(name, groups[name]) for name in _ordered(landscape, set(groups))]


def _hover(row: Drawn, ended: str) -> str:
    s = row.sub
    parts = [f"#{row.id} · {plotly_text(row.who)}", plotly_text(f"{s.optimizer or '?'}, η = {s.learning_rate:.3g}")
             if s.learning_rate is not None else plotly_text(s.optimizer or "?")]
    if s.final_loss is not None:
        parts.append(f"final loss {s.final_loss:.4g}")
    parts.append(plotly_text(ended))
    return "<br>".join(parts)


def _map_layout(landscape: str, height: int) -> dict:
    (x0, x1), (y0, y1) = typed.landscape(landscape).domain
    return {"height": height, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
            "xaxis": {"range": [x0, x1], "title": {"text": "x"}, "constrain": "domain"},
            "yaxis": {"range": [y0, y1], "title": {"text": "y"}},
            "legend": {"orientation": "h", "y": -0.14}, "uirevision": landscape}


def _joined(paths: Sequence[Sequence[Sequence[float]]]) -> tuple[list, list]:
    """Many paths as one line trace's x and y, each path ended by a gap (None)."""
    xs, ys = [], []
    for path in paths:
        xs += [p[0] for p in path] + [None]
        ys += [p[1] for p in path] + [None]
    return xs, ys


def paths_figure(landscape: str, rows: Sequence[Drawn], highlight: int | None = None, height: int = 520) -> dict:
    """The landscape with every row's path (`on_map` chooses them), one line trace per category, a dot where
    each ends. `highlight`: that entry's path drawn thick over the others, greyed (a snapshot presented)."""
    data = [*landscape_traces(landscape, GRID_N)]
    for name, members in _grouped(landscape, rows):
        c = "rgba(255,255,255,0.35)" if highlight is not None else colour(landscape, name)
        xs, ys = _joined([r.sub.path for r in members])
        data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "name": f"{plotly_text(name)}: {len(members)}",
                     "legendgroup": name, "line": {"color": c, "width": 1.5}, "hoverinfo": "skip"})
        data.append({"type": "scatter", "mode": "markers", "x": [r.sub.path[-1][0] for r in members],
                     "y": [r.sub.path[-1][1] for r in members], "legendgroup": name, "showlegend": False,
                     "marker": {"size": 6, "color": c, "line": {"width": 1, "color": "black"}},
                     "hovertext": [_hover(r, name) for r in members], "hoverinfo": "text", "name": ""})
    for row in (r for r in rows if r.id == highlight):  # in its ending's colour over a black edge, whatever that colour
        ended = category(landscape, row.sub)
        c = colour(landscape, ended)
        xs, ys = _joined([row.sub.path])
        data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "showlegend": False, "hoverinfo": "skip",
                     "line": {"color": "black", "width": 8}, "name": ""})
        data.append({"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "name": f"#{row.id}",
                     "line": {"color": c, "width": 5}, "marker": {"size": 5, "color": c},
                     "hovertext": _hover(row, ended), "hoverinfo": "text"})
    return {"data": data, "layout": _map_layout(landscape, height)}


def starts_figure(landscape: str, rows: Sequence[Drawn], height: int = 520) -> dict:
    """The class's basin map: each row's start point, coloured by where its path ended."""
    data = [{**trace, "opacity": 0.55} if trace["type"] == "contour" else trace for trace in landscape_traces(landscape, GRID_N)]
    for name, members in _grouped(landscape, [r for r in rows if r.sub.start is not None]):
        data.append({"type": "scatter", "mode": "markers", "name": f"{plotly_text(name)}: {len(members)}",
                     "x": [r.sub.start[0] for r in members], "y": [r.sub.start[1] for r in members],
                     "marker": {"size": 11, "color": colour(landscape, name), "line": {"width": 1, "color": "black"}},
                     "hovertext": [_hover(r, name) for r in members], "hoverinfo": "text"})
    return {"data": data, "layout": _map_layout(landscape, height)}


def rates_figure(landscape: str, rows: Sequence[Drawn], height: int = 420) -> dict:
    """Learning rate against final loss − f* (log-log), a dot per row with both, coloured by where it ended."""
    f_star = typed.landscape(landscape).f_star
    data, gaps, rates = [], [], []
    measured = [r for r in rows if r.sub.learning_rate is not None and r.sub.final_loss is not None]
    for name, members in _grouped(landscape, measured):
        gap = loss_gap(landscape, np.array([r.sub.final_loss for r in members], float))
        lr = [r.sub.learning_rate for r in members]
        gaps += gap.tolist()
        rates += lr
        data.append({"type": "scatter", "mode": "markers", "name": f"{plotly_text(name)}: {len(members)}", "x": lr,
                     "y": gap.tolist(), "marker": {"size": 10, "color": colour(landscape, name), "line": {"width": 1, "color": "black"}},
                     "hovertext": [_hover(r, name) for r in members], "hoverinfo": "text"})
    title = f"final loss − f* (f* = {f_star:.4g})" if f_star is not None else "final loss − lowest final loss"
    return {"data": data, "layout": {
        "height": height, "margin": {"l": 60, "r": 10, "t": 10, "b": 50}, "legend": {"orientation": "h", "y": -0.22},
        "xaxis": {"title": {"text": "learning rate η"}, **log_axis(rates)},
        "yaxis": {"title": {"text": title}, **log_axis([g for g in gaps if math.isfinite(g)])}}}


def answer_counts(answers: Sequence[str], most: int = MAX_BARS) -> list[tuple[str, int]]:
    """How many gave each answer, most first (ties: first given first); past `most` answers, the rest as one bar."""
    counted = Counter(answers).most_common()
    if len(counted) <= most:
        return counted
    rest = counted[most - 1:]
    return [*counted[: most - 1], (f"{len(rest)} other answers", sum(n for _, n in rest))]


def _numbers(answers: Sequence[str]) -> list[float] | None:
    """The answers as finite numbers, when every one is one (a number question's), else None."""
    try:
        values = [float(a) for a in answers]
    except ValueError:
        return None
    return values if values and all(map(math.isfinite, values)) else None


def _histogram(values: Sequence[float], right: Sequence[bool] | None, height: int) -> dict:
    """A number question's answers as a histogram over bins shared by both traces, right ones green
    once `right` (one flag per value) is given."""
    groups = [("answers", "#4c78a8", list(values))] if right is None else [
        ("✓ right", "#2ca02c", [v for v, r in zip(values, right) if r]),
        ("not right", "#4c78a8", [v for v, r in zip(values, right) if not r])]
    lo, hi = min(values), max(values)
    size = (hi - lo) / 20 if hi > lo else max(abs(lo), 1.0) / 10
    bins = {"start": lo - size / 2, "end": hi + size / 2, "size": size}
    return {"data": [{"type": "histogram", "x": xs, "name": name, "marker": {"color": colour}, "xbins": bins,
                      "autobinx": False, "hovertemplate": "%{x}: %{y}<extra></extra>"} for name, colour, xs in groups],
            "layout": {"height": height, "barmode": "stack", "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
                       "showlegend": right is not None, "legend": {"orientation": "h", "y": 1.1},
                       "xaxis": {"title": {"text": "answer"}}, "yaxis": {"title": {"text": "students"}, "rangemode": "tozero"}}}


def answers_figure(answers: Sequence[str], right: Sequence[bool] | None = None, height: int = 360) -> dict:
    """The class's answers: a histogram when every answer is a number (a number question), else a bar per
    answer (answer_counts), the first on top. With `right` (one grade per answer, after the reveal), the
    right ones are green and an answer some got right is marked ✓."""
    numbers = _numbers(answers)
    if numbers is not None and len(set(numbers)) > 1:
        return _histogram(numbers, right, height)
    right = frozenset(a for a, r in zip(answers, right or ()) if r)
    counted = answer_counts(answers)
    labels = [("✓ " if a in right else "") + plotly_text(a) for a, _ in counted]
    return {"data": [{"type": "bar", "orientation": "h", "x": [n for _, n in counted], "y": labels,
                      "marker": {"color": ["#2ca02c" if a in right else "#4c78a8" for a, _ in counted]},
                      "hoverinfo": "x+y", "text": [str(n) for _, n in counted], "textposition": "auto"}],
            "layout": {"height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
                       "xaxis": {"title": {"text": "students"}, "dtick": 1 if counted and counted[0][1] <= 10 else None},
                       "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"}}}


def leaderboard(landscape: str, rows: Sequence[Drawn]) -> list[dict]:
    """Each sender's best run on `landscape` (lowest final loss − f*, then the earliest), lowest first:
    rank, who, entry, optimizer, η, the gap and where it ended."""
    best: dict[str, tuple[float, int, Drawn]] = {}
    for row in rows:
        if row.sub.landscape != landscape or row.sub.final_loss is None:
            continue
        key = (float(loss_gap(landscape, np.array([row.sub.final_loss]))[0]), row.id, row)
        if row.who not in best or key[:2] < best[row.who][:2]:
            best[row.who] = key
    ranked = sorted(best.values(), key=lambda b: b[:2])
    return [{"rank": k, "who": row.who, "entry": row.id, "optimizer": row.sub.optimizer,
             "learning rate": row.sub.learning_rate, "final loss − f*": gap, "ended": category(landscape, row.sub)}
            for k, (gap, _, row) in enumerate(ranked, start=1)]


def first_answers(rows: Sequence[Drawn]) -> list[Drawn]:
    """Each sender's first answer (their prediction; the class refuses a second), oldest first."""
    first: dict[str, Drawn] = {}
    for row in sorted(rows, key=lambda r: r.id):
        if row.sub.answer:
            first.setdefault(row.who, row)
    return list(first.values())


def answer_board(rows: Sequence[Drawn]) -> list[dict]:
    """The exercise's leaderboard: each sender's first answer, right ones first, then the closest to the
    engine's (the grade's `off`), then the earliest: rank, who, entry, answer, right, off."""
    def order(row: Drawn) -> tuple:
        off = row.sub.off
        return (row.sub.right is not True, math.inf if off is None else off, row.id)

    return [{"rank": k, "who": row.who, "entry": row.id, "answer": row.sub.answer, "right": row.sub.right,
             "off": row.sub.off} for k, row in enumerate(sorted(first_answers(rows), key=order), start=1)]
