"""Plain text inside Streamlit's markdown (st.warning, st.error, captions): user text in a message
(a typed expression, a link's value) must show as typed, not as bold, a link, LaTeX or HTML.

`short_plain` also cuts what a hostile link can make long (a 100 kB value would otherwise fill
the class's screen): messages that quote link values go through it.
"""

from __future__ import annotations

import re

MAX_WORD = 60
MAX_TEXT = 400
ZERO_WIDTH = "\u200b"

_SPECIAL = re.compile(r"([\\`*_\[\]$<>~|])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")  # GitHub Markdown links these by themselves, escaped or not
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")


def plain(text: str) -> str:
    """`text` with the characters that make inline markup (emphasis, code, links, LaTeX, HTML, strike,
    tables) backslash-escaped, line breaks made spaces (so line-start markup cannot occur), and an
    invisible zero-width space splitting what would become a link by itself (`://`, `www.`, `@`)."""
    text = _SPECIAL.sub(r"\\\1", _CONTROL.sub(" ", text))
    return _AUTOLINK.sub(lambda m: m.group(0)[0] + ZERO_WIDTH + m.group(0)[1:], text)


def short_plain(text: str) -> str:
    """`plain`, with words over MAX_WORD characters and text over MAX_TEXT cut with an ellipsis."""
    text = _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD] + "…", text)
    return plain(text[:MAX_TEXT] + "…" if len(text) > MAX_TEXT else text)
