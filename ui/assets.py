"""Files the browser loads that the app generates, served at app/assets/… (`ServeAssets`).

Nothing is written into the package: the files live in the user cache, `assets_dir()` (`assets/`
under ~/.cache/gradscape or $GRADSCAPE_CACHE_DIR). plotly.js is served as two of its official
partial bundles, vendored from npm (ui/frontend/vendor/, scripts/vendor_plotly.py): the cartesian
one (contour, heatmap, scatter: every 2-D plot) and the gl3d one (surface, scatter3d), which the
player loads only once a 3-D view is first shown; each is copied, under a versioned name, into
vendor/ when missing or outdated. Landscape grids (and the Neural net's boundary frames) are
written once, content-addressed, into grids/. Writes are atomic (temporary file then rename), so
concurrent sessions never serve a half-written file. After each write the least recently used
files (published, or served as far as the file system records reads) are deleted until the folder
holds at most `LIMIT_BYTES` besides the current plotly.js copies, which are never deleted.

plotly.js is the largest part of a first visit in the browser: the full bundle took ≈ 0.9 s on the
page's main thread, about half of it compiling functions one by one as plotly's modules register;
the cartesian bundle is a third of its size. Two more things move it off the path to the first
paths: every page's HTML comes with a preload header for the cartesian bundle (`PreloadPlotly`, the
middleware app.py installs), so the browser fetches it while Streamlit's own bundle loads; and the
copies open with V8's compile hint for the whole file, so they are compiled on a background thread
as they stream in (Chromium; other browsers ignore the comment). The two work together: without
the preload the background compile waits for the download, without the hint only the download is saved.

Every file here has a name that changes with its content (a bundle's version, a grid's digest), so
it is served as cacheable for a year, unchanged (`immutable`): a second visit asks for none of them.
Each plotly.js copy also gets a gzip copy beside it (compressed once, when the copy is written):
a browser that accepts gzip gets that, a third of the bytes (1.5 MB → ≈ 0.5 MB for the cartesian
bundle), without compressing anything per request. Streamlit's own scripts are served uncompressed
by its choice (compression is left to a proxy in front).
"""

from __future__ import annotations

import functools
import gzip
import mimetypes
import os
import re
import stat
import tempfile
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.responses import FileResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config

from gradscape.trajectories import runtime
from gradscape.ui.routing import app_root
from gradscape.viz.frontend import PLOTLY_BUNDLES, plotly_bundle

URL_PREFIX = "app/assets"
FOLDERS = ("vendor", "grids")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # what publish and plotly_url name files: no path, no hidden file
LIMIT_BYTES = 256 * 2**20
COMPILE_EAGERLY = b"//# allFunctionsCalledOnLoad\n"  # V8's explicit compile hint for a whole script
CACHE_FOREVER = "public, max-age=31536000, immutable"  # every name here changes with its content


def assets_dir() -> Path:
    """The folder the generated files live in (the cache root as $GRADSCAPE_CACHE_DIR says now)."""
    return runtime.cache_root() / "assets"


def unwritable(err: OSError) -> str:
    """What a page says when the player's files cannot be written."""
    return f"The player's files could not be written to the cache folder {assets_dir()} (set GRADSCAPE_CACHE_DIR " \
           f"to a writable folder): {err}"


def plotly_name(bundle: str = "cartesian") -> str:
    return plotly_bundle(bundle).name


def gzipped(path: Path) -> Path:
    """Where the gzip copy of a served file lives (plotly.js's copies have one)."""
    return path.with_name(f"{path.name}.gz")


def evict(root: Path, limit: int) -> None:
    """Delete the least recently used files under `root` (published, or read as far as the file system
    records it: runtime.last_used) until they total at most `limit` bytes, the current plotly.js copies
    and writes under way (hidden temporary files) aside."""
    kept = {name for bundle in PLOTLY_BUNDLES for name in (plotly_name(bundle), gzipped(Path(plotly_name(bundle))).name)}
    runtime.prune((path for path in root.glob("*/*") if NAME.fullmatch(path.name) and path.name not in kept), limit)


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
    """Make `data` available at the returned URL (relative to the app's root); idempotent. A file
    already there counts as published now (eviction spares it longest)."""
    path = assets_dir() / folder / name
    if path.is_file() and path.stat().st_size == len(data):
        os.utime(path)
    else:
        _write_atomic(path, data)
        evict(assets_dir(), LIMIT_BYTES)
    return f"{URL_PREFIX}/{folder}/{name}"


