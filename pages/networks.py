"""Neural net: a small network's loss landscape, with every optimizer's path on ONE shared plane.

The page's whole setting is one NetScenario kept in the link (ui/state.ScenarioState). Training
goes through trajectories.network (viz/network.py keeps the results per setting, bounded in
bytes); the shared player draws the plane's loss as its landscape and the projected paths as its
runs, with the rates and losses on the same playhead, and the model's decision boundary at the
playhead's step in a panel of its own. Below it, the curves of what the plane hides follow the
step the player's playhead stops on (or a slider).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gradscape.trajectories import net_scenario as ns
from gradscape.ui import assets, presentation
from gradscape.ui import player as ui_player
from gradscape.ui.export_menu import export_menu
from gradscape.ui.frame import page_frame, title_row
from gradscape.ui.handover import NETWORK_PREFIX, to_playground
from gradscape.ui.landscape_picker import leave_network
from gradscape.ui.net_editor import NetEditor
from gradscape.ui.share import share_box
from gradscape.ui.state import ScenarioState, show_link_warnings
from gradscape.viz import network as vn
from gradscape.viz.text import plain

PREFIX = NETWORK_PREFIX
PLAYER_KEY = f"{PREFIX}.player"
PLANE_LINE_PX = 45  # the line naming the plane, above the player


def follow_player(slider_key: str, steps: int):
    """The player's callback: the step its playhead rests on (checked) becomes the slider's."""

    def on_step() -> None:
        step = ui_player.resting_step(PLAYER_KEY, steps)
        if step is not None:
            st.session_state[slider_key] = step

    return on_step


def load_config(loaded: ns.NetScenario) -> None:
    """An imported configuration replaces the setting (checked like any change)."""
    try:
        state.commit(loaded)
    except ValueError as err:
        editor.note(str(err))


page_frame("Neural net")
state = ScenarioState(PREFIX, parse=ns.from_query, encode=ns.to_query)
editor = NetEditor(state, PREFIX)
s = state.load()
editor.seed(s)
presentation.apply(s.presentation, below_px=PLANE_LINE_PX)
share, export_box, present = title_row("A neural network's loss landscape", 3)
with share.popover("Share", icon=":material/link:"):
    share_box(ns.to_query(s))
presentation.toggle(present, editor.k("present"), editor.changed)
if not s.presentation:
    st.caption("Every run trains the same network from the same weights in its full parameter space; the picture is "
               "ONE plane through that space shared by all runs, so their paths can be compared — and the distance "
               "from the plane says how much the picture hides.")
show_link_warnings(state.link_warnings())
for text in editor.pop_notes():
    st.error(text)

if s.presentation:
    presentation.run_bar(editor, s)
    right = st.container()
else:
    left, right = st.columns([1, 3])
    with left:
        leave_network(editor.k("kind"), lambda landscape: to_playground(landscape, s.runs, s.view))
        editor.problem_controls(s)
        st.markdown("**Runs**")
        editor.run_controls(s)

with right:
    shown = s.shown()
    if not shown:
        st.info("Switch on at least one run.")
        st.stop()
    try:
        with st.spinner("Training…"):
            view = vn.trained_view(s)
    except ValueError as err:
        st.error(str(err))
        st.stop()
    record, plane, coords, distance, grid, plane_loss = view
    labels = [s.label(i) for i in shown]
    colors = [s.color(i) for i in shown]
    explained = "" if plane.explained is None else f" · explains {100 * plane.explained.sum():.0f} % of the iterates' spread"
    st.markdown(f"**{plane.kind}**{explained} · {record.snapshots.shape[-1]} parameters · axes a, b: coordinates along the "
                "plane's two directions")
    for j, label in enumerate(labels):
        if record.diverged_at[j] >= 0:
            st.warning(f"{plain(label)}: {record.status_text(j)}")
    asset = vn.plane_asset(grid)
    frames = vn.boundary_frames(s)
    try:
        data = vn.player_data(s, record, coords, asset, grid_url=ui_player.publish(asset), plotly_url=assets.plotly_url(),
                              plotly_3d_url=assets.plotly_url("gl3d"), boundary=vn.boundary_data(frames, ui_player.publish(frames)))
    except OSError as err:
        st.error(assets.unwritable(err), icon=":material/error:")
        st.stop()
    step_key = f"{PREFIX}.at.{record.steps}"
    ui_player.render(data, key=PLAYER_KEY, on_click=lambda: None, on_step=follow_player(step_key, record.steps))

    st.markdown("**What the plane hides** — the playhead line below follows the player's playhead when it stops; "
                "or set the step here.")
    at = st.slider("Step of the curves", 0, int(record.steps), int(record.steps), key=step_key)
    k = int(np.searchsorted(record.snapshot_steps, at))
    if s.eigen:
        with st.spinner("Hessian-vector products…"):
            eig = vn.eigen_series(s)
    else:
        eig = None
    for title, figure in vn.curve_figures(record, labels, colors, distance, plane_loss, int(record.snapshot_steps[k]), eig).items():
        st.markdown(f"**{title}**")
        st.plotly_chart(figure, key=f"{PREFIX}.{title[:12]}", width="stretch")
    with export_box:
        export_menu(s, view, key=f"{PREFIX}.export",
                    title=f"Neural net {record.problem.spec.name}", on_import=load_config)
