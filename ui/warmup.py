"""Once per server process: the default Playground scenario computed (programs compiled or loaded
from the persistent cache, runs in the run cache, the landscape grid published, its results
table built; Streamlit's emoji and icon tables, whose import compiles a large regex when the
first page sets its icon: ≈ 0.6 s; and Streamlit's once-per-process check, on the first element
any page draws, of whether it runs in a REPL, which inspects the whole call stack with source:
≈ 0.4 s), then the programs a first slider move would compile (noise on, 1000 steps). Last, what
the process holds by then (≈ 250 000 objects: JAX, plotly, Streamlit, the app, the warm runs) is
collected once and frozen out of Python's cyclic garbage collector (`gc.freeze`): a full collection
walks them all (≈ 0.1 s), and the first one after the start-up fell into the first visit's script
run (≈ 0.1 s of its ≈ 0.13 s); frozen, they are never walked again.

A page script runs no code before the first session, so the warm-up starts at server start from
app.py's `st.App` lifespan hook (a background thread), or on the first visit to the Playground
(`before_first_paths`) where the page script runs without app.py (AppTest), whichever comes
first; the other then waits for the default scenario instead of computing it a second time.
The server's log says when the default scenario is warm and when the whole warm-up is done.
"""

from __future__ import annotations

import gc
import importlib
import threading
import time
from dataclasses import replace

from streamlit import delta_generator

from gradscape.trajectories import budget
from gradscape.trajectories.scenario import Scenario
from gradscape.ui import player
from gradscape.viz.player import run_trace
from gradscape.viz.results_table import results_html

WAIT_S = 60.0
DONE = "gradscape: warm-up done"  # the log line at the end of the warm-up (the benchmarks wait for it)
FIRST_VISIT_MODULES = ("streamlit.emojis", "streamlit.material_icon_names", "gradscape.ui.run_editor", "gradscape.ui.frame", "gradscape.ui.presentation")

_lock = threading.Lock()
_claimed = False
_default_ready = threading.Event()


def _claim() -> bool:
    """True for the first caller in the process only."""
    global _claimed
    with _lock:
        first, _claimed = not _claimed, True
    return first


def _default() -> None:
    try:
        s = Scenario()
        with budget.unmetered():  # the server's own work, also where a first visit's page does it
            traces = [(i, run_trace(s, i)) for i in range(len(s.runs))]
        player.player_data(s, traces)
        results_html(s, traces)
        for module in FIRST_VISIT_MODULES:
            importlib.import_module(module)
        # Streamlit-internal (guarded): the REPL check runs once per process, so run it here.
        getattr(delta_generator, "_maybe_print_use_warning", lambda: None)()
    finally:
        _default_ready.set()


def _later() -> None:
    s = Scenario()
    for variant in (replace(s, noise=0.1), replace(s, steps=1000)):
        for i in range(len(variant.runs)):
            run_trace(variant, i)


def warm() -> None:
    """Everything, in the calling thread; a no-op when the warm-up was already claimed."""
    if _claim():
        t0 = time.perf_counter()
        _default()
        print(f"gradscape: default scenario warm after {time.perf_counter() - t0:.2f} s", flush=True)
        _later()
        gc.collect()
        gc.freeze()
        print(f"{DONE} after {time.perf_counter() - t0:.2f} s", flush=True)


def before_first_paths() -> None:
    """The Playground's call before it computes: the default scenario now if nobody warmed it
    (the rest in the background), else wait until the warm-up under way has it."""
    if _claim():
        _default()
        threading.Thread(target=_later, name="gradscape-warm-up", daemon=True).start()
    else:
        _default_ready.wait(WAIT_S)
