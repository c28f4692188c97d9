"""A class on the class board, simulated (not a test):

    python -m benchmarks.classroom [--students 10] [--replicas 1] [--seconds 60]

Starts the app (deploy/replicas.py: one replica on a SQLite file, or several behind nginx on a
throw-away PostgreSQL, tests/postgres.py), creates a class, opens its board, and has `--students`
students (at most MAX_STUDENTS) work as browsers would, over Streamlit's own websocket protocol on
loopback: each opens the Join link, joins, loads a run of its own in the Playground and presses
"Submit my run" every PERIOD_S seconds (phases spread over the period). The board is a tab like a
projector's: it sends its fragment's timed reruns every second, as a browser does.

Prints, with the load average (shared machines are noisy): submit → visible on the board (from
the moment a student's click is sent to the board's first redraw that counts the entry), p50 / p95
/ max; the submit click's own round trip; and every error (a refusal, an exception on a page, a
session that failed). Bounded: at most MAX_SECONDS of class, every wait at most WAIT_S.

The `Tab` driver is also what tests/test_class_replicas.py drives replicas with.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from urllib.parse import urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.playground import connect, load, percentile
from deploy.replicas import deployment
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query
from tests.e2e.harness import free_port

MAX_STUDENTS = 100
MAX_SECONDS = 300.0
PERIOD_S = 10.0
WAIT_S = 60.0
SUBMIT = "class.bar.submit"
EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
ENTRY = re.compile(r"entry #(\d+)")
COUNT = re.compile(r"(\d+) entr(?:y|ies)")


@dataclass
class Shown:
    """What a script run (and the runs it led to: a rerun, a page switch) showed last."""

    alerts: list[str] = field(default_factory=list)
    markdown: list[str] = field(default_factory=list)
    exceptions: int = 0

    def entry(self) -> int | None:
        """The entry number a 'Sent' message names."""
        found = [int(m.group(1)) for text in self.alerts for m in ENTRY.finditer(text)]
        return found[-1] if found else None

    def entries(self) -> int | None:
        """The board's count of entries ('3 students · 12 entries')."""
        found = [int(m.group(1)) for text in self.markdown for m in COUNT.finditer(text)]
        return found[-1] if found else None


