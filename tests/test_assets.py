"""The app's static files: the plotly.js copy (behind V8's compile hint) and the preload header
for it that every page carries (app.py's middleware)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import app
from gradscape.ui import assets, routing
from gradscape.viz.frontend import PLOTLY_SOURCE


@pytest.fixture
def static_dir(tmp_path, monkeypatch):
    """assets writing into tmp_path, with plotly_url's cache cleared before and after."""
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path)
    assets.plotly_url.cache_clear()
    yield tmp_path
    assets.plotly_url.cache_clear()


def test_the_plotly_copy_opens_with_the_compile_hint_and_replaces_an_older_copy(static_dir):
    url = assets.plotly_url()
    copy = static_dir / "vendor" / Path(url).name
    assert copy.read_bytes() == assets.COMPILE_EAGERLY + PLOTLY_SOURCE.read_bytes()
    copy.write_bytes(PLOTLY_SOURCE.read_bytes())  # a copy from before the hint
    assets.plotly_url.cache_clear()
    assert assets.plotly_url() == url
    assert copy.read_bytes().startswith(assets.COMPILE_EAGERLY)


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


def test_pages_and_only_pages_carry_a_preload_header_for_plotly():
    headers = dict(response_start(b"text/html; charset=utf-8")["headers"])
    assert headers[b"link"] == f"<{assets.plotly_url()}>; rel=preload; as=script".encode()
    assert b"link" not in dict(response_start(b"text/javascript")["headers"])


def test_the_app_serves_through_the_redirect_and_preload_middleware():
    assert [m.cls for m in app.app._user_middleware] == [routing.DefaultPageRedirect, assets.PreloadPlotly]
