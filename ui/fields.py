"""Widgets as views of a state table (trajectories/fields.py): before the widgets are drawn each
field's value is written under `<prefix>.<link key>`; a change reads them back into a new state."""

from __future__ import annotations

from typing import Any, Collection

import streamlit as st

from gradscape.trajectories.fields import MISSING, Table, rebuild


def seed_widgets(table: Table, state: Any, prefix: str) -> None:
    """Write `state`'s fields into their widgets' session keys."""
    for f in table.widget_fields():
        value = f.kind.to_widget(f.get(state), state)
        if value is not MISSING:
            st.session_state[f"{prefix}.{f.key}"] = value


def read_widgets(table: Table, state: Any, prefix: str, skip: Collection[str] = ()) -> Any:
    """`state` with each field whose widget holds a value read back from it (except the keys in
    `skip`); raises ValueError in words for a widget that holds no valid value."""
    values: dict[str, Any] = {}
    for f in table.widget_fields():
        key = f"{prefix}.{f.key}"
        if f.key not in skip and key in st.session_state:
            f.assign(values, f.kind.from_widget(st.session_state[key], state))
    return rebuild(state, values)
