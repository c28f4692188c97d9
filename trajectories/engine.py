"""The trajectory engine: a scenario's runs as one jit-compiled `lax.scan`.

One compiled program exists per `Program` (optimizer, landscape, schedule, step bucket, dtype,
stochastic flags, record mode); everything a user moves — hyperparameters, schedule
parameters, learning rate, start points, steps within the bucket, noise σ, batch size, seed —
is a traced argument, so a slider move never compiles.

Layout: positions are (2, N): coordinates on axis 0, trajectories on axis 1. The landscapes and
optimizers are element-wise over the trailing axis, so a batch of N starts advances with no vmap
and every per-step scalar (β^t, the schedule value) is computed once for all N. Hyperparameter
sweeps vmap that program over the swept values.

After an event (converged, diverged, left the domain) a trajectory's position is held, so the
records never contain NaN positions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

import landscapes
import optimizers
import schedules
from landscapes.base import Landscape, OnlineProblem
from optimizers.base import coord_sum, tree_map

RUNNING, CONVERGED, DIVERGED, LEFT_DOMAIN = 0, 1, 2, 3
STATUS_NAMES = {RUNNING: "still moving", CONVERGED: "converged", DIVERGED: "diverged", LEFT_DOMAIN: "left the domain"}

STEP_BUCKETS = (100, 200, 500, 1000, 2000, 5000)
MAX_STEPS = STEP_BUCKETS[-1]
MAX_STARTS = 65536 * 4
MAX_SWEEP = 4096
MAX_NOISE = 100.0
LR_RANGE = (1e-6, 100.0)
DIVERGENCE_BOUND = 1e12
DOMAIN_MARGIN = 0.5
DEFAULT_TOL = {"float32": 1e-5, "float64": 1e-8}


def bucket_for(steps: int) -> int:
    """The smallest compiled scan length that holds `steps` updates."""
    for b in STEP_BUCKETS:
        if steps <= b:
            return b
    raise ValueError(f"steps = {steps} is over the cap of {MAX_STEPS}")


@dataclass(frozen=True)
class Program:
    """Everything that decides the compiled program's shape: its cache key."""

    landscape: str
    optimizer: str
    schedule: str
    bucket: int
    dtype: str
    noisy: bool
    minibatch: bool
    record: bool
    record_state: bool = False


class Inputs(NamedTuple):
    """The traced arguments of a compiled program."""

    start: jax.Array  # (2, N)
    hyper: dict
    schedule: dict
    lr: jax.Array
    steps: jax.Array
    noise: jax.Array
    batch_size: jax.Array
    key: jax.Array
    tol: jax.Array


class Trace(NamedTuple):
    """Per-step record (record mode), time on axis 0. Index 0 of position/loss is the start."""

    position: jax.Array  # (S+1, d, N)
    loss: jax.Array  # (S+1, N)
    grad: jax.Array  # (S, d, N): the gradient (estimate) each update used
    lr: jax.Array  # (S, N)
    effective: jax.Array  # (S, d, N): |update| / |gradient|
    aux: Any  # (S+1, d, N) or ()
    state: dict  # name -> (S, d, N): the optimizer's params-shaped buffers after each update


class Final(NamedTuple):
    """End state of every trajectory; after divergence the position is the offending point."""

    position: jax.Array
    status: jax.Array
    event_step: jax.Array


class _Objective(NamedTuple):
    value: Callable  # (p, t) -> loss, t counted from 1
    project: Callable | None
    domain: tuple | None
    sample_loss: Callable | None


def _objective(name: str) -> _Objective:
    if name == landscapes.REDDI.key:
        prob: OnlineProblem = landscapes.REDDI
        return _Objective(prob.f, prob.project, None, None)
    ls: Landscape = landscapes.get(name)
    sample = ls.data.weighted_loss if ls.data is not None else None
    return _Objective(lambda p, t: ls.f(p), None, ls.domain, sample)


def _inside(p: jax.Array, domain: tuple) -> jax.Array:
    (x0, x1), (y0, y1) = domain
    mx, my = DOMAIN_MARGIN * (x1 - x0), DOMAIN_MARGIN * (y1 - y0)
    return (p[0] >= x0 - mx) & (p[0] <= x1 + mx) & (p[1] >= y0 - my) & (p[1] <= y1 + my)


def _minibatch_weights(key: jax.Array, n: int, batch_size: jax.Array, dtype) -> jax.Array:
    """Weights 1/B on B samples drawn without replacement, 0 elsewhere; B is traced."""
    order = jax.random.permutation(key, n)
    chosen = (jnp.arange(n) < batch_size).astype(dtype) / batch_size.astype(dtype)
    return jnp.zeros((n,), dtype).at[order].set(chosen)


def state_buffers(opt_state: Any, shape: tuple) -> dict[str, jax.Array]:
    """The optimizer state's params-shaped float buffers, named by their path (e.g. '[0].mu')."""
    leaves = jax.tree_util.tree_flatten_with_path(opt_state)[0]
    return {
        jax.tree_util.keystr(path): leaf
        for path, leaf in leaves
        if getattr(leaf, "shape", None) == shape and jnp.issubdtype(leaf.dtype, jnp.floating)
    }


