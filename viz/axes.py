"""Log axes for the figures Python builds and Streamlit draws: labelled in decades (10⁻³) or whole
numbers (0.02), never plotly's bare minor "2" and "5", which read as values on a learning-rate axis.

The player and the sweep map tick their log axes in the browser, where they know their size
(ui/frontend/common.js, logTicks); these figures do not, so they keep at most MOST_TICKS labels.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

MOST_TICKS = 8
MIN_DECADES = 0.7  # a narrower range (a constant rate) is widened to this, about its middle


def _power_label(k: int) -> str:
    """10^k as plotly writes it with exponentformat 'power'."""
    return {0: "1", 1: "10"}.get(k, f"10<sup>{'−' if k < 0 else ''}{abs(k)}</sup>")


def full_number(v: float) -> str:
    """A tick value written out: 0.02, 500, or 2×10⁻⁷ when that would be too long."""
    k = math.floor(math.log10(v) + 1e-9)
    if -4 <= k <= 5:
        return np.format_float_positional(float(f"{v:.3g}"), trim="-")
    return f"{float(f'{v / 10 ** k:.3g}'):g}×{_power_label(k)}"


def _thin(values: list, most: int) -> list:
    step = math.ceil(len(values) / most)
    return values[::step]


def log_ticks(lo: float, hi: float, most: int = MOST_TICKS) -> dict:
    """Tick layout for a log axis over [lo, hi]: decades when two fit (every k-th when more than
    `most`; plotly writes them, as 10⁻³ with exponentformat 'power'), else 1-2-5 times a decade when
    three fit, else 1…9 times, written out; {} (plotly's own ticks) when even those give fewer than two."""
    a, b = math.log10(lo) - 1e-9, math.log10(hi) + 1e-9
    decades = math.floor(b) - math.ceil(a) + 1
    if decades >= 2:
        return {"tickmode": "linear", "tick0": 0, "dtick": math.ceil(decades / most)}
    for mantissas, enough in (((1, 2, 5), 3), (range(1, 10), 2)):
        values = [m * 10.0 ** k for k in range(math.floor(a), math.ceil(b) + 1) for m in mantissas
                  if a <= math.log10(m * 10.0 ** k) <= b]
        if len(values) >= enough:
            kept = _thin(values, most)
            return {"tickmode": "array", "tickvals": kept, "ticktext": [full_number(v) for v in kept]}
    return {}


def log_axis(values: Iterable[float]) -> dict:
    """A log axis showing the positive finite `values` with a margin, at least MIN_DECADES tall, ticked by
    `log_ticks`; plotly's default log axis when there are none."""
    v = np.asarray([x for x in values if x is not None], float)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return {"type": "log"}
    lo, hi = math.log10(v.min()), math.log10(v.max())
    pad = max(0.04 * (hi - lo), (MIN_DECADES - (hi - lo)) / 2)
    lo, hi = lo - pad, hi + pad
    return {"type": "log", "range": [lo, hi], "exponentformat": "power", **log_ticks(10 ** lo, 10 ** hi)}
