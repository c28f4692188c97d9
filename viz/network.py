"""The neural-net landscape for the browser: the shared plane and the runs' projected paths as the
player's payload (the same LandscapeAsset and run arrays as a 2-D landscape's), the model's
decision boundary at snapshot steps as the player's boundary panel (one uint8 file of frames), and
plain Plotly figures of what the player does not show: what the plane hides."""

from __future__ import annotations

import base64

import numpy as np

from gradscape.memo import cached
from gradscape.trajectories import network as nw
from gradscape.trajectories import network_views as nv
from gradscape.trajectories.net_scenario import NetScenario
from gradscape.trajectories.network import NetworkRecord, problem_arrays
from gradscape.viz.landscape import LandscapeGrid
from gradscape.viz.lines import Series, line_figure
from gradscape.viz.player import LandscapeAsset, content_asset, encode_array, grid_asset, pack_tracks, payload, run_payload
from gradscape.viz.thinning import kept_steps

PLANE_KEY = "network-plane"
BOUNDARY_FRAMES = 41
BOUNDARY_N = 64
EIGEN_POINTS = 40
# A trained setting on its plane holds ≤ 8 runs × 1001 snapshots × P floats: ≈ 5 MB the default one,
# ≈ 50 MB 8 runs at width 32; a few large settings or many small ones, shared by every session.
VIEW_CACHE_BYTES = 96 * 2**20
BOUNDARY_CACHE_BYTES = 16 * 2**20  # 41 frames × 64² bytes per run: ≤ 1.4 MB a setting
EIGEN_CACHE_BYTES = 2**20  # 40 snapshots × 2 eigenvalues per run: < 3 kB a setting


def training(s: NetScenario) -> NetScenario:
    """What decides the runs' numbers and the plane, and nothing else (no labels, colours, switched-off
    runs or view): the key the cached results below are kept under."""
    return NetScenario(problem=s.problem, steps=s.steps, plane=s.plane, runs=tuple(s.runs[i].numbers() for i in s.shown()))


def trained_view(s: NetScenario) -> nv.PlaneView:
    """The switched-on runs trained, on the chosen plane with its grid and the loss at each projected
    point (cached across sessions); raises ValueError for bad settings."""
    return _trained_view(training(s))


def eigen_series(s: NetScenario) -> tuple[np.ndarray, np.ndarray]:
    """(snapshot indices, the Hessian's top eigenvalues there (runs, points, 2)) at EIGEN_POINTS snapshots
    spread over each switched-on run (cached)."""
    return _eigen_series(training(s))


def boundary_frames(s: NetScenario) -> LandscapeAsset:
    """The player's decision-boundary frames of the switched-on runs (cached: ≈ 30–120 ms of images)."""
    return _boundary_frames(training(s))


@cached(VIEW_CACHE_BYTES)
def _trained_view(s: NetScenario) -> nv.PlaneView:
    return nv.plane_view(nw.train(s.problem, s.net_runs(), s.steps), s.plane)


@cached(EIGEN_CACHE_BYTES)
def _eigen_series(s: NetScenario) -> tuple[np.ndarray, np.ndarray]:
    record = _trained_view(s).record
    idx = np.unique(np.linspace(0, len(record.snapshot_steps) - 1, EIGEN_POINTS).astype(int))
    return idx, np.stack([nv.top_hessian_eigenvalues(record.problem, record.snapshots[i, idx]) for i in range(len(s.runs))])


@cached(BOUNDARY_CACHE_BYTES)
def _boundary_frames(s: NetScenario) -> LandscapeAsset:
    return boundary_asset(_trained_view(s).record)


def plane_asset(grid: tuple[np.ndarray, np.ndarray, np.ndarray]) -> LandscapeAsset:
    """The plane's loss grid as the player's landscape: the plane's extent is the domain, the colours
    are log₁₀(loss − min) as on a steep 2-D landscape, the origin of the plane is marked, and the
    loss axis is logarithmic down to cross-entropy's infimum 0. The panel titles stay short (which
    plane it is, is said above the player and in an export's caption), so the 3-D title fits in a third
    of the row next to the decision boundary."""
    as_, bs, z = grid
    shade = LandscapeGrid(PLANE_KEY, as_, bs, z, z, log=True).lift(z)
    meta = {
        "key": PLANE_KEY, "name": "Loss on the plane", "x": [float(as_[0]), float(as_[-1])],
        "y": [float(bs[0]), float(bs[-1])], "axes": ["a (direction 1)", "b (direction 2)"], "log": True, "clip": None, "zmin": float(z.min()), "fstar": 0.0,
        "points": [{"x": 0.0, "y": 0.0, "kind": "origin", "label": "origin of the plane", "symbol": "circle-cross",
                    "fill": "white", "legend": "origin of the plane"}],
    }
    return grid_asset("plane", z, shade, meta)


