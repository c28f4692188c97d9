"""The schedule protocol: a pure, traceable function of the step, plus catalogue metadata.

A schedule is `fn(k, T, lr, **params) -> rate`, where k is the index of the update (0 for the
first one, as in optax and as torch's scheduler before its first `step()`), T the run length
and lr the base rate η₀ of the run. All arguments may be traced JAX values, so a slider move
never recompiles. Secondary rates (η_min, η_base, …) are ratios of η₀, so scaling η₀ scales the
whole curve.

A stateful schedule (reduce-on-plateau) instead provides `init_state()` and
`advance(state, k, T, lr, loss, **params) -> (rate, state)`; the engine threads its state
through the scan and feeds it the loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from gradscape.hyper import Hyper

Array = jax.Array


def as_rate_dtype(lr, *steps):
    """Cast step counts to the rate's float dtype (int / int would promote to float64)."""
    dtype = jnp.asarray(lr).dtype
    if not jnp.issubdtype(dtype, jnp.floating):
        dtype = jnp.result_type(float)
    return tuple(jnp.asarray(s).astype(dtype) for s in steps)


def safe_div(num: ArrayLike, den: ArrayLike) -> Array:
    """num / den where den > 0, else 1 (a phase of zero length counts as complete); never NaN."""
    positive = den > 0
    return jnp.where(positive, num / jnp.where(positive, den, 1.0), 1.0)


def run_fraction(k: ArrayLike, T: ArrayLike) -> Array:
    """k / T clipped to [0, 1]: how far through the run the update is, held at 1 after T."""
    return jnp.clip(safe_div(k, T), 0.0, 1.0)


def half_cosine(x: ArrayLike) -> Array:
    """½(1 + cos πx), computed as cos²(πx/2): no cancellation as it nears 0 at x = 1 (float32 runs)."""
    return jnp.cos(0.5 * jnp.pi * x) ** 2


def cycle(k: ArrayLike, period: ArrayLike) -> tuple[Array, Array]:
    """(index, phase) of step k in cycles of a fixed length: ⌊k/P⌋ and k - P⌊k/P⌋."""
    index = jnp.floor(k / period)
    return index, k - index * period


def steps_hyper(name: str, default: float, label: str, help: str, low: float = 1.0, high: float = 5000.0) -> Hyper:
    """A whole number of steps (Δt, T₀, K, …): linear slider, integer-valued."""
    return Hyper(name, default, low, high, label=label, help=help, integer=True)


FAMILIES = ("constant", "piecewise decay", "smooth decay", "cyclical", "warmup")


@dataclass(frozen=True)
class ScheduleInfo:
    """Catalogue entry for one learning-rate schedule."""

    key: str
    name: str
    family: str
    fn: Callable[..., Any] | None
    params: tuple[Hyper, ...]
    latex: str
    reference: str
    when: str
    init_state: Callable[[], Any] | None = None
    advance: Callable[..., tuple[Any, Any]] | None = None

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"schedule {self.key}: unknown family {self.family!r}")
        if (self.fn is None) == (self.advance is None):
            raise ValueError(f"schedule {self.key}: give exactly one of fn or advance")

    @property
    def stateful(self) -> bool:
        return self.advance is not None

    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.params}

    def resolve(self, overrides: dict[str, float] | None = None) -> dict[str, float]:
        """Defaults updated by `overrides`, each validated; unknown names raise."""
        values = self.defaults()
        by_name = {h.name: h for h in self.params}
        for name, value in (overrides or {}).items():
            if name not in by_name:
                known = ", ".join(by_name) or "none"
                raise ValueError(f"schedule {self.name}: unknown parameter '{name}' (known: {known})")
            values[name] = by_name[name].check(value, f"schedule {self.name}")
        return values

