"""gradscape: watch gradient-descent optimizers and learning-rate schedules move on 2-D landscapes.

Start with `streamlit run app.py`: it serves navigation.py (the pages) and warms the Playground's
default scenario at server start, before the first visitor.

Streamlit recognizes the `st.App` below and serves the app through its ASGI server; the lifespan
hook runs once when the server starts and hands the warm-up to a background thread, so the
server answers while the default runs are computed. The app's modules (JAX with them) and the
libraries Streamlit imports lazily for them are imported first, in the hook itself: importing JAX
from two threads at once (the warm-up's and a first session's) can leave one of its modules
half-initialized. The middleware sends `/playground` to the root, where Streamlit serves the
default page (ui/routing.py), serves the files the app generates into the user cache (plotly.js,
landscape grids) at app/assets/… and the runs' families at app/families (ui/families.py), and has
every page preload plotly.js (ui/assets.py), which the
hook publishes before the first page is served (where the cache cannot be written, the pages say so).
Plug-in optimizers are the operator's: the modules named in $GRADSCAPE_PLUGINS (what `gradscape serve
--plugin` sets) are imported here, once, before any page runs (trajectories/plugins.py).
After the warm-up, XLA's own threads (its pools run sharded programs and compile) are put below the
threads that answer pages (trajectories/runtime.py), so one session's long sweep slows others little.
"""

import importlib
import pkgutil
import threading
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from gradscape.trajectories import plugins, runtime
from gradscape.ui import assets, families, routing, sockets
from gradscape.viz.frontend import PLOTLY_BUNDLES

runtime.configure()
try:
    plugins.from_environment()
except ValueError as err:  # the operator's own setting: one line where the server was started, no traceback
    raise SystemExit(f"gradscape: {err}") from None

PACKAGES = ("landscapes", "optimizers", "schedules", "trajectories", "viz", "lessons", "classroom", "ui")
# Streamlit's component serializer imports these on the first player drawn, to ask whether any
# of its data is a data frame: ≈ 0.8 s of a first visit's script run unless imported here.
LAZY_LIBRARIES = ("pandas", "pyarrow")


def import_app_modules() -> None:
    """Every module of the app's packages and the libraries Streamlit imports lazily for them, so
    that no session thread imports one, concurrently or on a first visit."""
    for name in LAZY_LIBRARIES:
        importlib.import_module(name)
    for name in PACKAGES:
        package = importlib.import_module(f"gradscape.{name}")
        for module in pkgutil.walk_packages(package.__path__, f"gradscape.{name}."):
            importlib.import_module(module.name)


def _warm() -> None:
    from gradscape.ui import warmup

    warmup.warm()
    runtime.lower_compute_threads()  # XLA's pools exist once the warm-up has computed: below the pages from now on


@asynccontextmanager
async def warm_at_start(_app):
    sockets.no_delay(st.get_option("server.port"))
    import_app_modules()
    try:
        for bundle in PLOTLY_BUNDLES:
            assets.plotly_url(bundle)
    except OSError:
        pass
    threading.Thread(target=_warm, name="gradscape-warm-up", daemon=True).start()
    yield


app = st.App(
    "navigation.py",
    lifespan=warm_at_start,
    middleware=[Middleware(routing.DefaultPageRedirect), Middleware(assets.ServeAssets), Middleware(families.ServeFamilies),
                Middleware(assets.PreloadPlotly)],
)
