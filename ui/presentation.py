"""Presentation mode for projectors: controls tucked away, larger type."""

from __future__ import annotations

import streamlit as st

_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
.stMainBlockContainer { font-size: 1.3rem; max-width: 100%; padding-top: 2.5rem; }
.stMainBlockContainer h1 { font-size: 2.6rem; }
.stMainBlockContainer [data-testid="stMarkdownContainer"] p { font-size: 1.3rem; }
</style>
"""


def apply(enabled: bool) -> None:
    """In presentation mode hide the sidebar (its settings stay as they are) and enlarge the type."""
    if enabled:
        st.html(_CSS)
