"""Neural-net landscape benchmark: the engine against a torch training loop of the same model.

  python -m benchmarks.network

Four optimizers (SGD, momentum, Adam, RMSProp) × 2000 mini-batch updates (64 of 512 points) of
the 2-16-16-1 tanh MLP on two spirals, then the loss on a 100×100 grid of the shared PCA plane.
Both sides start from the same weights and draw the same rows per update. Prints the engine's
first call in this process (compiling, or loading the persistent cache), its warm time, and the
ratio torch / engine (> 1: the engine is faster).
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import torch

from benchmarks.common import fmt, median_seconds
from gradscape.trajectories import engine
from gradscape.trajectories import network as nw
from gradscape.trajectories import network_views as nv

PROBLEM = nw.NetworkProblem(model="mlp", dataset="spirals", hidden=16, n_points=512, batch_size=64).checked()
RUNS = (nw.NetRun("sgd", 0.5), nw.NetRun("momentum", 0.1), nw.NetRun("adam", 0.01), nw.NetRun("rmsprop", 0.003))
STEPS, GRID = 2000, 100
TORCH_OPTIMIZERS = {
    "sgd": lambda ps, lr: torch.optim.SGD(ps, lr),
    "momentum": lambda ps, lr: torch.optim.SGD(ps, lr, momentum=0.9),
    "adam": lambda ps, lr: torch.optim.Adam(ps, lr),
    "rmsprop": lambda ps, lr: torch.optim.RMSprop(ps, lr, alpha=0.9),
}


def engine_total() -> float:
    """Train, then what the page shows: the shared plane, its grid, the loss at the projected points;
    the final grid loss (forces the work)."""
    return float(nv.plane_view(nw.train(PROBLEM, RUNS, STEPS), "pca-final", GRID).grid[2].min())


def torch_weights(theta: np.ndarray) -> list[torch.Tensor]:
    """The flat θ (our ravel order: b1, b2, b3, w1, w2, w3) as torch leaves w1, b1, w2, b2, w3, b3."""
    params = nw.layout(PROBLEM.model, PROBLEM.width).unravel(jnp.asarray(theta))
    return [torch.tensor(np.asarray(params[name])) for name in ("w1", "b1", "w2", "b2", "w3", "b3")]


def torch_forward(w: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Logits of a batch of parameter sets: leaves with a leading (M,) axis, x (n, 2)."""
    h = torch.tanh(torch.matmul(x, w[0]) + w[1][:, None])
    h = torch.tanh(torch.matmul(h, w[2]) + w[3][:, None])
    return (torch.matmul(h, w[4]) + w[5][:, None])[..., 0]


def torch_total(rows: np.ndarray) -> float:
    """The same work in torch: four training loops, then the 100×100 plane from their iterates."""
    x_np, y_np, theta0 = nw.problem_arrays(PROBLEM)
    x, y = torch.tensor(x_np), torch.tensor(y_np)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    stride = nw.snapshot_stride(engine.bucket_for(STEPS))
    snapshots = []
    for run, run_rows in zip(RUNS, rows):
        params = [p.requires_grad_() for p in torch_weights(theta0)]
        opt = TORCH_OPTIMIZERS[run.optimizer](params, run.learning_rate)
        for k in range(STEPS):
            idx = torch.from_numpy(run_rows[k])
            opt.zero_grad()
            logits = torch_forward([p[None] for p in params], x[idx])[0]
            loss_fn(logits, y[idx]).backward()
            opt.step()
            if k % stride == 0:
                snapshots.append(torch.cat([p.detach().reshape(-1) for p in params]))
    points = torch.stack(snapshots).double()
    centred = points - points[-1]
    directions = torch.linalg.eigh(centred.T @ centred)[1][:, -2:].T.float()
    a = torch.linspace(-1, 1, GRID)
    coords = torch.stack(torch.meshgrid(a, a, indexing="xy"), -1).reshape(-1, 2)
    sizes = [p.numel() for p in torch_weights(theta0)]
    shapes = [tuple(p.shape) for p in torch_weights(theta0)]
    with torch.no_grad():
        best = float("inf")
        for chunk in coords.split(500):
            flat = points[-1].float() + chunk @ directions
            leaves = [part.reshape(-1, *shape) for part, shape in zip(flat.split(sizes, dim=1), shapes)]
            logits = torch_forward(leaves, x)
            losses = torch.nn.functional.binary_cross_entropy_with_logits(logits, y.expand_as(logits), reduction="none").mean(1)
            best = min(best, float(losses.min()))
    return best


def main() -> None:
    # One thread is torch's fastest setting for a model this small: with two, its workers spin
    # against each other (measured 1.4 ms vs 49 ms per update on the loaded 2-core VM).
    torch.set_num_threads(1)
    print(f"jax {jax.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"{len(jax.local_devices())} × {jax.default_backend()}; P = {nw.layout('mlp', 16).size} parameters")
    t0 = time.perf_counter()
    engine_total()
    first = time.perf_counter() - t0
    warm = median_seconds(engine_total, repeats=5, warmup=1)
    draw = jax.jit(jax.vmap(lambda key, k: nw.batch_indices(key, k, PROBLEM.n_points, PROBLEM.batch_size), in_axes=(None, 0)))
    steps = jnp.arange(STEPS, dtype=jnp.int32)
    rows = np.stack([np.asarray(draw(jax.random.PRNGKey(run.seed), steps)) for run in RUNS])
    t_torch = median_seconds(lambda: torch_total(rows), repeats=3, warmup=0)
    print(f"\n4 optimizers × {STEPS} steps + {GRID}×{GRID} plane (target ≤ 3 s)")
    print(f"  engine, first call in this process  {fmt(first)}")
    print(f"  engine, warm                        {fmt(warm)}")
    print(f"  torch loop + batched plane          {fmt(t_torch)}   torch/engine (warm) = {t_torch / warm:.1f}×, "
          f"torch/engine (first call) = {t_torch / first:.2f}×")


if __name__ == "__main__":
    main()
