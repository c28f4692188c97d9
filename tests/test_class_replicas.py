"""The class board on two replicas behind nginx, one PostgreSQL (deploy/), driven as browsers drive it
(Streamlit's websocket protocol, benchmarks/classroom.py's `Tab`): a run submitted through one replica
shows on the board another serves; nginx keeps each browser on one replica; a replica killed mid-class
loses no committed entry while the other keeps serving; PostgreSQL restarted under load keeps what was
committed and takes new entries after. One deployment for the module (≈ 20 s to start)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import threading
import time
import urllib.request
import uuid
from collections import defaultdict
from contextlib import AsyncExitStack
from urllib.parse import urlencode

import pytest

from benchmarks.classroom import SUBMIT, Tab, join, student_scenario
from benchmarks.playground import connect
from deploy.replicas import deployment, start_replica, wait_healthy
from gradscape.classroom import board, store
from gradscape.trajectories.scenario import to_query
from tests.e2e.harness import free_port
from tests.postgres import Server

pytestmark = pytest.mark.replicas


@pytest.fixture(scope="module")
def cluster():
    server = Server()
    url = server.new_database()
    try:
        with deployment(2, free_port(), url) as d:
            engine = store.create(url)
            yield d, engine, server
            engine.dispose()
    finally:
        server.close()


def run(scene):
    """`await scene(tabs)` to its end, the tabs it opens on `tabs` closed after it, in a thread of its own: a
    browser test before it in this worker may have left Playwright's event loop running in this one."""
    async def opened():
        async with AsyncExitStack() as tabs:
            return await scene(tabs)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(opened(), 240)).result()


async def seated(tabs: AsyncExitStack, url: str, code: str, k: int) -> Tab:
    """A student tab (open until `tabs` closes) that joined class `code` as 'Student k' and loaded a run of its own."""
    tab = Tab(await tabs.enter_async_context(connect(url, f"gradscape_replica={uuid.uuid4().hex}")))
    await join(tab, code, f"Student {k}")
    assert SUBMIT in tab.ids, "the Join button did not lead to the Playground's class bar"
    await tab.send(query=urlencode(to_query(student_scenario(k))))
    return tab


async def board_tab(tabs: AsyncExitStack, url: str, code: str, token: str) -> Tab:
    tab = Tab(await tabs.enter_async_context(connect(url)))
    await tab.open("class", urlencode({"code": code, "token": token}))
    assert tab.timer is not None and tab.timer[0] <= 2
    return tab


