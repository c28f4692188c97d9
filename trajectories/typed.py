"""Landscapes as the engine serves them: `landscape(key)` and `problem(key)` are what everything
above the catalogues asks for a landscape by its key. A catalogue entry is returned as is; a typed
one (`custom:` key) is built once (landscapes.custom.build: parse, check, notable points in
NumPy) and kept in a least-recently-used cache of MAX_CACHED landscapes shared by all sessions.

Before anything is built, a typed expression whose f and ∇f would cost too much per step is
refused in words (trajectories/costs.py: the size of its traced program, not of its text).

New keys are built by BUILD_WORKERS threads through one fair queue (fair_queue.py): a class
typing at once is served in turn, each session's builds interleaved with the others', and a page
can show its place in the queue (`submit` answers a job that says how many builds are ahead of
it); a key asked for while it waits or builds is built once. The CPU a job takes is charged to
whoever submitted it (trajectories/budget.py). At most
MAX_WAITING builds wait, so a flood of distinct expressions cannot keep the server busy for long;
more are refused in words. The last MAX_REMEMBERED keys that built are remembered (`was_built`: a
page's per-session limit does not count them).
"""

from __future__ import annotations

import os
import threading
from typing import Callable

from gradscape import landscapes
from gradscape.landscapes import custom
from gradscape.landscapes.base import Landscape, Problem
from gradscape.landscapes.expression import parse
from gradscape.memo import ByteLRU
from gradscape.trajectories import budget, costs
from gradscape.trajectories.fair_queue import FairQueue, Job, QueueFull

MAX_CACHED = 256  # a Landscape is small (tree, points); compiled programs live in the engine's own LRUs
MAX_REMEMBERED = 4096
BUILD_WORKERS = max(1, os.cpu_count() or 1)  # builds at a time: one per core
MAX_WAITING = 256  # builds waiting; a class of 30 typing 2 each needs 60
WAIT_S = 300.0  # the longest a caller blocks in `landscape` for a build


class BusyError(ValueError):
    """The build queue is full, or a build took longer than a caller waits; retry later."""


_QUEUE = FairQueue(BUILD_WORKERS, MAX_WAITING)


def count(_: object) -> int:
    """Every entry weighs one: these LRUs are bounded by their number of entries (a landscape is a few kB)."""
    return 1


_CACHE: ByteLRU[str, Landscape] = ByteLRU(MAX_CACHED, size=count)
_BUILT: ByteLRU[str, bool] = ByteLRU(MAX_REMEMBERED, size=count)


def check_cost(key: str) -> None:
    """Refuse, in words (ExpressionError), a typed key whose f and ∇f cost too much per step; cheap
    (a trace, no compiling), so a page can say so before queueing the build."""
    costs.check_expression(parse(custom.split_key(key)[0]))


def _build_and_keep(key: str, then: Callable[[str], object] | None) -> Landscape:
    """A queued job: build the key (unless it was meanwhile), keep it, then `then(key)` for what a
    page shows first; `then` failing is left to the page, which computes the same and says why."""
    ls = _CACHE.find(key)
    if ls is None:
        with budget.charged():
            check_cost(key)
            ls = custom.build(key)
        _CACHE.put(key, ls)
        _BUILT.put(key, True)
    if then is not None:
        try:
            then(key)
        except Exception:  # noqa: BLE001 - the page computes it again and shows the error in words
            pass
    return ls


def submit(key: str, owner: object, then: Callable[[str], object] | None = None) -> Job:
    """Queue the key's build for `owner` (a session: builds are served round robin by owner), and
    `then(key)` after it in the same turn; the job already waiting or building for `key` if there
    is one. Raises BusyError when MAX_WAITING builds wait."""
    try:
        return _QUEUE.submit(key, owner, budget.on_behalf(lambda: _build_and_keep(key, then)))
    except QueueFull:
        raise BusyError(f"the server has {MAX_WAITING} typed landscapes waiting to be built; try again in a minute") from None


def _typed(key: str) -> Landscape:
    """A typed landscape from the shared LRU or built now through the queue (the calling thread is
    the owner; it waits at most WAIT_S)."""
    ls = _CACHE.find(key)
    if ls is not None:
        return ls
    job = submit(key, threading.get_ident())
    if not job.wait(WAIT_S):
        raise BusyError(f"the server is still building typed landscapes after {WAIT_S:.0f} s; try again in a minute")
    return job.value()


def landscape(key: str) -> Landscape:
    """The landscape for `key`: the catalogue's entry, or the typed landscape a `custom:` key
    describes (built once, cached); a clear error otherwise (ExpressionError for a bad or too costly
    custom key, listing the known keys for any other)."""
    return _typed(key) if custom.is_custom(key) else landscapes.get(key)


def problem(key: str) -> Problem:
    """What the engine runs for `key`: an online problem, else the landscape `landscape` gives."""
    return landscapes.ONLINE[key] if key in landscapes.ONLINE else landscape(key)


def is_cached(key: str) -> bool:
    return key in _CACHE


def was_built(key: str) -> bool:
    """Whether this key built successfully before (it may have left the cache since)."""
    return key in _BUILT
