"""Playground timings in headless Chromium against a real `streamlit run app.py` (not a test).

    python -m benchmarks.playground

Prints, with the machine's load average (shared machines are noisy):
1. change one learning rate with 6 runs × 1000 steps shown: input event → new paths drawn (median);
2. playback: playhead updates per second counted in the page, 2-D view and with the 3-D view;
3. server CPU per rerun: the server process's CPU time (all threads, from /proc, in clock ticks)
   over batches of reruns, and per learning-rate change;
4. 20 concurrent sessions (benchmarks/load.py: 50) of 6 runs × 1000 steps (Streamlit's own websocket protocol, loopback),
   each moving the learning-rate box to a new value at the same moment, two rounds: p50 / p95
   response (rerun request sent → script finished);
5. first visit → first paths on a warm machine (compilation cache filled), after the warm-up at
   server start, with where the page's time went; and the server's part of it: the first
   session's script run, no browser.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import websockets
from playwright.sync_api import sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.harness import app_server, launch_chromium, wait_for_app
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query
from gradscape.ui import warmup
from gradscape.ui.widgets import log_options

SIX_RUNS = Scenario(
    runs=(
        RunSpec("sgd", 1e-3), RunSpec("momentum", 1e-3), RunSpec("nesterov", 1e-3),
        RunSpec("rmsprop", 0.01), RunSpec("adam", 0.05), RunSpec("adagrad", 0.5),
    ),
    steps=1000,
)
READY = ".ovz[data-ready='1']"
# Playwright's wait_for_selector polls every 500 ms once its first tries fail, so a wall time taken
# with it lands up to 0.5 s late; this polls on every animation frame, the frame that shows the paths.
FIRST_PATHS = f"() => document.querySelector({json.dumps(READY)}) !== null"
# In the page, from navigation start: when each step of a first visit is first seen.
VISIT_MARKS = """(() => {
  const marks = (window.__ovzMarks = {});
  const steps = [["connected", "[data-testid=stApp][data-test-connection-state=CONNECTED]"],
                 ["player mounted", ".ovz"], ["first paths", %s]];
  const observer = new MutationObserver(() => {
    for (const [name, selector] of steps) {
      if (!(name in marks) && document.querySelector(selector)) marks[name] = performance.now();
    }
    if ("first paths" in marks) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
})();""" % json.dumps(READY)
PLOTLY_FETCHED = """() => performance.getEntriesByType('resource')
    .find((e) => e.name.includes('/vendor/plotly'))?.responseEnd"""
LR_KEY = "pg.r0.lr.sgd.typed"  # the learning-rate box of run 1 (SGD), shown by default in a new session
SESSIONS = 20
MAX_SESSIONS = 50
ROUNDS = 2
TICK = os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def process_cpu_s(pid: int) -> float:
    """User + system CPU of a process, all its threads, dead ones included (clock-tick resolution)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def open_page(page, url: str, scenario: Scenario) -> None:
    page.goto(f"{url}/?{urlencode(to_query(scenario))}")
    wait_for_app(page)
    page.wait_for_selector(READY, state="attached", timeout=120_000)


def lr_change(page, pid: int, repeats: int = 12) -> tuple[list[float], list[float]]:
    """Type a new rate into Adam's learning-rate box and press Enter, `repeats` times: ms from the Enter
    to new paths, server CPU s."""
    page.locator("[data-testid=stSidebar]").get_by_role("radio", name="5", exact=True).click()
    page.locator("[data-testid=stSidebar] [data-testid=stSlider]").filter(has_text="β1").wait_for()
    wait_for_app(page)
    page.evaluate(
        """() => {
            document.addEventListener('keydown', () => { window.__ovzT0 = performance.now(); }, true);
            new MutationObserver(() => { window.__ovzT1 = performance.now(); })
                .observe(document.querySelector('.ovz'), {attributes: true, attributeFilter: ['data-paths']});
        }"""
    )
    box = page.locator("[data-testid=stSidebar]").get_by_label("Learning rate η (typed)", exact=True)
    rates = [f"{v:g}" for v in log_options(1e-3, 1.0) if f"{v:g}" != box.input_value()]
    latencies, cpu = [], []
    for rate in rates[:repeats]:
        old = page.get_attribute(".ovz", "data-paths")
        c0 = process_cpu_s(pid)
        box.fill(rate)
        box.press("Enter")
        page.wait_for_function("old => document.querySelector('.ovz').dataset.paths !== old", arg=old, timeout=60_000)
        wait_for_app(page)
        cpu.append(process_cpu_s(pid) - c0)
        latencies.append(page.evaluate("() => window.__ovzT1 - window.__ovzT0"))
    return latencies, cpu


def playback_rate(page, seconds: float = 3.0) -> float:
    """Playhead updates per second while playing (looping, fast enough that every frame is a new step)."""
    page.select_option(".ovz-speed", "1000")
    page.check(".ovz-loop")
    page.click(".ovz-play")
    page.wait_for_timeout(300)
    f0, t0 = int(page.get_attribute(".ovz", "data-frames")), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    f1, t1 = int(page.get_attribute(".ovz", "data-frames")), time.perf_counter()
    page.click(".ovz-play")
    return (f1 - f0) / (t1 - t0)


def rerun_cpu(page, pid: int, batches: int = 5, per_batch: int = 10) -> list[float]:
    """Mean server CPU per rerun in each batch of reruns (each a step forward/back on the seed)."""
    seed = page.locator("[data-testid=stSidebar] [data-testid=stNumberInput]").filter(has_text="Seed").locator("input")
    means = []
    for b in range(batches):
        c0 = process_cpu_s(pid)
        for k in range(per_batch):
            value = str(100 + b * per_batch + k)
            seed.fill(value)
            seed.press("Enter")
            page.wait_for_function("v => new URLSearchParams(location.search).get('seed') === v", arg=value, timeout=60_000)
            wait_for_app(page)
        means.append((process_cpu_s(pid) - c0) / per_batch)
    return means


# ---- 4. concurrent sessions over Streamlit's websocket protocol ----
def rerun_request(widgets: dict[str, object] | None = None, scenario: Scenario = SIX_RUNS) -> bytes:
    """A rerun request for the scenario's link with widget values by id (str: a text box's, int: a number input's)."""
    msg = BackMsg()
    msg.rerun_script.query_string = urlencode(to_query(scenario))
    for widget_id, value in (widgets or {}).items():
        w = msg.rerun_script.widget_states.widgets.add()
        w.id = widget_id
        if isinstance(value, int):
            w.int_value = value
        else:
            w.string_value = str(value)
    return msg.SerializeToString()


async def until_finished(ws, keys: tuple[str, ...] = ()) -> tuple[dict[str, str], int]:
    """Read ForwardMsgs until the script run ends: the ids of the widgets with `keys`, and the
    number of exceptions the run showed."""
    found: dict[str, str] = {}
    errors = 0
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            return found, errors
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            name = element.WhichOneof("type")
            errors += name == "exception"
            widget_id = getattr(getattr(element, name), "id", "")
            found.update({key: widget_id for key in keys if widget_id.endswith(f"-{key}")})


def connect(url: str, cookie: str | None = None):
    """A websocket session on the app (Streamlit's own protocol), with a Cookie header if given; loopback only."""
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"benchmarks drive loopback servers only, not {url}")
    return websockets.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                              additional_headers={"Cookie": cookie} if cookie else None)


