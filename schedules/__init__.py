"""The learning-rate schedule catalogue: one registry, one line per schedule.

To add a schedule: write its function and a `ScheduleInfo` in the module of its family, then add
one line below. A warmup variant of any entry is one line too: `with_linear_warmup(INFO, key=…)`
(or `with_constant_warmup`) in warmup.py.
"""

from __future__ import annotations

from gradscape.schedules.base import FAMILIES, ScheduleInfo
from gradscape.schedules.cyclical import EXP_RANGE, SAWTOOTH, SGDR, SIN, SIN2, SINEXP, STEP_SGDR, TRIANGULAR, TRIANGULAR2
from gradscape.schedules.piecewise import LINEAR_THEN_CONSTANT, MULTISTEP, STEP
from gradscape.schedules.plateau import PLATEAU
from gradscape.schedules.smooth import (
    CONSTANT,
    COSINE,
    COSINE_EXPONENTIAL,
    EXPONENTIAL,
    HYPERBOLIC_TANGENT,
    INVERSE_SQRT,
    INVERSE_TIME,
    LINEAR_COSINE,
    NOISY_LINEAR_COSINE,
    POLYNOMIAL,
)
from gradscape.schedules.warmup import (
    CONSTANT_WARMUP,
    LINEAR_WARMUP,
    NOAM,
    ONE_CYCLE_COS,
    ONE_CYCLE_LINEAR,
    SLANTED_TRIANGULAR,
    TRAPEZOID,
    UNTUNED_WARMUP,
    WARMUP_COSINE,
    WARMUP_QUARTER_COSINE,
    with_constant_warmup,
    with_linear_warmup,
)

REGISTRY: dict[str, ScheduleInfo] = {
    info.key: info
    for info in (
        CONSTANT,
        STEP,
        MULTISTEP,
        LINEAR_THEN_CONSTANT,
        PLATEAU,
        EXPONENTIAL,
        POLYNOMIAL,
        INVERSE_TIME,
        INVERSE_SQRT,
        COSINE,
        LINEAR_COSINE,
        NOISY_LINEAR_COSINE,
        COSINE_EXPONENTIAL,
        HYPERBOLIC_TANGENT,
        TRIANGULAR,
        TRIANGULAR2,
        EXP_RANGE,
        SGDR,
        STEP_SGDR,
        SIN,
        SIN2,
        SINEXP,
        SAWTOOTH,
        CONSTANT_WARMUP,
        LINEAR_WARMUP,
        WARMUP_COSINE,
        WARMUP_QUARTER_COSINE,
        NOAM,
        SLANTED_TRIANGULAR,
        TRAPEZOID,
        ONE_CYCLE_COS,
        ONE_CYCLE_LINEAR,
        UNTUNED_WARMUP,
    )
}


def get(key: str) -> ScheduleInfo:
    """The catalogue entry for `key`; a clear error listing the known keys otherwise."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(f"unknown schedule '{key}' (known: {', '.join(REGISTRY)})") from None


__all__ = ["REGISTRY", "FAMILIES", "ScheduleInfo", "get", "with_constant_warmup", "with_linear_warmup"]
