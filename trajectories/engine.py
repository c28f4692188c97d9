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
from optimizers.base import coord_norm, tree_map

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
    """Per-step outputs of the scan (record mode)."""

    position: jax.Array
    loss: jax.Array
    grad: jax.Array
    lr: jax.Array
    effective: jax.Array
    aux: Any


class Final(NamedTuple):
    """End state of every trajectory."""

    position: jax.Array
    loss: jax.Array
    status: jax.Array
    event_step: jax.Array
    start_loss: jax.Array


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


def _simulate(program: Program, inputs: Inputs):
    """The scan itself; traced once per Program."""
    obj = _objective(program.landscape)
    opt_info = optimizers.get(program.optimizer)
    sched_info = schedules.get(program.schedule)
    dtype = jnp.dtype(program.dtype)
    p0 = inputs.start

    def summed(p, t):
        losses = obj.value(p, t)
        return jnp.sum(losses), losses

    value_and_grad = jax.value_and_grad(summed, has_aux=True)

    def rate(sched_state, k, loss):
        if sched_info.stateful:
            return sched_info.advance(sched_state, k, inputs.steps, inputs.lr, loss, **inputs.schedule)
        return sched_info.fn(k, inputs.steps, inputs.lr, **inputs.schedule), sched_state

    def build(lr):
        return opt_info.build(lr, **inputs.hyper)

    def point_loss_grad(p, t):
        (_, loss), g = value_and_grad(p, t)
        return loss, g

    loss0, g0 = point_loss_grad(p0, jnp.ones([], jnp.int32))
    batch_shape = loss0.shape
    carry0 = (
        p0,
        loss0,
        g0,
        build(inputs.lr).init(p0),
        sched_info.init_state() if sched_info.stateful else (),
        jnp.full(batch_shape, RUNNING, jnp.int32),
        jnp.zeros(batch_shape, jnp.int32),
    )
    noise_key, batch_key = jax.random.split(inputs.key)

    def step(carry, k):
        p, loss, g_true, opt_state, sched_state, status, event_step = carry
        t = k + 1
        g = g_true
        if program.minibatch:
            n = landscapes.get(program.landscape).data.size
            w = _minibatch_weights(jax.random.fold_in(batch_key, k), n, inputs.batch_size, dtype)
            g = jax.grad(lambda q: jnp.sum(obj.sample_loss(q, w)))(p)
        if program.noisy:
            g = g + inputs.noise * jax.random.normal(jax.random.fold_in(noise_key, k), p.shape, dtype)
        lr, new_sched_state = rate(sched_state, k, jnp.mean(loss))
        lr = jnp.asarray(lr, dtype)
        updates, new_opt_state = build(lr).update(g, opt_state, p)
        # Keep the carry's dtypes fixed: an int/int division in a formula would otherwise
        # promote a float32 run to float64 under x64.
        sched_state = tree_map(lambda new, old: new.astype(old.dtype), new_sched_state, sched_state)
        opt_state = tree_map(lambda new, old: new.astype(old.dtype), new_opt_state, opt_state)
        updates = updates.astype(dtype)
        p_new = p + updates
        if obj.project is not None:
            p_new = obj.project(p_new)
        loss_new, g_new = point_loss_grad(p_new, t + 1)

        finite = jnp.all(jnp.isfinite(p_new), axis=0) & jnp.isfinite(loss_new) & (jnp.abs(loss_new) < DIVERGENCE_BOUND)
        finite = finite & jnp.all(jnp.isfinite(g_new), axis=0)
        inside = _inside(p_new, obj.domain) if obj.domain is not None else jnp.ones_like(finite)
        small = (coord_norm(g_new)[0] <= inputs.tol) & (coord_norm(updates)[0] <= inputs.tol)
        event = jnp.where(~finite, DIVERGED, jnp.where(~inside, LEFT_DOMAIN, jnp.where(small, CONVERGED, RUNNING)))
        active = (status == RUNNING) & (k < inputs.steps)
        accept = active & finite & inside
        p_next = jnp.where(accept, p_new, p)
        loss_next = jnp.where(accept, loss_new, loss)
        g_next = jnp.where(accept, g_new, g_true)
        fired = active & (event != RUNNING)
        status = jnp.where(fired, event, status)
        event_step = jnp.where(fired, t, event_step)
        carry = (p_next, loss_next, g_next, opt_state, sched_state, status, event_step)
        if not program.record:
            return carry, None
        moved = jnp.where(accept, updates, 0.0)
        effective = jnp.abs(moved) / jnp.maximum(jnp.abs(g), jnp.finfo(dtype).tiny)
        aux = opt_info.aux_path(opt_state) if opt_info.aux_path is not None else ()
        lr_out = jnp.broadcast_to(jnp.asarray(lr, dtype), batch_shape)
        return carry, Trace(p_next, loss_next, jnp.where(active, g, 0.0), lr_out, effective, aux)

    carry, trace = jax.lax.scan(step, carry0, jnp.arange(program.bucket, dtype=jnp.int32))
    final = Final(carry[0], carry[1], carry[5], carry[6], loss0)
    return final, trace


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