async def slider_session(url: str, k: int, n: int, barrier: asyncio.Barrier, values: list[str], times: list[float],
                         errors: list[int], rounds: int = ROUNDS, pause_s: float = 0.0) -> None:
    """Session k of n: opens the Playground, then `rounds` times (all sessions together, at the barrier) moves
    the learning-rate box to a new value and records the response time and whether the script failed."""
    async with connect(url) as ws:
        await ws.send(rerun_request())
        ids, _ = await until_finished(ws, (LR_KEY,))
        for r in range(rounds):
            await barrier.wait()
            t0 = time.perf_counter()
            await ws.send(rerun_request({ids[LR_KEY]: values[(r * n + k) % len(values)]}))
            _, failed = await until_finished(ws)
            times.append(time.perf_counter() - t0)
            errors.append(failed)
            await asyncio.sleep(pause_s)


async def concurrent_sessions(url: str, n: int = SESSIONS, limit_s: float = 300.0) -> tuple[list[float], int]:
    """n sessions (at most MAX_SESSIONS) of SIX_RUNS each move the learning-rate box to a new
    stop at the same moment, ROUNDS times: seconds from rerun request to script finished, and
    the number of session errors (exceptions shown, or sessions that failed). Stops after limit_s."""
    if not 1 <= n <= MAX_SESSIONS:
        raise ValueError(f"1 … {MAX_SESSIONS} sessions, not {n}")
    values = [f"{v:.6g}" for v in log_options(1e-6, 100.0) if v != 1e-3]
    barrier = asyncio.Barrier(n)
    times: list[float] = []
    errors: list[int] = []
    results = await asyncio.wait_for(
        asyncio.gather(*(slider_session(url, k, n, barrier, values, times, errors) for k in range(n)), return_exceptions=True), limit_s
    )
    return times, sum(errors) + sum(isinstance(r, BaseException) for r in results)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def sessions_report(url: str, n: int) -> str:
    times, errors = asyncio.run(concurrent_sessions(url, n))
    return (f"{n} concurrent sessions × {ROUNDS} rounds, learning-rate box: p50 {percentile(times, 50):.2f} s, "
            f"p95 {percentile(times, 95):.2f} s, max {max(times):.2f} s, session errors {errors}")


