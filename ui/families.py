"""The families' route: `GET app/families?<a run's link>&knob=lr&span=near` answers with the run's family
(viz/families.py), the JSON the player's scrub reads. The player asks for it once its first paths are
drawn, so a family never delays them, and it comes over plain HTTP: no rerun, no websocket message.

The link is read as any link is (trajectories/scenario.py) and must hold exactly one run and no
mistakes; what it cannot compute is answered 400 with the reason in words. Families are computed one
at a time on a worker thread (the event loop serves everyone else meanwhile), their CPU charged to the
request's address (ui/clients.py) in the sessions' ledger: an address over its budget is answered 400. `TOKEN`, new with each
server process, is part of every family URL, so a browser may keep an answer for as long as the
server that computed it runs, and never reuses one from an earlier build.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config

from gradscape.trajectories import budget
from gradscape.trajectories.scenario import from_query
from gradscape.ui import clients, limits
from gradscape.ui.assets import accepts_gzip
from gradscape.ui.guard import COMPUTE_ERRORS, failure
from gradscape.ui.routing import app_root
from gradscape.viz.families import family_trace

ROUTE = "app/families"
TOKEN = secrets.token_hex(4)
OWN_KEYS = ("v", "knob", "span")
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gradscape-families")


def base_url() -> str:
    """The route with this process's token; the player appends a run's query, `knob` and `span`."""
    return f"{ROUTE}?v={TOKEN}"


def family_body(query: str, gzip_ok: bool) -> tuple[int, bytes, bool]:
    """(HTTP status, body, gzipped) for a family request's query string."""
    pairs = dict(parse_qsl(query, keep_blank_values=True))
    knob, span = pairs.pop("knob", "lr"), pairs.pop("span", "near")
    pairs.pop("v", None)
    s, warnings = from_query(pairs)
    if warnings or len(s.runs) != 1:
        return 400, (warnings[0] if warnings else "a family request names exactly one run").encode(), False
    try:
        f = family_trace(s, 0, knob, span)
    except COMPUTE_ERRORS as err:
        return 400, failure(err).encode(), False
    return 200, f.gzipped if gzip_ok else f.body, gzip_ok


def route_of(path: str, base_url_path: str) -> bool:
    """Whether a request for `path` asks for the families' route (under Streamlit's server.baseUrlPath)."""
    return path == app_root(base_url_path) + ROUTE


class ServeFamilies:
    """ASGI middleware: GET of the families' route answers with a family; every other request goes on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (scope["type"] == "http" and scope.get("method") == "GET"
                and route_of(scope["path"], config.get_option("server.baseUrlPath"))):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        payer = (limits.LEDGER, ("address", clients.of_request(scope)))  # no session: the address pays
        work = budget.on_behalf(functools.partial(family_body, query, accepts_gzip(scope)), payer)
        status, body, gzipped = await asyncio.get_running_loop().run_in_executor(_POOL, work)
        headers = {"X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding",
                   "Cache-Control": "private, max-age=86400" if status == 200 else "no-store"}
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        media = "application/json" if status == 200 else "text/plain; charset=utf-8"
        await Response(body, status_code=status, headers=headers, media_type=media)(scope, receive, send)
