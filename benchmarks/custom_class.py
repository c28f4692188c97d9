"""A class typing its own landscapes at once (not a test).

    python -m benchmarks.custom_class [--sessions 30] [--same-form]

All with an empty compilation cache (so nothing is helped by an earlier run):
1. in this process, what one new typed landscape costs the server, stage by stage, as the Playground
   draws it (parse; the landscape's build: finite check and Newton survey; the grid the player
   shows; the default three runs): wall and CPU time, and JAX's own split of it into tracing,
   lowering and XLA compiling; for expressions of new forms and for ones differing from an earlier
   one in numbers only;
then against `streamlit run app.py` on loopback, after its warm-up, over Streamlit's own websocket
protocol (the driver of benchmarks/playground.py):
2. one quiet session types 2 new expressions of the class's kind, one after the other;
3. `--sessions` sessions (at most 30) open the same shared link of a typed landscape, and at the same
   moment each types 2 new expressions of its own, the second as soon as the first is drawn.
Prints the time from typing to first paths (the page's link holds the new expression and its script
run finished: the player has the paths) for each expression, p50 / p95 / max over the class, per
session (both expressions), their ratio to the quiet session, the errors shown (error alerts and
exceptions), how many waits showed a queue position, and the server's CPU time per expression (less
noisy than wall times on a shared machine). The class's 60 expressions are of 60 different forms
(no two share a compiled program); `--same-form` has all of them differ in their numbers only.
Bounded: each expression waits at most WAIT_S, the whole class at most LIMIT_S.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.playground import connect, load, percentile, process_cpu_s, wait_until_warm
from gradscape.landscapes.custom import EXAMPLES, link_fields, make_key
from tests.e2e.harness import app_server

MAX_SESSIONS = 30
PER_SESSION = 2
WAIT_S = 240.0
LIMIT_S = 420.0
PICKER = "pg.ls"  # the Playground's landscape picker: its list, f(x, y) and the domain's four bounds
EXPRESSION, DOMAIN = EXAMPLES["Double well"]
BOUNDS = dict(zip((f"{PICKER}.{b}" for b in ("x0", "x1", "y0", "y1")), (v for pair in DOMAIN for v in pair)))
LINK = {"ls": "custom", **link_fields(make_key(EXPRESSION, DOMAIN))}
X_TERMS = ("x^2", "x^4/4", "sin(x)", "cos(2*x)", "abs(x)", "exp(-x^2)", "log1p(x^2)", "tanh(x)")
Y_TERMS = ("y^2", "y^4/4", "sin(y)", "cos(3*y)", "abs(y)", "exp(-y^2)", "log1p(y^2)", "tanh(y)")
CROSS = ("x*y", "sin(x*y)", "(x-y)^2")
JAX_EVENTS = {"/jax/core/compile/jaxpr_trace_duration": "trace", "/jax/core/compile/jaxpr_to_mlir_module_duration": "lower",
              "/jax/core/compile/backend_compile_duration": "compile"}


def expressions(n: int, same_form: bool) -> list[str]:
    """n expressions, pairwise different: different forms, or (same_form) one form with other numbers."""
    if same_form:
        return [f"(x^2-1)^2 + {0.105 + 0.01 * k:.3f}*x + {1.025 + 0.05 * k:.3f}*y^2" for k in range(n)]  # never the link's
    pairs = itertools.islice(itertools.product(X_TERMS, Y_TERMS), n)
    return [f"{a} + 2*{b} + 0.5*{CROSS[k % len(CROSS)]}" for k, (a, b) in enumerate(pairs)]


def stage_costs(texts: list[str]) -> dict[str, dict[str, float]]:
    """Mean ms per stage of drawing each expression in a fresh Playground (this process, its caches
    cold for these expressions, the persistent compilation cache off): wall, cpu, and JAX's trace /
    lower / compile inside it."""
    import jax

    jax.config.update("jax_enable_compilation_cache", False)
    from gradscape.trajectories import typed
    from gradscape.trajectories.scenario import Scenario
    from gradscape.viz.player import landscape_asset, run_trace

    spent: dict[str, float] = {}
    jax.monitoring.register_event_duration_secs_listener(
        lambda event, seconds, **_: spent.__setitem__(JAX_EVENTS[event], spent.get(JAX_EVENTS[event], 0.0) + seconds)
        if event in JAX_EVENTS else None)
    totals: dict[str, dict[str, float]] = {}
    for i in range(len(Scenario().runs)):  # what a server has done before a class types: the default scenario
        run_trace(Scenario(), i)

    def stage(name: str, fn) -> object:
        spent.clear()
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        row = totals.setdefault(name, {})
        for what, seconds in {"wall": time.perf_counter() - w0, "cpu": time.process_time() - c0, **spent}.items():
            row[what] = row.get(what, 0.0) + 1e3 * seconds / len(texts)
        return out

    for text in texts:
        key = stage("parse and check", lambda: make_key(text, DOMAIN))
        stage("build (finite check, Newton survey)", lambda: typed.landscape(key))
        stage("grid for the player", lambda: landscape_asset(key))
        s = Scenario(landscape=key)
        for i, run in enumerate(s.runs):
            stage(f"run {run.optimizer}, {s.steps} steps", lambda: run_trace(s, i))
    return totals


def print_costs(label: str, totals: dict[str, dict[str, float]]) -> None:
    columns = ("wall", "cpu", "trace", "lower", "compile")
    print(f"{label} (mean ms per expression):")
    print(f"   {'stage':38s}" + "".join(f"{c:>9s}" for c in columns))
    for name, row in [*totals.items(), ("all", {c: sum(r.get(c, 0.0) for r in totals.values()) for c in columns})]:
        print(f"   {name:38s}" + "".join(f"{row.get(c, 0.0):9.0f}" for c in columns))


@dataclass
class Session:
    """One session's expressions to type, and what it saw: seconds to first paths per expression
    (None: none drawn), errors shown, waits that showed a queue position ("… ahead of you"), and
    `waiting`, set once the server showed it waiting for a build (a thread may wait on it)."""

    texts: list[str]
    times: list[float | None] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    queued: int = 0
    waiting: threading.Event = field(default_factory=threading.Event)


def request(query: dict[str, str], ids: dict[str, str] | None = None, text: str = "") -> bytes:
    """A rerun request for the page at `query`; with the picker's widget ids, its widgets as the browser
    reports them (the list on "Custom f(x, y)…", the domain's bounds) with `text` typed into f(x, y)."""
    msg = BackMsg()
    msg.rerun_script.query_string = urlencode(query)
    if ids is not None:
        states = msg.rerun_script.widget_states.widgets
        states.add(id=ids[PICKER], string_value="Custom f(x, y)…")
        states.add(id=ids[f"{PICKER}.f"], string_value=text)
        for key, value in BOUNDS.items():
            states.add(id=ids[key], double_value=value)
    return msg.SerializeToString()


def _texts(element) -> tuple[str | None, str]:
    """(kind, text) of an element worth noting: an error alert, an exception, a progress bar."""
    name = element.WhichOneof("type")
    if name == "alert" and element.alert.format == Alert.ERROR:
        return "error", element.alert.body
    if name == "exception":
        return "error", element.exception.message
    if name == "progress":
        return "progress", element.progress.text
    return None, ""


async def until_drawn(ws, session: Session, expression: str | None, ids: dict[str, str], link: dict[str, str]) -> dict[str, str]:
    """Read until a script run finishes with `expression` (normalized) in the page's link (None: any
    run), the page showing `link` before; collects widget ids (text inputs), errors and queue
    positions shown on the way. Returns the link."""
    query = dict(link)
    queued = False
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "page_info_changed":
            query = {k: v[-1] for k, v in parse_qs(msg.page_info_changed.query_string).items()}
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            widget = getattr(element, element.WhichOneof("type"))
            if getattr(widget, "id", "").split("-")[-1].startswith(PICKER):
                ids[widget.id.rsplit("-", 1)[-1]] = widget.id
            what, text = _texts(element)
            if what == "error":
                session.errors.append(text)
                if expression is not None:
                    return query
            if what == "progress":
                session.waiting.set()
                queued |= "ahead of you" in text
        elif kind == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            if expression is None or query.get("f") == expression:
                session.queued += queued
                return query


async def _type(ws, session: Session, ids: dict[str, str], link: dict[str, str], text: str) -> dict[str, str]:
    """Type `text` into f(x, y) on a page showing `link`; returns the page's link after."""
    t0 = time.perf_counter()
    target = link_fields(make_key(text, DOMAIN))["f"]
    await ws.send(request(link, ids, text))
    query = await asyncio.wait_for(until_drawn(ws, session, target, ids, link), WAIT_S)
    session.times.append(time.perf_counter() - t0 if query.get("f") == target else None)
    return query


async def _student(url: str, session: Session, barrier: asyncio.Barrier | None) -> None:
    async with connect(url) as ws:
        ids: dict[str, str] = {}
        await ws.send(request(LINK))
        link = await asyncio.wait_for(until_drawn(ws, session, None, ids, LINK), WAIT_S)
        if barrier is not None:
            await barrier.wait()
        for text in session.texts:
            link = await _type(ws, session, ids, link, text)


async def run_class(url: str, sessions: list[Session]) -> int:
    """The sessions (at most MAX_SESSIONS) open the shared link, then all type at the same moment,
    each its expressions one after the other; returns how many sessions failed (loopback only)."""
    if not 1 <= len(sessions) <= MAX_SESSIONS:
        raise ValueError(f"1 … {MAX_SESSIONS} sessions, not {len(sessions)}")
    barrier = asyncio.Barrier(len(sessions)) if len(sessions) > 1 else None
    results = await asyncio.wait_for(asyncio.gather(*(_student(url, s, barrier) for s in sessions), return_exceptions=True), LIMIT_S)
    return sum(isinstance(r, BaseException) for r in results)


def report(label: str, sessions: list[Session], failed: int, cpu_s: float, quiet: float | None) -> float:
    """Print the figures of sessions that typed PER_SESSION expressions each (and the server's CPU
    seconds meanwhile); returns the median seconds per expression."""
    times = [t for s in sessions for t in s.times if t is not None]
    missing = sum(t is None for s in sessions for t in s.times) + PER_SESSION * len(sessions) - sum(len(s.times) for s in sessions)
    totals = [sum(s.times) for s in sessions if len(s.times) == PER_SESSION and None not in s.times]
    errors = [e for s in sessions for e in s.errors]
    p50 = statistics.median(times) if times else float("nan")
    line = f"{label}: typing → first paths, {len(times)} expressions: p50 {p50:.2f} s"
    if len(times) > 1:
        line += f", p95 {percentile(times, 95):.2f} s, max {max(times):.2f} s"
    if len(totals) > 1:
        line += f"; per session ({PER_SESSION} expressions): p50 {statistics.median(totals):.2f} s, p95 {percentile(totals, 95):.2f} s"
    if quiet:
        line += f"; p50 ratio to the quiet session {p50 / quiet:.1f}×"
    print(line)
    print(f"   not drawn {missing}, errors shown {len(errors)}, sessions failed {failed}, waits showing a queue position "
          f"{sum(s.queued for s in sessions)}; server CPU {cpu_s:.1f} s, {cpu_s / (PER_SESSION * len(sessions)):.2f} s per expression")
    for text in sorted(set(errors)):
        print(f"   error ×{errors.count(text)}: {text[:160]}")
    return p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=MAX_SESSIONS)
    parser.add_argument("--same-form", action="store_true", help="the class's expressions differ in their numbers only")
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS:
        raise SystemExit(f"1 … {MAX_SESSIONS} sessions, not {args.sessions}")
    texts = expressions(PER_SESSION * (args.sessions + 1), args.same_form)
    quiet = [Session(texts[-PER_SESSION:])]  # of the class's kind, not typed by the class
    sessions = [Session(texts[PER_SESSION * k: PER_SESSION * (k + 1)]) for k in range(args.sessions)]
    print(f"load average at start: {load()}  ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="gradscape-class-cache-") as cache:
        os.environ["GRADSCAPE_CACHE_DIR"] = cache  # the server's compilation cache starts empty
        fresh = [f"{a} - 0.5*{b}" for a, b in zip(X_TERMS[:4], Y_TERMS[4:])]  # forms no session types
        stage_costs(fresh[:1])  # the process's own first typed landscape
        print_costs("1. one typed landscape of a new form", stage_costs(fresh[1:]))
        print_costs("   one differing from an earlier one in numbers only", stage_costs([t.replace("0.5*", "0.7*") for t in fresh[1:]]))
        with app_server() as (url, proc, log):
            wait_until_warm(log, timeout_s=300.0)

            def phase(label: str, group: list[Session], alone: float | None) -> float:
                cpu = process_cpu_s(proc.pid)
                failed = asyncio.run(run_class(url, group))
                return report(label, group, failed, process_cpu_s(proc.pid) - cpu, alone)

            alone = phase("2. 1 quiet session", quiet, None)
            kind = "one form, other numbers" if args.same_form else "all of different forms"
            phase(f"3. {args.sessions} sessions at once ({kind})", sessions, alone)
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
