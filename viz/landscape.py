"""A landscape sampled on a grid for drawing: values, colour scale and notable points."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from gradscape.memo import cached
from gradscape.trajectories import api as engine_api
from gradscape.trajectories import typed


@dataclass(frozen=True)
class LandscapeGrid:
    """f on an n×n grid; `shade` is what the colours show (log-scaled for steep landscapes)."""

    key: str
    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    shade: np.ndarray
    log: bool
    clip: float | None = None

    def lift(self, values: np.ndarray) -> np.ndarray:
        """Values of f mapped like the grid's colours (clipped, log-scaled): paths drawn on the surface."""
        v = np.asarray(values, dtype=np.float64)
        if self.clip is not None:
            v = np.minimum(v, self.clip)
        if self.log:
            v = np.log10(np.maximum(v - float(self.z.min()), 0.0) + 1e-3)
        return v.astype(np.float32)


GRID_CACHE_BYTES = 16 * 2**20  # ≈ 80 grids at the player's 160² (≈ 210 kB each)


@cached(GRID_CACHE_BYTES)
def grid(key: str, n: int = 160) -> LandscapeGrid:
    """Sample once per (landscape, resolution) and keep it: every rerun reuses the arrays. Where f is not
    finite (a typed landscape's pole or log of a negative number) the grid holds the highest finite
    value, drawn as a wall, so the browser's colour and surface ranges stay finite."""
    ls = typed.landscape(key)
    xs, ys, z = engine_api.landscape_grid(key, n)
    if ls.z_clip is not None:
        z = np.minimum(z, ls.z_clip)
    finite = np.isfinite(z)
    if not finite.all():
        z = np.where(finite, z, z[finite].max() if finite.any() else 0.0)
    g = LandscapeGrid(key, xs, ys, z, z, ls.log_contours, ls.z_clip)
    return replace(g, shade=g.lift(z))


class PointStyle(NamedTuple):
    """How a kind of notable point is drawn on a map (a plotly marker symbol, filled, outlined in black)
    and named in the map's legend. Every fill shows on the light legend and on the dark map alike."""

    symbol: str
    fill: str
    name: str


POINT_STYLES = {
    "min": PointStyle("star", "white", "global minimum"),
    "local min": PointStyle("star", "#a8a8a8", "local minimum"),
    "max": PointStyle("triangle-up", "white", "maximum"),
    "saddle": PointStyle("x", "white", "saddle point"),
    "degenerate saddle": PointStyle("x", "#a8a8a8", "degenerate saddle point"),
}
