"""Custom components (Streamlit components v2) built from the files in ui/frontend/."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

FRONTEND = Path(__file__).resolve().parent / "frontend"


def frontend_component(name: str, stem: str):
    """The component `name` from ui/frontend/<stem>.html, .css and .js. It runs in the page and
    keeps the document's styles (plotly.js styles its plots from the document's head)."""
    text = {ext: (FRONTEND / f"{stem}.{ext}").read_text(encoding="utf-8") for ext in ("html", "css", "js")}
    return st.components.v2.component(name, html=text["html"], css=text["css"], js=text["js"], isolate_styles=False)
