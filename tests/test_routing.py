"""`/playground` (the default page's own name) is sent to the app's root with its query."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from gradscape.ui import routing


@pytest.mark.parametrize(
    ("path", "base", "root"),
    [
        ("/playground", "", "/"), ("/playground/", "", "/"), ("/class/playground", "class", "/class/"),
        ("/a/b/playground", "/a/b/", "/a/b/"), ("/playground", "class", None), ("/", "", None),
        ("/sweeps", "", None), ("/app/static/playground", "", None), ("/playgrounds", "", None),
    ],
)
def test_only_the_default_pages_own_path_under_the_base_is_an_alias(path, base, root):
    assert routing.root_of_alias(path, base) == root


def answer_of(scope: dict) -> list[dict]:
    """What DefaultPageRedirect sends for `scope`, in front of an app that answers 200 "page"."""
    sent = []

    async def page(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"page"})

    async def collect(message):
        sent.append(message)

    with ThreadPoolExecutor(1) as pool:  # a browser test's Playwright may hold this thread's event loop
        pool.submit(asyncio.run, routing.DefaultPageRedirect(page)(scope, None, collect)).result()
    return sent


def http(path: str, query: bytes = b"", method: str = "GET") -> dict:
    return {"type": "http", "method": method, "path": path, "query_string": query, "headers": []}


def test_the_alias_is_redirected_to_the_root_with_its_query_untouched():
    start = answer_of(http("/playground", b"ls=a/b&r1=adam%3Blr%3D0.1"))[0]
    assert start["status"] == 308
    assert dict(start["headers"])[b"location"] == b"/?ls=a/b&r1=adam%3Blr%3D0.1"
    assert dict(answer_of(http("/playground/", method="HEAD"))[0]["headers"])[b"location"] == b"/"


@pytest.mark.parametrize("scope", [http("/"), http("/sweeps", b"x=1"), http("/playground", method="POST"), {"type": "websocket", "path": "/playground"}])
def test_every_other_request_reaches_the_app(scope):
    assert [m.get("status", m.get("body")) for m in answer_of(scope)] == [200, b"page"]
