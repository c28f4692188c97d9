"""Seed 003's five learning-rate policies (§4.1: constant_lr, step_lr, cosine_lr, cosineclc_lr,
lwarmcosine_lr) as Playground runs, from the schedule catalogue's preset of the same name, so
that the lessons and the Schedules page draw the same curves."""

from __future__ import annotations

from gradscape.schedules.presets import FIVE_POLICIES
from gradscape.trajectories.scenario import RunSpec

NAMES = ("constant", "step", "cosine", "SGDR", "warmup-cosine")  # short names, in the preset's order
COLORS = ("#e6194b", "#f58231", "#3cb44b", "#911eb4", "#4363d8")
PARAMS = tuple(entry.params for entry in FIVE_POLICIES.entries)
DESCRIPTION = (
    f"constant, step decay (×{PARAMS[1]['alpha']:g} every {PARAMS[1]['step_size']:g} steps), cosine, SGDR "
    f"(restart every {PARAMS[3]['t0']:g} steps) and linear warmup ({PARAMS[4]['warmup_steps']:g} steps) + cosine"
)


def five_policies(optimizer: str, learning_rate: float, hyper: tuple[tuple[str, float], ...] = (),
                  prefix: str = "") -> tuple[RunSpec, ...]:
    """One run per policy, same optimizer, rate and hyperparameters."""
    return tuple(
        RunSpec(optimizer, learning_rate, hyper, entry.schedule, tuple(entry.params.items()), f"{prefix}{name}", color)
        for entry, name, color in zip(FIVE_POLICIES.entries, NAMES, COLORS)
    )
