"""Arithmetic at the edges: what a computation may raise for extreme but accepted settings (the
engine raises ValueError for bad ones; float arithmetic at the limits can raise the others).
Pages catch `COMPUTE_ERRORS` at the boundary and show `failure` instead of a traceback.
"""

from __future__ import annotations

from gradscape.viz.text import short_plain

COMPUTE_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError)


def failure(err: Exception) -> str:
    """A message (markdown-safe) for an error caught at a page's boundary."""
    if isinstance(err, ValueError):
        return short_plain(str(err))
    return short_plain(f"could not be computed at these settings ({type(err).__name__}: {err}); try less extreme values.")
