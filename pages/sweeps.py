"""Sweeps: many runs at once — final loss against the learning rate, hyperparameter heat maps,
basins of attraction and the trainability boundary. Every cell or point opens in the Playground.

The page's state is one SweepScenario (trajectories/sweep_scenario.py), mirrored in the URL;
results come from viz/sweeps.py (cached per setting), computed in chunks behind a progress bar:
a new input reruns the script, and Streamlit stops the old run between chunks. The Export menu
(ui/export_menu.py) offers the view's picture, numbers and configuration, built on click. A link with
`ex=` is an exercise (ui/exercise.py): its question above the chart, which waits for the answer.
"""

from __future__ import annotations

import streamlit as st

from gradscape.trajectories import typed
from gradscape.trajectories.scenario import Scenario
from gradscape.trajectories.scenario import to_query as playground_query
from gradscape.trajectories.sweep_scenario import LEARNING_RATE, MAX_BASIN_RUNS
from gradscape.ui import presentation, rates, sweep_map
from gradscape.ui.exercise import Student, make_button
from gradscape.ui.export_menu import export_menu
from gradscape.ui.frame import page_frame, title_row
from gradscape.ui.share import share_box
from gradscape.ui.state import show_link_warnings
from gradscape.ui.sweep_controls import KIND_NAMES, SweepControls
from gradscape.viz import sweeps as vs
from gradscape.viz.text import plain

PREFIX = "sw"
MAP_KEY = "sw.map"
CHART_KEY = "sw.rates"
PRESENT_CHART_PX = 620

page_frame("Sweeps")
controls = SweepControls(PREFIX)
controls.state.load()
student = Student(PREFIX, "sweeps", controls.state)
s = controls.start(student.mark)


def open_in_playground(target: Scenario) -> None:
    """Hand `target` to the Playground: a new non-empty link wins over its session state (ui/state.py)."""
    st.switch_page("pages/playground.py", query_params=playground_query(target))


presentation.apply(s.base.presentation)
teach, link, export_box, present = title_row("Sweeps", 4)
if student.exercise is None:
    make_button(teach, "sweeps", s, PREFIX)
with link.popover("Copy link", icon=":material/link:"):
    share_box(controls.state.query(), "exactly this sweep")
presentation.toggle(present, controls.editor.k("present"), controls.editor.changed)
controls.kind_control()
show_link_warnings(controls.state.link_warnings())
for text in controls.editor.pop_notes():
    st.error(text, icon=":material/error:")
rates.show(PREFIX, controls.editor.state)
if student.exercise is not None:
    student.panel("The sweep's results")

if s.base.presentation:
    if s.kind == "basin" or (s.kind != "lr" and LEARNING_RATE not in (s.x.param, s.y.param)):  # where the runs' own rates count
        presentation.run_bar(controls.editor, s.base)
else:
    with st.sidebar:
        st.subheader("Landscape and steps")
        controls.base_controls(s)
        st.subheader(KIND_NAMES[s.kind])
        controls.sweep_controls(s)
        st.subheader("Runs")
        if s.kind in ("heatmap", "trainability"):
            st.caption("This view sweeps run 1.")
        if s.kind == "basin" and len(s.runs) > MAX_BASIN_RUNS:
            st.caption(f"A basin map shows the first {MAX_BASIN_RUNS} runs.")
        controls.editor.run_controls(s.base)

if s.over_cap():
    st.warning(vs.too_big(s), icon=":material/speed:")
    st.stop()
st.caption(vs.size_words(s))
if student.hiding:
    st.stop()

bar = st.progress(0.0, text="Sweeping…")
try:
    result = vs.compute(s, lambda f: bar.progress(min(f, 1.0), text=f"Sweeping… {f:.0%}"))
except ValueError as err:
    bar.empty()
    st.error(str(err), icon=":material/error:")
    st.stop()
bar.empty()
with export_box:
    export_menu(s, result, key="sw.export", title=f"Sweep {KIND_NAMES[s.kind]} {typed.landscape(s.landscape).name}",
                on_import=controls.commit)

if s.kind == "lr":
    figure = vs.rate_figure(result, s)
    if s.base.presentation:
        figure = {**figure, "layout": {**figure["layout"], "height": PRESENT_CHART_PX, "font": {"size": 17}}}
    picked = st.plotly_chart(figure, key=CHART_KEY, on_select="rerun", selection_mode="points",
                             width="stretch")
    points = picked.selection.points if picked and picked.selection else []
    target = vs.rate_target(s, points[0]) if points else None
    if target is not None:
        open_in_playground(target)
    st.caption("Click a point to open that run at that rate in the Playground. Rates with no final loss are marked "
               "in the band above the chart: ✕ diverged, △ left the map.")
    cols = st.columns(min(4, len(result.curves)))
    for j, curve in enumerate(result.curves):
        best, name = curve.best(), plain(curve.label)
        with cols[j % len(cols)]:
            if best is None:
                st.markdown(f"**{name}**: no final loss at any rate (see the band above the chart)")
            elif st.button(f"Best {name}: η = {curve.rates[best]:.3g}", key=f"sw.best{j}", icon=":material/open_in_new:",
                           help="Open this run at its best rate in the Playground."):
                open_in_playground(s.playground(j, learning_rate=float(f"{curve.rates[best]:.6g}")))
else:
    zoomable = s.kind == "trainability"
    event = sweep_map.render(result, key=MAP_KEY, zoomable=zoomable)
    if zoomable:
        st.caption("Drag a box to zoom: the window is recomputed at full resolution.")
        if event and isinstance(event.zoom, dict):
            controls.window(event.zoom.get("x"), event.zoom.get("y"))
            st.rerun()
    if event and isinstance(event.click, dict):
        cell = vs.cell_target(s, result, event.click)
        if cell is not None:
            open_in_playground(cell)