def _simulate(program: Program, inputs: Inputs):
    """Trace the program: a minimal scan, then a vectorized pass for the derived records.

    The scan carries only what the dynamics need (position, optimizer and schedule state,
    status) and emits only positions — the same work as a plain optax loop. Losses, gradients,
    rates and effective steps are recomputed afterwards for all steps at once; only what cannot
    be recomputed (a stochastic gradient, a loss-driven rate) is emitted by the scan.
    """
    obj = _objective(program.landscape)
    opt_info = optimizers.get(program.optimizer)
    sched_info = schedules.get(program.schedule)
    dtype = jnp.dtype(program.dtype)
    p0 = inputs.start
    stochastic = program.noisy or program.minibatch

    def summed(p, t):
        losses = obj.value(p, t)
        return jnp.sum(losses), losses

    value_and_grad = jax.value_and_grad(summed, has_aux=True)

    def build(lr):
        if opt_info.run_length:
            return opt_info.build(lr, **inputs.hyper, **{opt_info.run_length: inputs.steps.astype(dtype)})
        return opt_info.build(lr, **inputs.hyper)

    def estimate(p, k, g):
        """The gradient the optimizer sees: exact, mini-batch, and/or with added noise."""
        if program.minibatch:
            n = landscapes.get(program.landscape).data.size
            w = _minibatch_weights(jax.random.fold_in(batch_key, k), n, inputs.batch_size, dtype)
            g = jax.grad(lambda q: jnp.sum(obj.sample_loss(q, w)))(p)
        if program.noisy:
            g = g + inputs.noise * jax.random.normal(jax.random.fold_in(noise_key, k), p.shape, dtype)
        return g

    batch_shape = p0.shape[1:]
    carry0 = (
        p0,
        build(inputs.lr).init(p0),
        sched_info.init_state() if sched_info.stateful else (),
        jnp.zeros(batch_shape, jnp.int32),
    )
    noise_key, batch_key = jax.random.split(inputs.key)
    tol_sq = inputs.tol * inputs.tol

    def step(carry, k):
        """Judge p_k (made by update k), then make p_{k+1}.

        Events are detected on the carried position, which is already materialized, and the
        update is masked rather than selected, so the update chain keeps a single consumer and
        a step costs what a bare optimizer loop costs (XLA's CPU backend would otherwise
        recompute the chain in every consumer). Status and event step travel packed in one
        int32, `code = 4·step + status`, for the same reason. After an event p stops moving;
        the post-pass replaces a bad point by the last good one.
        """
        p, opt_state, sched_state, code = carry
        (_, loss), g = value_and_grad(p, k + 1)
        finite = jnp.abs(loss) < DIVERGENCE_BOUND  # NaN fails every comparison
        inside = _inside(p, obj.domain) if obj.domain is not None else finite
        small = (coord_sum(g * g)[0] <= tol_sq) & (k > 0)
        event = jnp.where(~finite, DIVERGED, jnp.where(~inside, LEFT_DOMAIN, jnp.where(small, CONVERGED, RUNNING)))
        fired = (code == RUNNING) & (event != RUNNING) & (k <= inputs.steps)
        code = jnp.where(fired, 4 * k + event, code)

        g = estimate(p, k, g) if stochastic else g
        if sched_info.stateful:
            lr, new_sched_state = sched_info.advance(sched_state, k, inputs.steps, inputs.lr, jnp.mean(loss), **inputs.schedule)
            sched_state = tree_map(lambda new, old: new.astype(old.dtype), new_sched_state, sched_state)
        else:
            lr = sched_info.fn(k, inputs.steps, inputs.lr, **inputs.schedule)
        lr = jnp.asarray(lr, dtype)
        updates, new_opt_state = build(lr).update(g, opt_state, p)
        # Keep the carry's dtypes fixed: an int/int division in a formula would otherwise
        # promote a float32 run to float64 under x64.
        opt_state = tree_map(lambda new, old: new.astype(old.dtype), new_opt_state, opt_state)
        go = (code == RUNNING) & (k < inputs.steps)
        p_next = p + jnp.where(go, updates.astype(dtype), 0.0)
        if obj.project is not None:
            p_next = obj.project(p_next)
        carry = (p_next, opt_state, sched_state, code)
        if not program.record:
            return carry, None
        out = {"position": p_next}
        if opt_info.aux_path is not None:
            out["aux"] = opt_info.aux_path(opt_state)
        if stochastic:
            out["grad"] = jnp.where(go, g, 0.0)
        if sched_info.stateful:
            out["lr"] = lr
        if program.record_state:
            out["state"] = state_buffers(opt_state, p.shape)
        return carry, out

    # One iteration more than the bucket: the last one only judges the final point.
    steps_range = jnp.arange(program.bucket + 1, dtype=jnp.int32)
    carry, out = jax.lax.scan(step, carry0, steps_range)
    status, event_step = carry[3] % 4, carry[3] // 4
    final = Final(carry[0], status, event_step)
    if not program.record:
        return final, None

    def held(series):
        """Series (S+1, d, N) with every point after an event replaced by the last good one."""
        idx = jnp.arange(series.shape[0]).reshape((-1,) + (1,) * len(batch_shape))
        last_good = jnp.where(status == CONVERGED, event_step, jnp.maximum(event_step - 1, 0))
        anchor = jnp.take_along_axis(series, last_good[None, None], axis=0)
        after = (status != RUNNING) & (idx > last_good)  # (S+1, N)
        return jnp.where(after[:, None], anchor, series)

    positions = held(jnp.concatenate([p0[None], out["position"][:-1]]))  # (S+1, d, N)
    # Landscapes are element-wise over trailing axes: evaluate all steps at once, no vmap.
    times = jnp.arange(1, program.bucket + 2, dtype=jnp.int32).reshape((-1,) + (1,) * len(batch_shape))
    (_, losses), grads = value_and_grad(jnp.moveaxis(positions, 1, 0), times)
    grads = jnp.moveaxis(grads, 0, 1)
    used = out["grad"][:-1] if stochastic else grads[:-1]
    if sched_info.stateful:
        lrs = out["lr"][:-1]
    else:
        lrs = sched_info.fn(steps_range[:-1], inputs.steps, inputs.lr, **inputs.schedule)
    lrs = jnp.broadcast_to(jnp.asarray(lrs, dtype).reshape((-1,) + (1,) * len(batch_shape)), (program.bucket,) + batch_shape)
    moved = jnp.abs(positions[1:] - positions[:-1])
    effective = moved / jnp.maximum(jnp.abs(used), jnp.finfo(dtype).tiny)
    aux = held(jnp.concatenate([p0[None], out["aux"][:-1]])) if "aux" in out else ()
    state = {name: leaf[:-1] for name, leaf in out.get("state", {}).items()}
    return final, Trace(positions, losses, used, lrs, effective, aux, state)


