"""Training engine for the neural-net landscape: catalogue optimizers in a model's full parameter space.

Every run trains the same model from the same initial weights on the same data; what differs is
the optimizer, its hyperparameters, the schedule and the mini-batch seed. The optimizers see the
parameters as ONE flat vector θ ∈ R^P (the pytree raveled): element-wise rules are unchanged by
that, and the few rules with a norm (clipping, LARS, AGC, gradient centralization, SWATS's
projection, Ranger21's norm loss) reduce over the whole vector — the network is one "layer",
as a 2-D trajectory's 2-vector is on the maps.

One program is compiled per (model, hidden width, data size, optimizer, schedule, step bucket,
batch bucket) and vmapped over the runs that share an optimizer and a schedule; learning rates,
hyperparameters, schedule parameters, seeds, the data itself, the step count and the batch size
(within its power-of-two bucket) are traced.

A run that produces a non-finite loss or parameter, or a loss over 1e12, is held where it was
("diverged at step k"). Iterates are kept every `stride` steps (at most ~1000 snapshots).
"""

from __future__ import annotations

import functools
import math
import numbers
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from gradscape import optimizers
from gradscape import schedules
from gradscape.landscapes import networks as nets
from gradscape.optimizers.base import tree_map
from gradscape.trajectories import budget, engine

# Rules that reduce over the whole parameter vector (a norm, a mean or a projection): on the
# network they act on all P parameters at once, where a per-layer implementation would not.
WHOLE_VECTOR_RULES = ("clip_norm", "lars", "ranger21", "swats")

MAX_RUNS = 8
HIDDEN_RANGE = (2, 64)
POINTS_RANGE = (32, 4096)
NOISE_RANGE = (0.0, 1.0)
MAX_SNAPSHOTS = 1000
MAX_SEED = 2**31 - 1
DTYPE = jnp.float32


def _whole(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")
    return int(value)


def _number(name: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low:g}, {high:g}], got {value:g}")
    return float(value)


@dataclass(frozen=True)
class NetworkProblem:
    """The model, its data and the shared training settings (the same for every run)."""

    model: str = "mlp"
    dataset: str = "spirals"
    hidden: int = 16
    n_points: int = 512
    noise: float | None = None  # None: the data set's default
    data_seed: int = 0
    init_seed: int = 0
    batch_size: int = 64

    def checked(self) -> "NetworkProblem":
        """This problem with the noise resolved, or ValueError naming the bad field."""
        if self.model not in nets.MODELS:
            raise ValueError(f"unknown model '{self.model}' (known: {', '.join(nets.MODELS)})")
        if self.dataset not in nets.DATASETS:
            raise ValueError(f"unknown data set '{self.dataset}' (known: {', '.join(nets.DATASETS)})")
        _whole("hidden width", self.hidden, *HIDDEN_RANGE)
        n = _whole("number of points", self.n_points, *POINTS_RANGE)
        _whole("batch size", self.batch_size, 1, n)
        _whole("data seed", self.data_seed, 0, MAX_SEED)
        _whole("init seed", self.init_seed, 0, MAX_SEED)
        noise = _number("noise", nets.DATASETS[self.dataset].default_noise if self.noise is None else self.noise, *NOISE_RANGE)
        return NetworkProblem(self.model, self.dataset, int(self.hidden), n, noise, int(self.data_seed), int(self.init_seed),
                              int(self.batch_size))

    @property
    def spec(self) -> nets.ModelSpec:
        return nets.MODELS[self.model]

    @property
    def width(self) -> int:
        """The hidden width that shapes the parameters (1 for a model without hidden layers)."""
        return self.hidden if self.spec.uses_hidden else 1


@dataclass(frozen=True)
class NetRun:
    """One optimizer run: a catalogue optimizer and schedule with their settings, and a batch seed."""

    optimizer: str = "adam"
    learning_rate: float | None = None
    hyper: dict = field(default_factory=dict)
    schedule: str = "constant"
    schedule_params: dict = field(default_factory=dict)
    seed: int = 0


