"""The landscape kind "neural net": picking it in the Playground opens the Neural net page with the
Playground's runs, and picking a 2-D landscape there opens the Playground with the page's runs.

The runs and the view travel (on a 2-D landscape at rates suited to it, ui/rates.py); everything else
each page had in this session (the network's data and plane, the Playground's steps and noise) stays
as it was, so going there and back loses nothing.
The hand-over is a link (st.switch_page with query parameters), read by the other page like any
shared link, so a link is always what is on screen.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories.scenario import RunSpec, Scenario, run_labels, to_query
from gradscape.ui import rates
from gradscape.ui.state import ScenarioState

PLAYGROUND_PAGE, PLAYGROUND_PREFIX = "pages/playground.py", "pg"  # the pages' session-key prefixes
NETWORK_PAGE, NETWORK_PREFIX = "pages/networks.py", "nn"


def _runs(runs: tuple[RunSpec, ...]) -> tuple[RunSpec, ...]:
    """The runs without their own batch sizes (a 2-D data landscape's; a network's is its problem's)."""
    return tuple(replace(r, batch_size=None) for r in runs)


def network_query(runs: tuple[RunSpec, ...], view: str) -> dict[str, str]:
    """The Neural net page's link with these runs."""
    current = st.session_state.get(ScenarioState(NETWORK_PREFIX).key, ns.NetScenario())
    return ns.to_query(replace(current, runs=_runs(runs), view=view))


def playground_query(landscape: str, runs: tuple[RunSpec, ...], view: str) -> dict[str, str]:
    """The Playground's link on `landscape` with these runs (its default starts, no batch sizes), each at
    a rate suited to the landscape (a network's rates rarely suit a 2-D one); the Playground says which."""
    current = st.session_state.get(ScenarioState(PLAYGROUND_PREFIX).key, Scenario())
    if current.landscape != landscape:
        current = replace(current, landscape=landscape, starts=(), batch_size=None)
    s, notice = rates.propose(replace(current, runs=_runs(runs), view=view), run_labels(runs))
    rates.remember(PLAYGROUND_PREFIX, notice)
    return to_query(s)


def to_network(runs: tuple[RunSpec, ...], view: str) -> None:
    st.switch_page(NETWORK_PAGE, query_params=network_query(runs, view))


def to_playground(landscape: str, runs: tuple[RunSpec, ...], view: str) -> None:
    st.switch_page(PLAYGROUND_PAGE, query_params=playground_query(landscape, runs, view))
