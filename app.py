"""optiviz: watch gradient-descent optimizers and learning-rate schedules move on 2-D landscapes.

Start with `streamlit run app.py`: it serves navigation.py (the pages) and warms the Playground's
default scenario at server start, before the first visitor.

Streamlit recognizes the `st.App` below and serves the app through its ASGI server; the lifespan
hook runs once when the server starts and hands the warm-up to a background thread, so the
server answers at once while JAX loads and the default runs are computed.
"""

import threading
from contextlib import asynccontextmanager

import streamlit as st


def _warm() -> None:
    from ui import warmup  # JAX and the catalogues load here, off the server's event loop

    warmup.warm()


@asynccontextmanager
async def warm_at_start(_app):
    threading.Thread(target=_warm, name="optiviz-warm-up", daemon=True).start()
    yield


app = st.App("navigation.py", lifespan=warm_at_start)