@functools.lru_cache(maxsize=2)  # one entry per bundle of PLOTLY_BUNDLES
def plotly_url(bundle: str = "cartesian") -> str:
    """URL of a vendored plotly.js bundle (one of PLOTLY_BUNDLES; copied once per version, behind the
    compile hint). Relative, so that the preload header and the player's script element resolve it
    alike under any page and base path."""
    source = plotly_bundle(bundle)
    path = assets_dir() / "vendor" / source.name
    size = len(COMPILE_EAGERLY) + source.stat().st_size
    if not path.is_file() or path.stat().st_size != size or _gzip_size(gzipped(path)) != size:
        data = COMPILE_EAGERLY + source.read_bytes()
        _write_atomic(path, data)
        _write_atomic(gzipped(path), gzip.compress(data, compresslevel=9, mtime=0))
    return f"{URL_PREFIX}/vendor/{source.name}"


def _gzip_size(path: Path) -> int | None:
    """The uncompressed size a gzip file records in its last 4 bytes (mod 2³²), or None without one."""
    try:
        with open(path, "rb") as f:
            f.seek(-4, os.SEEK_END)
            return int.from_bytes(f.read(4), "little")
    except OSError:
        return None


def accepts_gzip(scope: Scope) -> bool:
    """Whether the request's Accept-Encoding gives gzip a weight above 0 (by name, else through `*`)."""
    weights: dict[str, float] = {}
    for name, value in scope.get("headers", ()):
        if name.lower() != b"accept-encoding":
            continue
        for item in value.decode("latin-1").split(","):
            coding, _, params = item.partition(";")
            params = params.strip()
            try:
                weights[coding.strip().lower()] = float(params[2:]) if params.startswith("q=") else 1.0
            except ValueError:
                weights[coding.strip().lower()] = 0.0  # an unreadable weight accepts nothing
    return weights.get("gzip", weights.get("*", 0.0)) > 0


class PreloadPlotly:
    """ASGI middleware: HTML responses (the page Streamlit serves) get a `Link: rel=preload` header
    for plotly.js's cartesian bundle, so the browser fetches it with the page instead of after the
    player mounts. The player's script element then finds it fetched (and compiled); nothing else changes."""

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
                    try:
                        headers.append("link", f"<{plotly_url()}>; rel=preload; as=script")
                    except OSError:
                        pass  # an unwritable cache: the page itself says so
            await send(message)

        await self.app(scope, receive, send_with_link)


def asset_path(path: str, base_url_path: str) -> Path | None:
    """The generated file a request for `path` asks for (`<root>/app/assets/<folder>/<name>` under
    Streamlit's server.baseUrlPath), or None for any other path."""
    prefix = f"{app_root(base_url_path)}{URL_PREFIX}/"
    if not path.startswith(prefix):
        return None
    folder, _, name = path[len(prefix):].partition("/")
    if folder not in FOLDERS or not NAME.fullmatch(name):
        return None
    return assets_dir() / folder / name


class ServeAssets:
    """ASGI middleware: GET/HEAD of a generated file answers with the file (404 when absent); every
    other request goes on to Streamlit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        is_get = scope["type"] == "http" and scope.get("method") in ("GET", "HEAD")
        path = asset_path(scope["path"], config.get_option("server.baseUrlPath")) if is_get else None
        if path is None:
            await self.app(scope, receive, send)
            return
        try:
            found = path.stat()
        except OSError:
            found = None
        if found is None or not stat.S_ISREG(found.st_mode):
            response = PlainTextResponse("File not found", status_code=404)
        else:
            response = _file_response(path, found, scope)
        await response(scope, receive, send)


def _file_response(path: Path, found: os.stat_result, scope: Scope) -> FileResponse:
    """The file, cacheable for good; its gzip copy instead where there is one and the request accepts gzip."""
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": CACHE_FOREVER}
    packed = gzipped(path)
    if packed.is_file():
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip(scope):
            headers["Content-Encoding"] = "gzip"
            return FileResponse(packed, headers=headers, media_type=mimetypes.guess_type(path.name)[0])  # the file's own type
    return FileResponse(path, stat_result=found, headers=headers)
