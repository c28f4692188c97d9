"""The neural-net landscape's back end: data sets, training against optax, the shared plane, the views.

Oracles: optax driving the same model's params pytree (dict of arrays) through a plain loop on
the same mini-batch rows; exact algebra for in-plane points; the dense Hessian (jax.hessian +
eigvalsh) for the power iteration; the model's logits at one input for the decision image.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.flatten_util import ravel_pytree
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape import optimizers
from gradscape import schedules
from gradscape.landscapes import networks as nets
from gradscape.trajectories import engine
from gradscape.trajectories import network as nw
from gradscape.trajectories import network_views as nv

PROBLEM = nw.NetworkProblem(model="mlp", dataset="moons", hidden=8, n_points=128, batch_size=32).checked()
STEPS = 120
MOMENTS = dict(b1=0.8, b2=0.99, eps=1e-6)

# (our run, the optax transformation that should take the same steps given the same rates)
PARITY = (
    (nw.NetRun("sgd", 0.3), lambda lr: optax.sgd(lr)),
    (nw.NetRun("momentum", 0.05, dict(momentum=0.8)), lambda lr: optax.sgd(lr, momentum=0.8)),
    (nw.NetRun("adam", 0.01, MOMENTS, schedule="cosine"), lambda lr: optax.adam(lr, **MOMENTS)),
    (nw.NetRun("rmsprop", 0.003, dict(rho=0.95, eps=1e-6, momentum=0.0), seed=7),
     lambda lr: optax.rmsprop(lr, decay=0.95, eps=1e-6, eps_in_sqrt=False)),
    (nw.NetRun("lion", 0.002, dict(b1=0.8, b2=0.95, weight_decay=0.1)), lambda lr: optax.lion(lr, b1=0.8, b2=0.95, weight_decay=0.1)),
    (nw.NetRun("clip_norm", 0.3, dict(clip_max_norm=0.5)), lambda lr: optax.chain(optax.clip_by_global_norm(0.5), optax.sgd(lr))),
)


@functools.lru_cache(maxsize=None)
def parity_record() -> nw.NetworkRecord:
    return nw.train(PROBLEM, [run for run, _ in PARITY], STEPS)


@functools.lru_cache(maxsize=None)
def short_record() -> nw.NetworkRecord:
    """Two updates of two runs: three snapshots each, so a PCA plane of one run holds all of them."""
    return nw.train(PROBLEM, [nw.NetRun("adam", 0.05), nw.NetRun("sgd", 0.5)], 2)


def optax_path(make, rates: np.ndarray, seed: int, problem: nw.NetworkProblem = PROBLEM) -> np.ndarray:
    """Final flat params of optax on the params pytree, the same rows per update, rate rates[k]:
    the first B rows of the engine's draw for the batch bucket."""
    x, y = (jnp.asarray(a) for a in nw.problem_arrays(problem)[:2])
    spec = problem.spec
    bucket = nw.batch_bucket(problem.batch_size, problem.n_points)
    params = spec.init(jax.random.PRNGKey(problem.init_seed), problem.hidden, jnp.float32)
    key = jax.random.PRNGKey(seed)
    table = jnp.asarray(rates, jnp.float32)
    tx = make(lambda count: table[count])
    state = tx.init(params)

    @jax.jit
    def step(params, state, k):
        idx = nw.batch_indices(key, k, problem.n_points, bucket)[: problem.batch_size]
        grads = jax.grad(lambda p: nets.mean_loss(spec, p, x[idx], y[idx]))(params)
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    for k in range(STEPS):
        params, state = step(params, state, jnp.int32(k))
    return np.asarray(ravel_pytree(params)[0])


@pytest.mark.parametrize("index", range(len(PARITY)), ids=[run.optimizer for run, _ in PARITY])
def test_training_matches_optax_on_the_pytree(index):
    run, make = PARITY[index]
    rec = parity_record()
    assert rec.snapshot_steps[-1] == STEPS and rec.diverged_at[index] == -1
    expected = optax_path(make, rec.lrs[index], run.seed)
    np.testing.assert_allclose(rec.snapshots[index, -1], expected, rtol=0, atol=1e-6)
    assert rec.loss[index, -1] < rec.loss[index, 0]


def test_a_batch_size_inside_its_bucket_uses_the_first_rows_of_the_draw():
    problem = nw.NetworkProblem(**{**PROBLEM.__dict__, "batch_size": 24})
    rec = nw.train(problem, [PARITY[0][0]], STEPS)  # the sgd program of the parity runs: bucket 32
    np.testing.assert_allclose(rec.snapshots[0, -1], optax_path(PARITY[0][1], rec.lrs[0], 0, problem), rtol=0, atol=1e-6)
    assert not np.allclose(rec.snapshots[0, -1], parity_record().snapshots[0, -1], atol=1e-3)


