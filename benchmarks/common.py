"""Timing helpers shared by the benchmarks: median of repeats, after a warm-up call. Importing it
configures JAX as the app does at its start (the benchmarks are scripts, not a library)."""

from __future__ import annotations

import statistics
import time
from typing import Callable

from gradscape.trajectories import runtime

runtime.configure()


def median_seconds(fn: Callable[[], object], repeats: int = 20, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.2f} s "
