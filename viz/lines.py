"""Line charts of series over steps (schedule curves, effective rates, losses) as Plotly dicts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradscape.trajectories.scenario import PALETTE
from gradscape.viz.axes import log_axis
from gradscape.viz.text import plotly_text


@dataclass(frozen=True, eq=False)
class Series:
    """One named curve; `dash` and `group` let related curves share a legend entry."""

    name: str
    x: np.ndarray
    y: np.ndarray
    color: str | None = None
    dash: str = "solid"
    group: str | None = None


def _finite(values: np.ndarray, decimals: int = 6) -> list:
    """JSON-safe values: non-finite become gaps (None), the rest rounded to keep payloads small."""
    arr = np.asarray(values, float)
    out = np.round(arr, decimals).astype(object)
    out[~np.isfinite(arr)] = None
    return out.tolist()


def line_figure(
    series: list[Series],
    *,
    x_title: str = "step",
    y_title: str = "",
    log_x: bool = False,
    log_y: bool = False,
    height: int = 380,
    title: str = "",
) -> dict:
    """Overlaid curves (palette colours where a series has none); on a log axis non-positive
    values are dropped (gaps), not clipped. Series names (run labels) go in as Plotly text."""
    data = []
    for i, s in enumerate(series):
        y = np.asarray(s.y, float)
        if log_y:
            y = np.where(y > 0, y, np.nan)
        data.append({
            "type": "scatter", "mode": "lines", "name": plotly_text(s.name), "x": _finite(s.x), "y": _finite(y, 9),
            "line": {"color": s.color or PALETTE[i % len(PALETTE)], "dash": s.dash, "width": 2},
            "legendgroup": plotly_text(s.group or s.name),
        })
    layout = {
        "height": height, "margin": {"l": 50, "r": 10, "t": 30 if title else 10, "b": 40},
        "xaxis": {"title": {"text": x_title}, **(log_axis(v for t in data for v in t["x"]) if log_x else {"type": "linear"})},
        "yaxis": {"title": {"text": y_title}, **(log_axis(v for t in data for v in t["y"]) if log_y else {"type": "linear"}),
                  "exponentformat": "power"},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
    }
    if title:
        layout["title"] = {"text": title, "font": {"size": 14}}
    return {"data": data, "layout": layout}


@dataclass(frozen=True, eq=False)
class Chart:
    """A titled line chart as data (lessons return these); `figure()` makes the Plotly spec."""

    title: str
    x_label: str
    y_label: str
    series: tuple[Series, ...]
    log_x: bool = False
    log_y: bool = False

    def figure(self, height: int = 340) -> dict:
        return line_figure(list(self.series), x_title=self.x_label, y_title=self.y_label, log_x=self.log_x,
                           log_y=self.log_y, height=height, title=self.title)