def wait_until_warm(log: Path, timeout_s: float = 120.0) -> None:
    """Until the server's start-up warm-up is done (ui/warmup.py reports it in the log)."""
    deadline = time.monotonic() + timeout_s
    while warmup.DONE not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no warm-up reported in {log} after {timeout_s:.0f} s")
        time.sleep(0.05)


def first_visit(pw) -> tuple[float, float, dict[str, float]]:
    """(server launch → first paths, first visit → first paths, in-page marks in s from navigation
    start) with a fresh server and a fresh browser; the visit comes after the server's start-up
    warm-up reported."""
    t0 = time.perf_counter()
    with app_server() as (url, _proc, log):
        wait_until_warm(log)
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.add_init_script(VISIT_MARKS)
        t1 = time.perf_counter()
        page.goto(url)
        page.wait_for_function(FIRST_PATHS, polling="raf", timeout=120_000)
        t2 = time.perf_counter()
        marks = page.evaluate("() => window.__ovzMarks")
        marks["plotly.js fetched"] = page.evaluate(PLOTLY_FETCHED)
        browser.close()
    return t2 - t0, t2 - t1, {name: ms / 1e3 for name, ms in sorted(marks.items(), key=lambda kv: kv[1])}


async def _one_run(url: str) -> float:
    async with connect(url) as ws:
        t0 = time.perf_counter()
        await ws.send(rerun_request(scenario=Scenario()))
        await until_finished(ws)
        return time.perf_counter() - t0


def server_side_report() -> str:
    """Server side of a first visit: the first session's request to its script finished (the
    default link, no browser), on a fresh server after its warm-up. Outside Playwright's event loop."""
    with app_server() as (url, _proc, log):
        wait_until_warm(log)
        return f"first visit, server side (first script run, no browser): {asyncio.run(_one_run(url)):.2f} s"


def startup_report(pw) -> str:
    first_visit(pw)  # fills the persistent compilation cache: the machine is warm from here on
    launch, visit, marks = first_visit(pw)
    return (f"first visit → first paths, warm machine: {visit:.2f} s   (target ≤ 3 s); "
            f"in the page: {', '.join(f'{name} {t:.2f} s' for name, t in marks.items())}; "
            f"launch → first paths: {launch:.2f} s (after the warm-up)")


def main() -> None:
    print(f"load average at start: {load()}  ({os.cpu_count()} cores)")
    with sync_playwright() as pw:
        print(f"5. {startup_report(pw)}")
    print(f"   {server_side_report()}")
    with app_server() as (url, proc, _log):
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            open_page(page, url, SIX_RUNS)
            latencies, lr_cpu = lr_change(page, proc.pid)
            print(f"1. learning-rate change, 6 runs × 1000 steps → new paths drawn: median {statistics.median(latencies):.0f} ms "
                  f"(min {min(latencies):.0f}, max {max(latencies):.0f}, n={len(latencies)})   (target ≤ 300 ms)")
            fps_2d = playback_rate(page)
            open_page(page, url, Scenario(runs=SIX_RUNS.runs, steps=1000, view="both"))
            fps_3d = playback_rate(page)
            print(f"2. playback, playhead updates/s: 2-D + LR + loss {fps_2d:.1f}   (target ≥ 24); "
                  f"with the 3-D view {fps_3d:.1f}   (target ≥ 10)")
            means = rerun_cpu(page, proc.pid)
            print(f"3. server CPU per rerun: median of {len(means)} batch means {statistics.median(means) * 1e3:.0f} ms "
                  f"(batches: {', '.join(f'{m * 1e3:.0f}' for m in means)} ms; seed change, 6 runs × 1000 steps recomputed); "
                  f"learning-rate change reruns: median {statistics.median(lr_cpu) * 1e3:.0f} ms (in {1e3 / TICK:.0f} ms clock ticks)   "
                  f"(target ≤ 80 ms)")
            browser.close()
        print(f"4. {sessions_report(url, SESSIONS)}   (target p95 ≤ 1 s)")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
