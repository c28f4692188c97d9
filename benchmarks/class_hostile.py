"""A class server with one hostile student (not a test).

    python -m benchmarks.class_hostile [--sessions 20] [--rounds 8]

Starts `streamlit run app.py` on loopback and waits for its warm-up. Then, over Streamlit's own
websocket protocol (benchmarks/playground.py's driver), `--sessions` ordinary sessions of the
Playground (6 runs × 1000 steps) move their learning-rate box to a new value at the same moment,
`--rounds` times with a pause between rounds, as in benchmarks/load.py:
1. quiet: nobody else on the server;
2. hostile: the same, while one more session asks for the costliest work it can, a request as
   soon as the last one is answered (plus HOSTILE_PAUSE_S, a student clicking fast): the
   Playground on a typed power tower (`x^y^x^…`, 63 characters) and on a tower of sines, and
   Sweeps basin maps of 4 optimizers on Ackley as large as one request may be, each with a rate
   never asked before (nothing cached). It starts LEAD_S before the ordinary sessions' first round.
Prints the ordinary sessions' p50 / p95 / max (rerun request sent → script finished) in both, the
ratio of the p95s (target ≤ 1.5), what the hostile session was answered (work done, refused as
too costly, refused for its CPU budget, errors), the server's CPU time in each phase, and the
load average (the machine may be shared: read the figures as a ratio within one run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from dataclasses import dataclass, field
from urllib.parse import urlencode

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.playground import connect, load, percentile, process_cpu_s, slider_session, wait_until_warm
from gradscape.trajectories import costs, sweeps
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.trajectories.sweep_scenario import SweepScenario
from gradscape.trajectories.sweep_scenario import to_query as sweep_query
from gradscape.ui.widgets import log_options
from tests.e2e.harness import app_server

MAX_SESSIONS = 30
PAUSE_S = 1.0  # between an ordinary session's rounds
HOSTILE_PAUSE_S = 0.25
LEAD_S = 3.0
LIMIT_S = 600.0
TOWERS = ("^".join(["x", "y"] * 16), "sin((x+y)^sin((x+y)^sin((x+y)^sin((x+y)^sin((x+y)^sin(x+y))))))")
COSTLY = "ackley"
OPTIMIZERS = ("adam", "sgd", "momentum", "rmsprop")


@dataclass
class Hostile:
    """What the hostile session asked for and was answered."""

    requests: int = 0
    computed: int = 0
    too_costly: int = 0
    over_budget: int = 0
    errors: list[str] = field(default_factory=list)


def largest_basin(k: int) -> SweepScenario:
    """A basin map of 4 optimizers on COSTLY, 500 steps, the largest resolution one request may have; rate set by k."""
    rates = [0.01 * (1 + 0.001 * k), 0.001, 0.002, 0.003]
    base = Scenario(landscape=COSTLY, runs=tuple(RunSpec(o, r) for o, r in zip(OPTIMIZERS, rates)), steps=500)
    per_cell = len(OPTIMIZERS) * base.steps * costs.relative_cost(COSTLY)
    return SweepScenario(kind="basin", base=base, resolution=int((sweeps.MAX_WORK / per_cell) ** 0.5))


def hostile_requests():
    """The hostile session's requests, endlessly: (page, link)."""
    k = 0
    while True:
        for tower in TOWERS:
            yield "", {"ls": "custom", "f": tower}
            k += 1
            yield "sweeps", sweep_query(largest_basin(k))


def request(page: str, query: dict[str, str]) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = urlencode(query)
    msg.rerun_script.page_name = page
    return msg.SerializeToString()


