"""Process-wide JAX settings, applied once before the first computation.

- float64 is available on request (x64 on; every array the engine makes carries an explicit
  dtype, float32 by default);
- the CPU is split into one XLA device per core so that large batches shard over all cores;
- compiled programs persist in a user cache directory, so a restarted server does not
  recompile what it compiled before; the directory is kept under JAX_CACHE_BYTES by deleting the
  least recently used entries, at start and then at most once per PRUNE_EVERY_S while JAX writes
  new ones (JAX's own bound, jax_compilation_cache_max_size, rescans the whole directory on every
  write: ≈ 0.3 s per compile at 20 000 entries).

A server also lowers the priority of the threads XLA runs sharded programs and compiles on
(`lower_compute_threads`), below the threads that answer pages.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import jax

# ≈ 45 000 programs of ≈ 11 kB (median 9 kB, an optimizer's scan up to 85 kB): every catalogue program
# many times over (a day's test runs and benchmarks on the development VM left 3300 programs, 43 MB)
# and what a class types in hours.
JAX_CACHE_BYTES = 512 * 2**20
PRUNE_EVERY_S = 60.0  # so a burst of new programs (≈ 3 GB an hour at most) overshoots the bound by ≤ 50 MB
WRITE_EVENT = "/jax/compilation_cache/cache_misses"  # JAX records it as it writes an entry
COMPUTE_NICE = 10  # a CPU share ≈ 1/9 of a normal thread's while both want the CPU, all of it while the pages idle
_lowered: set[int] = set()


def cache_root() -> Path:
    """The user cache root: $GRADSCAPE_CACHE_DIR, else ~/.cache/gradscape (read at each call)."""
    return Path(os.environ.get("GRADSCAPE_CACHE_DIR", Path.home() / ".cache" / "gradscape"))


CACHE_DIR = cache_root() / "jax"


def last_used(info: os.stat_result) -> float:
    """When a file was last written or read (a read as far as the file system records it: Linux's
    default relatime records the first read after a write, then one a day)."""
    return max(info.st_atime, info.st_mtime)


def prune(files: Iterable[Path], limit: int) -> int:
    """Delete the least recently used of `files` until they total at most `limit` bytes; answer the
    bytes left. Files another process deletes meanwhile are skipped."""
    found = []
    for path in files:
        try:
            found.append((path.stat(), path))
        except FileNotFoundError:
            continue
    total = sum(info.st_size for info, _ in found)
    for info, path in sorted(found, key=lambda f: last_used(f[0])):
        if total <= limit:
            break
        path.unlink(missing_ok=True)
        total -= info.st_size
    return total


def prune_jax_cache() -> int:
    """Keep the compilation cache's files under JAX_CACHE_BYTES, least recently used out; answer the bytes left."""
    try:
        with os.scandir(CACHE_DIR) as entries:
            files = [Path(e.path) for e in entries if e.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return 0
    return prune(files, JAX_CACHE_BYTES)


class Every:
    """Calls `action` when asked, at most once per `seconds` and never twice at once (others skip)."""

    def __init__(self, seconds: float, action: Callable[[], object], clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.action, self.clock = seconds, action, clock
        self.last: float | None = None
        self.lock = threading.Lock()

    def __call__(self) -> bool:
        """Whether `action` ran now."""
        if not self.lock.acquire(blocking=False):
            return False
        try:
            now = self.clock()
            if self.last is not None and now - self.last < self.seconds:
                return False
            self.last = now
            self.action()
            return True
        finally:
            self.lock.release()


def _prune_quietly() -> None:
    try:
        prune_jax_cache()
    except OSError:
        pass  # a folder that cannot be read or changed: JAX warns about its own writes there


_PRUNE = Every(PRUNE_EVERY_S, _prune_quietly)


def _on_jax_event(event: str, **_: object) -> None:
    """JAX's monitoring listener: writing a new compilation-cache entry may prune the cache."""
    if event == WRITE_EVENT:
        _PRUNE()


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
    _PRUNE()
    jax.monitoring.register_event_listener(_on_jax_event)


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