class Tab:
    """One browser tab's session over Streamlit's websocket protocol: it opens a page, sets widgets by key,
    presses buttons, and sends a fragment's timed reruns; it follows page switches and query rewrites."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.page_hash = ""
        self.query = ""
        self.ids: dict[str, str] = {}  # widget key → id, as the last runs showed them
        self.timer: tuple[float, str] | None = None  # a fragment's run_every: (seconds, fragment id)

    async def open(self, page: str, query: str = "") -> Shown:
        self.query = query
        return await self.send(page=page)

    async def send(self, *, widgets: dict[str, str] | None = None, trigger: str | None = None, fragment: str | None = None,
                   page: str | None = None, query: str | None = None) -> Shown:
        """A rerun request (text values by widget key, a button pressed by key, or a fragment's timed rerun)
        and what it showed once no script runs any more (WAIT_S at most)."""
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query if query is None else query
        rerun.page_script_hash = self.page_hash
        if page is not None:
            rerun.page_name = page
        for key, value in (widgets or {}).items():
            w = rerun.widget_states.widgets.add()
            w.id, w.string_value = self.ids[key], value
        if trigger is not None:
            w = rerun.widget_states.widgets.add()
            w.id, w.trigger_value = self.ids[trigger], True
        if fragment is not None:
            rerun.fragment_id, rerun.is_auto_rerun = fragment, True
        await self.ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._until_done(), WAIT_S)

    async def _until_done(self) -> Shown:
        shown = Shown()
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                shown = Shown()
            elif kind == "navigation":  # the page st.navigation ran (a browser sends it back with every rerun)
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "auto_rerun":
                self.timer = (msg.auto_rerun.interval, msg.auto_rerun.fragment_id)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                name = element.WhichOneof("type")
                if name == "alert":
                    shown.alerts.append(element.alert.body)
                elif name == "markdown":
                    shown.markdown.append(element.markdown.body)
                elif name == "exception":
                    shown.exceptions += 1
                widget_id = getattr(getattr(element, name), "id", "") if name else ""
                if isinstance(widget_id, str) and widget_id.startswith("$$ID"):
                    self.ids[widget_id.rsplit("-", 1)[-1]] = widget_id  # "$$ID-<hash>-<key>": the app's keys have no "-"
            elif kind == "script_finished" and msg.script_finished != EARLY:
                return shown


def student_scenario(k: int) -> Scenario:
    """A run of the student's own: Himmelblau from a start of their own, a rate of their own."""
    rng = random.Random(k)
    return Scenario(landscape="himmelblau", starts=((round(rng.uniform(-4.5, 4.5), 2), round(rng.uniform(-4.5, 4.5), 2)),),
                    runs=(RunSpec(rng.choice(["sgd", "momentum", "adam", "rmsprop"]), round(10 ** rng.uniform(-3, -1), 4)),),
                    steps=300)


async def join(tab: Tab, code: str, name: str) -> Shown:
    """Open the Join link, type a name and press Join; the Playground is shown after it."""
    await tab.open("join", urlencode({"code": code}))
    return await tab.send(widgets={"class.join.name": name}, trigger="class.join.go")


@dataclass
class Record:
    submits: list[tuple[int, float, float]] = field(default_factory=list)  # (entry, sent at, answered at)
    seen: list[tuple[float, int]] = field(default_factory=list)  # (board redrawn at, entries it counts)
    errors: list[str] = field(default_factory=list)


async def _student(url: str, code: str, k: int, start_at: float, until: float, record: Record) -> None:
    async with connect(url, f"gradscape_replica={uuid.uuid4().hex}") as ws:
        tab = Tab(ws)
        shown = await join(tab, code, f"Student {k}")
        if SUBMIT not in tab.ids:
            record.errors.append(f"student {k} did not reach the Playground: {shown.alerts}")
            return
        await tab.send(query=urlencode(to_query(student_scenario(k))))
        next_at = start_at
        while next_at < until:
            await asyncio.sleep(max(0.0, next_at - time.time()))
            sent = time.time()
            shown = await tab.send(trigger=SUBMIT)
            entry = shown.entry()
            if entry is None or shown.exceptions:
                record.errors.append(f"student {k}: {shown.alerts or shown.exceptions}")
            else:
                record.submits.append((entry, sent, time.time()))
            next_at += PERIOD_S


async def _board(url: str, code: str, token: str, until: float, record: Record) -> None:
    async with connect(url, f"gradscape_replica={uuid.uuid4().hex}") as ws:
        tab = Tab(ws)
        shown = await tab.open("class", urlencode({"code": code, "token": token}))
        if tab.timer is None:
            record.errors.append(f"the board has no timed fragment: {shown.alerts}")
            return
        while time.time() < until + PERIOD_S:
            await asyncio.sleep(tab.timer[0])
            shown = await tab.send(fragment=tab.timer[1])
            count = shown.entries()
            if count is not None:
                record.seen.append((time.time(), count))
            record.errors += [f"board: {a}" for a in shown.alerts if "cannot be reached" in a]


async def run_class(url: str, code: str, token: str, students: int, seconds: float) -> Record:
    if not 1 <= students <= MAX_STUDENTS:
        raise ValueError(f"1 … {MAX_STUDENTS} students, not {students}")
    seconds = min(seconds, MAX_SECONDS)
    record = Record()
    begin = time.time() + 5 + 0.5 * students  # time for everyone to join first
    until = begin + seconds
    board = asyncio.create_task(_board(url, code, token, until, record))
    results = await asyncio.gather(*(_student(url, code, k, begin + PERIOD_S * k / students, until, record)
                                     for k in range(students)), return_exceptions=True)
    results.append(await asyncio.gather(board, return_exceptions=True))
    record.errors += [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    return record


def visible_after(record: Record) -> list[float]:
    """Seconds from each acknowledged submit's click to the board's first redraw counting it (entries of one
    class are numbered in the order they are committed, so the k-th smallest number is the k-th committed)."""
    order = {entry: rank for rank, entry in enumerate(sorted(e for e, _, _ in record.submits), start=1)}
    delays = []
    for entry, sent, _ in record.submits:
        shown = next((t for t, count in record.seen if count >= order[entry] and t >= sent), None)
        if shown is not None:
            delays.append(shown - sent)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=1, choices=(1, 2, 3, 4))
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    from gradscape.classroom import board, store
    from tests.postgres import Server

    print(f"load average at start: {load()}  ({os.cpu_count()} cores)")
    with ExitStack() as stack:
        data = stack.enter_context(tempfile.TemporaryDirectory(prefix="gradscape-class-"))
        if args.replicas > 1:
            server = Server()
            stack.callback(server.close)
            url = server.new_database()
        else:
            url = f"sqlite+pysqlite:///{data}/class.sqlite3"
        d = stack.enter_context(deployment(args.replicas, free_port(), url, nginx=args.replicas > 1))
        app = d.url or d.replicas[0].url
        engine = store.create(url)
        stack.callback(engine.dispose)
        code, token = board.create_session(engine, "Benchmark class")
        record = asyncio.run(run_class(app, code, token, args.students, args.seconds))
        stored = len(board.export_rows(engine, code, token))
    delays = visible_after(record)
    answered = [done - sent for _, sent, done in record.submits]
    where = f"{args.replicas} replica{'s' * (args.replicas > 1)}" + (" behind nginx, PostgreSQL" if args.replicas > 1 else ", SQLite")
    print(f"{args.students} students × one submit every {PERIOD_S:g} s for {min(args.seconds, MAX_SECONDS):g} s, {where}:")
    if delays:
        print(f"  submit → visible on the board: p50 {statistics.median(delays):.2f} s, p95 {percentile(delays, 95):.2f} s, "
              f"max {max(delays):.2f} s (n={len(delays)})   (target p95 ≤ 2 s)")
        print(f"  submit click → page answered: p50 {statistics.median(answered):.2f} s, p95 {percentile(answered, 95):.2f} s")
    print(f"  entries acknowledged {len(record.submits)}, stored {stored}; errors {len(record.errors)}"
          + (f": {record.errors[:5]}" if record.errors else ""))
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
