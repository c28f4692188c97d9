"""Presentation mode for projectors: controls tucked away, larger type, the player filling the screen.

Every page that shows a player (Playground, Lessons, Sweeps, Neural net) has a Presentation toggle
and keeps `present=1` in its link. While presenting, the sidebar (and the Neural net page's column
of settings) is not drawn; `run_bar` puts a run picker and that run's learning rate above the player
instead. The player's panels share the screen's height (100vh less what sits above and below them),
so a 1080p projector is filled and a 768-pixel laptop keeps readable panels.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

CHROME_PX = 330  # the navigation bar, title row, run bar, the player's controls and legend, margins
_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
.stMainBlockContainer { font-size: 1.3rem; max-width: 100%; padding: 4.2rem 2.5rem 0.5rem; }
.stMainBlockContainer h1 { font-size: 2.4rem; padding: 0.2rem 0; }
.stMainBlockContainer [data-testid="stMarkdownContainer"] p,
.stMainBlockContainer [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; }
.stMain .ovz.ovz-present { --ovz-curve-h: max(210px, calc(var(--ovz-free) / 2)); }
.stMain .ovz.ovz-present.ovz-view-both, .stMain .ovz.ovz-present.ovz-has-boundary {
  --ovz-map-h: max(240px, calc(var(--ovz-free) * 0.64)); --ovz-curve-h: max(150px, calc(var(--ovz-free) * 0.36)); }
.stMain .ovz-sweep-plot { height: max(440px, var(--ovz-free)) !important; }
.st-key-present-claim p, .st-key-present-claim li { font-size: 1.6rem !important; line-height: 1.35; }
</style>
"""


def apply(enabled: bool, below_px: int = 0) -> None:
    """In presentation mode hide the sidebar (its settings stay as they are), enlarge the type and let the
    player fill the height, less `below_px` for what a page keeps in view under it."""
    if enabled:
        st.html(f"{_CSS}<style>.stMain {{ --ovz-free: calc(100vh - {CHROME_PX + below_px}px); }}</style>")


def toggle(container, key: str, on_change: Callable[[], None] | None = None) -> None:
    """The Presentation switch in a page's title row (its value in session state under `key`)."""
    container.toggle("Presentation", key=key, on_change=on_change,
                     help="Larger type, the player fills the screen, settings tucked away (the link keeps present=1).")


def run_bar(editor, s, *, rate: bool = True, click: bool = False) -> None:
    """While presenting: pick a run and set its learning rate (`rate`), and what a map click does (`click`)."""
    widths = [1.6] + [3.0] * rate + [1.6] * click
    cols = st.columns(widths, vertical_alignment="bottom")
    with cols[0]:
        i = st.selectbox("Run", list(range(len(s.runs))), key=editor.k("pick"), format_func=lambda j: f"{j + 1} · {s.label(j)}",
                         on_change=editor.pick, args=(editor.k("pick"),))
    if rate:
        with cols[1]:
            editor.rate_control(s, i)
    if click:
        with cols[-1]:
            editor.click_control()
