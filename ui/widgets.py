"""Input widgets generated from catalogue metadata, shared by every page.

Log-scaled numbers (learning rates, ε) get a slider with 1–1.5–2–3–5–7 stops per decade;
linear ones a plain slider whose precision shows the range ends and the default exactly.
A widget whose key is not in session state yet starts at the metadata's default.
The learning rate has a control of its own (`rate_input`): a log slider that commits when it is
released (keys: after a pause; ui/frontend/rate.js) and a box to type any rate in.
A control an exercise locks (`locked`) is drawn disabled, with a lock in its label and why in its tooltip.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import streamlit as st

from gradscape.optimizers.base import Hyper
from gradscape.viz.text import short_plain

LOG_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
NUMBER_HINT = "Type a number such as 0.01 or 3e-4."
LOCK_HELP = "Locked by your teacher."
_FRONTEND = Path(__file__).resolve().parent / "frontend"
_rate_slider = st.components.v2.component(
    "gradscape_rate",
    html=(_FRONTEND / "rate.html").read_text(encoding="utf-8"),
    css=(_FRONTEND / "rate.css").read_text(encoding="utf-8"),
    js=(_FRONTEND / "rate.js").read_text(encoding="utf-8"),
    isolate_styles=False,  # the page's theme colours and font
)


def log_options(low: float, high: float, current: float | None = None, *, zero: bool = False) -> list[float]:
    """A 1–1.5–2–3–5–7 grid per decade over [low, high], with `current` added when off the grid
    (with `zero`, also a value between 0 and `low` that a link set: shown as it is, not snapped)."""
    values = {low, high}
    for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for m in LOG_MANTISSAS:
            v = float(f"{m * 10.0**e:.6g}")
            if low <= v <= high:
                values.add(v)
    if current is not None and (low <= current <= high or (zero and 0 <= current <= high)):
        values.add(float(current))
    if zero:
        values.add(0.0)
    return sorted(values)


def locked_label(label: str, locked: bool) -> str:
    """A control's label, with a lock icon where an exercise locks it."""
    return f":material/lock: {label}" if locked else label


def lockable(label: str, locked: bool, help: str | None = None) -> dict:
    """Keyword arguments (label, disabled, help) of a widget that an exercise may lock."""
    return {"label": locked_label(label, locked), "disabled": locked, "help": LOCK_HELP if locked else help}


def _fmt(v: float) -> str:
    return f"{v:.6g}"  # distinct for distinct stops (links carry 6 significant digits)


def log_slider(label: str, key: str, low: float, high: float, *, zero: bool = False, help: str | None = None, on_change=None,
               default: float | None = None, locked: bool = False) -> float:
    """A slider with log-spaced stops; the value in session state is always one of its stops."""
    if default is not None and key not in st.session_state:
        st.session_state[key] = default
    options = log_options(low, high, st.session_state.get(key), zero=zero)
    return float(st.select_slider(options=options, key=key, format_func=_fmt, on_change=on_change, **lockable(label, locked, help)))


def _decimals(h: Hyper) -> int:
    """Decimal places that show the range ends and the default exactly (at most 5)."""
    for d in range(6):
        if all(abs(v * 10**d - round(v * 10**d)) < 1e-9 for v in (h.low, h.high, h.default)):
            return max(d, 2)
    return 5


def hyper_slider(h: Hyper, key: str, on_change=None, locked: bool = False) -> float:
    """A slider from the metadata: log stops when `h.log`, whole numbers when `h.integer`."""
    label = f"{h.label} ({h.name})" if h.label and h.label != h.name else h.name
    help_text = h.help or None
    if key not in st.session_state:
        st.session_state[key] = int(h.default) if h.integer else float(h.default)
    if h.log:
        return log_slider(label, key, h.low, h.high, help=help_text, on_change=on_change, locked=locked)
    given = lockable(label, locked, help_text)
    if h.integer:
        return float(st.slider(min_value=int(h.low), max_value=int(h.high), key=key, step=1, on_change=on_change, **given))
    d = _decimals(h)
    return float(st.slider(min_value=float(h.low), max_value=float(h.high), key=key, step=10.0**-d, format=f"%.{d}f",
                           on_change=on_change, **given))


def parse_rate(text: str, low: float, high: float) -> float:
    """A typed rate ('0.01', '3e-4'), rounded to the 6 significant digits a link keeps; ValueError says what is wrong."""
    try:
        v = float(text.strip())
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a number. {NUMBER_HINT}") from None
    if not math.isfinite(v) or not low <= v <= high:
        raise ValueError(f"{text.strip()} is outside {low:g} … {high:g}; the rate stays as it was.")
    return float(_fmt(v))


def _set_rate(key: str, value: object, low: float, high: float, on_change: Callable[[], None]) -> None:
    """Store a rate from either control when it is valid (`on_change` then reads it), else remember why not."""
    try:
        st.session_state[key] = parse_rate(str(value), low, high)
    except ValueError as err:
        st.session_state[f"{key}.error"] = str(err)
        return
    on_change()


def rate_input(label: str, key: str, low: float, high: float, *, on_change: Callable[[], None], color: str = "",
               locked: bool = False) -> None:
    """The rate in session state under `key` (seeded by the page): a log slider to drag, committed when
    released or after a pause between key presses, and a box that takes any typed rate within [low, high].
    `color` marks the label with the run's colour. Locked, only the box is drawn, disabled."""
    ss = st.session_state
    value = float(ss[key])
    ss[f"{key}.typed"] = _fmt(value)
    if locked:
        st.text_input(key=f"{key}.typed", **lockable(label, True))
        return
    options = log_options(low, high, value)
    slide, box = st.columns([2.4, 1.3], vertical_alignment="bottom", gap="small")
    with slide:
        _rate_slider(key=f"{key}.drag", data={"label": label, "color": color, "options": options, "index": options.index(value),
                                              "labels": [_fmt(v) for v in options]},
                     on_rate_change=lambda: _set_rate(key, ss[f"{key}.drag"].rate, low, high, on_change))
    box.text_input(f"{label} (typed)", key=f"{key}.typed", label_visibility="collapsed", placeholder="3e-4",
                   on_change=lambda: _set_rate(key, ss[f"{key}.typed"], low, high, on_change),
                   help=f"Type a rate between {low:g} and {high:g} and press Enter, or drag the slider.")
    error = ss.pop(f"{key}.error", None)
    if error:
        st.error(short_plain(error), icon=":material/error:")
