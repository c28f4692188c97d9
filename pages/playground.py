"""Playground: several optimizers race across a landscape while their learning-rate and loss
curves advance beside the map, all driven by one playhead.

The page's whole state is one Scenario (trajectories/scenario.py), mirrored in the URL; the
drawing and the animation happen in the browser (ui/player.py), which receives compact arrays.
A link with `ex=` is an exercise (ui/exercise.py): its question above the player, its locked controls
disabled, its paths and results held back until the student answers. A student in a class (joined on
the Join page) gets the class bar under the title (ui/classroom.py).
"""

from __future__ import annotations

import streamlit as st

from gradscape.classroom.exercise import FREE
from gradscape.trajectories import typed
from gradscape.trajectories.scenario import Scenario
from gradscape.trajectories.sweep_scenario import for_run
from gradscape.trajectories.sweep_scenario import to_query as sweep_query
from gradscape.ui import assets, classroom, player, presentation, rates, warmup
from gradscape.ui.exercise import Student, make_button
from gradscape.ui.export_menu import export_menu
from gradscape.ui.guard import COMPUTE_ERRORS, failure
from gradscape.ui.frame import page_frame, title_row
from gradscape.ui.handover import PLAYGROUND_PREFIX, to_network
from gradscape.ui.run_editor import Editor, click_handler, drag_handler
from gradscape.ui.share import share_box
from gradscape.ui.state import ScenarioState, show_link_warnings
from gradscape.viz.player import run_trace
from gradscape.viz.results_table import results_html
from gradscape.viz.text import plain, short_plain

PREFIX = PLAYGROUND_PREFIX
PLAYER_KEY = f"{PREFIX}.player"

page_frame("Playground")
state = ScenarioState(PREFIX, exercises=True)
editor = Editor(state, PREFIX)

warmup.before_first_paths()
state.load()
student = Student(PREFIX, "playground", state)
scenario = state.current
editor.mark = student.mark
editor.seed(scenario)
presentation.apply(scenario.presentation)
ls = typed.landscape(scenario.landscape)

click, teach, link, export_box, present = title_row("Playground", 5)
if not scenario.presentation and not student.asks_click:  # presenting, the run bar has it
    with click:
        editor.click_control()
if student.exercise is None:
    make_button(teach, "playground", scenario, PREFIX)
with link.popover("Copy link", icon=":material/link:"):
    share_box(state.query())
presentation.toggle(present, editor.k("present"), editor.changed)
classroom.bar(state, scenario, hiding=student.hiding, read=student.klass.now if student.klass else None)

show_link_warnings(state.link_warnings())
for text in editor.pop_notes():
    st.error(short_plain(text), icon=":material/error:")
rates.show(PREFIX, state)
if student.exercise is not None:
    student.panel("The paths and the results")

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
    data = player.player_data(scenario, traces, report_step=True, hide_paths=student.hiding,
                                tune=student.exercise is None)  # no scrubbing round an exercise's locks
except OSError as err:
    st.error(assets.unwritable(err), icon=":material/error:")
    st.stop()
on_click = click_handler(editor, PLAYER_KEY)
if student.asks_click:
    on_click, data["clickHint"] = student.click_handler(PLAYER_KEY), "click where you think the run ends"
elif editor.mark("start") != FREE:
    data["clickable"] = False
else:
    data["draggable"] = True  # the start points are free: their markers can be dragged on the map
data["play"] = student.play()
player.render(data, key=PLAYER_KEY, on_click=on_click, on_step=player.follow_playhead(state, PLAYER_KEY),
              on_tune=player.commit_tune(state, PLAYER_KEY), on_drag=drag_handler(editor, PLAYER_KEY))


def load_config(s: Scenario) -> None:
    """An imported configuration replaces the scenario (checked like any change)."""
    try:
        state.commit(s)
    except ValueError as err:
        editor.note(str(err))


if not student.hiding:  # an export holds the paths
    with export_box:
        export_menu(scenario, traces, key="pg.export", title=f"Playground {ls.name}", on_import=load_config)

if traces and not scenario.presentation and not student.hiding:
    st.subheader("Results")
    st.html(results_html(scenario, traces))
    st.caption(plain(f"{ls.name}: {ls.teaches}"))  # a typed landscape's name holds its expression (x*y*z)
    sweep_links = st.popover("Sweep this run", icon=":material/grid_on:", key=editor.k("sweep.open"), on_change="rerun")
    if sweep_links.open:  # its links are built while it is open only
        for i, _ in traces:
            sweep_links.page_link("pages/sweeps.py", label=f"{plain(scenario.label(i))}: final loss vs learning rate",
                                  query_params=sweep_query(for_run(scenario, i)))
