"""Families: one run recomputed over a neighbourhood of one of its continuous settings, so that the
player can scrub through them in the browser with no server call (TensorFlow Playground answers a
slider in one frame; a round trip cannot).

A *knob* is a setting a run's link writes as a number: the learning rate (`lr`), a continuous
hyperparameter of its optimizer (`b1`, …) or of its schedule (`s.min_ratio`, …), with the range and
scale its control has. A family's values are FAMILY_SIZE points of the knob, the run's own value among
them, each rounded as links round numbers (6 significant digits): the run a link or a commit makes at
a member's value is that member, bit for bit (api.family).

Spans: `near`, a window around the run's value — ×0.1 … ×10 on a log scale, ± a tenth of the range on
a linear one — or `full`, the control's whole range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Iterator
from urllib.parse import urlencode

import numpy as np

from gradscape import optimizers
from gradscape import schedules
from gradscape.trajectories import api, engine
from gradscape.trajectories.api import RunRecord
from gradscape.trajectories.fields import fmt
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query

FAMILY_SIZE = 64
SPANS = ("near", "full")
NEAR_DECADES = 1.0  # the near window of a log knob: ×10^-1 … ×10^1
NEAR_SHARE = 0.1  # of a linear knob: ± this share of its range


@dataclass(frozen=True)
class Knob:
    """A continuous setting of a run: its link key, its name on screen, its control's range and scale."""

    key: str
    label: str
    low: float
    high: float
    log: bool


def knobs(run: RunSpec) -> tuple[Knob, ...]:
    """The run's knobs: the learning rate, then its optimizer's and its schedule's continuous parameters."""
    opt = optimizers.get(run.optimizer)
    sched = schedules.get(run.schedule)
    out = [Knob("lr", "η", *engine.LR_RANGE, True)]
    out += [Knob(h.name, h.label or h.name, h.low, h.high, h.log) for h in opt.hypers if not h.integer]
    out += [Knob(f"s.{h.name}", f"{h.label or h.name} (schedule)", h.low, h.high, h.log) for h in sched.params if not h.integer]
    return tuple(out)


def knob(run: RunSpec, key: str) -> Knob:
    """The run's knob `key`; ValueError names the ones it has."""
    found = {k.key: k for k in knobs(run)}
    if key not in found:
        raise ValueError(f"{optimizers.get(run.optimizer).name}: no continuous setting '{key}' (known: {', '.join(found)})")
    return found[key]


def value_of(run: RunSpec, key: str) -> float:
    """The run's value of knob `key` (a default where the link leaves it out)."""
    if key == "lr":
        return run.lr
    if key.startswith("s."):
        return schedules.get(run.schedule).resolve(dict(run.schedule_params))[key[2:]]
    return optimizers.get(run.optimizer).resolve(dict(run.hyper))[key]


def with_value(run: RunSpec, key: str, value: float) -> RunSpec:
    """The run with knob `key` at `value` (a parameter at its default is left out, as the editor leaves it)."""
    if key == "lr":
        return replace(run, learning_rate=value)
    field, name, info = (("schedule_params", key[2:], schedules.get(run.schedule).params) if key.startswith("s.")
                         else ("hyper", key, optimizers.get(run.optimizer).hypers))
    default = next(h.default for h in info if h.name == name)
    pairs = tuple((k, v) for k, v in getattr(run, field) if k != name)
    return replace(run, **{field: pairs if value == default else (*pairs, (name, value))})


def family_values(k: Knob, current: float, span: str, size: int = FAMILY_SIZE) -> tuple[np.ndarray, int]:
    """(sorted values, index of `current` among them): `size` points over the span, evenly spaced on the
    knob's scale on either side of `current`, which is one of them, each rounded as links round (fewer
    where the span is too narrow for `size` distinct rounded values)."""
    if span not in SPANS:
        raise ValueError(f"span must be one of {', '.join(SPANS)}, got {span!r}")
    if not k.low <= current <= k.high:
        raise ValueError(f"{k.label} = {current:g} is outside [{k.low:g}, {k.high:g}]")
    if k.log:
        scale, unscale = np.log10, lambda u: 10.0**u
        reach = NEAR_DECADES
    else:
        scale, unscale = (lambda v: np.asarray(v, float)), (lambda u: u)
        reach = NEAR_SHARE * (k.high - k.low)
    lo, hi, at = float(scale(k.low)), float(scale(k.high)), float(scale(current))
    if span == "near":
        lo, hi = max(lo, at - reach), min(hi, at + reach)
    below = round((size - 1) * (at - lo) / (hi - lo)) if hi > lo else 0  # intervals below the value
    below = min(max(below, int(at > lo)), size - 1 - int(at < hi))  # both ends of the span are members
    grid = np.concatenate([np.linspace(lo, at, below + 1)[:-1], np.linspace(at, hi, size - below)[1:]])
    rounded = np.array([float(fmt(v)) for v in unscale(grid)])
    values = np.unique(np.append(rounded[(rounded >= k.low) & (rounded <= k.high)], current))
    return values, int(np.searchsorted(values, current))


def family(s: Scenario, i: int, key: str, values: np.ndarray) -> Iterator[RunRecord]:
    """Run i of `s` once per value of knob `key` (api.family, lazily): member k is the run a link with that value makes."""
    run = s.runs[i]
    knob(run, key)
    param = "learning_rate" if key == "lr" else key
    return api.family(s.landscape, run.optimizer, param, [float(v) for v in values], **s.engine_kwargs(i))


def run_query(s: Scenario, i: int) -> str:
    """What a family request says of run i: what decides its numbers, as a link writes it (url-encoded)."""
    return urlencode(to_query(s.compute_key(i)))


def tuned(s: Scenario, changes: Any) -> Scenario | None:
    """`s` with the values a scrub committed — untrusted: a list of {"run": i, "query": run_query of the run
    the scrub showed, "knob": key, "value": v} — each rounded as links round; None when nothing applies
    (a change about a run that has changed since, a malformed one). Out-of-range values are left for
    `Scenario.validate` to refuse."""
    if not isinstance(changes, list):
        return None
    runs = list(s.runs)
    for change in changes:
        if not isinstance(change, dict):
            return None
        i, key, value = change.get("run"), change.get("knob"), change.get("value")
        if not (isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(s.runs) and isinstance(key, str)
                and isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)):
            return None
        if change.get("query") != run_query(s, i) or key not in {k.key for k in knobs(s.runs[i])}:
            return None
        runs[i] = with_value(runs[i], key, float(fmt(value)))
    return replace(s, runs=tuple(runs)) if changes else None