def run_payloads(s: NetScenario, record: NetworkRecord, coords: np.ndarray) -> list[dict]:
    """Each switched-on run as the player's run: its path on the plane at the snapshot steps, the
    model's full-data loss there, and its learning rate (thinned like a 2-D run's)."""
    steps = record.snapshot_steps.astype(np.uint16)
    runs = []
    for j, i in enumerate(s.shown()):
        rates = kept_steps(record.lrs[j])
        arrays, offsets, digest = pack_tracks([steps], [coords[j]], [record.loss[j]], [rates], [record.lrs[j][rates]])
        runs.append(run_payload(i, s.label(i), s.color(i), [record.status_text(j)], arrays, offsets, digest))
    return runs


def player_data(s: NetScenario, record: NetworkRecord, coords: np.ndarray, asset: LandscapeAsset, *, grid_url: str,
                plotly_url: str, plotly_3d_url: str | None = None, boundary: dict | None = None) -> dict:
    """The player's payload for the Neural net page (the plane's grid comes from `grid_url`; plotly.js as in
    viz.player.payload), with the `boundary_data` panel when given."""
    data = payload(plotly_url=plotly_url, plotly_3d_url=plotly_3d_url, landscape={**asset.meta, "url": grid_url, "zoom": None}, steps=record.steps,
                   view=s.view, log_loss=True, presentation=s.presentation, runs=run_payloads(s, record, coords), clickable=False,
                   report_step=True)
    return data if boundary is None else {**data, "boundary": boundary}


def frame_indices(count: int, frames: int = BOUNDARY_FRAMES) -> np.ndarray:
    """At most `frames` snapshot indices out of `count`, evenly spread, always the first and the last."""
    return np.unique(np.linspace(0, count - 1, min(frames, count)).round().astype(int))


def boundary_asset(record: NetworkRecord, frames: int = BOUNDARY_FRAMES, n: int = BOUNDARY_N) -> LandscapeAsset:
    """The decision boundary of every recorded run at ≤ `frames` snapshot steps, for the player's
    boundary panel: one blob of runs × frames × n × n uint8 images of P(class 1) × 255 (row i is y
    ascending, as `decision_images` gives), named by its content; the metadata carries the frames'
    steps, each frame's accuracy and loss (runs × frames, float32), the input extent and the data
    points as (x₁, x₂, label) float32 triples."""
    idx = frame_indices(len(record.snapshot_steps), frames)
    images, extent = nv.decision_images(record.problem, record.snapshots[:, idx], n=n)
    x, y, _ = problem_arrays(record.problem)
    meta = {
        "n": n, "frames": len(idx), "runs": int(record.snapshots.shape[0]),
        "steps": record.snapshot_steps[idx].astype(int).tolist(), "extent": [list(extent[0]), list(extent[1])],
        "accuracy": encode_array(record.accuracy[:, idx]), "loss": encode_array(record.loss[:, idx]),
        "points": encode_array(np.column_stack([x, y])),
    }
    return content_asset(f"boundary-{n}", ".u8", np.ascontiguousarray(images, np.uint8).tobytes(), meta)


def boundary_data(asset: LandscapeAsset, url: str | None) -> dict:
    """The boundary as the player reads it: its frames fetched from `url` (a published file), or
    embedded as base64 when `url` is None (an exported page that plays without a server)."""
    if url is None:
        return {**asset.meta, "url": None, "images": base64.b64encode(asset.blob).decode("ascii")}
    return {**asset.meta, "url": url}


def curve_figures(record: NetworkRecord, labels: list[str], colors: list[str], distance: np.ndarray,
                  plane_loss: np.ndarray, at_step: int, eigenvalues: tuple[np.ndarray, np.ndarray] | None = None,
                  height: int = 280) -> dict[str, dict]:
    """What the plane hides, per run: the model's loss against the loss at its projected point, the
    off-plane distance and, when given (snapshot indices, values), the top Hessian eigenvalue
    against 2/η; a vertical line marks the step slider's step."""
    s = record.snapshot_steps
    loss, dist = [], []
    for i, (label, color) in enumerate(zip(labels, colors)):
        loss.append(Series(label, s, record.loss[i], color, group=label))
        loss.append(Series(f"{label}: on the plane", s, plane_loss[i], color, "dot", label))
        dist.append(Series(label, s, distance[i], color))
    figures = {
        "loss (solid: the model; dotted: at the projected point on the plane)": line_figure(loss, y_title="loss", log_y=True, height=height),
        "distance from the plane ‖θ − θ(a, b)‖ (what the picture hides)": line_figure(dist, y_title="distance", height=height),
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
