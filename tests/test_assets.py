"""The app's generated files: written into the user cache (never the package), bounded on disk,
served by the app at app/assets/…; the plotly.js copies (behind V8's compile hint) and the preload
header for the cartesian one that every page carries (app.py's middleware)."""

from __future__ import annotations

import asyncio
import gzip
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import app
from gradscape.ui import assets, families, routing
from gradscape.viz.frontend import PLOTLY_BUNDLES, plotly_bundle

PACKAGE_ROOT = Path(assets.__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """GRADSCAPE_CACHE_DIR pointed at tmp_path, with plotly_url's cache cleared before and after."""
    monkeypatch.setenv("GRADSCAPE_CACHE_DIR", str(tmp_path))
    assets.plotly_url.cache_clear()
    yield tmp_path
    assets.plotly_url.cache_clear()


def test_generated_files_land_in_the_cache_and_not_in_the_package(cache):
    assert assets.publish("grids", "abc.u8", b"\x01\x02") == "app/assets/grids/abc.u8"
    assert (cache / "assets" / "grids" / "abc.u8").read_bytes() == b"\x01\x02"
    assert assets.plotly_url() == f"app/assets/vendor/{assets.plotly_name()}"
    assert (cache / "assets" / "vendor" / assets.plotly_name()).is_file()
    assert not (PACKAGE_ROOT / "static" / "grids" / "abc.u8").exists()  # nothing written beside the code


@pytest.mark.parametrize("bundle", PLOTLY_BUNDLES)
def test_the_plotly_copies_open_with_the_compile_hint_and_replace_an_older_copy(cache, bundle):
    url = assets.plotly_url(bundle)
    copy = cache / "assets" / "vendor" / Path(url).name
    assert copy.name == plotly_bundle(bundle).name
    assert copy.read_bytes() == assets.COMPILE_EAGERLY + plotly_bundle(bundle).read_bytes()
    copy.write_bytes(plotly_bundle(bundle).read_bytes())  # a copy from before the hint
    assets.plotly_url.cache_clear()
    assert assets.plotly_url(bundle) == url
    assert copy.read_bytes().startswith(assets.COMPILE_EAGERLY)


@pytest.mark.parametrize("bundle", PLOTLY_BUNDLES)
def test_each_plotly_copy_has_a_gzip_copy_of_the_same_bytes_rewritten_when_it_is_stale(cache, bundle):
    copy = cache / "assets" / "vendor" / Path(assets.plotly_url(bundle)).name
    packed = copy.with_name(copy.name + ".gz")
    assert gzip.decompress(packed.read_bytes()) == copy.read_bytes()
    assert packed.stat().st_size < copy.stat().st_size / 2
    packed.write_bytes(gzip.compress(plotly_bundle(bundle).read_bytes()))  # from a copy before the hint
    assets.plotly_url.cache_clear()
    assets.plotly_url(bundle)
    assert gzip.decompress(packed.read_bytes()) == copy.read_bytes()


def test_eviction_keeps_the_most_recently_published_files_under_the_bound_and_plotly_always(cache, monkeypatch):
    monkeypatch.setattr(assets, "LIMIT_BYTES", 3000)
    copies = [cache / "assets" / "vendor" / assets.plotly_name(bundle) for bundle in PLOTLY_BUNDLES]
    for bundle, plotly in zip(PLOTLY_BUNDLES, copies):
        assets.plotly_url(bundle)
        os.utime(plotly, (0, 0))  # the oldest files of all, and over the bound by themselves: not counted
    for i in range(6):
        assets.publish("grids", f"g{i}.u8", bytes(1000))
        os.utime(cache / "assets" / "grids" / f"g{i}.u8", (100 + i, 100 + i))
    assets.publish("grids", "g1.u8", bytes(1000))  # published again: the newest now
    assets.publish("grids", "g6.u8", bytes(1000))
    grids = sorted(p.name for p in (cache / "assets" / "grids").iterdir())
    assert all(plotly.is_file() and plotly.with_name(plotly.name + ".gz").is_file() for plotly in copies)
    assert grids == ["g1.u8", "g5.u8", "g6.u8"]  # the three most recently published fill the bound


def test_eviction_alone_holds_the_bound(tmp_path):
    for i in range(10):
        path = tmp_path / "grids" / f"g{i}.u8"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(bytes(100 * (i + 1)))
        os.utime(path, (i, i))
    writing = tmp_path / "grids" / ".g10.u8.tmp"  # another session's write under way
    writing.write_bytes(bytes(5000))
    os.utime(writing, (0, 0))
    assets.evict(tmp_path, limit=2000)
    kept = sorted(p.name for p in (tmp_path / "grids").iterdir() if p != writing)
    assert kept == ["g8.u8", "g9.u8"]  # 900 + 1000 ≤ 2000; the older ones went, oldest first
    assert writing.is_file()


def test_an_unwritable_cache_is_an_oserror_the_pages_put_in_words(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GRADSCAPE_CACHE_DIR", str(blocker))
    with pytest.raises(OSError) as err:
        assets.publish("grids", "abc.u8", b"x")
    assert str(blocker / "assets") in assets.unwritable(err.value)
    assert "GRADSCAPE_CACHE_DIR" in assets.unwritable(err.value)


def run_asgi(middleware, scope: dict) -> list[dict]:
    """What `middleware` sends for `scope`, in front of an app that answers 200 "page" (text/html)."""
    sent = []

    async def page(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"page"})

    async def receive():  # the client stays connected until the response is sent
        await asyncio.Event().wait()

    async def collect(message):
        sent.append(message)

    with ThreadPoolExecutor(1) as pool:  # a browser test's Playwright may hold this thread's event loop
        pool.submit(asyncio.run, middleware(page)(scope, receive, collect)).result()
    return sent


def http(path: str, method: str = "GET", accept_encoding: bytes | None = None) -> dict:
    headers = [] if accept_encoding is None else [(b"accept-encoding", accept_encoding)]
    return {"type": "http", "method": method, "path": path, "query_string": b"", "headers": headers}


def body(sent: list[dict]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_the_app_serves_published_files_under_its_base_path(cache, monkeypatch):
    url = assets.publish("grids", "abc.u8", b"grid")
    sent = run_asgi(assets.ServeAssets, http(f"/{url}"))
    assert sent[0]["status"] == 200 and body(sent) == b"grid"
    js = run_asgi(assets.ServeAssets, http(f"/{assets.plotly_url()}"))
    assert dict(js[0]["headers"])[b"content-type"].startswith(b"text/javascript")
    assert body(js).startswith(assets.COMPILE_EAGERLY)
    assert assets.asset_path(f"/class/{url}", "/class/") == cache / "assets" / "grids" / "abc.u8"
    assert assets.asset_path(f"/{url}", "class") is None


@pytest.mark.parametrize("accept, packed", [(b"gzip, deflate, br, zstd", True), (b"br;q=1.0, GZIP;q=0.5", True), (b"*", True),
                                             (None, False), (b"br, zstd", False), (b"gzip;q=0", False), (b"gzip;q=x", False),
                                             (b"gzip;q=0, *", False), (b"br, *;q=0.1", True)])
def test_plotly_is_served_gzipped_to_a_browser_that_accepts_it_and_plain_to_others(cache, accept, packed):
    url = assets.plotly_url()
    sent = run_asgi(assets.ServeAssets, http(f"/{url}", accept_encoding=accept))
    headers = dict(sent[0]["headers"])
    assert sent[0]["status"] == 200 and headers[b"vary"] == b"Accept-Encoding"
    assert headers[b"content-type"].startswith(b"text/javascript")
    assert (headers.get(b"content-encoding") == b"gzip") == packed
    assert (gzip.decompress(body(sent)) if packed else body(sent)) == (cache / "assets" / "vendor" / Path(url).name).read_bytes()


def test_served_files_are_cacheable_for_good_and_a_grid_is_never_gzipped(cache):
    for url in (assets.plotly_url(), assets.publish("grids", "abc.f32", bytes(4000))):
        headers = dict(run_asgi(assets.ServeAssets, http(f"/{url}", accept_encoding=b"gzip"))[0]["headers"])
        assert headers[b"cache-control"] == b"public, max-age=31536000, immutable"
    assert b"content-encoding" not in headers and b"vary" not in headers


def test_an_absent_file_is_not_found(cache):
    assert run_asgi(assets.ServeAssets, http("/app/assets/grids/missing.u8"))[0]["status"] == 404


@pytest.mark.parametrize("path", ["/app/assets/../../etc/passwd", "/app/assets/grids/../../x", "/app/assets/grids/.hidden",
                                  "/app/assets/grids/", "/app/assets/other/a.u8", "/lessons", "/app/static/vendor/a.js"])
def test_every_other_request_reaches_streamlit(cache, path):
    assert assets.asset_path(path, "") is None
    assert body(run_asgi(assets.ServeAssets, http(path))) == b"page"


def response_start(content_type: bytes) -> dict:
    """The response start PreloadPlotly passes on for an app that answers with `content_type`."""
    sent = []

    async def answer(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]})
        await send({"type": "http.response.body", "body": b"x"})

    async def collect(message):
        sent.append(message)

    with ThreadPoolExecutor(1) as pool:  # a browser test's Playwright may hold this thread's event loop
        pool.submit(asyncio.run, assets.PreloadPlotly(answer)({"type": "http", "path": "/"}, None, collect)).result()
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    return sent[0]


def test_pages_and_only_pages_carry_a_preload_header_for_plotly(cache):
    headers = dict(response_start(b"text/html; charset=utf-8")["headers"])
    assert headers[b"link"] == f"<{assets.plotly_url()}>; rel=preload; as=script".encode()
    assert b"link" not in dict(response_start(b"text/javascript")["headers"])


def test_a_page_is_served_without_the_preload_where_the_cache_cannot_be_written(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("GRADSCAPE_CACHE_DIR", str(tmp_path / "file"))
    assets.plotly_url.cache_clear()
    assert b"link" not in dict(response_start(b"text/html")["headers"])


def test_the_app_serves_through_the_redirect_assets_families_and_preload_middleware():
    assert [m.cls for m in app.app._user_middleware] == [routing.DefaultPageRedirect, assets.ServeAssets, families.ServeFamilies,
                                                         assets.PreloadPlotly]