def test_recorded_rates_follow_the_schedule():
    rec = parity_record()
    i = [run.schedule for run, _ in PARITY].index("cosine")
    sched = schedules.get("cosine")
    k = np.arange(STEPS)
    expected = np.asarray(sched.fn(k, STEPS, PARITY[i][0].learning_rate, **sched.defaults()))
    np.testing.assert_allclose(rec.lrs[i], expected, rtol=1e-5, atol=1e-9)


def test_snapshots_are_strided_and_capped():
    rec = nw.train(nw.NetworkProblem(model="logistic", dataset="blobs", n_points=64, batch_size=16), [nw.NetRun("sgd", 0.1)], 1500)
    assert rec.snapshot_steps[0] == 0 and rec.snapshot_steps[-1] == 1500
    assert len(rec.snapshot_steps) <= nw.MAX_SNAPSHOTS + 1
    assert np.all(np.diff(rec.snapshot_steps) == 2)
    assert rec.batch_loss.shape == (1, 1500) and rec.snapshots.shape == (1, 751, 3)


@pytest.mark.parametrize("key", sorted(nets.DATASETS))
def test_datasets_are_deterministic_by_seed(key):
    a, la = nets.make_dataset(key, 101, 0.1, seed=5)
    b, lb = nets.make_dataset(key, 101, 0.1, seed=5)
    c, _ = nets.make_dataset(key, 101, 0.1, seed=6)
    assert a.shape == (101, 2) and a.dtype == np.float32 and np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    assert not np.array_equal(a, c)
    assert la.sum() == 51 and set(np.unique(la)) == {0.0, 1.0}


def _in_plane(plane: nv.Plane, a: float, b: float) -> np.ndarray:
    return plane.origin + a * plane.directions[0] + b * plane.directions[1]


@settings(max_examples=30, deadline=None)
@given(a=st.floats(-50, 50), b=st.floats(-50, 50), kind=st.sampled_from(["pca-final", "pca-mean", "random"]))
def test_projection_is_exact_for_an_in_plane_point(a, b, kind):
    rec = short_record()
    plane = nv.random_plane(rec, seed=3) if kind == "random" else nv.pca_plane(rec, centre=kind[4:])
    coords, distance = nv.project(plane, _in_plane(plane, a, b))
    scale = np.linalg.norm(plane.origin) + abs(a) * np.linalg.norm(plane.directions[0]) + abs(b) * np.linalg.norm(plane.directions[1])
    np.testing.assert_allclose(coords, [a, b], rtol=1e-9, atol=1e-9 * scale)
    assert distance <= 1e-10 * scale


def test_pca_plane_is_orthonormal_and_random_plane_is_filter_normalized():
    rec = short_record()
    d = nv.pca_plane(rec).directions
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-10)
    plane = nv.random_plane(rec, seed=1)
    theta = nw.layout(PROBLEM.model, PROBLEM.width).unravel(jnp.asarray(plane.origin, jnp.float32))
    direction = nw.layout(PROBLEM.model, PROBLEM.width).unravel(jnp.asarray(plane.directions[0], jnp.float32))
    np.testing.assert_allclose(np.linalg.norm(direction["w2"], axis=0), np.linalg.norm(theta["w2"], axis=0), rtol=1e-5)
    assert not np.any(np.asarray(direction["b1"]))


def test_plane_loss_at_a_runs_own_iterates_is_the_models_loss():
    rec = short_record()
    for run in range(2):
        one = nw.NetworkRecord(**{**rec.__dict__, "snapshots": rec.snapshots[run:run + 1]})
        plane = nv.pca_plane(one, centre="final")
        coords, distance = nv.project(plane, rec.snapshots[run])
        assert np.all(distance <= 1e-5 * np.linalg.norm(rec.snapshots[run], axis=-1))
        np.testing.assert_allclose(coords[-1], [0.0, 0.0], atol=1e-12)
        np.testing.assert_allclose(nv.plane_losses(PROBLEM, plane, coords), rec.loss[run], rtol=2e-5)


def test_off_plane_iterates_are_measured_and_the_grid_is_the_plane_loss():
    rec = parity_record()
    plane = nv.pca_plane(rec)
    coords, distance = nv.project(plane, rec.snapshots)
    assert distance.shape == rec.loss.shape and np.all(distance >= 0) and distance.max() > 1e-3
    as_, bs, z = nv.plane_grid(PROBLEM, plane, nv.path_extent(coords), n=7)
    i, j = 2, 5
    direct = nw.flat_loss(PROBLEM.model, PROBLEM.width)(jnp.asarray(_in_plane(plane, as_[j], bs[i]), jnp.float32),
                                                        *nw.problem_arrays(PROBLEM)[:2])
    np.testing.assert_allclose(z[i, j], float(direct), rtol=1e-5)


