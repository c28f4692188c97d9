"""Figures of the neural-net landscape (plain Plotly dicts): the shared plane with every run's
path, the model's decision boundary over the input plane, and the per-run curves."""

from __future__ import annotations

import numpy as np

from trajectories.network import NetworkRecord
from viz.lines import Series, line_figure


def _rounded(values: np.ndarray, decimals: int = 5) -> list:
    return np.round(np.asarray(values, float), decimals).tolist()


def plane_figure(grid: tuple[np.ndarray, np.ndarray, np.ndarray], paths: list[tuple[str, str, np.ndarray]],
                 at: int, *, log: bool = True, height: int = 520) -> dict:
    """Contour of the loss on the plane (log₁₀ when `log`), each run's projected path drawn once,
    and a marker where each run is at snapshot `at`."""
    as_, bs, z = grid
    shade = np.log10(np.maximum(z, 1e-12)) if log else z
    data = [{
        "type": "contour", "x": _rounded(as_), "y": _rounded(bs), "z": _rounded(shade, 4), "colorscale": "Viridis",
        "ncontours": 30, "hoverinfo": "skip", "contours": {"coloring": "heatmap", "showlines": True},
        "line": {"width": 0.5, "color": "rgba(255,255,255,0.35)"},
        "colorbar": {"title": {"text": "log₁₀ loss" if log else "loss"}, "thickness": 12},
    }]
    for label, color, coords in paths:
        data.append({"type": "scatter", "mode": "lines", "x": _rounded(coords[:, 0]), "y": _rounded(coords[:, 1]),
                     "name": label, "legendgroup": label, "line": {"color": color, "width": 2}})
        i = min(at, len(coords) - 1)
        data.append({"type": "scatter", "mode": "markers", "x": [float(coords[i, 0])], "y": [float(coords[i, 1])],
                     "showlegend": False, "legendgroup": label, "hoverinfo": "skip",
                     "marker": {"size": 11, "color": color, "line": {"width": 1.5, "color": "white"}}})
    layout = {
        "height": height, "margin": {"l": 45, "r": 10, "t": 10, "b": 40},
        "xaxis": {"title": {"text": "a (direction 1)"}, "range": [float(as_[0]), float(as_[-1])]},
        "yaxis": {"title": {"text": "b (direction 2)"}, "range": [float(bs[0]), float(bs[-1])]},
        "legend": {"orientation": "h", "y": -0.14},
    }
    return {"data": data, "layout": layout}


def plane_surface_figure(grid: tuple[np.ndarray, np.ndarray, np.ndarray], paths: list[tuple[str, str, np.ndarray, np.ndarray]],
                         at: int, height: int = 560) -> dict:
    """The plane's log₁₀ loss as a 3-D surface, each path lifted onto it (the loss at its projected
    points, not the model's loss: the two differ by what the plane hides), a marker at snapshot `at`."""
    as_, bs, z = grid
    data = [{"type": "surface", "x": _rounded(as_), "y": _rounded(bs), "z": _rounded(np.log10(np.maximum(z, 1e-12)), 4),
             "colorscale": "Viridis", "showscale": False, "opacity": 0.9, "hoverinfo": "skip"}]
    for label, color, coords, on_plane in paths:
        lifted = np.log10(np.maximum(on_plane, 1e-12))
        i = min(at, len(coords) - 1)
        data.append({"type": "scatter3d", "mode": "lines", "x": _rounded(coords[:, 0]), "y": _rounded(coords[:, 1]),
                     "z": _rounded(lifted, 4), "name": label, "legendgroup": label, "line": {"color": color, "width": 5}})
        data.append({"type": "scatter3d", "mode": "markers", "x": [float(coords[i, 0])], "y": [float(coords[i, 1])],
                     "z": [float(lifted[i])], "showlegend": False, "legendgroup": label, "marker": {"size": 5, "color": color}})
    scene = {"xaxis": {"title": {"text": "a"}}, "yaxis": {"title": {"text": "b"}}, "zaxis": {"title": {"text": "log₁₀ loss"}}}
    return {"data": data, "layout": {"height": height, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "scene": scene,
                                     "legend": {"orientation": "h", "y": 0}}}


