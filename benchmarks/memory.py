"""Memory: 500 Playground reruns with changing settings in one server process (not a test).

    python -m benchmarks.memory

One session on a loopback `streamlit run app.py`, with benchmarks/playground.py's six runs,
cycles run 1's learning rate through every slider stop and the steps through 300, 500 and 1000
(147 settings; a new step count recomputes all six runs), 500 reruns in all. Prints the server's resident memory after warm-up (the first cycle: every
setting computed once) and at the end, and the growth in between; a leak (a cache without a
bound, session state that grows per rerun) shows as growth over the last 350 reruns.
"""

from __future__ import annotations

import asyncio

from benchmarks.playground import LR_KEY, rerun_request, connect, until_finished, wait_until_warm
from tests.e2e.harness import app_server
from gradscape.ui.widgets import log_options

RERUNS = 500
STEPS = (300, 500, 1000)
STEPS_KEY = "pg.steps"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        line = next(line for line in f if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def reruns(url: str, pid: int) -> tuple[float, float, float, int]:
    """(RSS at the start, after the first cycle, at the end) in MB, and session errors."""
    rates = [f"{v:.6g}" for v in log_options(1e-6, 100.0)]
    cycle = len(rates) * len(STEPS)
    errors = 0
    async with connect(url) as ws:
        await ws.send(rerun_request())
        ids, _ = await until_finished(ws, (LR_KEY, STEPS_KEY))
        start = rss_mb(pid)
        for i in range(RERUNS):
            c = i % cycle
            await ws.send(rerun_request({ids[LR_KEY]: rates[c % len(rates)], ids[STEPS_KEY]: STEPS[c // len(rates)]}))
            errors += (await until_finished(ws))[1]
            if i + 1 == cycle:
                warm = rss_mb(pid)
        return start, warm, rss_mb(pid), errors


def main() -> None:
    with app_server() as (url, proc, log):
        wait_until_warm(log)
        start, warm, end, errors = asyncio.run(reruns(url, proc.pid))
    print(f"{RERUNS} Playground reruns, one session, {len(STEPS)} step counts × every learning-rate stop: server RSS "
          f"{start:.0f} MB at the start, {warm:.0f} MB after the first cycle (warm-up), {end:.0f} MB at the end: "
          f"growth after warm-up {100 * (end - warm) / warm:+.1f} %   (target < 10 %); session errors {errors}")


if __name__ == "__main__":
    main()
