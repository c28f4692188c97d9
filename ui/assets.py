"""Files the browser loads from the app's static folder (served at app/static/…).

plotly.js comes from the installed plotly package and is copied, under a versioned name, into
static/vendor/ when missing or outdated; landscape grids are written once, content-addressed,
into static/grids/. Both folders are generated (git-ignored). Writes are atomic (temporary file
then rename), so concurrent sessions never serve a half-written file.

plotly.js is the largest part of a first visit in the browser: fetched only once the player
mounted (≈ 0.2 s), then ≈ 0.9 s on the page's main thread, about half of it compiling functions
one by one as plotly's modules register. Two things move that off the path to the first paths:
every page's HTML comes with a preload header for it (`PreloadPlotly`, the middleware app.py
installs), so the browser fetches it while Streamlit's own bundle loads; and the copy opens with
V8's compile hint for the whole file, so it is compiled on a background thread as it streams in
(Chromium; other browsers ignore the comment). The two work together: without the preload the
background compile waits for the download, without the hint only the download is saved.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from plotly.offline.offline import get_plotlyjs_version
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradscape.viz.frontend import PLOTLY_SOURCE

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
URL_PREFIX = "app/static"
COMPILE_EAGERLY = b"//# allFunctionsCalledOnLoad\n"  # V8's explicit compile hint for a whole script


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def publish(folder: str, name: str, data: bytes) -> str:
    """Make `data` available at the returned URL (relative to the app's root); idempotent."""
    path = STATIC_DIR / folder / name
    if not path.is_file() or path.stat().st_size != len(data):
        _write_atomic(path, data)
    return f"{URL_PREFIX}/{folder}/{name}"


@functools.cache
def plotly_url() -> str:
    """URL of the plotly.js bundled with the installed plotly package (copied once per version,
    behind the compile hint). Relative, so that the preload header and the player's script
    element resolve it alike under any page and base path."""
    name = f"plotly-{get_plotlyjs_version()}.min.js"
    path = STATIC_DIR / "vendor" / name
    if not path.is_file() or path.stat().st_size != len(COMPILE_EAGERLY) + PLOTLY_SOURCE.stat().st_size:
        _write_atomic(path, COMPILE_EAGERLY + PLOTLY_SOURCE.read_bytes())
    return f"{URL_PREFIX}/vendor/{name}"


class PreloadPlotly:
    """ASGI middleware: HTML responses (the page Streamlit serves) get a `Link: rel=preload` header
    for plotly.js, so the browser fetches it with the page instead of after the player mounts. The
    player's script element then finds it fetched (and compiled); nothing else changes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_link(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.append("link", f"<{plotly_url()}>; rel=preload; as=script")
            await send(message)

        await self.app(scope, receive, send_with_link)
