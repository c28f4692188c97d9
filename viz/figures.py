"""Plotly figure specs (plain dicts: building go.Frame objects is 15× slower) from records."""

from __future__ import annotations

import numpy as np

from gradscape.memo import cached
from gradscape.trajectories import typed
from gradscape.trajectories.api import RunRecord
from gradscape.viz.landscape import POINT_STYLES, grid

TRACES_CACHE_BYTES = 16 * 2**20  # ≈ 20 landscapes' contours as lists (≈ 0.8 MB each at 160²)



@cached(TRACES_CACHE_BYTES)
def landscape_traces(landscape: str, n: int = 160) -> tuple[dict, ...]:
    """The contour (on an n×n grid) and the notable points: built once per landscape, not on every rerun."""
    ls = typed.landscape(landscape)
    g = grid(landscape, n)
    contour = {
        "type": "contour", "x": g.xs.tolist(), "y": g.ys.tolist(), "z": g.shade.tolist(),
        "colorscale": "Viridis", "ncontours": 30, "showscale": False, "hoverinfo": "skip",
        "contours": {"coloring": "heatmap", "showlines": True},
        "line": {"width": 0.5, "color": "rgba(255,255,255,0.35)"},
    }
    return (contour, *_point_traces(ls.points))


def _point_traces(points) -> list[dict]:
    """The notable points, with one legend entry per kind (on its first point): what a star means."""
    named: set[str] = set()
    traces = []
    for pt in points:
        style = POINT_STYLES[pt.kind]
        traces.append({
            "type": "scatter", "x": [pt.x], "y": [pt.y], "mode": "markers",
            "name": style.name, "legendgroup": style.name, "showlegend": style.name not in named,
            "marker": {"symbol": style.symbol, "size": 12, "color": style.fill, "line": {"width": 1, "color": "black"}},
            "hovertext": f"{pt.kind} ({pt.x:.3f}, {pt.y:.3f})", "hoverinfo": "text",
        })
        named.add(style.name)
    return traces


def contour_figure(landscape: str, paths: list[tuple[str, str, RunRecord]], height: int = 560) -> dict:
    """Filled contour of the landscape with each run's path(s) and the notable points."""
    ls = typed.landscape(landscape)
    data: list[dict] = list(landscape_traces(landscape))
    for label, color, rec in paths:
        for i, path in enumerate(rec.positions):
            data.append({
                "type": "scatter", "x": np.round(path[:, 0], 5).tolist(), "y": np.round(path[:, 1], 5).tolist(),
                "mode": "lines+markers", "name": label, "showlegend": i == 0, "legendgroup": label,
                "line": {"color": color, "width": 2}, "marker": {"size": 3, "color": color},
            })
    (x0, x1), (y0, y1) = ls.domain
    layout = {
        "height": height, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
        "xaxis": {"range": [x0, x1], "title": {"text": "x"}},
        "yaxis": {"range": [y0, y1], "title": {"text": "y"}, "scaleanchor": None},
        "legend": {"orientation": "h", "y": -0.12},
    }
    return {"data": data, "layout": layout}
