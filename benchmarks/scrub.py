"""The live scrub and the first visit in headless Chromium against a real `streamlit run app.py` (not a test).

    python -m benchmarks.scrub

1. Frame time while dragging a scrub, 6 runs × 1000 steps (benchmarks/playground.py's SIX_RUNS): from
   the input event to the last panel drawn, measured in the page on requestAnimationFrame (the player
   draws a scrub once per animation frame; tune.js records each): p50 / p95 / max, for one run's slider
   and for the all-runs one, 2-D + LR + loss (target p95 ≤ 16.7 ms) and with the 3-D view (≤ 33 ms).
   Peers, in the same page: what redrawing the two curve panels with Plotly.react would cost per frame
   (what the player does when new data arrive), and Plotly.restyle of only one run's traces.
2. The families' bytes the browser received for the 6 runs (target ≤ 2 MB) and when the last arrived.
3. plotly.js evaluation in a blank page: the full bundle (what the app served before) against the
   cartesian and gl3d partial bundles it serves now; then a first visit → first paths on a fresh server
   after its warm-up (benchmarks/playground.py's measurement; target ≤ 1.5 s on a quiet machine).
Prints the load average: shared machines are noisy, read the numbers as ratios.
"""

from __future__ import annotations

import os
import statistics
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

from benchmarks.playground import SIX_RUNS, load, percentile, startup_report
from gradscape.trajectories.scenario import to_query
from gradscape.viz import frontend
from tests.e2e.harness import app_server, launch_chromium, wait_for_app

READY = ".ovz[data-ready='1']"
DRAG_MOVES = 90
# In the page: one curve-panel redraw of each kind, ms (the player is exposed on its root for this).
PEERS = """async () => {
  const p = document.querySelector('.ovz').ovzPlayer;
  const t = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    p.drawn.curves = 'stale';
    await p.drawCurves();
    const t1 = performance.now();
    const gd = p.gd.loss;
    const k = p.curveRuns.loss.indexOf(p.committed.length - 1);
    const trace = gd.data[k];
    await p.Plotly.restyle(gd, { y: [trace.y.map((v) => v * (1 + 1e-3 * (i + 1)))] }, [k]);
    await p.Plotly.restyle(p.gd.lr, { y: [p.gd.lr.data[k].y.map((v) => v * (1 + 1e-3 * (i + 1)))] }, [k]);
    t.push([t1 - t0, performance.now() - t1]);
  }
  return t;
}"""
EVALUATE = """async (text) => {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
  const t0 = performance.now();
  await new Promise((resolve) => { const s = document.createElement('script'); s.src = url; s.onload = resolve; document.head.append(s); });
  return performance.now() - t0;
}"""


def quantiles(ms: list[float]) -> str:
    return f"p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, max {max(ms):.1f} ms (n={len(ms)})"


def drag(page, selector: str) -> list[float]:
    """Drag the slider at `selector` right and back at about 60 moves a second; the frames it drew, ms."""
    page.evaluate("() => { document.querySelector('.ovz').__ovzTuneTimes.length = 0; }")
    slider = page.locator(selector)
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    at, lo, hi = slider.evaluate("e => [e.valueAsNumber, Number(e.min), Number(e.max)]")
    x0 = box["x"] + 8 + (box["width"] - 16) * (at - lo) / (hi - lo)
    y = box["y"] + box["height"] / 2
    page.mouse.move(x0, y)
    page.mouse.down()
    span = 0.4 * box["width"]
    for k in range(DRAG_MOVES):
        page.mouse.move(x0 + span * (k if k < DRAG_MOVES // 2 else DRAG_MOVES - k) / (DRAG_MOVES // 2) - span / 2, y)
        page.wait_for_timeout(16)
    times = page.evaluate("() => [...document.querySelector('.ovz').__ovzTuneTimes]")
    page.keyboard.press("Escape")
    page.mouse.move(x0, y)  # back where it started: the release commits nothing
    page.mouse.up()
    page.wait_for_timeout(300)
    wait_for_app(page)
    return times


def frames(page, url: str, view: str) -> None:
    page.goto(f"{url}/?{urlencode(to_query(SIX_RUNS) | {'view': view})}")
    wait_for_app(page)
    page.wait_for_selector(READY, state="attached", timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('.ovz-tune-row[data-ready=\"1\"]').length === 6", timeout=120_000)
    name = "2-D + LR + loss" if view == "2d" else "2-D + 3-D + LR + loss"
    one = drag(page, ".ovz-tune-row[data-run='4'] .ovz-tune-range")
    every = drag(page, ".ovz-tune-all .ovz-tune-range")
    print(f"1. {name}, 6 runs × 1000 steps: one run's scrub {quantiles(one)}; all runs {quantiles(every[1:])} "
          f"(first frame of the drag, fading the curves: {every[0]:.1f} ms)   (target p95 ≤ {16.7 if view == '2d' else 33} ms)")
    if view == "2d":
        peers = page.evaluate(PEERS)
        react, restyle = (statistics.median(p[i] for p in peers) for i in (0, 1))
        print(f"   peers per frame: Plotly.react of the LR and loss panels {react:.1f} ms; Plotly.restyle of one run's "
              f"LR and loss traces {restyle:.1f} ms")
        sizes = page.evaluate("""() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/app/families?'))
            .map((e) => [e.transferSize, e.decodedBodySize, e.responseEnd])""")
        print(f"2. families for 6 runs: {sum(s[0] for s in sizes) / 1e6:.2f} MB over the wire, {sum(s[1] for s in sizes) / 1e6:.2f} MB "
              f"decoded (target ≤ 2 MB); the last arrived {max(s[2] for s in sizes) / 1e3:.2f} s after navigation start")


def bundles(page) -> str:
    page.goto("about:blank")
    times = {}
    for name, path in [("full", frontend.PLOTLY_SOURCE)] + [(b, frontend.plotly_bundle(b)) for b in frontend.PLOTLY_BUNDLES]:
        runs = []
        for _ in range(3):
            page.goto("about:blank")
            runs.append(page.evaluate(EVALUATE, path.read_text(encoding="utf-8")))
        times[name] = (statistics.median(runs), path.stat().st_size)
    return ", ".join(f"{name} ({size / 1e6:.2f} MB) {ms:.0f} ms" for name, (ms, size) in times.items())


def main() -> None:
    print(f"load average at start: {load()}  ({os.cpu_count()} cores)")
    with app_server() as (url, _proc, _log):
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            for view in ("2d", "both"):
                frames(page, url, view)
            print(f"3. plotly.js evaluation in a blank page (median of 3): {bundles(page)}")
            browser.close()
    with sync_playwright() as pw:
        print(f"   {startup_report(pw)}")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
