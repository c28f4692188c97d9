"""What pages need to show untrusted text and survive arithmetic at the edges.

Link values reach the page inside sentences ("'steps=lots' is not a whole number"), and
Streamlit renders warnings and errors as Markdown: a value like `[win](http://…)` would become
a link in the class's warning box, a 100 kB value a wall of text. `plain` makes such text inert
and short. `COMPUTE_ERRORS` are what a computation may raise for extreme but accepted settings
(the engine raises ValueError for bad ones; float arithmetic at the limits can raise the others);
pages catch them at the boundary and show `failure`.
"""

from __future__ import annotations

import re

MAX_WORD = 60
MAX_TEXT = 400
COMPUTE_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError)

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$:])")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")  # GFM links these even when escaped
ZERO_WIDTH = "\u200b"


def plain(text: str) -> str:
    """`text` as Markdown that renders as itself: no links, markup, HTML or line breaks (an
    invisible zero-width space splits what GitHub Markdown would turn into a link: `://`,
    `www.`, `@`); long words and long text cut with an ellipsis."""
    text = _CONTROL.sub(" ", text)
    text = _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD] + "…", text)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "…"
    text = _MARKDOWN.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: m.group(0)[0] + ZERO_WIDTH + m.group(0)[1:], text)


def failure(err: Exception) -> str:
    """A message for an error caught at a page's boundary."""
    if isinstance(err, ValueError):
        return plain(str(err))
    return plain(f"could not be computed at these settings ({type(err).__name__}: {err}); try less extreme values.")
