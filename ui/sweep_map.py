"""The sweep map: a Streamlit custom component (components v2) drawing sweep results as images.

Python sends each map as compact arrays (see viz/sweeps.py: uint8 categories and shades, uint16
steps, float16 losses, base64); the browser draws them with the plotly.js the app serves
from the user cache (ui/assets.py), computes the hover text itself, and returns a click as the trigger value
`click` = {"map", "row", "col"} and, when `zoomable`, a zoom as `zoom` = {"map", "x", "y"}.
"""

from __future__ import annotations

import streamlit as st

from gradscape.ui import assets
from gradscape.viz import frontend
from gradscape.viz.sweeps import Maps

_component = st.components.v2.component(
    "gradscape_sweep_map",
    html=frontend.sweep_map("html"),
    css=frontend.sweep_map("css"),
    js=frontend.sweep_map_js("streamlit"),
    isolate_styles=False,  # plotly.js styles its plots from the document's head
)


def render(maps: Maps, *, key: str, zoomable: bool = False, height: int = 560):
    """Mount (or update in place) the maps, laid out in the browser to fit the window (each plot at most
    `height` px tall); the result's `click` / `zoom` hold the latest event on the rerun it caused."""
    data = {"plotly": assets.plotly_url(), "maps": [m.payload for m in maps.maps], "zoomable": zoomable, "height": height}
    return _component(key=key, data=data, on_click_change=lambda: None, on_zoom_change=lambda: None)
