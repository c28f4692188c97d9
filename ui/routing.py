"""The default page's own name as a path: `/playground` opens the Playground at `/`.

Streamlit serves its default page at the app's root only. A typed or bookmarked `/playground`
link does open the Playground in a new tab, but in a tab that already showed the app Streamlit
answers it with its "Page not found" dialog over the page. `DefaultPageRedirect` sends such a
request to the root with the same query (a permanent redirect, before any page is served).
"""

from __future__ import annotations

from streamlit import config
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

DEFAULT_PAGE_PATH = "playground"  # navigation.py's url_path of the default page


def app_root(base_url_path: str) -> str:
    """The app's root path under Streamlit's server.baseUrlPath: "/" or "/base/"."""
    base = "/".join(part for part in base_url_path.split("/") if part)
    return f"/{base}/" if base else "/"


def root_of_alias(path: str, base_url_path: str) -> str | None:
    """The app's root (under Streamlit's server.baseUrlPath) for `<root>/playground`, with or
    without a trailing slash; None for every other path."""
    root = app_root(base_url_path)
    return root if path.rstrip("/") == root + DEFAULT_PAGE_PATH else None


class DefaultPageRedirect:
    """ASGI middleware: GET/HEAD `<root>/playground?query` → 308 to `<root>/?query`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        is_page_request = scope["type"] == "http" and scope.get("method") in ("GET", "HEAD")
        root = root_of_alias(scope["path"], config.get_option("server.baseUrlPath")) if is_page_request else None
        if root is None:
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        await RedirectResponse(root + (f"?{query}" if query else ""), status_code=308)(scope, receive, send)
