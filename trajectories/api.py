"""The engine's public calls: validate at the boundary, then run a compiled program.

Every argument is checked here, before any JAX code runs, and a bad one raises ValueError
naming the parameter. Results come back as NumPy arrays, trajectories first. The work is
charged to whoever asked for it (budget.py), who is refused once over their CPU budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from gradscape import landscapes
from gradscape import optimizers
from gradscape import schedules
from gradscape.trajectories import budget, ends, engine, typed
from gradscape.trajectories.engine import Inputs, Program

MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class RunRecord:
    """Per-step record of N trajectories over `steps` updates (index 0 of positions is the start)."""

    positions: np.ndarray  # (N, T+1, 2)
    losses: np.ndarray  # (N, T+1)
    grads: np.ndarray  # (N, T, 2): the gradient (estimate) each update used
    lrs: np.ndarray  # (N, T)
    effective: np.ndarray  # (N, T, 2): |update| / |gradient| per coordinate
    aux: np.ndarray | None  # (N, T+1, 2): a second path (Lookahead's slow weights, SWA's mean)
    status: np.ndarray  # (N,): end state (engine.STATUS_NAMES), trajectories/ends.py
    event_step: np.ndarray  # (N,): the step it diverged or left, or since which it has rested; 0 while moving
    steps: int
    state: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (N, T, d), with record_state

    def status_text(self, i: int = 0) -> str:
        """'diverged at step 37', 'left the map at step 22', 'at a saddle since step 60', 'still moving'."""
        return status_text(int(self.status[i]), int(self.event_step[i]))


def status_text(code: int, step: int) -> str:
    """An end state in words, with its step."""
    name = engine.STATUS_NAMES[code]
    if code in (engine.RUNNING, engine.BARELY_MOVING):  # a slow crawl has no step it 'arrived' at
        return name
    return f"{name} at step {step}" if code in (engine.DIVERGED, engine.LEFT_DOMAIN) else f"{name} since step {step}"


@dataclass(frozen=True)
class FinalRecord:
    """End state only (basin maps, sweeps): positions (…, N, 2), status, event step."""

    positions: np.ndarray
    status: np.ndarray
    event_step: np.ndarray


def _finite(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def _check_steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise ValueError(f"steps must be a whole number, got {steps!r}")
    if steps <= 0:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if steps > engine.MAX_STEPS:
        raise ValueError(f"steps = {steps} is over the cap of {engine.MAX_STEPS}")
    return int(steps)


def _check_lr(lr: float) -> float:
    v = _finite("learning_rate", lr)
    lo, hi = engine.LR_RANGE
    if v <= 0:
        raise ValueError(f"learning_rate must be positive, got {v:g}")
    if not lo <= v <= hi:
        raise ValueError(f"learning_rate = {v:g} is outside [{lo:g}, {hi:g}]")
    return v


def _check_dtype(dtype: str) -> str:
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return dtype


def _check_starts(prob: landscapes.Problem, starts: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """(N, d) start points of `prob`: each its `dimension` coordinates (a 1-D problem's may be bare numbers), allowed by it."""
    d = prob.dimension
    arr = np.asarray(starts, dtype=float) if len(starts) else np.zeros((0, d))
    if d == 1 and arr.ndim < 2:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(f"start points of {prob.name} are {d}-D, got shape {arr.shape}")
    if not 1 <= len(arr) <= engine.MAX_STARTS:
        raise ValueError(f"number of start points must be in [1, {engine.MAX_STARTS}], got {len(arr)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("start points must be finite numbers")
    error = prob.start_error(arr)
    if error is not None:
        raise ValueError(error)
    return arr


@dataclass(frozen=True)
class _Prepared:
    program: Program
    inputs: Inputs
    steps: int
    n: int
    landscape: str  # the key asked for (a typed landscape's program knows only its form)


def prepare(
    landscape: str,
    optimizer: str,
    *,
    starts: Sequence[Sequence[float]] | np.ndarray | None = None,
    hyper: dict[str, float] | None = None,
    learning_rate: float | None = None,
    schedule: str = "constant",
    schedule_params: dict[str, float] | None = None,
    steps: int = 500,
    noise: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    dtype: str = "float32",
    tol: float | None = None,  # the ‖∇f‖ tolerance of final-only programs (STATIONARY)
    record: bool = True,
    record_state: bool = False,
) -> _Prepared:
    """Validate everything and build the Program key and traced inputs (no JAX compute)."""
    prob = typed.problem(landscape)
    opt = optimizers.get(optimizer)
    sched = schedules.get(schedule)
    hp = opt.resolve(hyper)
    sp = sched.resolve(schedule_params)
    lr = _check_lr(opt.default_lr if learning_rate is None else learning_rate)
    steps = _check_steps(steps)
    dtype = _check_dtype(dtype)
    if starts is None:
        starts = [prob.default_start]
    arr = _check_starts(prob, starts)
    noise = _finite("noise", noise)
    if not 0 <= noise <= engine.MAX_NOISE:
        raise ValueError(f"noise must be in [0, {engine.MAX_NOISE:g}], got {noise:g}")
    n_data = 0 if prob.data is None else prob.data.size
    if batch_size is not None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise ValueError(f"batch_size must be a whole number, got {batch_size!r}")
        if n_data == 0:
            raise ValueError(f"batch_size applies only to data landscapes; {landscape} has no data set")
        if not 1 <= batch_size <= n_data:
            raise ValueError(f"batch_size must be in [1, {n_data}], got {batch_size}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be a whole number in [0, {MAX_SEED}], got {seed!r}")
    tol = engine.DEFAULT_TOL[dtype] if tol is None else _finite("tol", tol)
    if tol < 0:
        raise ValueError(f"tol must be ≥ 0, got {tol:g}")

    minibatch = batch_size is not None and batch_size < n_data
    name, form, numbers = engine.program_of(landscape)
    program = Program(name, optimizer, schedule, engine.bucket_for(steps), dtype, noise > 0, minibatch, record, record and record_state,
                      form=form)
    jdt = jnp.dtype(dtype)
    # One recorded trajectory runs as shape (d,), not (d, 1): XLA's CPU loop over a trailing
    # axis of length 1 costs ≈ 25 µs more per call (the host adds the axis back).
    start = arr[0] if record and len(arr) == 1 else arr.T
    inputs = Inputs(
        start=jnp.asarray(start, jdt),
        hyper={k: jnp.asarray(v, jdt) for k, v in hp.items()},
        schedule={k: jnp.asarray(v, jdt) for k, v in sp.items()},
        lr=jnp.asarray(lr, jdt),
        steps=jnp.asarray(steps, jnp.int32),
        noise=jnp.asarray(noise, jdt),
        batch_size=jnp.asarray(batch_size or max(n_data, 1), jnp.int32),
        key=jax.random.PRNGKey(seed),
        tol=jnp.asarray(tol, jdt),
        numbers=jnp.asarray(numbers, jdt),
    )
    return _Prepared(program, inputs, steps, len(arr), landscape)


def _first_events(events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(status, step) of each trajectory's first event in a (T+1, N) array of event codes."""
    fired = events != engine.RUNNING
    step = np.argmax(fired, axis=0)
    has = fired.any(axis=0)
    status = np.where(has, np.take_along_axis(events, step[None], axis=0)[0], engine.RUNNING)
    return status, np.where(has, step, 0)


def _held(series: np.ndarray, status: np.ndarray, step: np.ndarray) -> np.ndarray:
    """(T+1, …, N) series with every row after an event replaced by the last good row."""
    last_good = np.maximum(step - 1, 0)
    idx = np.arange(series.shape[0])[:, None]
    source = np.where((status != engine.RUNNING) & (idx > last_good), last_good, idx)  # (T+1, N)
    source = source.reshape(source.shape[:1] + (1,) * (series.ndim - 2) + source.shape[1:])
    return np.take_along_axis(series, np.broadcast_to(source, series.shape), axis=0)


def _per_trajectory(a: np.ndarray) -> np.ndarray:
    """(T, d, N) -> (N, T, d)."""
    return np.moveaxis(a, -1, 0)


def _to_record(trace, prepared: _Prepared) -> RunRecord:
    """Judge events with the engine's own rule (in NumPy), hold after them, derive steps, name the ends."""
    T = prepared.steps
    if np.ndim(prepared.inputs.start) == 1:  # a single trajectory ran without its batch axis
        trace = trace._replace(**{name: jax.tree_util.tree_map(lambda a: np.asarray(a)[..., None], getattr(trace, name))
                                  for name in ("position", "loss", "grad", "used", "aux", "state")})
        prepared = replace(prepared, inputs=prepared.inputs._replace(start=np.asarray(prepared.inputs.start)[:, None]))
    start = np.asarray(prepared.inputs.start)
    positions = np.concatenate([start[None], np.asarray(trace.position)[:T]])  # (T+1, d, N)
    losses = np.asarray(trace.loss)[: T + 1]
    grads = np.asarray(trace.grad)[: T + 1]
    domain = engine.objective(prepared.program.landscape, prepared.program.form).domain
    with np.errstate(invalid="ignore", over="ignore"):
        events = engine.classify(np, np.moveaxis(positions, 1, 0), domain, losses)
        status, step = _first_events(events.astype(np.int32))
        positions, losses, grads = (_held(a, status, step) for a in (positions, losses, grads))
        moved = np.abs(np.diff(positions, axis=0))
        used = grads[:T] if isinstance(trace.used, tuple) else np.asarray(trace.used)[:T]
        used = np.where(moved > 0, used, 0.0)
        effective = moved / np.maximum(np.abs(used), np.finfo(positions.dtype).tiny)
    lrs = np.asarray(trace.lr)[:T]
    lrs = np.broadcast_to(lrs.reshape(lrs.shape[:1] + (-1,)), (T, positions.shape[-1]))
    aux = None
    if not isinstance(trace.aux, tuple):
        aux = _held(np.concatenate([start[None], np.asarray(trace.aux)[:T]]), status, step)
    positions = _per_trajectory(positions)
    status, step = ends.end_states(prepared.landscape, positions, status, step, T)
    return RunRecord(
        positions=positions,
        losses=losses.T,
        grads=_per_trajectory(used),
        lrs=lrs.T,
        effective=_per_trajectory(effective),
        aux=None if aux is None else _per_trajectory(aux),
        status=status,
        event_step=step,
        steps=T,
        state={name: _per_trajectory(np.asarray(leaf)[:T]) for name, leaf in trace.state.items()},
    )


def run(landscape: str, optimizer: str, **kwargs) -> RunRecord:
    """Run one optimizer from one or more start points and record every step.

    Keyword arguments are those of `prepare` (hyper, learning_rate, schedule, schedule_params,
    starts, steps, noise, batch_size, seed, dtype, record_state) but `tol`: a recorded path runs every
    step and is named by where it ends (ends.py), so it has no ‖∇f‖ tolerance.
    """
    if "tol" in kwargs:
        raise ValueError("tol (the ‖∇f‖ tolerance) applies to final_points and sweep only; a recorded run has none")
    prepared = prepare(landscape, optimizer, record=True, **kwargs)
    with budget.charged():
        return _to_record(engine.compiled(prepared.program)(prepared.inputs), prepared)


def final_points(landscape: str, optimizer: str, **kwargs) -> FinalRecord:
    """Only where each of many trajectories ends (basin maps): sharded over all local devices."""
    prepared = prepare(landscape, optimizer, record=False, **kwargs)
    inputs = prepared.inputs
    sharding = engine.batch_sharding(prepared.n)
    if sharding is not None:
        inputs = inputs._replace(start=jax.device_put(inputs.start, sharding))
    with budget.charged():
        final = engine.compiled(prepared.program)(inputs)
        return FinalRecord(
            positions=np.asarray(final.position).T,
            status=np.asarray(final.status),
            event_step=np.asarray(final.event_step),
        )


def sweep(landscape: str, optimizer: str, vary: dict[str, Sequence[float]], *, record: bool = False, **kwargs):
    """Run once per value of the swept hyperparameters (all `vary` arrays of equal length M).

    `vary` names optimizer hyperparameters and/or 'learning_rate'. One vmapped call; results
    have a leading axis M. Returns a FinalRecord, or with record=True a list of RunRecords.
    """
    if not vary:
        raise ValueError("vary must name at least one hyperparameter")
    lengths = {len(v) for v in vary.values()}
    if len(lengths) != 1:
        raise ValueError("every swept parameter needs the same number of values")
    m = lengths.pop()
    if not 1 <= m <= engine.MAX_SWEEP:
        raise ValueError(f"number of swept values must be in [1, {engine.MAX_SWEEP}], got {m}")
    opt = optimizers.get(optimizer)
    for name in vary:
        if name != "learning_rate" and name not in opt.defaults():
            raise ValueError(f"{opt.name}: unknown parameter '{name}' (known: learning_rate, {', '.join(opt.defaults())})")
    # Validate every swept value through the same checks as a single run.
    for i in range(m):
        one = {k: float(v[i]) for k, v in vary.items()}
        lr = one.pop("learning_rate", kwargs.get("learning_rate"))
        prepare(landscape, optimizer, **{**kwargs, "hyper": {**(kwargs.get("hyper") or {}), **one}, "learning_rate": lr, "record": False})
    prepared = prepare(landscape, optimizer, record=record, **kwargs)
    jdt = prepared.inputs.lr.dtype
    hyper = dict(prepared.inputs.hyper)
    lr = prepared.inputs.lr
    for name, values in vary.items():
        arr = jnp.asarray(np.asarray(values, float), jdt)
        if name == "learning_rate":
            lr = arr
        else:
            hyper[name] = arr
    inputs = prepared.inputs._replace(hyper=hyper, lr=lr)
    with budget.charged():
        out = engine.compiled(prepared.program, tuple(sorted(vary)))(inputs)
        if record:
            return [_to_record(jax.tree_util.tree_map(lambda a: a[i], out), prepared) for i in range(m)]
        return FinalRecord(
            positions=np.moveaxis(np.asarray(out.position), 1, -1),
            status=np.asarray(out.status),
            event_step=np.asarray(out.event_step),
        )


def _varied(prepared: _Prepared, optimizer: str, schedule: str, param: str) -> tuple[str, str, Callable[[float], float]]:
    """Where `param` lives in the traced inputs — ('lr', '', check), ('hyper', name, check) or
    ('schedule', name, check) — with the check a single run applies to its values."""
    if param == "learning_rate":
        return "lr", "", _check_lr
    if param.startswith("s."):
        sched = schedules.get(schedule)
        by_name = {h.name: h for h in sched.params}
        name = param[2:]
        if name not in by_name:
            raise ValueError(f"schedule {sched.name}: unknown parameter '{name}' (known: {', '.join(by_name) or 'none'})")
        return "schedule", name, lambda v: by_name[name].check(v, f"schedule {sched.name}")
    opt = optimizers.get(optimizer)
    if param not in prepared.inputs.hyper:
        raise ValueError(f"{opt.name}: unknown parameter '{param}' (known: learning_rate, {', '.join(opt.defaults())})")
    return "hyper", param, lambda v: opt.hyper(param).check(v, opt.name)


FAMILY_CHUNK = 2**21  # trajectory-steps judged at once: a family of 16 starts × 5000 steps is judged a few members at a time


def family(landscape: str, optimizer: str, param: str, values: Sequence[float], **kwargs) -> Iterator[RunRecord]:
    """`run` once per value of one setting: 'learning_rate', an optimizer hyperparameter, or a schedule
    parameter written 's.<name>' as links write it; the other keyword arguments are `run`'s. Yields the
    records in the order of `values` (everything is validated before the first is computed).

    Each member is the run's own compiled program on the run's own inputs with only that traced value
    changed, dispatched back to back: bit for bit what `run` returns for that value (a vmapped batch
    rounds differently in the last bits, which a chaotic path grows into a visibly different one, and
    compiles a program of its own). The records are judged a chunk of members at a time (FAMILY_CHUNK),
    in one pass per chunk, so memory stays bounded whatever the run's size.
    """
    if "tol" in kwargs:
        raise ValueError("tol (the ‖∇f‖ tolerance) applies to final_points and sweep only; a recorded run has none")
    if not 1 <= len(values) <= engine.MAX_SWEEP:
        raise ValueError(f"number of values must be in [1, {engine.MAX_SWEEP}], got {len(values)}")
    prepared = prepare(landscape, optimizer, record=True, **kwargs)
    where, name, check = _varied(prepared, optimizer, kwargs.get("schedule", "constant"), param)
    inputs, dtype = prepared.inputs, prepared.inputs.lr.dtype
    checked = [np.asarray(check(v), dtype) for v in values]  # NumPy scalars: a jnp.asarray each costs ≈ 0.1 ms
    if where == "lr":
        members = [inputs._replace(lr=v) for v in checked]
    else:
        members = [inputs._replace(**{where: {**getattr(inputs, where), name: v}}) for v in checked]
    return _judged(prepared, members)


def _judged(prepared: _Prepared, members: list[Inputs]) -> Iterator[RunRecord]:
    """Each member's record: a chunk's runs dispatched, read back together and judged in one pass."""
    fn = engine.compiled(prepared.program)
    n, inputs = prepared.n, prepared.inputs
    single = np.ndim(inputs.start) == 1
    start = np.asarray(inputs.start).reshape(inputs.start.shape[0], -1)

    def stacked(parts, per_run: bool = False):
        """Members side by side on the trajectory axis (a single start's missing axis added)."""
        arrays = [np.asarray(a) for a in parts]
        if per_run:  # one rate row per member: each of its trajectories follows it
            arrays = [np.broadcast_to(a.reshape(a.shape[:1] + (-1,)), a.shape[:1] + (n,)) for a in arrays]
        elif single:
            arrays = [a[..., None] for a in arrays]
        return np.concatenate(arrays, axis=-1)

    chunk = max(1, FAMILY_CHUNK // (n * (prepared.steps + 1)))
    for lo in range(0, len(members), chunk):
        with budget.charged():  # dispatched asynchronously, then read back together
            traces = [fn(m) for m in members[lo:lo + chunk]]
            jax.block_until_ready(traces)
        first = traces[0]
        trace = engine.Trace(
            position=stacked([t.position for t in traces]), loss=stacked([t.loss for t in traces]),
            grad=stacked([t.grad for t in traces]),
            used=() if isinstance(first.used, tuple) else stacked([t.used for t in traces]),
            lr=stacked([t.lr for t in traces], per_run=True),
            aux=() if isinstance(first.aux, tuple) else stacked([t.aux for t in traces]), state={},
        )
        together = replace(prepared, inputs=inputs._replace(start=np.tile(start, (1, len(traces)))), n=n * len(traces))
        rec = _to_record(trace, together)
        yield from (_slice(rec, k * n, (k + 1) * n) for k in range(len(traces)))


def _slice(rec: RunRecord, lo: int, hi: int) -> RunRecord:
    """Trajectories lo … hi-1 of a record."""
    arrays = {f: getattr(rec, f)[lo:hi] for f in ("positions", "losses", "grads", "lrs", "effective", "status", "event_step")}
    return replace(rec, **arrays, aux=None if rec.aux is None else rec.aux[lo:hi],
                   state={k: v[lo:hi] for k, v in rec.state.items()})


def landscape_grid(key: str, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(xs, ys, Z) of a landscape on an n×n grid, float32, Z[i, j] = f(xs[j], ys[i])."""
    if not 2 <= n <= engine.MAX_GRID:
        raise ValueError(f"grid size must be in [2, {engine.MAX_GRID}], got {n}")
    xs, ys, z = engine.landscape_grid(key, n)
    return np.asarray(xs), np.asarray(ys), np.asarray(z)


def schedule_curve(
    key: str,
    steps: int,
    learning_rate: float,
    params: dict[str, float] | None = None,
    losses: Sequence[float] | None = None,
) -> np.ndarray:
    """The rate η_k of schedule `key` for each update k = 0 … steps-1 (float64).

    A loss-driven schedule (reduce-on-plateau) reads `losses`, one per update; without them it
    sees a flat loss, the case where it decays fastest.
    """
    info = schedules.get(key)
    resolved = info.resolve(params)
    steps = _check_steps(steps)
    lr = _check_lr(learning_rate)
    if losses is None:
        losses = np.ones(steps)
    losses = np.asarray(losses, float)
    if losses.shape != (steps,) or not np.all(np.isfinite(losses)):
        raise ValueError(f"losses must be {steps} finite numbers, one per update")
    return np.asarray(engine.schedule_curve(key, steps, lr, resolved, losses))[:steps]
