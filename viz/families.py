"""A run's family (trajectories/families.py) in the form the player's scrub reads: one JSON document,
each member packed as the player's runs are (viz/player.py: thinned, float32, base64), only thinner —
MEMBER_SLICES slices per run, shared among its starts — so that 6 runs × 64 members × 1000 steps stay
within 2 MB. The run's own member is in it too: the player shows the run itself there.

Families are cached like runs (an LRU bounded in bytes, keyed by the run's compute key, the knob and
the span), with the document and its gzip encoding ready to send. No Streamlit here.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass

import numpy as np

from gradscape.memo import ByteLRU
from gradscape.trajectories import engine, families
from gradscape.trajectories.scenario import Scenario
from gradscape.viz.player import record_trace

MEMBER_SLICES = 96  # per member, shared among the run's starts (viz/thinning.py); a run's own payload has 256 per start
MIN_SLICES = 16
FAMILY_CACHE_BYTES = 64 * 2**20  # a family of 64 values × 1000 steps of one run, one start ≈ 0.3 MB (its JSON, plain and gzipped)
LOST = (engine.DIVERGED, engine.LEFT_DOMAIN)


@dataclass(frozen=True)
class FamilyTrace:
    """A family's values, the index of the run's own, and the document the player reads (plain and gzipped)."""

    values: np.ndarray
    index: int
    body: bytes
    gzipped: bytes


def member_slices(starts: int) -> int:
    """Slices per trajectory of a member: MEMBER_SLICES shared among the starts, at least MIN_SLICES."""
    return max(MIN_SLICES, MEMBER_SLICES // starts)


def _finite(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


def _family(key: tuple[Scenario, str, str]) -> FamilyTrace:
    s, knob_key, span = key
    run = s.runs[0]
    k = families.knob(run, knob_key)
    values, index = families.family_values(k, families.value_of(run, knob_key), span)
    slices = member_slices(len(s.start_points))
    members, final, lost = [], [], []
    for rec in families.family(s, 0, knob_key, values):  # one member's record at a time
        t = record_trace(rec, slices)
        status = [rec.status_text(j) for j in range(len(rec.losses))]
        members.append({"digest": t.digest, "n": len(status), "status": status, **t.arrays, **t.offsets})
        final.append([_finite(v) for v in rec.losses[:, -1]])
        lost.append([int(code in LOST) for code in rec.status])
    doc = {"knob": knob_key, "label": k.label, "log": k.log, "span": span, "values": values.tolist(), "current": index,
           "final": final, "lost": lost, "members": members}
    body = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode()
    return FamilyTrace(values, index, body, gzip.compress(body, compresslevel=1, mtime=0))


_CACHE = ByteLRU(FAMILY_CACHE_BYTES)


def family_trace(s: Scenario, i: int, knob: str, span: str) -> FamilyTrace:
    """Run i's family over `knob` (its link key: 'lr', 'b1', 's.min_ratio') in `span` (cached); raises
    ValueError for a knob the run lacks, a bad span or settings the engine refuses."""
    if span not in families.SPANS:
        raise ValueError(f"span must be one of {', '.join(families.SPANS)}, got {span!r}")
    key = s.compute_key(i)
    families.knob(key.runs[0], knob)
    return _CACHE.get((key, knob, span), _family)