@functools.lru_cache(maxsize=512)
def compiled(program: Program, vary: tuple[str, ...] = ()) -> Callable:
    """The jitted program; with `vary`, vmapped over those hyperparameters (leading axis)."""
    fn = functools.partial(_simulate, program)
    if vary:
        hyper_axes = {name: (0 if name in vary else None) for name in optimizers.get(program.optimizer).defaults()}
        axes = Inputs(
            start=None, hyper=hyper_axes, schedule=None, lr=0 if "learning_rate" in vary else None,
            steps=None, noise=None, batch_size=None, key=None, tol=None,
        )
        fn = jax.vmap(fn, in_axes=(axes,))
    return jax.jit(fn)


def batch_sharding(n: int) -> NamedSharding | None:
    """Shard the trajectory axis over all local devices when it divides evenly."""
    devices = jax.local_devices()
    if len(devices) < 2 or n % len(devices):
        return None
    return NamedSharding(Mesh(np.array(devices), ("batch",)), PartitionSpec(None, "batch"))


MAX_GRID = 1024


@functools.lru_cache(maxsize=64)
def _grid_program(key: str, n: int) -> Callable:
    ls = landscapes.get(key)
    return jax.jit(lambda: ls.grid(n))


def landscape_grid(key: str, n: int):
    """The landscape on an n×n grid, as one compiled evaluation (float32)."""
    xs, ys, z = _grid_program(key, n)()
    return xs.astype(jnp.float32), ys.astype(jnp.float32), z.astype(jnp.float32)


@functools.lru_cache(maxsize=256)
def _curve_program(key: str, bucket: int) -> Callable:
    info = schedules.get(key)

    def curve(steps, lr, params, losses):
        k = jnp.arange(bucket, dtype=jnp.int32)
        if not info.stateful:
            return jnp.broadcast_to(info.fn(k, steps, lr, **params), (bucket,))

        def body(state, inputs):
            rate, new_state = info.advance(state, inputs[0], steps, lr, inputs[1], **params)
            return tree_map(lambda new, old: new.astype(old.dtype), new_state, state), rate

        return jax.lax.scan(body, info.init_state(), (k, losses))[1]

    return jax.jit(curve)


def schedule_curve(key: str, steps: int, lr: float, params: dict, losses) -> jax.Array:
    """η_k for k = 0 … bucket-1 in float64 (a loss-driven schedule is fed `losses`)."""
    bucket = bucket_for(steps)
    padded = jnp.zeros(bucket, jnp.float64).at[: len(losses)].set(jnp.asarray(losses, jnp.float64))
    args = {k: jnp.asarray(v, jnp.float64) for k, v in params.items()}
    return _curve_program(key, bucket)(jnp.asarray(steps, jnp.int32), jnp.asarray(lr, jnp.float64), args, padded)
