"""The byte-bounded caches (gradscape/memo.py): what they keep is the most recent that fits, and what
they say an entry weighs is what its arrays and text hold."""

from __future__ import annotations

import dataclasses
import functools
import sys

import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape.memo import ByteLRU, cached, nbytes

BUDGET = 100


class Weighs:
    def __init__(self, n: int) -> None:
        self.nbytes = n


def kept_by_recency(requests: list[str], size: dict[str, int], budget: int) -> set[str]:
    """The oracle: walk the keys from the most recently asked for back, skipping those that alone
    exceed the budget; keep them while they fit, stop at the first that does not."""
    kept, total, seen = set(), 0, set()
    for key in reversed(requests):
        if key in seen or size[key] > budget:
            seen.add(key)
            continue
        seen.add(key)
        if total + size[key] > budget:
            break
        kept.add(key)
        total += size[key]
    return kept


@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.integers(0, 130), min_size=1, max_size=6),
       picks=st.lists(st.integers(0, 5), min_size=1, max_size=40))
def test_a_byte_lru_keeps_the_most_recent_entries_that_fit_and_never_exceeds_its_budget(sizes, picks):
    keys = [f"k{i}" for i in range(len(sizes))]
    size = dict(zip(keys, sizes))
    cache: ByteLRU[str, Weighs] = ByteLRU(BUDGET)
    made: list[str] = []
    requests: list[str] = []
    for pick in picks:
        key = keys[pick % len(keys)]
        expected_hit = key in kept_by_recency(requests, size, BUDGET) if requests else False
        before = len(made)
        value = cache.get(key, lambda k: made.append(k) or Weighs(size[k]))
        requests.append(key)
        assert value.nbytes == size[key]
        assert (len(made) == before) == expected_hit
        kept = kept_by_recency(requests, size, BUDGET)
        assert {k for k in keys if k in cache} == kept
        info = cache.info()
        assert info.nbytes == sum(size[k] for k in kept) <= BUDGET
        assert info.entries == len(kept) and info.hits + info.misses == len(requests) and info.misses == len(made)
        assert (key in cache) == (size[key] <= BUDGET)  # the newest is always kept when it fits at all


def test_nbytes_counts_array_buffers_and_text_once_each():
    a = np.zeros((10, 10), np.float32)  # 400 bytes
    b = jnp.zeros(25, jnp.float64)  # 200 bytes
    assert nbytes(a) == 400 and nbytes(b) == 200 and nbytes("héllo") == 5 and nbytes(b"abc") == 3
    pair = (a, a, b)
    assert nbytes(pair) == sys.getsizeof(pair) + 400 + 200  # the shared array once
    table = {"x": a}
    assert nbytes(table) == sys.getsizeof(table) + 1 + 400


@dataclasses.dataclass(frozen=True)
class Result:
    values: np.ndarray
    name: str
    run: object = len  # a function: counted as its own small object, not what it reaches

    @functools.cached_property
    def text(self) -> str:
        return "x" * 1000


def test_nbytes_walks_dataclasses_and_what_their_cached_properties_hold():
    r = Result(np.zeros(100, np.float64), "abc")
    plain = nbytes(r)
    assert 800 + 3 <= plain < 800 + 3 + 200
    r.text
    assert nbytes(r) == plain + 1000


def test_cached_calls_once_per_argument_set_and_drops_the_oldest_beyond_its_budget():
    calls: list[tuple] = []

    @cached(3 * 800)
    def zeros(n: int, fill: float = 0.0) -> np.ndarray:
        calls.append((n, fill))
        return np.full(n, fill)

    zeros(100), zeros(100), zeros(n=100, fill=1.0), zeros(fill=1.0, n=100)
    assert calls == [(100, 0.0), (100, 1.0)]
    zeros(100, fill=2.0), zeros(100, fill=3.0)  # four arrays of 800 bytes: the least recent goes
    assert zeros.cache_info().entries == 3 and zeros.cache_info().nbytes == 2400
    zeros(100)
    assert calls[-1] == (100, 0.0)
    zeros.cache_clear()
    assert zeros.cache_info().entries == 0 and zeros.cache_info().nbytes == 0
