"""The player: a Streamlit custom component (components v2) that draws and animates a scenario.

Python sends compact data (see viz/player.py); the browser code (ui/frontend/player/, assembled
by viz/frontend.py) draws with plotly.js's partial bundles vendored from npm (the 3-D one loaded only when a
3-D view is first shown), served by the app from the user cache (ui/assets.py), so it works offline. The component is
keyed, so a rerun with new data updates it in place: camera, zoom and playhead stay. A click on
the 2-D map comes back as the trigger value `click` = {"x": …, "y": …}, a start point dragged on it (where
the data says `draggable`) as `drag` = {"index": …, "x": …, "y": …} on release; where the data asks for
it, the step the playhead rests on comes back as `step`; where its runs can be scrubbed (the
Playground), the values a released scrub settled on come back as `tune` (trajectories/families.py).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

import streamlit as st

from gradscape.trajectories import families as families_of_runs
from gradscape.trajectories.scenario import Scenario
from gradscape.ui import assets, families
from gradscape.ui.state import ScenarioState
from gradscape.viz import frontend
from gradscape.viz import player as payload

_component = st.components.v2.component(
    "gradscape_player",
    html=frontend.player_html(),
    css=frontend.player_css(),
    js=frontend.player_js("streamlit"),
    isolate_styles=False,  # plotly.js styles its plots from the document's head
)


def publish(asset: payload.LandscapeAsset) -> str:
    """The URL of the asset's grid, published as a file the app serves (ui/assets.py)."""
    return assets.publish("grids", asset.name, asset.blob)


def player_data(s: Scenario, traces: list[tuple[int, payload.RunTrace]], zoom=None, report_step: bool = False,
                hide_paths: bool = False, tune: bool = False) -> dict:
    """The payload for `s`, with the landscape grid published (ui/assets.py); `zoom`, `report_step` and
    `hide_paths` as in viz.player; `tune`: the runs can be scrubbed, their families served by ui/families.py."""
    asset = payload.landscape_asset(s.landscape)
    return payload.player_data(s, traces, grid_url=publish(asset), plotly_url=assets.plotly_url(), asset=asset, zoom=zoom,
                               report_step=report_step, hide_paths=hide_paths,
                               tune_url=families.base_url() if tune else None, plotly_3d_url=assets.plotly_url("gl3d"))


def resting_step(key: str, steps: int) -> int | None:
    """The step the player under `key` reported resting on, if it is a whole number in [0, steps]
    (what comes back from the browser is checked like a link)."""
    step = st.session_state[key].step
    if isinstance(step, (int, float)) and not isinstance(step, bool) and math.isfinite(step) and step == int(step) \
            and 0 <= step <= steps:
        return int(step)
    return None


def follow_playhead(state: ScenarioState, key: str) -> Callable[[], None]:
    """The player's `on_step` callback for a page whose scenario keeps the playhead (the link's `t`):
    the step it rests on is committed, so the address bar and the shared link carry it."""

    def on_step() -> None:
        step = resting_step(key, state.current.steps)
        if step is not None:
            state.commit(replace(state.current, playhead=step))

    return on_step


def commit_tune(state: ScenarioState, key: str) -> Callable[[], None]:
    """The player's `on_tune` callback: the values a released scrub settled on are committed (one rerun),
    so the sidebar and the link show them; a stale or malformed report changes nothing."""

    def on_tune() -> None:
        tuned = families_of_runs.tuned(state.current, st.session_state[key].tune)
        if tuned is not None:
            try:
                state.commit(tuned)
            except ValueError:
                pass  # a value the link would refuse: the scenario stays as it was

    return on_tune


def render(data: dict, *, key: str, on_click: Callable[[], None], on_step: Callable[[], None] | None = None,
           on_tune: Callable[[], None] | None = None, on_drag: Callable[[], None] | None = None):
    """Mount (or update in place) the player; `on_click` runs when the map was clicked, `on_step` (for
    data with `reportStep`) when the playhead came to rest on a new step (the trigger value `step`),
    `on_tune` (for data with `tune`) when a scrub was released on new values (the trigger value `tune`),
    `on_drag` (for data with `draggable`) when a start point was dragged and dropped (the trigger value `drag`)."""
    callbacks = {"on_click_change": on_click}
    if on_step is not None:
        callbacks["on_step_change"] = on_step
    if on_tune is not None:
        callbacks["on_tune_change"] = on_tune
    if on_drag is not None:
        callbacks["on_drag_change"] = on_drag
    return _component(key=key, data=data, **callbacks)