async def answered(ws, hostile: Hostile) -> None:
    """Read one script run's messages; count what the page said."""
    texts = []
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            break
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            name = element.WhichOneof("type")
            if name == "alert" and element.alert.format in (Alert.ERROR, Alert.WARNING):
                texts.append(element.alert.body)
            elif name == "exception":
                hostile.errors.append(element.exception.message)
    said = " ".join(texts)
    hostile.requests += 1
    if "too costly to compute" in said:
        hostile.too_costly += 1
    elif "of the server's CPU" in said:
        hostile.over_budget += 1
    elif texts:
        hostile.errors.append(said[:200])
    else:
        hostile.computed += 1


async def hostile_session(url: str, hostile: Hostile, stop: asyncio.Event) -> None:
    async with connect(url) as ws:
        for page, query in hostile_requests():
            if stop.is_set():
                return
            await ws.send(request(page, query))
            await answered(ws, hostile)
            await asyncio.sleep(HOSTILE_PAUSE_S)


async def phase(url: str, n: int, rounds: int, offset: int, hostile: Hostile | None) -> tuple[list[float], int]:
    """n ordinary sessions × rounds (their values start at `offset`, so no phase repeats another's runs),
    beside the hostile session when one is given: their times and errors."""
    values = [f"{v:.6g}" for v in log_options(1e-6, 100.0) if v != 1e-3]
    values = values[offset:] + values[:offset]
    barrier = asyncio.Barrier(n)
    times: list[float] = []
    errors: list[int] = []
    stop = asyncio.Event()
    attacker = None
    if hostile is not None:
        attacker = asyncio.create_task(hostile_session(url, hostile, stop))
        await asyncio.sleep(LEAD_S)
    try:
        results = await asyncio.wait_for(asyncio.gather(
            *(slider_session(url, k, n, barrier, values, times, errors, rounds, PAUSE_S) for k in range(n)), return_exceptions=True), LIMIT_S)
    finally:
        stop.set()
        if attacker is not None:
            await asyncio.wait_for(attacker, LIMIT_S)
    return times, sum(errors) + sum(isinstance(r, BaseException) for r in results)


def summary(times: list[float]) -> str:
    return f"p50 {percentile(times, 50):.2f} s, p95 {percentile(times, 95):.2f} s, max {max(times):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS:
        raise SystemExit(f"1 … {MAX_SESSIONS} sessions, not {args.sessions}")
    print(f"load average at start: {load()}  ({os.cpu_count()} cores)")
    print(f"hostile sweep: {largest_basin(0).cells():,} runs of 500 steps on {COSTLY} "
          f"(a step there counts {costs.relative_cost(COSTLY):.1f}×; resolution {largest_basin(0).resolution})")
    with app_server() as (url, proc, log):
        wait_until_warm(log, timeout_s=300.0)
        asyncio.run(phase(url, args.sessions, 1, 40, None))  # every session's first visit, and its compiled programs
        cpu = process_cpu_s(proc.pid)
        quiet, quiet_errors = asyncio.run(phase(url, args.sessions, args.rounds, 0, None))
        quiet_cpu = process_cpu_s(proc.pid) - cpu
        hostile = Hostile()
        cpu = process_cpu_s(proc.pid)
        busy, busy_errors = asyncio.run(phase(url, args.sessions, args.rounds, 20, hostile))
        busy_cpu = process_cpu_s(proc.pid) - cpu
    print(f"1. quiet: {args.sessions} sessions × {args.rounds} rounds, learning-rate box: {summary(quiet)}; "
          f"session errors {quiet_errors}; server CPU {quiet_cpu:.1f} s")
    print(f"2. with one hostile session: {summary(busy)}; session errors {busy_errors}; server CPU {busy_cpu:.1f} s")
    print(f"   p95 ratio hostile / quiet: {percentile(busy, 95) / percentile(quiet, 95):.2f}   (target ≤ 1.5)")
    print(f"   the hostile session: {hostile.requests} requests, {hostile.computed} computed, {hostile.too_costly} refused as "
          f"too costly, {hostile.over_budget} refused for its CPU budget, {len(hostile.errors)} other answers")
    for text in sorted(set(hostile.errors))[:5]:
        print(f"   answer: {text}")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
