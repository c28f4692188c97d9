"""The class server: the start-up warm-up, bounded caches, and the load drivers' own bounds."""

from __future__ import annotations

import ast
import asyncio
import gc
import importlib
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.web.server.app_discovery import discover_asgi_app

import app
from gradscape.memo import ByteLRU
from gradscape.ui import warmup
from gradscape.viz import player
from gradscape.trajectories.scenario import Scenario
from gradscape.viz.player import run_trace

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("app.py", "navigation.py", "pages", "ui", "viz", "trajectories", "landscapes", "optimizers", "schedules", "lessons", "classroom")


def test_streamlit_serves_app_py_through_its_app_and_navigation_py_as_its_script():
    assert discover_asgi_app(ROOT / "app.py").is_asgi_app
    assert not discover_asgi_app(ROOT / "navigation.py").is_asgi_app
    assert app.app._script_path == Path("navigation.py")


@pytest.fixture
def fresh_warmup(monkeypatch):
    """ui.warmup with its once-per-process state reset (the module is reloaded), an empty run cache and
    nothing frozen out of the garbage collector (the warm-up freezes what the process holds: undone after)."""
    monkeypatch.setattr(player, "_CACHE", ByteLRU(player.RUN_CACHE_BYTES))
    gc.unfreeze()
    yield importlib.reload(warmup)
    join_warmers()
    gc.unfreeze()
    importlib.reload(warmup)


def join_warmers() -> None:
    for thread in threading.enumerate():
        if thread.name == "gradscape-warm-up":
            thread.join(120)


def default_hits_and_misses() -> tuple[int, int]:
    before = player.cache_info()
    for i in range(len(Scenario().runs)):
        run_trace(Scenario(), i)
    after = player.cache_info()
    return after.hits - before.hits, after.misses - before.misses


def run_coroutine(coro):
    """asyncio.run in a thread of its own: a browser test's Playwright may hold this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_lifespan_hook_warms_the_default_scenario_once(fresh_warmup, monkeypatch):
    calls = []
    monkeypatch.setattr(fresh_warmup, "_later", lambda: calls.append("later"))

    async def start_and_stop():
        async with app.warm_at_start(None):
            pass

    run_coroutine(start_and_stop())
    join_warmers()
    assert default_hits_and_misses() == (len(Scenario().runs), 0)
    assert gc.get_freeze_count() > 0  # what the process held is out of the collector's full passes
    fresh_warmup.before_first_paths()  # the first visit waits for the warm-up instead of redoing it
    fresh_warmup.warm()
    assert calls == ["later"]


def test_first_visit_warms_when_the_server_did_not(fresh_warmup, monkeypatch):
    started = []
    monkeypatch.setattr(fresh_warmup, "_later", lambda: started.append(threading.current_thread().name))
    fresh_warmup.before_first_paths()
    assert default_hits_and_misses() == (len(Scenario().runs), 0)
    fresh_warmup.warm()  # a late server-start hook finds the work claimed
    join_warmers()
    assert started == ["gradscape-warm-up"]


FIRST_RUN_IMPORTS = """
import sys
import app
from streamlit.testing.v1 import AppTest
from gradscape.ui import warmup

