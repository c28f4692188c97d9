"""A tunable number and its checks: what the optimizer and schedule catalogues both declare their
parameters with (below both, so neither catalogue imports the other)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hyper:
    """A tunable number: default, slider range, log scale or not, and a short help text."""

    name: str
    default: float
    low: float
    high: float
    log: bool = False
    label: str = ""
    help: str = ""
    integer: bool = False

    def __post_init__(self) -> None:
        if not self.low <= self.default <= self.high:
            raise ValueError(f"{self.name}: default {self.default} outside [{self.low}, {self.high}]")

    def check(self, value: float, owner: str) -> float:
        """Validate one value; raise ValueError naming the parameter."""
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{owner}: parameter '{self.name}' must be a number, got {value!r}") from None
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError(f"{owner}: parameter '{self.name}' must be finite, got {value!r}")
        if not self.low <= v <= self.high:
            raise ValueError(f"{owner}: parameter '{self.name}' = {v:g} is outside [{self.low:g}, {self.high:g}]")
        if self.integer and v != int(v):
            raise ValueError(f"{owner}: parameter '{self.name}' must be a whole number, got {v:g}")
        return v