class Layout(NamedTuple):
    """How the flat vector θ maps back to the model's pytree."""

    size: int
    unravel: Callable[[jax.Array], nets.Params]
    template: nets.Params  # zeros of each leaf's shape


@functools.lru_cache(maxsize=32)
def layout(model: str, width: int) -> Layout:
    flat, unravel = ravel_pytree(nets.MODELS[model].init(jax.random.PRNGKey(0), width, DTYPE))
    return Layout(int(flat.size), unravel, jax.tree_util.tree_map(jnp.zeros_like, unravel(flat)))


@functools.lru_cache(maxsize=16)
def problem_arrays(problem: NetworkProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs (n, 2), labels (n,), θ₀ (P,)), float32; ValueError if the problem is invalid."""
    problem = problem.checked()
    x, y = nets.make_dataset(problem.dataset, problem.n_points, problem.noise, problem.data_seed)
    theta0 = ravel_pytree(problem.spec.init(jax.random.PRNGKey(problem.init_seed), problem.width, DTYPE))[0]
    return x, y, np.asarray(theta0)


def flat_loss(model: str, width: int) -> Callable[[jax.Array, jax.Array, jax.Array], jax.Array]:
    """(θ, inputs, labels) -> mean cross-entropy, θ flat."""
    spec, unravel = nets.MODELS[model], layout(model, width).unravel
    return lambda theta, x, y: nets.mean_loss(spec, unravel(theta), x, y)


def batch_bucket(batch_size: int, n_points: int) -> int:
    """The compiled batch length: the next power of two ≥ the batch size, at most the data size."""
    return min(1 << max(0, math.ceil(math.log2(batch_size))), n_points)


def batch_indices(key: jax.Array, k: jax.Array, n_points: int, length: int) -> jax.Array:
    """`length` uniform draws with replacement, seeded by (key, k); update k uses the first B
    of the batch bucket's draw (the rest weigh 0), so B moves within its bucket without compiling.

    With replacement because a seeded permutation per update (without) measured 3× the cost of
    the whole MLP update on the CPU; for a batch of 64 of 512 points the difference is a few
    repeated rows.
    """
    return jax.random.randint(jax.random.fold_in(key, k), (length,), 0, n_points, dtype=jnp.int32)


def snapshot_stride(bucket: int) -> int:
    return max(1, bucket // MAX_SNAPSHOTS)


@dataclass(frozen=True)
class Program:
    """The compiled training program's cache key."""

    model: str
    width: int
    n_points: int
    optimizer: str
    schedule: str
    bucket: int
    batch_bucket: int


class Shared(NamedTuple):
    theta0: jax.Array  # (P,)
    x: jax.Array  # (n, 2)
    y: jax.Array  # (n,)
    steps: jax.Array
    batch_size: jax.Array


class PerRun(NamedTuple):
    lr: jax.Array  # (R,)
    hyper: dict  # name -> (R,)
    schedule: dict  # name -> (R,)
    key: jax.Array  # (R, 2)


class Trace(NamedTuple):
    snapshots: jax.Array  # (R, S+1, P): θ every `stride` steps, θ₀ first
    loss: jax.Array  # (R, S+1): full-data loss at the snapshots
    accuracy: jax.Array  # (R, S+1)
    batch_loss: jax.Array  # (R, bucket): mini-batch loss at θ_k, the one update k descends
    lr: jax.Array  # (R, bucket)
    diverged_at: jax.Array  # (R,): the step of the first non-finite value, -1 if none


