"""Sweeps benchmark: the engine's lanes against optax + vmap on the same work, in the same run.

  python -m benchmarks.sweeps

(a) a 256×256 basin map: Adam from 65 536 starts on Himmelblau, 500 steps, final points and loss;
(b) a 256×256 heat map: Adam over 256 learning rates × 256 values of β1 on Rosenbrock, 500 steps;
(c) the whole picture as the page computes it (engine, labels, shades, payload), 256² and 512²,
    one and four optimizers.
Prints times and ratios (peer / engine: > 1 means the engine is faster).
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from benchmarks.common import fmt, median_seconds
from gradscape.landscapes.classic import himmelblau, rosenbrock
from gradscape.trajectories import sweeps
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.trajectories.sweep_scenario import Axis, SweepScenario
from gradscape.viz import sweeps as vs

STEPS = 500


def optax_vmap(f, starts: np.ndarray, lrs: np.ndarray, b1s: np.ndarray):
    """optax.adam per lane under vmap (start, rate and β1 per lane), final position and loss."""
    grad = jax.grad(f)

    def one(p0, lr, b1):
        opt = optax.adam(lr, b1=b1)

        def body(carry, _):
            p, s = carry
            u, s = opt.update(grad(p), s, p)
            return (optax.apply_updates(p, u), s), None

        p = jax.lax.scan(body, (p0, opt.init(p0)), None, length=STEPS)[0][0]
        return p, f(p)

    run = jax.jit(jax.vmap(one))
    args = [jnp.asarray(a, jnp.float32) for a in (starts, lrs, b1s)]
    return lambda: jax.block_until_ready(run(*args))


def ratio_line(name: str, engine_fn, peer_fn, repeats: int = 5) -> None:
    t_engine = median_seconds(engine_fn, repeats=repeats, warmup=1)
    t_peer = median_seconds(peer_fn, repeats=repeats, warmup=1)
    print(f"  {name}: engine {fmt(t_engine)}   optax + vmap {fmt(t_peer)}   "
          f"optax/engine = {t_peer / t_engine:.2f}× (target ≥ 1.5×)")


def picture(s: SweepScenario) -> float:
    """Seconds from a new setting to the payload the browser receives (cache bypassed), after one warm-up."""
    compute = vs.COMPUTE[s.kind]
    [m.payload for m in compute(s).maps]
    t0 = time.perf_counter()
    [m.payload for m in compute(s).maps]
    return time.perf_counter() - t0


def main() -> None:
    print(f"jax {jax.__version__}, optax {optax.__version__}, devices: {len(jax.local_devices())} × {jax.default_backend()}")
    n = 256
    g = (np.arange(n) + 0.5) / n
    X, Y = np.meshgrid(-5 + 10 * g, -5 + 10 * g)
    starts = np.stack([X.ravel(), Y.ravel()], axis=1)
    ones = np.ones(len(starts))
    print(f"\n(a) basin map 256×256, Adam η = 0.1, {STEPS} steps, Himmelblau")
    ratio_line("final points + loss",
               lambda: sweeps.lanes("himmelblau", "adam", starts, {}, steps=STEPS, learning_rate=0.1, tol=0.0),
               optax_vmap(himmelblau, starts, 0.1 * ones, 0.9 * ones))

    lrs, b1s = np.geomspace(1e-4, 1.0, n), np.linspace(0.0, 0.99, n)
    L, B = np.meshgrid(lrs, b1s)
    start = np.tile((-1.5, 2.0), (n * n, 1))
    print(f"\n(b) heat map 256×256, Adam η × β1, {STEPS} steps, Rosenbrock")

    def grid():
        chunks = sweeps.grid_chunks("rosenbrock", "adam", (-1.5, 2.0), ("learning_rate", lrs), ("b1", b1s), steps=STEPS, tol=0.0)
        return sweeps.LaneRecord.concat([rec for _, _, rec in chunks])

    ratio_line("final points + loss, grid layout", grid, optax_vmap(rosenbrock, start, L.ravel(), B.ravel()))
    ratio_line("the same as flat lanes          ",
               lambda: sweeps.lanes("rosenbrock", "adam", start, {"learning_rate": L.ravel(), "b1": B.ravel()}, steps=STEPS, tol=0.0),
               optax_vmap(rosenbrock, start, L.ravel(), B.ravel()))

    print("\n(c) new setting → payload for the browser (engine, labels, shades, base64), cache bypassed")
    four = (RunSpec("adam", 0.1), RunSpec("momentum", 0.01), RunSpec("sgd", 0.01), RunSpec("rmsprop", 0.05))
    for res, runs in ((256, four[:1]), (256, four), (512, four[:1]), (512, four)):
        s = SweepScenario(kind="basin", base=Scenario(landscape="himmelblau", runs=runs, steps=STEPS), resolution=res)
        print(f"  basin map {res}² × {len(runs)} optimizer(s): {fmt(picture(s))}")
    heat = SweepScenario(kind="heatmap", base=Scenario(runs=(RunSpec("adam", 0.05),), steps=STEPS), resolution=256,
                         x=Axis("learning_rate", 1e-4, 1.0), y=Axis("b1", 0.0, 0.99))
    print(f"  heat map 256², Adam η × β1: {fmt(picture(heat))}")


if __name__ == "__main__":
    main()
