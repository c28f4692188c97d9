"""The frame every page shares: page config and icon, the session's CPU budget (ui/limits.py), a
way out of Streamlit's legacy page mode, and the title row that holds a page's tools.

Streamlit 1.67 still notices a `pages/` folder: until the public `st.navigation` has run once
in the server process, a URL naming a page file runs that file directly, bypassing app.py (no
navigation bar). `page_frame` detects that case, leaves the legacy mode and reruns, so the next
run goes through app.py like every other.
"""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.pages_manager import PagesManager

from gradscape.ui import limits


# The tab's icon: an emoji, not a Material symbol: Streamlit fetches those for the favicon from a
# font CDN (fonts.gstatic.com), which a class network may not reach and should not be asked.
ICON = "🧭"
TITLE_ROW = "title-row"  # the title row's key: its element has the class st-key-title-row


def app_icon() -> None:
    """Set the tab's icon before `st.navigation` runs: otherwise the browser is first given the
    current page's Material icon as the favicon, and fetches it from the CDN."""
    st.set_page_config(page_icon=ICON)


def page_frame(title: str) -> None:
    """Wide layout and tab title, and the engine's work charged to the session; call first in every page."""
    limits.charge_sessions()
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.set_page_config(page_title=f"{title} · gradscape", page_icon=ICON, layout="wide")


def title_row(title: str | None, slots: int) -> list[DeltaGenerator]:
    """The page's `title` (if any) with `slots` places for its tools, in order, each as wide as what it holds.

    The tools stay on the title's line while they fit and wrap as whole items below it where they do not
    (a 1024- or 1280-pixel projector beside the sidebar), so no title breaks mid-word and no label is cut.
    """
    row = st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="bottom", key=TITLE_ROW)
    if title is not None:
        row.title(title, width="content")
    tools = row.container(horizontal=True, width="content", vertical_alignment="bottom")
    return [tools.container(width="content") for _ in range(slots)]
