"""The compiled survey for landscapes.stationary: one jit per typed landscape (its points are found
once, when the landscape is built), registered with landscapes.custom when the engine is imported."""

from __future__ import annotations

import functools
from typing import Callable

import jax

from landscapes.stationary import Survey, survey


def _fori(n: int, body: Callable, x):
    return jax.lax.fori_loop(0, n, lambda _, q: body(q), x)


def survey_compiled(f: Callable, start: jax.Array, probe: jax.Array, cap: float) -> Survey:
    """`landscapes.stationary.survey` as one compiled program, its Newton loop a `fori_loop`."""
    return jax.jit(functools.partial(survey, f, cap=cap, loop=_fori))(start, probe)
