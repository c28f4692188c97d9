"""Compact data for the Playground's player: a landscape asset and per-run float32 traces.

The player draws in the browser; Python sends it only numbers, packed small:

- the landscape grid once per landscape, as a content-addressed binary file (`LandscapeAsset`):
  n×n float32 values of f, then n×n float32 shades (what the colours show), row-major;
- per run, its trajectories thinned to what a screen shows (viz/thinning.py: the kept step
  indices as uint16, the positions, losses and rates there as float32, all little-endian and
  base64-encoded, one concatenation per array with per-trajectory offsets), with a digest so
  the browser decodes and redraws only the runs that changed.

Engine results are cached per run (an LRU bounded in bytes, keyed by everything that decides the
numbers and nothing else), so changing one run's learning rate recomputes that run only, and
relabelling or recolouring a run recomputes nothing. No Streamlit here.
"""

from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gradscape import landscapes
from gradscape.memo import ByteLRU, CacheInfo, cached
from gradscape import trajectories as tr
from gradscape.trajectories import families, typed
from gradscape.trajectories.api import RunRecord
from gradscape.trajectories.scenario import Scenario
from gradscape.viz.landscape import POINT_STYLES, grid
from gradscape.viz.thinning import SLICES, kept_steps

GRID_N = 160
RUN_CACHE_BYTES = 128 * 2**20  # ≈ 4000 default runs (≈ 30 kB each), or 32 of 16 starts × 5000 steps (≈ 4 MB)
ASSET_CACHE_BYTES = 16 * 2**20  # ≈ 80 landscapes' player grids (≈ 200 kB each at GRID_N)


def encode_array(a: np.ndarray, dtype: str = "<f4") -> str:
    """Little-endian bytes of `a` (C order) as `dtype` (float32 unless told), base64: 4/3 bytes per byte on the wire."""
    with np.errstate(over="ignore"):  # a loss beyond float16's range is sent as inf
        return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")


def decode_f32(text: str, dtype: str = "<f4") -> np.ndarray:
    """Inverse of `encode_array` (flat)."""
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


@dataclass(frozen=True)
class LandscapeAsset:
    """A binary file for the player (a landscape's grid, a network's decision-boundary frames): `blob`,
    served as a file named `name`, and its JSON metadata."""

    name: str
    blob: bytes
    meta: dict


def content_asset(stem: str, suffix: str, blob: bytes, meta: dict) -> LandscapeAsset:
    """`blob` named `<stem>-<digest><suffix>` by its content, the digest added to `meta` (so a file
    published once is never served stale, and the browser caches it by name)."""
    digest = hashlib.blake2b(blob, digest_size=8).hexdigest()
    return LandscapeAsset(f"{stem}-{digest}{suffix}", blob, {**meta, "digest": digest})


def grid_asset(stem: str, z: np.ndarray, shade: np.ndarray, meta: dict) -> LandscapeAsset:
    """An n×n grid of values and shades as one float32 blob named by its content; `meta` is completed
    with n and the digest (any 2-D map the player draws: a catalogue landscape or a network's plane)."""
    blob = np.ascontiguousarray(z, "<f4").tobytes() + np.ascontiguousarray(shade, "<f4").tobytes()
    n = int(np.shape(z)[0])
    return content_asset(f"{stem}-{n}", ".f32", blob, {**meta, "n": n})


@cached(ASSET_CACHE_BYTES)
def landscape_asset(key: str, n: int = GRID_N) -> LandscapeAsset:
    """The grid of f and of its shades as one float32 blob, named by its content."""
    ls = typed.landscape(key)
    g = grid(key, n)
    (x0, x1), (y0, y1) = ls.domain
    meta = {
        "key": key,
        "name": ls.name,
        "x": [x0, x1],
        "y": [y0, y1],
        "log": g.log,
        "clip": g.clip,
        "zmin": float(g.z.min()),
        "fstar": ls.f_star,
        "points": [
            {"x": p.x, "y": p.y, "kind": p.kind, "label": p.label or p.kind, "symbol": POINT_STYLES[p.kind].symbol,
             "fill": POINT_STYLES[p.kind].fill, "legend": POINT_STYLES[p.kind].name}
            for p in ls.points
        ],
    }
    stem = "custom" if landscapes.custom.is_custom(key) else key  # a typed expression never goes into a file name
    return grid_asset(stem, g.z, g.shade, meta)


@dataclass(frozen=True)
class RunTrace:
    """One run's record and its wire form: base64 arrays, their per-trajectory offsets and a digest."""

    record: RunRecord
    arrays: dict[str, str]
    offsets: dict[str, list[int]]
    digest: str


