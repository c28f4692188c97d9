"""Thin a long curve to what a screen can show, keeping its shape, its extremes and its events.

A panel a few hundred pixels wide cannot show 5000 steps apart: the player receives, per
trajectory, a sorted subset of the step indices and the values there. Short curves are sent
whole; a long one is cut into equal slices of steps and each slice keeps its first step, its
lowest and its highest value, so spikes and dips survive. The first and last steps and the
event steps (diverged at 37) are always kept. The browser interpolates between kept steps, so
the playhead still moves one step at a time and lands exactly on the kept values.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

SLICES = 256  # a long curve keeps ≤ 3 steps per slice: ≈ 770 points, about a panel's width in pixels


def kept_steps(values: np.ndarray, always: Iterable[int] = (), slices: int = SLICES) -> np.ndarray:
    """Sorted step indices (uint16) of `values` (1-D, one per step) worth drawing; see the module docstring."""
    v = np.asarray(values, dtype=np.float64)
    m = len(v)
    fixed = [0, m - 1, *(int(k) for k in always if 0 <= k < m)]
    if m <= 3 * slices:
        return np.arange(m, dtype=np.uint16)
    width = -(-m // slices)
    padded = np.full(width * slices, np.nan)
    padded[:m] = v
    buckets = padded.reshape(slices, width)
    finite = np.isfinite(buckets)
    lows = np.argmin(np.where(finite, buckets, np.inf), axis=1)
    highs = np.argmax(np.where(finite, buckets, -np.inf), axis=1)
    starts = np.arange(slices) * width
    keep = np.concatenate([starts, starts + lows, starts + highs, fixed])
    kept = np.zeros(m, bool)  # sorted and unique, faster than np.unique for a curve's length
    kept[keep[keep < m]] = True
    return np.flatnonzero(kept).astype(np.uint16)
