"""The trajectory engine: a scenario's runs as one jit-compiled `lax.scan`.

One compiled program exists per `Program` (optimizer, landscape, schedule, step bucket, dtype,
stochastic flags, record mode); everything a user moves — hyperparameters, schedule
parameters, learning rate, start points, steps within the bucket, noise σ, batch size, seed —
is a traced argument, so a slider move never compiles. A typed landscape's program is its form's
(landscapes.base.Form: the expression with its numbers taken out, and the domain), its numbers a
traced argument too, so typing other numbers into the same expression compiles nothing.

Layout: positions are (2, N): coordinates on axis 0, trajectories on axis 1. The landscapes and
optimizers are element-wise over the trailing axis, so a batch of N starts advances with no vmap
and every per-step scalar (β^t, the schedule value) is computed once for all N. Hyperparameter
sweeps vmap that program over the swept values.

A small gradient stops nothing: a path runs to its last step, so a run parked near a saddle or a
sign-based step bouncing past a minimum shows what it really does next. After a divergence or a
step off the map a trajectory's position is held, so the records never contain NaN positions.
Recorded paths are then named by where they end (trajectories/ends.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from gradscape import optimizers
from gradscape import schedules
from gradscape.landscapes.base import Form
from gradscape.optimizers.base import coord_sum, tree_map
from gradscape.trajectories import typed

# End states. The first four fit the final-only scan's packed code (4·step + status): STATIONARY is its
# "‖∇f‖ ≤ tol from step k to the end"; the rest name where a recorded path came to rest (ends.py).
RUNNING, STATIONARY, DIVERGED, LEFT_DOMAIN = 0, 1, 2, 3
AT_GLOBAL_MIN, AT_A_GLOBAL_MIN, AT_LOCAL_MIN, AT_MINIMUM, AT_SADDLE, AT_MAXIMUM, ON_FLAT, BARELY_MOVING, AT_REST = range(4, 13)
STATUS_NAMES = {
    RUNNING: "still moving", STATIONARY: "‖∇f‖ ≤ tol", DIVERGED: "diverged", LEFT_DOMAIN: "left the map",
    AT_GLOBAL_MIN: "at the global minimum", AT_A_GLOBAL_MIN: "at a global minimum", AT_LOCAL_MIN: "at a local minimum",
    AT_MINIMUM: "at a minimum", AT_SADDLE: "at a saddle", AT_MAXIMUM: "at a maximum", ON_FLAT: "on a flat region",
    BARELY_MOVING: "barely moving", AT_REST: "at rest",
}
AT_A_MINIMUM = frozenset({AT_GLOBAL_MIN, AT_A_GLOBAL_MIN, AT_LOCAL_MIN, AT_MINIMUM})

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
    independent: bool = False  # each trajectory its own run: a loss-driven schedule reads its own loss, not the batch mean
    form: Form | None = None  # a typed landscape's form (then `landscape` is the form's key)


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
    numbers: jax.Array  # a typed landscape's numbers, (k,); (0,) for any other


class Trace(NamedTuple):
    """What a recording scan emits, time on axis 0, for k = 0 … bucket (one row more than updates).

    position[k] is p_{k+1}; loss[k] and grad[k] are f and ∇f at p_k; used[k] is the gradient
    estimate update k used (stochastic runs only, else ()); lr[k] the rate of update k.
    Events, holding and effective steps are derived on the host (trajectories/api.py).
    """

    position: jax.Array  # (S+1, d, N)
    loss: jax.Array  # (S+1, N)
    grad: jax.Array  # (S+1, d, N)
    used: Any  # (S+1, d, N) or ()
    lr: jax.Array  # (S+1,) or (S+1, N)
    aux: Any  # (S+1, d, N) or ()
    state: dict  # name -> (S+1, d, N): the optimizer's params-shaped buffers after each update


class Final(NamedTuple):
    """End state of every trajectory; after divergence the position is the offending point."""

    position: jax.Array
    status: jax.Array
    event_step: jax.Array


class Objective(NamedTuple):
    """What the scan needs of a landscape or online problem."""

    value: Callable  # (p, t, numbers) -> loss, t counted from 1, numbers a typed landscape's
    project: Callable | None
    domain: tuple | None
    sample_loss: Callable | None


@functools.lru_cache(maxsize=64)
def objective(name: str, form: Form | None = None) -> Objective:
    """The objective compiled programs call: of the landscape or online problem `name`, or of a typed
    landscape's `form` (then `name` is the form's key)."""
    if form is not None:
        return Objective(lambda p, t, numbers: form.f(p, numbers), None, form.domain, None)
    prob = typed.problem(name)
    sample = prob.data.weighted_loss if prob.data is not None else None
    return Objective(lambda p, t, numbers: prob.loss(p, t), prob.project, prob.domain, sample)


def program_of(key: str) -> tuple[str, Form | None, tuple[float, ...]]:
    """What compiled programs know a landscape by: (name, form, numbers) — a typed landscape's form's
    key, the form and its own numbers, else (key, None, ())."""
    prob = typed.problem(key)
    if prob.form is not None:
        return prob.form.key, prob.form, prob.numbers
    return key, None, ()


def _inside(p, domain: tuple):
    """Within the domain widened by DOMAIN_MARGIN on each side; NaN is outside. Any array module."""
    (x0, x1), (y0, y1) = domain
    mx, my = DOMAIN_MARGIN * (x1 - x0), DOMAIN_MARGIN * (y1 - y0)
    return (p[0] >= x0 - mx) & (p[0] <= x1 + mx) & (p[1] >= y0 - my) & (p[1] <= y1 + my)


def classify(xp, p, domain: tuple | None, loss=None):
    """The event at a point: DIVERGED (non-finite, or |f| over the bound), LEFT_DOMAIN or RUNNING.
    Element-wise over trajectories and written once for both array modules: `jax.numpy` inside a
    scan, NumPy over a whole record. NaN fails every comparison, so a non-finite point is caught
    without an isfinite."""
    finite = xp.abs(p[0]) < xp.inf
    for i in range(1, p.shape[0]):
        finite = finite & (xp.abs(p[i]) < xp.inf)
    if loss is not None:
        finite = finite & (xp.abs(loss) < DIVERGENCE_BOUND)
    inside = _inside(p, domain) if domain is not None else finite
    # Float codes: XLA's CPU backend vectorizes a float select chain, not an int one fed by float tests.
    return xp.where(~finite, float(DIVERGED), xp.where(~inside, float(LEFT_DOMAIN), float(RUNNING)))


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


def by_rows(fn: Callable, with_value: bool) -> Callable:
    """(p, *extra) -> ((values,) grad) of Σ fn, differentiating each coordinate row separately.

    Taking the rows as separate arguments, rather than differentiating through `p[0]`, `p[1]`,
    measured ≈ 8 % faster for a large batch (benchmark (b)).
    """

    def summed(*args):
        d = args[0]
        values = fn(jnp.stack(args[1 : 1 + d]), *args[1 + d :])
        return jnp.sum(values), values

    def call(p, *extra):
        argnums = tuple(range(1, 1 + p.shape[0]))
        if with_value:
            (_, values), grads = jax.value_and_grad(summed, argnums=argnums, has_aux=True)(p.shape[0], *p, *extra)
            return values, jnp.stack(grads)
        return jnp.stack(jax.grad(lambda *a: summed(*a)[0], argnums=argnums)(p.shape[0], *p, *extra))

    return call


def build_optimizer(opt_info, lr, hyper: dict, steps: jax.Array, dtype) -> optimizers.GradientTransformation:
    """The optimizer at rate `lr`; an optimizer that needs the run length (Ranger21) gets `steps`."""
    if opt_info.run_length:
        return opt_info.build(lr, **hyper, **{opt_info.run_length: steps.astype(dtype)})
    return opt_info.build(lr, **hyper)


def scheduled_rate(sched_info, sched_state, k, steps, lr0, params: dict, loss, dtype, independent: bool = False):
    """(η_k, new schedule state): a stateless schedule's value, or a loss-driven one advanced on
    the mean finite loss (a diverged trajectory must not poison the rest); `independent`: each
    trajectory's own loss (its schedule state has the trajectories' shape)."""
    if sched_info.stateful:
        finite = jnp.where(jnp.abs(loss) < DIVERGENCE_BOUND, loss, 0.0)
        lr, new_state = sched_info.advance(sched_state, k, steps, lr0, finite if independent else jnp.mean(finite), **params)
        sched_state = tree_map(lambda new, old: new.astype(old.dtype), new_state, sched_state)
    else:
        lr = sched_info.fn(k, steps, lr0, **params)
    return jnp.asarray(lr, dtype), sched_state


def _simulate(program: Program, inputs: Inputs):
    """Trace the program: the optimizer's dynamics in one `lax.scan`, recording or final-only.

    Recording: the scan is a bare optimizer loop that also emits f, ∇f and η (computed there
    anyway); events and holding are derived on the host, because XLA's CPU backend pays a fixed
    10–25 µs per element-wise op after a scan, more than the scan itself for one trajectory.
    Final-only (large batches): events are judged in the scan on the carried position and the
    update is masked, not selected, so the update chain keeps a single consumer; status and
    event step travel packed in one number, `code = 4·step + status` (a float: exact here). A path
    with no event whose ‖∇f‖ stays ≤ tol from some step to the end is STATIONARY from that step.
    """
    obj = objective(program.landscape, program.form)
    opt_info = optimizers.get(program.optimizer)
    sched_info = schedules.get(program.schedule)
    dtype = jnp.dtype(program.dtype)
    p0 = inputs.start
    stochastic = program.noisy or program.minibatch
    need_loss = program.record or sched_info.stateful
    loss_and_grad = by_rows(obj.value, with_value=True)
    grad_only = by_rows(obj.value, with_value=False)
    noise_key, batch_key = jax.random.split(inputs.key)

    def build(lr):
        return build_optimizer(opt_info, lr, inputs.hyper, inputs.steps, dtype)

    def estimate(p, k, g):
        """The gradient the optimizer sees: exact, mini-batch, and/or with added noise."""
        if program.minibatch:
            n = typed.landscape(program.landscape).data.size
            w = _minibatch_weights(jax.random.fold_in(batch_key, k), n, inputs.batch_size, dtype)
            g = by_rows(obj.sample_loss, with_value=False)(p, w)
        if program.noisy:
            g = g + inputs.noise * jax.random.normal(jax.random.fold_in(noise_key, k), p.shape, dtype)
        return g

    def dynamics(p, opt_state, sched_state, k):
        """f and ∇f at p_k, the rate, and update k: what both modes share."""
        if need_loss:
            loss, g = loss_and_grad(p, k + 1, inputs.numbers)
        else:
            loss, g = None, grad_only(p, k + 1, inputs.numbers)
        used = estimate(p, k, g) if stochastic else g
        lr, sched_state = scheduled_rate(sched_info, sched_state, k, inputs.steps, inputs.lr, inputs.schedule, loss, dtype,
                                         independent=program.independent)
        updates, new_opt_state = build(lr).update(used, opt_state, p)
        # Keep the carry's dtypes fixed: an int/int division in a formula would otherwise
        # promote a float32 run to float64 under x64.
        opt_state = tree_map(lambda new, old: new.astype(old.dtype), new_opt_state, opt_state)
        return loss, g, used, lr, updates.astype(dtype), opt_state, sched_state

    def advance(p, updates):
        p_next = p + updates
        return obj.project(p_next) if obj.project is not None else p_next

    def record_step(carry, k):
        p, opt_state, sched_state = carry
        loss, g, used, lr, updates, opt_state, sched_state = dynamics(p, opt_state, sched_state, k)
        p_next = advance(p, updates)
        out = Trace(
            position=p_next, loss=loss, grad=g, used=used if stochastic else (), lr=lr,
            aux=opt_info.aux_path(opt_state) if opt_info.aux_path is not None else (),
            state=state_buffers(opt_state, p.shape) if program.record_state else {},
        )
        return (p_next, opt_state, sched_state), out

    tol_sq = inputs.tol * inputs.tol

    def final_step(carry, k):
        p, opt_state, sched_state, code, small_since = carry
        loss, g, _, _, updates, opt_state, sched_state = dynamics(p, opt_state, sched_state, k)
        event = classify(jnp, p, obj.domain, loss)
        counted = k <= inputs.steps
        fired = (code == RUNNING) & (event != RUNNING) & counted
        code = jnp.where(fired, 4 * k.astype(dtype) + event, code)
        small_since = jnp.where((coord_sum(g * g)[0] > tol_sq) & counted, (k + 1).astype(dtype), small_since)
        go = (code == RUNNING) & (k < inputs.steps)
        return (advance(p, jnp.where(go, updates, 0.0)), opt_state, sched_state, code, small_since), None

    # One iteration more than the bucket: the last one only evaluates (and judges) the final point.
    steps_range = jnp.arange(program.bucket + 1, dtype=jnp.int32)
    sched_state0 = sched_info.init_state() if sched_info.stateful else ()
    if program.independent:
        sched_state0 = tree_map(lambda a: jnp.broadcast_to(a, p0.shape[1:]), sched_state0)
    state0 = (p0, build(inputs.lr).init(p0), sched_state0)
    if program.record:
        _, trace = jax.lax.scan(record_step, state0, steps_range)
        return trace
    zeros = jnp.zeros(p0.shape[1:], dtype)
    carry, _ = jax.lax.scan(final_step, (*state0, zeros, zeros), steps_range)
    code, small_since = carry[3].astype(jnp.int32), carry[4].astype(jnp.int32)
    stationary = (code == RUNNING) & (small_since <= inputs.steps)
    return Final(carry[0], jnp.where(stationary, STATIONARY, code % 4), jnp.where(stationary, small_since, code // 4))


MAX_PROGRAMS = 64  # a program holds ≈ 3–8 MB once compiled (one executable per input shape: RSS +2.9 MB per
# new typed form unbounded, flat under a bound); one evicted and asked for again is traced and loaded from
# the disk cache (runtime.py): ≈ 0.1 s instead of 0.3–0.8 s compiling


@functools.lru_cache(maxsize=MAX_PROGRAMS)
def compiled(program: Program, vary: tuple[str, ...] = ()) -> Callable:
    """The jitted program; with `vary`, vmapped over those hyperparameters (leading axis): at most
    MAX_PROGRAMS kept, the least recently used dropped (with its executables, one per input shape)."""
    fn = functools.partial(_simulate, program)
    if vary:
        hyper_axes = {name: (0 if name in vary else None) for name in optimizers.get(program.optimizer).defaults()}
        axes = Inputs(
            start=None, hyper=hyper_axes, schedule=None, lr=0 if "learning_rate" in vary else None,
            steps=None, noise=None, batch_size=None, key=None, tol=None, numbers=None,
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
    ls = typed.landscape(key)
    return jax.jit(lambda: ls.grid(n))


def landscape_grid(key: str, n: int):
    """The landscape on an n×n grid (float32): one compiled evaluation, or a typed landscape's in
    NumPy (each new expression would otherwise compile a grid of its own)."""
    ls = typed.landscape(key)
    xs, ys, z = ls.grid(n) if ls.numpy_f is not None else _grid_program(key, n)()
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


def lane_sharding(n: int, grid: bool = False) -> tuple[NamedSharding, NamedSharding] | None:
    """Shardings of a sweep's starts, (2, N) or on a grid (2, N, nx), and of its swept values, (N,)
    or (N, 1), split along N over all local devices; None when N does not divide evenly."""
    devices = jax.local_devices()
    if len(devices) < 2 or n % len(devices):
        return None
    mesh = Mesh(np.array(devices), ("batch",))
    tail = (None,) if grid else ()
    return NamedSharding(mesh, PartitionSpec(None, "batch", *tail)), NamedSharding(mesh, PartitionSpec("batch", *tail))


@functools.lru_cache(maxsize=64)
def _loss_program(name: str, form: Form | None) -> Callable:
    return jax.jit(objective(name, form).value)


def loss_at(key: str, positions: jax.Array, t: jax.Array) -> jax.Array:
    """f at (2, N) positions (t, counted from 1, matters only for online problems): one compiled call."""
    name, form, numbers = program_of(key)
    return _loss_program(name, form)(positions, t, jnp.asarray(numbers, positions.dtype))
