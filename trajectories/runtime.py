"""Process-wide JAX settings, applied once before the first computation.

- float64 is available on request (x64 on; every array the engine makes carries an explicit
  dtype, float32 by default);
- the CPU is split into one XLA device per core so that large batches shard over all cores;
- compiled programs persist in a user cache directory, so a restarted server does not
  recompile what it compiled before.

A server also lowers the priority of the threads XLA runs sharded programs and compiles on
(`lower_compute_threads`), below the threads that answer pages.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import jax

COMPUTE_NICE = 10  # a CPU share ≈ 1/9 of a normal thread's while both want the CPU, all of it while the pages idle
_lowered: set[int] = set()


def cache_root() -> Path:
    """The user cache root: $GRADSCAPE_CACHE_DIR, else ~/.cache/gradscape (read at each call)."""
    return Path(os.environ.get("GRADSCAPE_CACHE_DIR", Path.home() / ".cache" / "gradscape"))


CACHE_DIR = cache_root() / "jax"


@functools.cache
def configure() -> None:
    """Once per process, before JAX's backend starts (to split the CPU into devices); later calls do nothing."""
    cores = max(1, os.cpu_count() or 1)
    try:
        jax.config.update("jax_num_cpu_devices", cores)
    except (AttributeError, RuntimeError):
        pass
    jax.config.update("jax_enable_x64", True)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    jax.config.update("jax_compilation_cache_dir", str(CACHE_DIR))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


def lower_compute_threads() -> None:
    """Put the threads Python did not start (XLA's pools, which run sharded programs and compile them)
    at nice COMPUTE_NICE, so that one session's long computation takes the CPU the threads answering
    everyone's pages leave, rather than half of it. Linux only (elsewhere nothing); threads already
    lowered are skipped, so calling it often is cheap."""
    try:
        tids = {int(t) for t in os.listdir("/proc/self/task")}
    except OSError:
        return
    _lowered.intersection_update(tids)
    for tid in tids - {t.native_id for t in threading.enumerate()} - _lowered:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, COMPUTE_NICE)
        except OSError:
            pass
        _lowered.add(tid)