def decision_figure(image: np.ndarray, extent, inputs: np.ndarray, labels: np.ndarray, height: int = 420) -> dict:
    """P(class 1) over the input plane as a heatmap (uint8 → [0, 1]), the data points on top."""
    (x0, x1), (y0, y1) = extent
    n = image.shape[0]
    data = [{
        "type": "heatmap", "z": image.tolist(), "x0": x0, "dx": (x1 - x0) / (n - 1), "y0": y0, "dy": (y1 - y0) / (n - 1),
        "zmin": 0, "zmax": 255, "colorscale": "RdBu", "showscale": False, "hoverinfo": "skip",
    }]
    for cls, color in ((0, "#b2182b"), (1, "#2166ac")):
        pts = inputs[labels == cls]
        data.append({"type": "scatter", "mode": "markers", "x": _rounded(pts[:, 0], 3), "y": _rounded(pts[:, 1], 3),
                     "name": f"class {cls}", "marker": {"size": 5, "color": color, "line": {"width": 0.5, "color": "white"}}})
    layout = {
        "height": height, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
        "xaxis": {"range": [x0, x1], "title": {"text": "x₁"}, "constrain": "domain"},
        "yaxis": {"range": [y0, y1], "title": {"text": "x₂"}, "scaleanchor": "x"},
        "legend": {"orientation": "h", "y": -0.14},
    }
    return {"data": data, "layout": layout}


def curve_figures(record: NetworkRecord, labels: list[str], colors: list[str], distance: np.ndarray,
                  plane_loss: np.ndarray, at_step: int, eigenvalues: tuple[np.ndarray, np.ndarray] | None = None,
                  height: int = 280) -> dict[str, dict]:
    """Loss (the model's, and on the plane at the projected point), off-plane distance, the rates
    and, when given (snapshot indices, values), the top Hessian eigenvalue against 2/η; a
    vertical line marks the playhead."""
    s = record.snapshot_steps
    loss, dist, rate = [], [], []
    for i, (label, color) in enumerate(zip(labels, colors)):
        loss.append(Series(label, s, record.loss[i], color, group=label))
        loss.append(Series(f"{label}: on the plane", s, plane_loss[i], color, "dot", label))
        dist.append(Series(label, s, distance[i], color))
        rate.append(Series(label, np.arange(record.steps), record.lrs[i], color))
    figures = {
        "loss (solid: the model; dotted: at the projected point on the plane)": line_figure(loss, y_title="loss", log_y=True, height=height),
        "distance from the plane ‖θ − θ(a, b)‖ (what the picture hides)": line_figure(dist, y_title="distance", height=height),
        "learning rate": line_figure(rate, y_title="η", log_y=True, height=height),
    }
    if eigenvalues is not None:
        idx, values = eigenvalues
        eig = []
        for i, (label, color) in enumerate(zip(labels, colors)):
            eig.append(Series(f"{label}: λ_max", s[idx], values[i], color, group=label))
            eig.append(Series(f"{label}: 2/η", s[idx], 2.0 / record.lrs[i][np.minimum(s[idx], record.steps - 1)], color, "dash", label))
        figures["top Hessian eigenvalue against 2/η (edge of stability)"] = line_figure(eig, y_title="λ", log_y=True, height=height)
    playhead = {"type": "line", "xref": "x", "yref": "paper", "x0": at_step, "x1": at_step, "y0": 0, "y1": 1,
                "line": {"color": "rgba(0,0,0,0.45)", "width": 1.5, "dash": "dot"}}
    for figure in figures.values():
        figure["layout"]["shapes"] = [playhead]
    return figures
