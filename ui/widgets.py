"""Input widgets generated from catalogue metadata, so every range check lives in one place."""

from __future__ import annotations

import streamlit as st

from optimizers.base import Hyper
from trajectories.engine import LR_RANGE


def hyper_input(h: Hyper, *, key: str, label: str | None = None) -> float:
    """A slider for linear parameters, a number box for log-scaled ones; range from the metadata."""
    text = label or (f"{h.label} ({h.name})" if h.label and h.label != h.name else h.name)
    if key not in st.session_state:
        st.session_state[key] = int(h.default) if h.integer else float(h.default)
    if h.integer:
        return float(st.slider(text, int(h.low), int(h.high), key=key, step=1, help=h.help or None))
    if h.log:
        return float(st.number_input(text, float(h.low), float(h.high), key=key, format="%g", help=h.help or None))
    return float(st.slider(text, float(h.low), float(h.high), key=key, step=(h.high - h.low) / 200, help=h.help or None))


def learning_rate_input(label: str, *, key: str, default: float = 0.1) -> float:
    """η₀ in the engine's accepted range."""
    if key not in st.session_state:
        st.session_state[key] = default
    return float(st.number_input(label, LR_RANGE[0], LR_RANGE[1], key=key, format="%g"))
