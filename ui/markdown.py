"""Plain text inside Streamlit's markdown (st.warning, st.error, captions): user text in a message
(a typed expression, a link's value) must show as typed, not as bold, a link or LaTeX."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]$<>~|])")


def plain(text: str) -> str:
    """`text` with the characters that make inline markup (emphasis, code, links, LaTeX, HTML, strike,
    tables) backslash-escaped; messages are one line, so line-start markup (# - 1.) cannot occur."""
    return _SPECIAL.sub(r"\\\1", text)