def _offsets(parts: Sequence[np.ndarray]) -> list[int]:
    return [0, *np.cumsum([len(p) for p in parts]).tolist()]


def pack_tracks(steps: Sequence[np.ndarray], positions: Sequence[np.ndarray], losses: Sequence[np.ndarray],
                rate_steps: Sequence[np.ndarray], rates: Sequence[np.ndarray]) -> tuple[dict[str, str], dict[str, list[int]], str]:
    """(wire arrays, offsets, digest) of trajectories known at sorted `steps` (one index array per
    trajectory, always 0 and T; its `positions` (k, 2) and `losses` (k,) there) and of rate rows
    known at `rate_steps`. The player interpolates between known steps."""
    arrays = {
        "keep": encode_array(np.concatenate(steps), "<u2"),
        "pos": encode_array(np.concatenate(positions)),
        "loss": encode_array(np.concatenate(losses)),
        "lrKeep": encode_array(np.concatenate(rate_steps), "<u2"),
        "lr": encode_array(np.concatenate(rates)),
    }
    offsets = {"keepAt": _offsets(steps), "lrKeepAt": _offsets(rate_steps)}
    digest = hashlib.blake2b("|".join(arrays[k] for k in sorted(arrays)).encode(), digest_size=8).hexdigest()
    return arrays, offsets, digest


def _trace(key: Scenario) -> RunTrace:
    return record_trace(tr.run(key.landscape, key.runs[0].optimizer, **key.engine_kwargs(0)))


def record_trace(rec: RunRecord, slices: int = SLICES) -> RunTrace:
    """A run record with its wire form: each trajectory thinned (events kept; `slices` as in
    viz/thinning.py) and packed, with one rate row: a recorded run's trajectories share their rate (a
    loss-driven schedule reads their mean loss)."""
    events = [[int(rec.event_step[j])] if rec.status[j] != tr.engine.RUNNING else [] for j in range(len(rec.losses))]
    paths = [kept_steps(loss, ev, slices) for loss, ev in zip(rec.losses, events)]
    rates = kept_steps(rec.lrs[0], slices=slices)
    arrays, offsets, digest = pack_tracks(paths, [p[k] for p, k in zip(rec.positions, paths)],
                                          [f[k] for f, k in zip(rec.losses, paths)], [rates], [rec.lrs[0][rates]])
    return RunTrace(rec, arrays, offsets, digest)


_CACHE: ByteLRU[Scenario, RunTrace] = ByteLRU(RUN_CACHE_BYTES)


def run_trace(s: Scenario, i: int) -> RunTrace:
    """Run i of the scenario through the engine (cached); raises ValueError for bad settings."""
    return _CACHE.get(s.compute_key(i), _trace)


def cache_info() -> CacheInfo:
    """Hits, misses, entries and bytes of the per-run cache."""
    return _CACHE.info()


HIDDEN_STATUS = "hidden until you answer"


def start_only(rec: RunRecord) -> tuple[dict[str, str], dict[str, list[int]], str]:
    """The wire form of a record's start points and nothing after (step 0 of every path and of its rate):
    what a student's player holds before they answer an exercise, so the paths are not in the page."""
    first = [np.zeros(1, np.int64)] * len(rec.losses)
    return pack_tracks(first, [p[:1] for p in rec.positions], [f[:1] for f in rec.losses], [np.zeros(1, np.int64)],
                       [rec.lrs[0][:1]])


def run_payload(index: int, label: str, color: str, status: Sequence[str], arrays: dict, offsets: dict, digest: str) -> dict:
    """One run as the player reads it (`status`: one line per trajectory)."""
    return {"index": index, "label": label, "color": color, "digest": digest, "n": len(status), "status": list(status), **arrays, **offsets}


LOSS_FLOOR = 1e-12  # the smallest f − f* a loss panel draws


def loss_floor(fstar: float | None) -> float:
    """The lowest loss gap f − f* worth drawing: LOSS_FLOOR, or where float32 can no longer tell f from
    f* (the decade above its spacing at f*: the engine computes f in float32); a path that reaches
    the minimum lies on this floor instead of drawing its rounding noise as a jagged tail."""
    spacing = float(np.spacing(np.float32(abs(fstar or 0.0))))
    return max(LOSS_FLOOR, 10.0 ** math.ceil(math.log10(spacing)))