def test_decision_image_is_the_models_probability():
    rec = short_record()
    images, extent = nv.decision_images(PROBLEM, rec.snapshots[0, [0, -1]], n=9)
    assert images.shape == (2, 9, 9) and images.dtype == np.uint8
    (x0, x1), (y0, y1) = extent
    row, col = 7, 2
    point = jnp.asarray([[x0 + col * (x1 - x0) / 8, y0 + row * (y1 - y0) / 8]], jnp.float32)
    params = nw.layout(PROBLEM.model, PROBLEM.width).unravel(jnp.asarray(rec.snapshots[0, -1]))
    prob = float(jax.nn.sigmoid(PROBLEM.spec.logits(params, point))[0])
    assert abs(int(images[1, row, col]) - 255 * prob) <= 0.5 + 1e-3


def test_power_iteration_matches_the_dense_hessian():
    problem = nw.NetworkProblem(model="mlp", dataset="circles", hidden=3, n_points=64, batch_size=64)
    x, y, theta0 = nw.problem_arrays(problem)
    loss = nw.flat_loss(problem.model, problem.width)
    thetas = np.stack([theta0, theta0 * 1.5])
    ours = nv.top_hessian_eigenvalues(problem, thetas, iterations=100)
    for theta, value in zip(thetas, ours):
        eig = np.linalg.eigvalsh(np.asarray(jax.hessian(lambda t: loss(t, x, y))(jnp.asarray(theta)), np.float64))
        dominant = eig[np.argmax(np.abs(eig))]
        np.testing.assert_allclose(value, dominant, rtol=2e-3)


@pytest.mark.parametrize("problem, runs, steps, words", [
    (nw.NetworkProblem(hidden=500), [nw.NetRun()], 10, "hidden width"),
    (nw.NetworkProblem(batch_size=600), [nw.NetRun()], 10, "batch size"),
    (nw.NetworkProblem(dataset="mnist"), [nw.NetRun()], 10, "unknown data set"),
    (nw.NetworkProblem(noise=5.0), [nw.NetRun()], 10, "noise"),
    (nw.NetworkProblem(), [nw.NetRun()] * 9, 10, "number of runs"),
    (nw.NetworkProblem(), [nw.NetRun("nope")], 10, "run 1: unknown optimizer"),
    (nw.NetworkProblem(), [nw.NetRun(), nw.NetRun("adam", float("nan"))], 10, "run 2: learning rate"),
    (nw.NetworkProblem(), [nw.NetRun(hyper={"b1": 2.0})], 10, "run 1"),
    (nw.NetworkProblem(), [nw.NetRun()], 6000, "steps"),
])
def test_bad_input_is_refused_in_words(problem, runs, steps, words):
    with pytest.raises(ValueError, match=words):
        nw.train(problem, runs, steps)


@functools.lru_cache(maxsize=None)
def _gradient() -> tuple[np.ndarray, np.ndarray]:
    x, y, theta = nw.problem_arrays(PROBLEM)
    return theta, np.asarray(jax.grad(lambda t: nw.flat_loss(PROBLEM.model, PROBLEM.width)(t, x, y))(jnp.asarray(theta)))


@pytest.mark.parametrize("key", sorted(optimizers.REGISTRY))
def test_every_catalogue_optimizer_steps_the_network(key):
    """Two updates on the flat vector stay finite and move; an element-wise rule takes the same
    steps on the params pytree (the README's contract), the whole-vector rules need the flat vector."""
    info = optimizers.get(key)
    hyper = {k: jnp.float32(v) for k, v in info.defaults().items()}
    unravel = nw.layout(PROBLEM.model, PROBLEM.width).unravel

    @jax.jit
    def two(theta, grad):
        tx = engine.build_optimizer(info, jnp.float32(info.default_lr), hyper, jnp.int32(100), jnp.float32)
        state = tx.init(theta)
        for _ in range(2):
            updates, state = tx.update(grad, state, theta)
            theta = jax.tree_util.tree_map(jnp.add, theta, updates)
        return theta

    theta, grad = _gradient()
    flat = np.asarray(two(jnp.asarray(theta), jnp.asarray(grad)))
    assert np.all(np.isfinite(flat)) and not np.array_equal(flat, theta)
    if key not in nw.WHOLE_VECTOR_RULES and not info.stochastic:
        tree = two(unravel(jnp.asarray(theta)), unravel(jnp.asarray(grad)))
        np.testing.assert_allclose(ravel_pytree(tree)[0], flat, rtol=1e-6, atol=1e-8)
