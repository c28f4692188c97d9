"""Sweeps: many independent runs of one optimizer, each with its own start and swept values.

A *lane* is one trajectory with its own start point and its own value of every swept parameter
(the learning rate and/or hyperparameters). Lanes are laid out like `final_points`' batch —
coordinates on axis 0, lanes on axis 1 — and swept values travel as (N,) arrays that broadcast
against the positions, so a 256 × 256 basin map runs as one batch with no vmap, sharded over all
local devices. Lanes run in fixed-size chunks (the last one padded), so one compiled program
serves every grid of starts, and a page can show progress and stop between chunks. A heat map
(`grid_chunks`) keeps its two axes, so a value swept along one axis is one number per row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator, Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from gradscape import optimizers
from gradscape import schedules
from gradscape.trajectories import api, budget, costs, engine

CHUNKS = (1024, 16384)  # lanes per compiled call: small sweeps pad to the first, large ones run in the second
MAX_LANES = 512 * 512
MAX_WORK = 2**29  # lanes × steps per request, in steps as costly as costs.SWEEP_REFERENCE's (512² starts × 4 optimizers × 500 steps ≈ 2 s on 2 cores): no stalled class server


@dataclass(frozen=True)
class LaneRecord:
    """End state of N lanes: final positions (N, 2), loss there, status and event step (N,)."""

    positions: np.ndarray
    loss: np.ndarray
    status: np.ndarray
    event_step: np.ndarray

    @staticmethod
    def concat(parts: Sequence["LaneRecord"]) -> "LaneRecord":
        return LaneRecord(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("positions", "loss", "status", "event_step")))


def work(landscape: str, lanes: int, steps: int) -> float:
    """What `lanes` runs of `steps` steps on `landscape` weigh against MAX_WORK: a step on a costlier
    landscape than the reference counts as several (trajectories/costs.py)."""
    return lanes * steps * costs.relative_cost(landscape)


def over_work(landscape: str, lanes: int, steps: int) -> str:
    """Why `lanes` runs of `steps` steps on `landscape` are over MAX_WORK, in words; '' when they are within."""
    if work(landscape, lanes, steps) <= MAX_WORK:
        return ""
    factor = costs.relative_cost(landscape)
    costly = f", each as costly as {factor:.2g} steps on most built-in landscapes," if factor > 1 else ""
    return f"{lanes:,} runs × {steps:,} steps = {lanes * steps:,} steps{costly} is over the cap of {MAX_WORK:,} per request"


def check_work(landscape: str, lanes: int, steps: int) -> None:
    """Raise ValueError, in words, when one call is over the per-request caps."""
    if not 1 <= lanes <= MAX_LANES:
        raise ValueError(f"a sweep runs 1 to {MAX_LANES:,} runs at once, asked for {lanes:,}")
    problem = over_work(landscape, lanes, steps)
    if problem:
        raise ValueError(problem)


def _check_values(optimizer: str, name: str, values: np.ndarray) -> np.ndarray:
    """The swept values of one parameter, checked at once against the rule a single run applies."""
    opt = optimizers.get(optimizer)
    if name == "learning_rate":
        (lo, hi), label, integer = engine.LR_RANGE, "learning_rate", False
    elif name in opt.defaults():
        h = opt.hyper(name)
        (lo, hi), label, integer = (h.low, h.high), f"{opt.name}: parameter '{name}'", h.integer
    else:
        raise ValueError(f"{opt.name}: unknown parameter '{name}' (known: learning_rate, {', '.join(opt.defaults())})")
    v = np.asarray(values, dtype=float).reshape(-1)
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{label} must be finite")
    bad = (v < lo) | (v > hi) | ((v != np.round(v)) if integer else False)
    if np.any(bad):
        raise ValueError(f"{label} = {v[np.argmax(bad)]:g} is outside [{lo:g}, {hi:g}]" + (" or not whole" if integer else ""))
    return v


def chunk_size(n: int) -> int:
    """Lanes per compiled call for a sweep of n lanes."""
    return CHUNKS[0] if n <= CHUNKS[0] else CHUNKS[1]


def _program(landscape: str, optimizer: str, starts: np.ndarray, kwargs: dict):
    """Validate the settings every lane shares; the prepared inputs and the compiled final-only
    program (each lane its own run: a loss-driven schedule reads the lane's own loss)."""
    prepared = api.prepare(landscape, optimizer, starts=starts, record=False, **kwargs)
    program = replace(prepared.program, independent=schedules.get(prepared.program.schedule).stateful)
    return prepared, engine.compiled(program)


def _run_chunk(run, prepared, landscape: str, start: jax.Array, lane: dict, keep: int) -> LaneRecord:
    """One compiled call over a chunk of lanes (any trailing shape); the first `keep` lanes, flattened row-major."""
    lr = lane.pop("learning_rate", prepared.inputs.lr)
    inputs = prepared.inputs._replace(start=start, lr=lr, hyper={**prepared.inputs.hyper, **lane})
    final = run(inputs)
    loss = engine.loss_at(landscape, final.position, inputs.steps)
    d = final.position.shape[0]
    return LaneRecord(
        positions=np.asarray(final.position).reshape(d, -1).T[:keep],
        loss=np.asarray(loss).reshape(-1)[:keep],
        status=np.asarray(final.status).reshape(-1)[:keep],
        event_step=np.asarray(final.event_step).reshape(-1)[:keep],
    )


def lane_chunks(
    landscape: str,
    optimizer: str,
    starts: np.ndarray,
    vary: Mapping[str, Sequence[float]],
    **kwargs,
) -> Iterator[tuple[int, int, LaneRecord]]:
    """Run lane i from starts[i] with vary[name][i]; yield (lanes done, lanes in all, this chunk's record).

    Keyword arguments are those of `api.prepare` (hyper, learning_rate, schedule, schedule_params,
    steps, tol, dtype) and hold for every lane. Everything is validated before the first chunk runs.
    """
    starts = np.asarray(starts, dtype=float)
    n = len(starts)
    check_work(landscape, n, int(kwargs.get("steps", 500)))
    values = {name: _check_values(optimizer, name, v) for name, v in vary.items()}
    for name, v in values.items():
        if len(v) != n:
            raise ValueError(f"'{name}' has {len(v)} values for {n} start points; give one per lane")
    prepared, run = _program(landscape, optimizer, starts, kwargs)
    size = chunk_size(n)
    shardings = engine.lane_sharding(size)
    dtype = prepared.inputs.lr.dtype
    for lo in range(0, n, size):
        idx = np.minimum(np.arange(lo, lo + size), n - 1)  # the last chunk repeats its last lane
        lane = {name: jnp.asarray(v[idx], dtype) for name, v in values.items()}
        start = jnp.asarray(starts[idx].T, dtype)
        if shardings is not None:
            start = jax.device_put(start, shardings[0])
            lane = {name: jax.device_put(v, shardings[1]) for name, v in lane.items()}
        keep = min(size, n - lo)
        with budget.charged():  # chunk by chunk: a session over its CPU budget stops between two
            record = _run_chunk(run, prepared, landscape, start, lane, keep)
        yield lo + keep, n, record


def grid_chunks(
    landscape: str,
    optimizer: str,
    start: tuple[float, float],
    x: tuple[str, Sequence[float]],
    y: tuple[str, Sequence[float]],
    **kwargs,
) -> Iterator[tuple[int, int, LaneRecord]]:
    """Lanes on a product grid from one start: lane (i, j) has y's i-th and x's j-th value, in
    row-major order; yields like `lane_chunks`, a block of whole rows at a time.

    The grid keeps its two axes — positions (2, rows, nx), x's values (nx,), y's (rows, 1) —
    so a per-lane power such as β1^t costs one value per row, not one per cell.
    """
    (x_name, x_values), (y_name, y_values) = x, y
    if x_name == y_name:
        raise ValueError(f"both axes sweep '{x_name}': choose two different parameters")
    xv, yv = _check_values(optimizer, x_name, x_values), _check_values(optimizer, y_name, y_values)
    nx, ny = len(xv), len(yv)
    check_work(landscape, nx * ny, int(kwargs.get("steps", 500)))
    prepared, run = _program(landscape, optimizer, np.asarray([start], float), kwargs)
    rows = max(1, min(ny, CHUNKS[1] // nx))
    shardings = engine.lane_sharding(rows, grid=True)
    dtype = prepared.inputs.lr.dtype
    p0 = jnp.asarray(np.broadcast_to(np.asarray(start, float)[:, None, None], (2, rows, nx)), dtype)
    columns = jnp.asarray(xv, dtype)
    if shardings is not None:
        p0 = jax.device_put(p0, shardings[0])
    for lo in range(0, ny, rows):
        idx = np.minimum(np.arange(lo, lo + rows), ny - 1)  # the last block repeats its last row
        row_values = jnp.asarray(yv[idx][:, None], dtype)
        if shardings is not None:
            row_values = jax.device_put(row_values, shardings[1])
        keep = min(rows, ny - lo)
        with budget.charged():
            record = _run_chunk(run, prepared, landscape, p0, {x_name: columns, y_name: row_values}, keep * nx)
        yield (lo + keep) * nx, ny * nx, record


def lanes(landscape: str, optimizer: str, starts: np.ndarray, vary: Mapping[str, Sequence[float]], **kwargs) -> LaneRecord:
    """All lanes of `lane_chunks` in one record."""
    return LaneRecord.concat([rec for _, _, rec in lane_chunks(landscape, optimizer, starts, vary, **kwargs)])