def payload(*, plotly_url: str, landscape: dict, steps: int, view: str, log_loss: bool, presentation: bool,
            runs: list[dict], clickable: bool = True, report_step: bool = False, step: int = 0, tune: str | None = None,
            plotly_3d_url: str | None = None) -> dict:
    """The component's JSON payload around its landscape metadata (with the grid's `url`, optional `axes`
    titles) and runs; `plotly_url` the plotly.js its 2-D plots load ("": the page has plotly.js already),
    `plotly_3d_url` the one its 3-D view loads when first shown (None: the same, a full bundle);
    `clickable` False where a click on the map means nothing (no start points);
    `report_step` True where the page wants the step the playhead rests on (ui/frontend/player/report.js);
    `step` the one the playhead goes to when the player opens, or when a later payload asks for another.
    On a log loss axis, gaps below `lossFloor` (loss_floor of the landscape's f*) are drawn on it. `tune`: the
    families' URL where the runs can be scrubbed (runs then carry `tune_info`; ui/frontend/player/tune.js).
    A page may add `clickHint` (what a click does, in the map's title; default: it sets the start), `draggable`
    (true: a start point's marker can be dragged on the map, ui/frontend/player/drag.js) and `play` (a new value
    plays the run from step 0 once: an exercise's reveal)."""
    return {"plotly": plotly_url, "plotly3d": plotly_url if plotly_3d_url is None else plotly_3d_url, "landscape": landscape,
            "steps": steps, "view": view, "logLoss": log_loss,
            "presentation": presentation, "runs": runs, "clickable": clickable, "reportStep": report_step, "step": step,
            "lossFloor": loss_floor(landscape.get("fstar")), "tune": tune}


def tune_info(s: Scenario, i: int) -> dict:
    """What the scrub needs of run i: its family request's query and its knobs with their values."""
    run = s.runs[i]
    knobs = [{"key": k.key, "label": k.label, "log": k.log, "value": families.value_of(run, k.key)} for k in families.knobs(run)]
    return {"query": families.run_query(s, i), "knobs": knobs}


def player_data(
    s: Scenario, traces: Sequence[tuple[int, RunTrace]], *, grid_url: str, plotly_url: str, asset: LandscapeAsset,
    zoom: tuple[tuple[float, float], tuple[float, float]] | None = None, report_step: bool = False, hide_paths: bool = False,
    tune_url: str | None = None, plotly_3d_url: str | None = None,
) -> dict:
    """The component's JSON payload: no landscape values (those come from `grid_url`), runs as base64 float32,
    the playhead at the scenario's step. `zoom` ((x0, x1), (y0, y1)) sets the map's initial view (a lesson's
    camera); None shows the domain. `report_step`, `tune_url` (the payload's `tune`) and `plotly_3d_url` as in
    `payload`. `hide_paths`: only the start points go to the browser (`start_only`), the playhead at step 0,
    each path's end unsaid, and no family to scrub through."""
    tune_url = None if hide_paths else tune_url
    runs = []
    for i, t in traces:
        n = t.record.positions.shape[0]
        if hide_paths:
            runs.append(run_payload(i, s.label(i), s.color(i), [HIDDEN_STATUS] * n, *start_only(t.record)))
        else:
            runs.append(run_payload(i, s.label(i), s.color(i), [t.record.status_text(j) for j in range(n)],
                                    t.arrays, t.offsets, t.digest) | ({"tune": tune_info(s, i)} if tune_url else {}))
    landscape = {**asset.meta, "url": grid_url, "zoom": [list(zoom[0]), list(zoom[1])] if zoom else None}
    return payload(plotly_url=plotly_url, landscape=landscape, steps=s.steps, view=s.view, log_loss=s.log_loss,
                   presentation=s.presentation, runs=runs, report_step=report_step, step=0 if hide_paths else s.playhead,
                   tune=tune_url, plotly_3d_url=plotly_3d_url)


def _fmt_point(x: float, y: float) -> str:
    return f"({x:.3g}, {y:.3g})"


def results_rows(s: Scenario, traces: Sequence[tuple[int, RunTrace]]) -> list[dict]:
    """One row per run and start point: final loss, where the path ends (the engine's end state,
    trajectories/ends.py) and the nearest known minimum with its distance (nearest, not reached:
    the end says whether the path is there)."""
    ls = typed.landscape(s.landscape)
    minima = np.array([p.xy for p in ls.minima]).reshape(-1, 2)
    rows = []
    for i, t in traces:
        rec = t.record
        for j, path in enumerate(rec.positions):
            row = {"run": s.label(i), "start": _fmt_point(*path[0]), "final loss": float(rec.losses[j, -1]),
                   "end": rec.status_text(j), "nearest minimum": "none known", "distance": None}
            if len(minima):
                final = np.linalg.norm(path[-1] - minima, axis=-1)
                m = int(np.argmin(final))
                row["nearest minimum"] = f"{_fmt_point(*minima[m])} {ls.minima[m].kind}"
                row["distance"] = float(final[m])
            rows.append(row)
    return rows
