"""The learning-rate schedule catalogue: one registry, one line per schedule.

To add a schedule: write its function and a `ScheduleInfo` in a module, then add one line below.
"""

from __future__ import annotations

from schedules.base import FAMILIES, ScheduleInfo
from schedules.smooth import CONSTANT, COSINE

REGISTRY: dict[str, ScheduleInfo] = {
    info.key: info
    for info in (
        CONSTANT,
        COSINE,
    )
}


def get(key: str) -> ScheduleInfo:
    """The catalogue entry for `key`; a clear error listing the known keys otherwise."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(f"unknown schedule '{key}' (known: {', '.join(REGISTRY)})") from None


__all__ = ["REGISTRY", "FAMILIES", "ScheduleInfo", "get"]