def _train_one(program: Program, shared: Shared, run: PerRun):
    """One run as a scan of `bucket/stride` chunks of `stride` updates, emitting θ per chunk."""
    spec = nets.MODELS[program.model]
    unravel = layout(program.model, program.width).unravel
    opt_info, sched_info = optimizers.get(program.optimizer), schedules.get(program.schedule)
    stride = snapshot_stride(program.bucket)
    rows = jnp.arange(program.batch_bucket)
    weights = (rows < shared.batch_size).astype(DTYPE) / shared.batch_size.astype(DTYPE)
    value_and_grad = jax.value_and_grad(lambda t, xb, yb: nets.weighted_loss(spec, unravel(t), xb, yb, weights))

    def step(carry, k):
        theta, opt_state, sched_state, diverged_at = carry
        idx = batch_indices(run.key, k, program.n_points, program.batch_bucket)
        loss, g = value_and_grad(theta, shared.x[idx], shared.y[idx])
        lr, new_sched = engine.scheduled_rate(sched_info, sched_state, k, shared.steps, run.lr, run.schedule, loss, DTYPE)
        updates, new_opt = engine.build_optimizer(opt_info, lr, run.hyper, shared.steps, DTYPE).update(g, opt_state, theta)
        new_theta = theta + updates.astype(DTYPE)
        loss_ok = jnp.abs(loss) < engine.DIVERGENCE_BOUND
        healthy = loss_ok & jnp.all(jnp.abs(new_theta) < jnp.inf)
        active = (diverged_at < 0) & (k < shared.steps)
        diverged_at = jnp.where(active & ~healthy, jnp.where(loss_ok, k + 1, k), diverged_at)
        # Only θ is held: once a run stops (diverged, or past `steps`) it never moves again, so its
        # optimizer state may run on unseen; selecting every buffer too cost ≈ 15 % per update.
        theta = jnp.where(active & healthy, new_theta, theta)
        new_opt = tree_map(lambda new, old: new.astype(old.dtype), new_opt, opt_state)
        return (theta, new_opt, new_sched, diverged_at), (loss, lr)

    def chunk(carry, j):
        carry, out = jax.lax.scan(step, carry, j * stride + jnp.arange(stride, dtype=jnp.int32))
        return carry, (carry[0], *out)

    sched0 = sched_info.init_state() if sched_info.stateful else ()
    carry0 = (shared.theta0, engine.build_optimizer(opt_info, run.lr, run.hyper, shared.steps, DTYPE).init(shared.theta0), sched0, jnp.asarray(-1, jnp.int32))
    carry, (snaps, batch_loss, lrs) = jax.lax.scan(chunk, carry0, jnp.arange(program.bucket // stride, dtype=jnp.int32))
    snapshots = jnp.concatenate([shared.theta0[None], snaps])

    def evaluate(theta):
        logits = spec.logits(unravel(theta), shared.x)
        return jnp.mean(nets.bce_with_logits(logits, shared.y)), jnp.mean((logits > 0) == (shared.y > 0.5))

    loss, accuracy = jax.vmap(evaluate)(snapshots)
    return Trace(snapshots, loss, accuracy.astype(DTYPE), batch_loss.reshape(-1), lrs.reshape(-1), carry[3])


MAX_PROGRAMS = 16  # a training program holds ≈ 5–10 MB once compiled (measured); 8 runs' worth for 2 settings


@functools.lru_cache(maxsize=MAX_PROGRAMS)
def compiled(program: Program) -> Callable[[Shared, PerRun], Trace]:
    """The jitted training program, vmapped over the runs of one (optimizer, schedule) group (at most
    MAX_PROGRAMS kept, the least recently used dropped)."""
    fn = jax.vmap(functools.partial(_train_one, program), in_axes=(None, 0))
    return jax.jit(fn)


@dataclass(frozen=True)
class NetworkRecord:
    """What training recorded, runs first. Snapshot j is θ after `snapshot_steps[j]` updates."""

    problem: NetworkProblem
    runs: tuple[NetRun, ...]
    steps: int
    snapshot_steps: np.ndarray  # (S,)
    snapshots: np.ndarray  # (R, S, P)
    loss: np.ndarray  # (R, S): full-data loss
    accuracy: np.ndarray  # (R, S)
    batch_loss: np.ndarray  # (R, T)
    lrs: np.ndarray  # (R, T)
    diverged_at: np.ndarray  # (R,), -1 if the run stayed finite

    def status_text(self, i: int) -> str:
        step = int(self.diverged_at[i])
        return "finite throughout" if step < 0 else f"diverged at step {step}"


def _check_run(run: NetRun, index: int) -> tuple[optimizers.OptimizerInfo, dict, float, dict]:
    label = f"run {index + 1}"
    try:
        opt = optimizers.get(run.optimizer)
        hyper = opt.resolve(run.hyper)
        sched = schedules.get(run.schedule).resolve(run.schedule_params)
    except ValueError as err:
        raise ValueError(f"{label}: {err}") from None
    lr = _number(f"{label}: learning rate", opt.default_lr if run.learning_rate is None else run.learning_rate, *engine.LR_RANGE)
    _whole(f"{label}: seed", run.seed, 0, MAX_SEED)
    return opt, hyper, lr, sched


def train(problem: NetworkProblem, runs: Sequence[NetRun], steps: int) -> NetworkRecord:
    """Train every run (1–8) for `steps` updates (≤ 5000), charged to whoever asks (budget.py); ValueError on any bad input."""
    problem = problem.checked()
    runs = tuple(runs)
    _whole("number of runs", len(runs), 1, MAX_RUNS)
    steps = _whole("steps", steps, 1, engine.MAX_STEPS)
    checked = [_check_run(r, i) for i, r in enumerate(runs)]
    x, y, theta0 = problem_arrays(problem)
    bucket = engine.bucket_for(steps)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(runs):
        groups.setdefault((r.optimizer, r.schedule), []).append(i)
    shared = Shared(theta0, x, y, np.int32(steps), np.int32(problem.batch_size))
    calls = []
    for (opt_key, sched_key), members in groups.items():
        per_run = PerRun(
            lr=np.array([checked[i][2] for i in members], np.float32),
            hyper={k: np.array([checked[i][1][k] for i in members], np.float32) for k in checked[members[0]][1]},
            schedule={k: np.array([checked[i][3][k] for i in members], np.float32) for k in checked[members[0]][3]},
            key=np.stack([np.asarray(jax.random.PRNGKey(runs[i].seed)) for i in members]),
        )
        program = Program(problem.model, problem.width, problem.n_points, opt_key, sched_key, bucket,
                          batch_bucket(problem.batch_size, problem.n_points))
        calls.append((members, program, per_run))
    # XLA compiles without the GIL: first calls of several new programs compile side by side.
    with budget.charged(), ThreadPoolExecutor(max_workers=min(len(calls), os.cpu_count() or 1)) as pool:
        traces = list(pool.map(lambda call: compiled(call[1])(shared, call[2]), calls))
        return _assemble(problem, runs, steps, bucket, [(call[0], trace) for call, trace in zip(calls, traces)])


def _assemble(problem, runs, steps, bucket, pending) -> NetworkRecord:
    """Gather the groups' traces back into run order and trim them to `steps`."""
    stride = snapshot_stride(bucket)
    count = -(-steps // stride) + 1
    parts: dict[str, list] = {name: [None] * len(runs) for name in Trace._fields}
    for members, trace in pending:
        for name in Trace._fields:
            values = np.asarray(getattr(trace, name))
            for j, i in enumerate(members):
                parts[name][i] = values[j]
    stack = {name: np.stack(values) for name, values in parts.items()}
    return NetworkRecord(
        problem=problem, runs=runs, steps=steps,
        snapshot_steps=np.minimum(np.arange(count) * stride, steps),
        snapshots=stack["snapshots"][:, :count], loss=stack["loss"][:, :count], accuracy=stack["accuracy"][:, :count],
        batch_loss=stack["batch_loss"][:, :steps], lrs=stack["lr"][:, :steps], diverged_at=stack["diverged_at"],
    )
