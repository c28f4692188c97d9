"""The compiled survey for landscapes.stationary, registered with landscapes.custom when the engine
is imported: one program per form of typed landscape (its numbers, seeds, probe points and step cap
are arguments), so a landscape differing from an earlier one in numbers only compiles nothing."""

from __future__ import annotations

import functools
from typing import Callable

import jax

from landscapes.stationary import Survey, survey


def _fori(n: int, body: Callable, x):
    return jax.lax.fori_loop(0, n, lambda _, q: body(q), x)


@functools.lru_cache(maxsize=64)
def _program(f: Callable) -> Callable:
    return jax.jit(lambda numbers, start, probe, cap: survey(lambda p: f(p, numbers), start, probe, cap, loop=_fori))


def survey_compiled(f: Callable, numbers: jax.Array, start: jax.Array, probe: jax.Array, cap: float) -> Survey:
    """`landscapes.stationary.survey` of p -> f(p, numbers) as one compiled program per f, its Newton loop a `fori_loop`."""
    return _program(f)(numbers, start, probe, cap)
