"""The Copy-link box: an absolute link that restores a view, at an address the class can open.

The page's own address (`st.context.url`) is the one the teacher's browser used; at localhost or
127.0.0.1 it names the teacher's own machine, which no student's browser reaches. The public address
is a server setting: the environment variable GRADSCAPE_PUBLIC_URL (the app's root as students open
it, e.g. http://192.168.1.20:8501 or https://class.example.org/gradscape), else Streamlit's own
`browser.serverAddress` (with `browser.serverPort` and `server.baseUrlPath`) when it names another
host. Without either, a loopback link comes with a warning that says what to set.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from gradscape.viz.text import short_plain

PUBLIC_URL_ENV = "GRADSCAPE_PUBLIC_URL"
LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
EXAMPLE = "http://192.168.1.20:8501"
HOW_TO_SET = (f"start the server with {PUBLIC_URL_ENV} set to the app's address as students reach it (e.g. "
              f"{PUBLIC_URL_ENV}={EXAMPLE}), or set browser.serverAddress in .streamlit/config.toml.")


def _base_path() -> str:
    """Streamlit's server.baseUrlPath as '/path' ('' when served at the root)."""
    path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{path}" if path else ""


def public_base() -> tuple[str, str]:
    """The app's public root URL from the server's settings ('' when none) and what is wrong with the setting ('' if nothing)."""
    value = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            return "", f"{PUBLIC_URL_ENV}='{value}' is not an http(s) address like {EXAMPLE}."
        return value.rstrip("/"), ""
    address = (st.get_option("browser.serverAddress") or "").strip()
    host = urlsplit(address if "://" in address else f"http://{address}").hostname
    if host is None or host in LOOPBACK:
        return "", ""
    if "://" in address:
        return address.rstrip("/"), ""
    return f"http://{address.rstrip('/')}:{st.get_option('browser.serverPort')}{_base_path()}", ""


def share_link(query: dict[str, str], page_url: str | None = None) -> tuple[str, str]:
    """The link to this page (`page_url`, default the browser's) with `query`, and a warning in words when
    students cannot open it ('' when they can)."""
    page = urlsplit(page_url or st.context.url or "")
    base, problem = public_base()
    if base:
        path = page.path[len(_base_path()):] if page.path.startswith(_base_path()) else page.path
        root = urlsplit(base)
        return urlunsplit((root.scheme, root.netloc, root.path.rstrip("/") + (path or "/"), urlencode(query), "")), ""
    link = urlunsplit((page.scheme, page.netloc, page.path, urlencode(query), ""))
    if page.hostname in LOOPBACK:
        return link, f"{problem} This link points at {page.hostname}: students can't open it. To share it, {HOW_TO_SET}"
    return link, problem


def share_box(query: dict[str, str], what: str = "exactly what you see") -> None:
    """The popover's contents: the link (inert code text) and, where it cannot be shared, why and what to set."""
    link, warning = share_link(query)
    st.caption(f"This link restores {what}:")
    st.code(link, language=None, wrap_lines=True)
    if warning:
        st.warning(short_plain(warning.strip()), icon=":material/public_off:")
