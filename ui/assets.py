"""Files the browser loads from the app's static folder (served at app/static/…).

plotly.js comes from the installed plotly package and is copied, under a versioned name, into
static/vendor/ when missing or outdated; landscape grids are written once, content-addressed,
into static/grids/. Both folders are generated (git-ignored). Writes are atomic (temporary file
then rename), so concurrent sessions never serve a half-written file.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from plotly.offline.offline import get_plotlyjs_version

from viz.frontend import PLOTLY_SOURCE

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
URL_PREFIX = "app/static"


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
    """URL of the plotly.js bundled with the installed plotly package (copied once per version)."""
    name = f"plotly-{get_plotlyjs_version()}.min.js"
    path = STATIC_DIR / "vendor" / name
    if not path.is_file() or path.stat().st_size != PLOTLY_SOURCE.stat().st_size:
        _write_atomic(path, PLOTLY_SOURCE.read_bytes())
    return f"{URL_PREFIX}/vendor/{name}"
