"""Families benchmark (the live scrub's server side), against peers doing the same work in the same run.

  python -m benchmarks.families

For the Playground's 6 runs × 1000 steps (benchmarks/playground.py's SIX_RUNS), each run's family of
64 learning rates in the near span:
(a) what the families' route costs on a cache miss, all 6 (viz/families.py: engine, judging the ends,
    thinning, packing, JSON, gzip) — target ≤ 300 ms on 2 cores;
(b) the engine part alone, api.family (the run's own compiled program per value, dispatched back to
    back, judged in one pass), against two peers giving the same 64 records: 64 separate
    `trajectories.run` calls, and `trajectories.sweep(record=True)` (one vmapped call; it rounds
    differently in the last bits, so its members are not the runs a link makes);
(c) the document's size for the 6 runs: JSON and gzipped (target ≤ 2 MB).
Prints medians and ratios (peer / ours: > 1 means ours is faster), with the load average.
"""

from __future__ import annotations

import os

from benchmarks.common import fmt, median_seconds
from benchmarks.playground import SIX_RUNS, load
from gradscape import trajectories as tr
from gradscape.trajectories import api, families
from gradscape.viz import families as vf

KNOB, SPAN = "lr", "near"


def grids() -> list[list[float]]:
    """Each run's family values."""
    out = []
    for i, run in enumerate(SIX_RUNS.runs):
        values, _ = families.family_values(families.knob(run, KNOB), run.lr, SPAN)
        out.append([float(v) for v in values])
    return out


def main() -> None:
    print(f"load average at start: {load()}  ({os.cpu_count()} cores)")
    s = SIX_RUNS
    keys = [s.compute_key(i) for i in range(len(s.runs))]
    values = grids()

    def route() -> None:
        for key in keys:
            vf._family((key, KNOB, SPAN))  # the cache bypassed: what a miss costs

    def ours() -> None:
        for i, v in enumerate(values):
            list(families.family(s, i, KNOB, v))

    def separate() -> None:
        for i, v in enumerate(values):
            kwargs = s.engine_kwargs(i)
            for lr in v:
                tr.run(s.landscape, s.runs[i].optimizer, **{**kwargs, "learning_rate": lr})

    def vmapped() -> None:
        for i, v in enumerate(values):
            kwargs = {k: w for k, w in s.engine_kwargs(i).items() if k != "learning_rate"}
            api.sweep(s.landscape, s.runs[i].optimizer, {"learning_rate": v}, record=True, **kwargs)

    t_route = median_seconds(route, repeats=5, warmup=1)
    print(f"(a) families' route, 6 runs × 64 × 1000 steps, cache miss: {fmt(t_route)}   (target ≤ 300 ms)")
    t_ours = median_seconds(ours, repeats=5, warmup=1)
    t_sep = median_seconds(separate, repeats=3, warmup=1)
    t_vmap = median_seconds(vmapped, repeats=3, warmup=1)
    print(f"(b) engine only: api.family {fmt(t_ours)}   64 separate runs {fmt(t_sep)} ({t_sep / t_ours:.1f}×)   "
          f"sweep(record=True), one vmapped call {fmt(t_vmap)} ({t_vmap / t_ours:.1f}×)")
    docs = [vf._family((key, KNOB, SPAN)) for key in keys]
    raw, gz = sum(len(d.body) for d in docs), sum(len(d.gzipped) for d in docs)
    print(f"(c) the 6 documents: {raw / 1e6:.2f} MB JSON, {gz / 1e6:.2f} MB gzipped (what the browser receives)   (target ≤ 2 MB)")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
