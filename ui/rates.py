"""Sensible learning rates when runs move to another landscape, and the notice that says what changed.

A rate that suits one landscape can leave runs frozen or exploding on another (SGD at 0.001 barely
moves on Beale's plateau). When the landscape changes, each run gets the rate of
`trajectories.suggest` for the new landscape, its first start and the steps shown; a notice names
every change and offers the previous rates back. It is kept in the session under
`<prefix>.rates.notice` and shown while the page still shows the scenario it describes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import streamlit as st

from gradscape.trajectories import typed
from gradscape.trajectories.scenario import Scenario, to_query
from gradscape.trajectories.suggest import sensible_rate
from gradscape.ui.guard import COMPUTE_ERRORS
from gradscape.ui.widgets import log_options
from gradscape.viz.text import plain

LADDER = tuple(log_options(1e-5, 10.0))


@dataclass(frozen=True)
class RateNotice:
    """What `propose` changed: the words, the link of the scenario it produced, and the rates before."""

    text: str
    query: dict[str, str]
    before: tuple[float | None, ...]


def propose(new: Scenario, labels: Sequence[str]) -> tuple[Scenario, RateNotice]:
    """`new` with each run's rate suited to its landscape; `labels` name the runs as they were."""
    start = new.start_points[0]
    runs, said = [], []
    for run, label in zip(new.runs, labels):
        try:
            rate = sensible_rate(new.landscape, run, start, new.steps, LADDER)
        except COMPUTE_ERRORS:
            rate = None
        if rate is None:
            said.append(f"{label} keeps {run.lr:g} (no rate tried was calm)")
        elif rate == run.lr:
            said.append(f"{label} keeps {rate:g}")
        else:
            said.append(f"{label} {run.lr:g} → {rate:g}")
        runs.append(run if rate is None else replace(run, learning_rate=rate))
    s = replace(new, runs=tuple(runs))
    text = (f"Rates set for {typed.landscape(new.landscape).name}: {'; '.join(said)}. Each is the smallest rate that gets as far "
            f"as any calm one within the {new.steps} steps shown from the first start (calm: its loss never climbs well "
            "above the start's).")
    return s, RateNotice(text, to_query(s), tuple(run.learning_rate for run in new.runs))


def remember(prefix: str, notice: RateNotice) -> None:
    st.session_state[f"{prefix}.rates.notice"] = notice


def show(prefix: str, state) -> None:
    """The notice, with a button that puts the previous rates back, while `state` still shows its scenario."""
    notice = st.session_state.get(f"{prefix}.rates.notice")
    if notice is None or to_query(state.current) != notice.query:
        st.session_state.pop(f"{prefix}.rates.notice", None)
        return
    text, undo = st.columns([4.5, 1.7], vertical_alignment="center")
    text.info(plain(notice.text), icon=":material/tune:")
    undo.button("Keep the previous rates", key=f"{prefix}.rates.undo", on_click=_undo, args=(prefix, state), width="stretch")


def _undo(prefix: str, state) -> None:
    notice = st.session_state.pop(f"{prefix}.rates.notice")
    s = state.current
    state.commit(replace(s, runs=tuple(replace(run, learning_rate=lr) for run, lr in zip(s.runs, notice.before))))