app.import_app_modules()
warmup._later = lambda: None
warmup.warm()
at = AppTest.from_file(sys.argv[1], default_timeout=60)
before = set(sys.modules)
at.run()
assert not at.exception, at.exception
print(" ".join(sorted(set(sys.modules) - before)))
"""


def test_a_first_visit_after_the_start_up_imports_no_library():
    """What the server imports at start covers what a first Playground run would import (pandas
    and pyarrow, which Streamlit's component serializer pulls in, were ≈ 0.8 s of it). Fresh
    interpreter: this one has imported everything already. AppTest's own discovery of packaged
    components brings `packaging` and a Streamlit module or two; they are not the app's."""
    out = subprocess.run([sys.executable, "-c", FIRST_RUN_IMPORTS, str(ROOT / "navigation.py")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    imported = out.stdout.splitlines()[-1].split()
    assert imported, "the first run imported nothing at all: AppTest's own modules were expected"
    assert {name.split(".")[0] for name in imported} <= {"streamlit", "packaging"}, imported


def _decorated_functions():
    for package in APP_PACKAGES:
        path = ROOT / package
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for deco in node.decorator_list:
                        yield file.relative_to(ROOT), tree, node, deco


def _name(node: ast.expr) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _keyword(deco: ast.expr, name: str):
    if isinstance(deco, ast.Call):
        for kw in deco.keywords:
            if kw.arg == name:
                return kw.value
    return None


def _first_arg(deco: ast.expr, name: str):
    given = _keyword(deco, name)
    return given if given is not None else (deco.args[0] if isinstance(deco, ast.Call) and deco.args else None)


def _is_size(tree: ast.Module, node: ast.expr | None) -> bool:
    """A whole number written out, or a module-level name assigned arithmetic of them (MAX_PROGRAMS = 64,
    CACHE_BYTES = 64 * 2**20)."""
    if isinstance(node, ast.Name):
        values = [a.value for a in tree.body if isinstance(a, ast.Assign) and any(getattr(t, "id", "") == node.id for t in a.targets)]
        return len(values) == 1 and _is_size(tree, values[0])
    if isinstance(node, ast.BinOp):
        return _is_size(tree, node.left) and _is_size(tree, node.right)
    return isinstance(node, ast.Constant) and type(node.value) is int


def test_every_cache_in_the_app_is_bounded():
    """lru_cache needs a size, memo's `cached` a budget in bytes and st.cache_data a number of entries;
    functools.cache and st.cache_resource only on functions without arguments (one entry each)."""
    unbounded = []
    for file, tree, fn, deco in _decorated_functions():
        kind = _name(deco)
        has_args = bool(fn.args.args or fn.args.kwonlyargs or fn.args.vararg or fn.args.kwarg)
        if kind == "lru_cache":
            bad = not _is_size(tree, _first_arg(deco, "maxsize"))
        elif kind == "cached":
            bad = not _is_size(tree, _first_arg(deco, "budget"))
        elif kind == "cache_data":
            bad = _keyword(deco, "max_entries") is None
        elif kind in ("cache", "cache_resource"):
            bad = has_args
        else:
            continue
        if bad:
            unbounded.append(f"{file}:{fn.lineno} {fn.name}")
    assert not unbounded, unbounded


def test_caches_found_by_the_scan():
    """The scan sees the caches the README lists (so that the test above cannot pass by missing them),
    and reads sizes as sizes."""
    found = {(str(file), fn.name) for file, _, fn, deco in _decorated_functions()
             if _name(deco) in ("lru_cache", "cached", "cache_data", "cache")}
    assert {("trajectories/engine.py", "compiled"), ("viz/player.py", "landscape_asset"), ("viz/network.py", "_trained_view"),
            ("pages/lessons.py", "finding")} <= found
    tree = ast.parse("A = 64 * 2**20\nB = None\n")
    assert _is_size(tree, ast.Name("A")) and not _is_size(tree, ast.Name("B")) and not _is_size(tree, ast.Name("C"))


def test_load_drivers_refuse_remote_servers_and_too_many_sessions():
    from benchmarks.playground import MAX_SESSIONS, concurrent_sessions, connect

    with pytest.raises(ValueError, match="loopback"):
        connect("http://192.0.2.1:8501")
    with pytest.raises(ValueError, match="sessions"):
        run_coroutine(concurrent_sessions("http://127.0.0.1:1", MAX_SESSIONS + 1))
    from benchmarks import custom_class

    with pytest.raises(ValueError, match="sessions"):
        run_coroutine(custom_class.run_class("http://127.0.0.1:1", [custom_class.Session([]) for _ in range(custom_class.MAX_SESSIONS + 1)]))
