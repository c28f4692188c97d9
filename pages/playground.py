"""Playground: several optimizers race across a landscape while their learning-rate and loss
curves advance beside the map, all driven by one playhead.

The page's whole state is one Scenario (trajectories/scenario.py), mirrored in the URL; the
drawing and the animation happen in the browser (ui/player.py), which receives compact arrays.
"""

from __future__ import annotations

import streamlit as st

from gradscape import landscapes
from gradscape.trajectories.scenario import Scenario, to_query
from gradscape.trajectories.sweep_scenario import for_run
from gradscape.trajectories.sweep_scenario import to_query as sweep_query
from gradscape.ui import assets, player, presentation, rates, warmup
from gradscape.ui.export_menu import export_menu
from gradscape.ui.guard import COMPUTE_ERRORS, failure
from gradscape.ui.frame import page_frame
from gradscape.ui.handover import PLAYGROUND_PREFIX, to_network
from gradscape.ui.run_editor import Editor, click_handler
from gradscape.ui.share import share_box
from gradscape.ui.state import ScenarioState, show_link_warnings
from gradscape.viz.player import run_trace
from gradscape.viz.results_table import results_html
from gradscape.viz.text import plain, short_plain

PREFIX = PLAYGROUND_PREFIX
PLAYER_KEY = f"{PREFIX}.player"

page_frame("Playground")
state = ScenarioState(PREFIX)
editor = Editor(state, PREFIX)

warmup.before_first_paths()
scenario = state.load()
editor.seed(scenario)
presentation.apply(scenario.presentation)
ls = landscapes.get(scenario.landscape)

title, click, link, export_box, present = st.columns([2.8, 2.0, 1.4, 1.3, 1.6], vertical_alignment="bottom")
title.title("Playground")
if not scenario.presentation:  # presenting, the run bar has it
    with click:
        editor.click_control()
with link.popover("Copy link", icon=":material/link:", width="stretch"):
    share_box(to_query(scenario))
presentation.toggle(present, editor.k("present"), editor.changed)

show_link_warnings(state.link_warnings())
for text in editor.pop_notes():
    st.error(short_plain(text), icon=":material/error:")
rates.show(PREFIX, state)

if scenario.presentation:
    presentation.run_bar(editor, scenario, click=True)
else:
    with st.sidebar:
        editor.landscape_controls(scenario, network=lambda: to_network(scenario.runs, scenario.view), warm=True)
        st.subheader("Runs")
        editor.run_controls(scenario)
        st.subheader("Start and steps")
        editor.start_controls(scenario)
        st.subheader("Display")
        editor.display_controls(scenario)

traces = []
for i, run in enumerate(scenario.runs):
    if not run.enabled:
        continue
    try:
        traces.append((i, run_trace(scenario, i)))
    except COMPUTE_ERRORS as err:
        st.error(f"{plain(scenario.label(i))}: {failure(err)}", icon=":material/error:")

if not traces:
    st.info("Every run is switched off: switch one on in the run editor.", icon=":material/visibility_off:")
try:
    data = player.player_data(scenario, traces, report_step=True)
except OSError as err:
    st.error(assets.unwritable(err), icon=":material/error:")
    st.stop()
player.render(data, key=PLAYER_KEY, on_click=click_handler(editor, PLAYER_KEY), on_step=player.follow_playhead(state, PLAYER_KEY))


def load_config(s: Scenario) -> None:
    """An imported configuration replaces the scenario (checked like any change)."""
    try:
        state.commit(s)
    except ValueError as err:
        editor.note(str(err))


with export_box:
    export_menu(scenario, traces, key="pg.export", title=f"Playground {ls.name}", on_import=load_config)

if traces and not scenario.presentation:
    st.subheader("Results")
    st.html(results_html(scenario, traces))
    st.caption(plain(f"{ls.name}: {ls.teaches}"))  # a typed landscape's name holds its expression (x*y*z)
    sweep_links = st.popover("Sweep this run", icon=":material/grid_on:", key=editor.k("sweep.open"), on_change="rerun")
    if sweep_links.open:  # its links are built while it is open only
        for i, _ in traces:
            sweep_links.page_link("pages/sweeps.py", label=f"{plain(scenario.label(i))}: final loss vs learning rate",
                                  query_params=sweep_query(for_run(scenario, i)))
