"""The player: a Streamlit custom component (components v2) that draws and animates a scenario.

Python sends compact data (see viz/player.py); the browser code (ui/frontend/player/, assembled
by viz/frontend.py) draws with the plotly.js shipped in the plotly package, served from the app's
static folder, so it works offline. The component is
keyed, so a rerun with new data updates it in place: camera, zoom and playhead stay. A click on
the 2-D map comes back as the trigger value `click` = {"x": …, "y": …}.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from trajectories.scenario import Scenario
from ui import assets
from viz import frontend
from viz import player as payload

_component = st.components.v2.component(
    "optiviz_player",
    html=frontend.player_html(),
    css=frontend.player_css(),
    js=frontend.player_js("streamlit"),
    isolate_styles=False,  # plotly.js styles its plots from the document's head
)


def player_data(s: Scenario, traces: list[tuple[int, payload.RunTrace]], zoom=None) -> dict:
    """The payload for `s`, with the landscape grid published as a static file; `zoom` as in viz.player."""
    asset = payload.landscape_asset(s.landscape)
    grid_url = assets.publish("grids", asset.name, asset.blob)
    return payload.player_data(s, traces, grid_url=grid_url, plotly_url=assets.plotly_url(), asset=asset, zoom=zoom)


def render(data: dict, *, key: str, on_click: Callable[[], None]):
    """Mount (or update in place) the player; `on_click` runs when the map was clicked."""
    return _component(key=key, data=data, on_click_change=on_click)
