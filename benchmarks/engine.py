"""Engine benchmark: the engine against optax + lax.scan / vmap and a NumPy loop, one run.

  python -m benchmarks.engine

(a) one Adam run, 1000 steps on Rosenbrock, full per-step record;
(b) 256×256 start points × 500 Adam steps, final points only.
Prints times and ratios (peer / engine: > 1 means the engine is faster).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax

from gradscape import trajectories as tr
from benchmarks.common import fmt, median_seconds
from gradscape.landscapes.classic import rosenbrock
from gradscape.trajectories import engine

LR, START = 0.01, (-1.5, 2.0)


def optax_scan(steps: int):
    opt = optax.adam(LR)
    grad = jax.grad(rosenbrock)

    @jax.jit
    def run(p0):
        def body(carry, _):
            p, s = carry
            u, s = opt.update(grad(p), s, p)
            p = optax.apply_updates(p, u)
            return (p, s), (p, rosenbrock(p))

        return jax.lax.scan(body, (p0, opt.init(p0)), None, length=steps)[1]

    p0 = jnp.array(START, jnp.float32)
    return lambda: jax.block_until_ready(run(p0))


def optax_vmap(starts: np.ndarray, steps: int):
    opt = optax.adam(LR)
    grad = jax.grad(rosenbrock)

    def one(p0):
        def body(carry, _):
            p, s = carry
            u, s = opt.update(grad(p), s, p)
            return (optax.apply_updates(p, u), s), None

        return jax.lax.scan(body, (p0, opt.init(p0)), None, length=steps)[0][0]

    run = jax.jit(jax.vmap(one))
    p0 = jnp.asarray(starts, jnp.float32)
    return lambda: jax.block_until_ready(run(p0))


def numpy_loop(steps: int):
    def run():
        p = np.array(START, np.float32)
        m = np.zeros(2, np.float32)
        v = np.zeros(2, np.float32)
        path = np.empty((steps, 2), np.float32)
        for t in range(1, steps + 1):
            x, y = p
            g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], np.float32)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            p = p - LR * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
            path[t - 1] = p
        return path

    return run


def engine_program(**kwargs):
    prepared = tr.prepare("rosenbrock", "adam", learning_rate=LR, tol=0.0, **kwargs)
    inputs = prepared.inputs
    sharding = engine.batch_sharding(prepared.n)
    if sharding is not None:
        inputs = inputs._replace(start=jax.device_put(inputs.start, sharding))
    fn = engine.compiled(prepared.program)
    return lambda: jax.block_until_ready(fn(inputs))


def main() -> None:
    print(f"jax {jax.__version__}, optax {optax.__version__}, devices: {len(jax.local_devices())} × {jax.default_backend()}")
    print("\n(a) one Adam run, 1000 steps, Rosenbrock, full record")
    t_engine = median_seconds(engine_program(starts=[START], steps=1000), repeats=200)
    t_api = median_seconds(lambda: tr.run("rosenbrock", "adam", learning_rate=LR, steps=1000), repeats=50)
    t_optax = median_seconds(optax_scan(1000), repeats=200)
    t_numpy = median_seconds(numpy_loop(1000), repeats=5)
    print(f"  engine (compiled program)   {fmt(t_engine)}")
    print(f"  engine (tr.run, to NumPy)   {fmt(t_api)}")
    print(f"  optax + lax.scan            {fmt(t_optax)}   engine/optax = {t_engine / t_optax:.2f}× (target ≤ 1.2×)")
    print(f"  NumPy loop                  {fmt(t_numpy)}   numpy/engine = {t_numpy / t_engine:.0f}×")

    print("\n(b) 256×256 starts × 500 Adam steps, final points only")
    g = np.linspace(-2, 2, 256)
    starts = np.array([(x, y) for x in g for y in np.linspace(-1, 3, 256)], np.float32)
    t_engine_b = median_seconds(engine_program(starts=starts, steps=500, record=False), repeats=7, warmup=1)
    t_optax_b = median_seconds(optax_vmap(starts, 500), repeats=7, warmup=1)
    rate = len(starts) * 500 / t_engine_b
    print(f"  engine (sharded, batch-axis layout) {fmt(t_engine_b)}   {rate:.2e} trajectory-steps/s")
    print(f"  optax + vmap                        {fmt(t_optax_b)}   optax/engine = {t_optax_b / t_engine_b:.2f}× (target ≥ 1.5×)")


if __name__ == "__main__":
    main()
