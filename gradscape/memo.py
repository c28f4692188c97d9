"""Results kept in memory, bounded by their size in bytes: the one kind of cache the app keeps arrays
and results in (engine runs, sweeps, grids, player files, network records), so that a server's
memory has a ceiling however many distinct settings its visitors ask for. A count alone bounds
nothing when one entry can weigh 30 kB or 40 MB. Below every room (any may import it).

`ByteLRU` drops the least recently used entries until the rest fit its budget; `cached` puts one
in front of a function of hashable arguments, as `functools.lru_cache` does with a count.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import threading
from collections import OrderedDict
from types import ModuleType
from typing import Callable, Generic, Hashable, NamedTuple, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
F = TypeVar("F", bound=Callable)


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    entries: int
    nbytes: int


def nbytes(value: object) -> int:
    """Roughly the bytes `value` holds: arrays by their `nbytes` (NumPy, JAX), str and bytes by length,
    the parts of tuples, lists, sets, dicts, dataclasses and other objects (their attributes, cached
    properties included) summed, each object once; functions, classes and other scalars by `sys.getsizeof`."""
    seen: set[int] = set()
    total = 0
    stack = [value]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        own = getattr(v, "nbytes", None)
        if isinstance(own, int) and not isinstance(v, type):
            total += own
        elif isinstance(v, (str, bytes, bytearray, memoryview)):
            total += len(v)
        elif isinstance(v, dict):
            total += sys.getsizeof(v)
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, (tuple, list, set, frozenset)):
            total += sys.getsizeof(v)
            stack.extend(v)
        elif callable(v) or isinstance(v, ModuleType):
            total += sys.getsizeof(v)  # code and modules are shared, not the entry's own
        elif hasattr(v, "__dict__"):
            stack.extend(vars(v).values())  # a dataclass's fields and what its cached properties hold
        elif dataclasses.is_dataclass(v):
            stack.extend(getattr(v, f.name) for f in dataclasses.fields(v))
        else:
            total += sys.getsizeof(v)
    return total


class ByteLRU(Generic[K, V]):
    """Least-recently-used values whose sizes (`size`, `nbytes` unless told) total at most `budget`
    bytes: a new value pushes out the oldest until it fits; a value larger than the whole budget is
    returned but not kept (it would push out everything). Thread-safe: sessions share it; two
    callers missing the same key at once both compute it (the second result is dropped)."""

    def __init__(self, budget: int, size: Callable[[V], int] = nbytes) -> None:
        self.budget = budget
        self.size = size
        self.items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.nbytes = 0
        self.hits = self.misses = 0
        self.lock = threading.Lock()

    def find(self, key: K) -> V | None:
        """The value kept for `key` (now the most recently used), else None; `make` nothing."""
        with self.lock:
            if key not in self.items:
                return None
            self.items.move_to_end(key)
            return self.items[key][0]

    def get(self, key: K, make: Callable[[K], V]) -> V:
        """The value kept for `key`, else `make(key)` (kept if it fits)."""
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return self.items[key][0]
            self.misses += 1
        value = make(key)
        self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key` as the most recently used, unless the key is already kept or the value alone exceeds the budget."""
        weight = self.size(value)
        with self.lock:
            if key in self.items or weight > self.budget:
                return
            self.items[key] = (value, weight)
            self.nbytes += weight
            while self.nbytes > self.budget:
                self.nbytes -= self.items.popitem(last=False)[1][1]

    def __contains__(self, key: K) -> bool:
        with self.lock:
            return key in self.items

    def info(self) -> CacheInfo:
        with self.lock:
            return CacheInfo(self.hits, self.misses, len(self.items), self.nbytes)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.nbytes = 0


def cached(budget: int) -> Callable[[F], F]:
    """Decorator: memoize a function of hashable arguments in a ByteLRU of `budget` bytes (reached
    as the wrapper's `cache`; `cache_info()` and `cache_clear()` as functools names them)."""

    def wrap(fn: F) -> F:
        cache: ByteLRU = ByteLRU(budget)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            return cache.get((args, tuple(sorted(kwargs.items()))), lambda key: fn(*args, **kwargs))

        call.cache = cache
        call.cache_info = cache.info
        call.cache_clear = cache.clear
        return call

    return wrap
