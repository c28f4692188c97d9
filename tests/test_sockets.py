"""The server's listening socket has Nagle's algorithm off, so its connections do too (ui/sockets.py).

The sockets here are bound the way Streamlit binds the one uvicorn serves on (`socket.socket(family)`,
protocol 0, which asyncio leaves with Nagle's algorithm on); what a connection accepted on them
says about TCP_NODELAY is the kernel's answer, not the code's."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from concurrent.futures import ThreadPoolExecutor

import streamlit as st

import app
from gradscape.ui import sockets


@contextlib.contextmanager
def streamlit_like_listener(family: int = socket.AF_INET):
    sock = socket.socket(family=family)
    sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    sock.listen()
    try:
        yield sock
    finally:
        sock.close()


def accepted_no_delay(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection the listener accepts now."""
    with socket.create_connection(listener.getsockname()[:2]) as client:
        conn, _ = listener.accept()
        with conn:
            return conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_a_listener_bound_like_streamlits_hands_out_connections_with_nagle_on():
    with streamlit_like_listener() as listener:
        assert listener.proto == 0  # what asyncio's own TCP_NODELAY skips
        assert accepted_no_delay(listener) == 0


def test_no_delay_turns_nagle_off_for_the_listeners_on_the_port_and_no_other():
    with streamlit_like_listener() as served, streamlit_like_listener() as other:
        port = served.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)), served.accept()[0] as earlier:
            assert sockets.no_delay(port) == 1
            assert earlier.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0  # on the port, but no listener
        assert accepted_no_delay(served) == 1
        assert accepted_no_delay(other) == 0
        assert served.fileno() >= 0  # the server's descriptor stays open
        assert accepted_no_delay(served) == 1


def test_no_delay_finds_nothing_on_a_port_nobody_listens_on():
    with streamlit_like_listener() as listener:
        port = listener.getsockname()[1]
    assert sockets.no_delay(port) == 0


def test_the_server_start_turns_nagle_off_on_the_port_streamlit_serves(monkeypatch):
    monkeypatch.setattr(app, "_warm", lambda: None)  # the warm-up is tests/test_class_server.py's
    old = st.get_option("server.port")
    with streamlit_like_listener() as listener:
        st.config.set_option("server.port", listener.getsockname()[1])

        async def start_and_stop():
            async with app.warm_at_start(None):
                pass

        try:
            with ThreadPoolExecutor(1) as pool:  # a browser test's Playwright may hold this thread's event loop
                pool.submit(asyncio.run, start_and_stop()).result()
        finally:
            st.config.set_option("server.port", old)
        assert accepted_no_delay(listener) == 1
