"""Plug-in optimizers against the built-in: Adam on Rosenbrock, 500 steps from 4 start points, full record
(`trajectories.run`, float32, compiled), as the catalogue's Adam, as optax's Adam registered with
`register_optimizer`, and as torch.optim.Adam registered with `register_torch_optimizer` (stepped on
the host once per update); for scale, torch's own loop of the same work (autograd, one thread).

  python -m benchmarks.plugins
"""

from __future__ import annotations

import optax
import torch

from benchmarks.common import fmt, median_seconds
from gradscape import trajectories as tr
from gradscape.trajectories import plugins

STARTS = ((-1.5, 2.0), (-1.0, -0.5), (1.0, 2.5), (0.5, -0.8))
STEPS, LR = 500, 0.01


def engine_run(key: str):
    return lambda: tr.run("rosenbrock", key, starts=STARTS, steps=STEPS, learning_rate=LR)


def torch_loop() -> None:
    params = [torch.tensor(s, requires_grad=True) for s in STARTS]
    opt = torch.optim.Adam(params, lr=LR)
    for _ in range(STEPS):
        opt.zero_grad()
        sum((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2 for p in params).backward()
        opt.step()


def main() -> None:
    torch.set_num_threads(1)
    plugins.register_optimizer("bench_optax_adam", lambda learning_rate: optax.adam(learning_rate))
    plugins.register_torch_optimizer(torch.optim.Adam, name="bench_torch_adam")
    built_in = median_seconds(engine_run("adam"), repeats=9)
    rows = [("built-in Adam", built_in), ("optax Adam, plug-in", median_seconds(engine_run("bench_optax_adam"), repeats=9)),
            ("torch.optim.Adam, plug-in", median_seconds(engine_run("bench_torch_adam"), repeats=3, warmup=1)),
            ("torch's own loop (autograd)", median_seconds(torch_loop, repeats=3, warmup=1))]
    print(f"Adam, {len(STARTS)} starts × {STEPS} steps on Rosenbrock, full record:")
    for name, seconds in rows:
        print(f"  {name:28s} {fmt(seconds)}   {seconds / built_in:7.1f}× the built-in")


if __name__ == "__main__":
    main()