async def board_counts(tab: Tab, entries: int, within_s: float = 30.0) -> float:
    """Timed reruns, as a browser sends them, until the board counts `entries`: the seconds it took."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < within_s:
        await asyncio.sleep(tab.timer[0])
        shown = await tab.send(fragment=tab.timer[1])
        assert shown.exceptions == 0
        if shown.entries() == entries:
            return time.monotonic() - t0
    raise AssertionError(f"the board did not count {entries} entries within {within_s:g} s")


def test_a_run_submitted_through_replica_a_shows_on_the_board_replica_b_serves(cluster):
    d, engine, _ = cluster
    a, b = d.replicas
    code, token = board.create_session(engine, "Across replicas")

    async def across(tabs):
        teacher = await board_tab(tabs, b.url, code, token)
        student = await seated(tabs, a.url, code, 0)
        sent = await student.send(trigger=SUBMIT)
        entry = sent.entry()
        assert entry is not None and sent.exceptions == 0, sent.alerts
        return entry, await board_counts(teacher, 1)

    entry, took = run(across)
    assert took <= 5
    (row,) = board.export_rows(engine, code, token)
    assert (row["entry"], row["name"], row["landscape"]) == (entry, "Student 0", "himmelblau")


def test_nginx_keeps_each_browser_on_one_replica_and_spreads_browsers_over_both(cluster):
    d, _, _ = cluster
    cookies = [uuid.uuid4().hex for _ in range(16)]
    for cookie in cookies * 2:
        request = urllib.request.Request(f"{d.url}/_stcore/health", headers={"Cookie": f"gradscape_replica={cookie}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            assert r.status == 200 and any(f"gradscape_replica={cookie};" in c for c in r.headers.get_all("Set-Cookie"))
    with urllib.request.urlopen(f"{d.url}/_stcore/health", timeout=10) as r:  # a new browser gets a cookie of its own
        assert any(re.fullmatch(r"gradscape_replica=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", c)
                   for c in r.headers.get_all("Set-Cookie"))
    served = defaultdict(set)
    for line in (d.folder / "access.log").read_text().splitlines():
        cookie, upstream = line.split()[-2:]
        served[cookie].add(upstream)
    assert all(len(served[c]) == 1 for c in cookies)
    assert {u for c in cookies for u in served[c]} == {f"127.0.0.1:{r.port}" for r in d.replicas}


def test_a_replica_killed_mid_class_loses_no_entry_and_the_other_keeps_serving(cluster):
    d, engine, _ = cluster
    a, b = d.replicas
    code, token = board.create_session(engine, "Kill one")

    async def kill(tabs):
        teacher = await board_tab(tabs, b.url, code, token)
        on_a = await seated(tabs, a.url, code, 1)
        on_b = await seated(tabs, b.url, code, 2)
        acknowledged = [(await t.send(trigger=SUBMIT)).entry() for t in (on_a, on_b)]
        a.process.kill()
        a.process.wait()
        await asyncio.sleep(board.SUBMIT_GAP_S)
        acknowledged.append((await on_b.send(trigger=SUBMIT)).entry())
        await board_counts(teacher, 3)
        rejoined = await seated(tabs, d.url, code, 3)  # through nginx: whichever replica its cookie names, B answers
        acknowledged.append((await rejoined.send(trigger=SUBMIT)).entry())
        await board_counts(teacher, 4)
        # A student whose browser holds their seat's cookie reconnects through nginx: a new session on B
        # takes the seat from it (no second join) and submits as them.
        held = board.join(engine, code, "Dee")
        cookie = f"gradscape_replica={uuid.uuid4().hex}; gradscape_seat={code}.{held.student}"
        back = Tab(await tabs.enter_async_context(connect(d.url, cookie)))
        await back.open("", urlencode(to_query(student_scenario(4))))
        assert SUBMIT in back.ids, "the seat's cookie did not seat the student"
        acknowledged.append((await back.send(trigger=SUBMIT)).entry())
        await board_counts(teacher, 5)
        return acknowledged

    acknowledged = run(kill)
    try:
        assert None not in acknowledged
        rows = board.export_rows(engine, code, token)
        assert sorted(r["entry"] for r in rows) == sorted(acknowledged)
        assert [r["name"] for r in rows if r["entry"] == acknowledged[-1]] == ["Dee"]
    finally:
        d.replicas[0] = start_replica(a.port, d.env, d.folder)
        wait_healthy(d.replicas[0].url, d.replicas[0].process)


def test_postgresql_restarted_under_load_keeps_every_committed_entry_and_takes_new_ones(cluster):
    d, engine, server = cluster
    code, token = board.create_session(engine, "Restart the database")
    down = threading.Event()

    def restart() -> None:
        server.stop()
        down.set()
        time.sleep(2)
        server.start()

    async def load(opened):
        tabs = [await seated(opened, r.url, code, 10 + k) for k, r in enumerate(d.replicas)]
        teacher = await board_tab(opened, d.replicas[1].url, code, token)
        acknowledged, refused = [], []
        outage = threading.Thread(target=restart)
        started = time.monotonic()
        while time.monotonic() - started < 40 and (len(refused) == 0 or len(acknowledged) < 6 or outage.is_alive()):
            if len(acknowledged) >= 2 and not outage.is_alive() and not down.is_set():
                outage.start()
            for tab in tabs:
                shown = await tab.send(trigger=SUBMIT)
                assert shown.exceptions == 0
                entry = shown.entry()
                if entry is not None:
                    acknowledged.append(entry)
                elif any("cannot be reached" in text for text in shown.alerts):
                    refused.append(shown.alerts)
            await asyncio.sleep(board.SUBMIT_GAP_S)
        await board_counts(teacher, len(acknowledged))
        return acknowledged, refused

    acknowledged, refused = run(load)
    assert down.is_set() and refused, "no submission met the outage"
    assert len(acknowledged) >= 6
    assert sorted(r["entry"] for r in board.export_rows(engine, code, token)) == sorted(acknowledged)
