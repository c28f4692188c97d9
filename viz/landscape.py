"""A landscape sampled on a grid for drawing: values, colour scale and notable points."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

import landscapes
from trajectories import api as engine_api


@dataclass(frozen=True)
class LandscapeGrid:
    """f on an n×n grid; `shade` is what the colours show (log-scaled for steep landscapes)."""

    key: str
    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    shade: np.ndarray
    log: bool


@functools.lru_cache(maxsize=64)
def grid(key: str, n: int = 160) -> LandscapeGrid:
    """Sample once per (landscape, resolution) and keep it: every rerun reuses the arrays."""
    ls = landscapes.get(key)
    xs, ys, z = engine_api.landscape_grid(key, n)
    if ls.z_clip is not None:
        z = np.minimum(z, ls.z_clip)
    if ls.log_contours:
        shade = np.log10(z - z.min() + 1e-3)
    else:
        shade = z
    return LandscapeGrid(key, xs, ys, z, shade.astype(np.float32), ls.log_contours)


POINT_SYMBOLS = {"min": "star", "local min": "star-open", "max": "triangle-up", "saddle": "x", "degenerate saddle": "x"}
