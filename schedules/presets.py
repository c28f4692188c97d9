"""Schedule presets: the curves of the seeds' figures, as data.

Each preset is a run length T (within the engine's step cap), the base rate η₀ of the figure
(None where the lesson chooses it) and its entries (schedule key, parameter overrides, label).
Parameters not given take their defaults; the tests resolve every entry against the catalogue.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    """One schedule of a preset."""

    schedule: str
    params: dict[str, float]
    label: str


class Preset(NamedTuple):
    """Schedules drawn or run together."""

    name: str
    source: str
    T: int
    lr: float | None
    entries: tuple[Entry, ...]


NOAM_WARMUPS = Preset(
    name="Noam warmup lengths",
    source=(
        "seed 000 §2.1, eq. 7 and fig. 4: d_model = 512 and three warmup lengths; the longer the warmup, the lower "
        "and later the peak. The usual 4000/8000/16000 steps over 20000, scaled by ¼ to fit 5000 steps "
        "(same shapes, peaks ×2 higher)"
    ),
    T=5000,
    lr=1.0,
    entries=tuple(Entry("noam", {"d_model": 512, "warmup_steps": w}, f"warmup {w}") for w in (1000, 2000, 4000)),
)

SGDR_RESTARTS = Preset(
    name="SGDR restart periods",
    source="seed 000 §2.2, eqs. 8-9 and fig. 5 (η_max = 0.05, η_min = 0)",
    T=300,
    lr=0.05,
    entries=(
        Entry("sgdr", {"t0": 10, "t_mult": 2, "min_ratio": 0.0}, "T₀ = 10, T_mult = 2"),
        Entry("sgdr", {"t0": 100, "t_mult": 1, "min_ratio": 0.0}, "T₀ = 100, T_mult = 1"),
    ),
)

FIVE_POLICIES = Preset(
    name="Five LR policies",
    source="seed 003 §4.1, figs. 5-7: one policy per family, plain SGD on 2-D landscapes",
    T=500,
    lr=None,
    entries=(
        Entry("constant", {}, "constant_lr"),
        Entry("step", {"alpha": 0.5, "step_size": 100}, "step_lr"),
        Entry("cosine", {"min_ratio": 0.0}, "cosine_lr"),
        Entry("sgdr", {"t0": 100, "t_mult": 1, "min_ratio": 0.0}, "cosineclc_lr"),
        Entry("warmup-cosine", {"warmup_steps": 50, "min_ratio": 0.0}, "lwarmcosine_lr"),
    ),
)

PRESETS: dict[str, Preset] = {
    "noam-warmups": NOAM_WARMUPS,
    "sgdr-restarts": SGDR_RESTARTS,
    "five-policies": FIVE_POLICIES,
}
