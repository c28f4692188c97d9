"""The trajectory engine: records, events, batching, validation and no recompilation."""

import jax
import numpy as np
import pytest
from jax import monitoring

from gradscape import landscapes
from gradscape import trajectories as tr
from gradscape.trajectories import ends, engine


class CompileCounter:
    """Counts XLA backend compilations while active."""

    def __init__(self):
        self.count = 0
        self.active = False
        monitoring.register_event_duration_secs_listener(self._on_event)

    def _on_event(self, event, duration, **kwargs):
        if self.active and event == "/jax/compilation_cache/compile_requests_use_cache" or (
            self.active and event.endswith("backend_compile_duration")
        ):
            self.count += 1

    def __enter__(self):
        self.count, self.active = 0, True
        return self

    def __exit__(self, *exc):
        self.active = False


COUNTER = CompileCounter()


def numpy_adam(start, grad, lr, steps, b1=0.9, b2=0.999, eps=1e-8):
    p = np.array(start, float)
    m = np.zeros(2)
    v = np.zeros(2)
    path = [p.copy()]
    for t in range(1, steps + 1):
        g = grad(p)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        path.append(p.copy())
    return np.array(path)


def rosen_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def test_record_matches_an_independent_numpy_adam():
    rec = tr.run("rosenbrock", "adam", learning_rate=0.02, steps=300, dtype="float64")
    expected = numpy_adam((-1.5, 2.0), rosen_grad, 0.02, 300)
    assert rec.positions.shape == (1, 301, 2)
    np.testing.assert_allclose(rec.positions[0], expected, atol=1e-10)
    f = landscapes.get("rosenbrock").f
    np.testing.assert_allclose(rec.losses[0], np.asarray(f(expected.T)), rtol=1e-10)
    np.testing.assert_allclose(rec.lrs[0], 0.02)
    moved = np.abs(np.diff(expected, axis=0))
    np.testing.assert_allclose(rec.effective[0], moved / np.abs(rec.grads[0]), rtol=1e-8)


def test_batch_of_starts_equals_separate_runs():
    starts = [(-1.5, 2.0), (0.5, -0.5), (1.5, 2.5)]
    both = tr.run("rosenbrock", "momentum", starts=starts, learning_rate=1e-3, steps=200, dtype="float64")
    for i, s in enumerate(starts):
        one = tr.run("rosenbrock", "momentum", starts=[s], learning_rate=1e-3, steps=200, dtype="float64")
        np.testing.assert_allclose(both.positions[i], one.positions[0], atol=1e-12)


def test_sweep_equals_separate_runs():
    lrs = [1e-3, 1e-2, 5e-2]
    out = tr.sweep("quadratic", "momentum", {"learning_rate": lrs, "momentum": [0.5, 0.8, 0.9]}, steps=150, dtype="float64")
    recs = tr.sweep("quadratic", "momentum", {"learning_rate": lrs, "momentum": [0.5, 0.8, 0.9]}, steps=150, dtype="float64", record=True)
    for i, (lr, mu) in enumerate(zip(lrs, [0.5, 0.8, 0.9])):
        one = tr.run("quadratic", "momentum", learning_rate=lr, hyper={"momentum": mu}, steps=150, dtype="float64")
        np.testing.assert_allclose(out.positions[i, 0], one.positions[0, -1], atol=1e-12)
        np.testing.assert_allclose(recs[i].positions, one.positions, atol=1e-12)


def test_no_compilation_when_traced_values_change():
    tr.run("rosenbrock", "adam", learning_rate=0.01, steps=300, schedule="cosine")
    with COUNTER as c:
        for lr, b1, steps, start, floor in [(0.03, 0.8, 250, (-1.0, 0.0), 0.1), (0.2, 0.95, 400, (1.5, 2.5), 0.0)]:
            tr.run("rosenbrock", "adam", learning_rate=lr, hyper={"b1": b1}, steps=steps, starts=[start],
                   schedule="cosine", schedule_params={"min_ratio": floor}, seed=7)
    assert c.count == 0
    with COUNTER as c:  # a new step bucket is a new program: exactly what should compile
        tr.run("rosenbrock", "adam", steps=1500, schedule="cosine")
    assert c.count >= 1


def test_steps_share_a_bucket():
    assert engine.bucket_for(1) == engine.bucket_for(100) == 100
    assert engine.bucket_for(101) == 200
    assert engine.bucket_for(engine.MAX_STEPS) == engine.MAX_STEPS
    rec = tr.run("quadratic", "sgd", steps=137, learning_rate=0.1)
    assert rec.positions.shape == (1, 138, 2) and rec.lrs.shape == (1, 137)


def test_divergence_holds_position_and_reports_step():
    rec = tr.run("quadratic", "sgd", learning_rate=1.2, steps=300, starts=[(1.0, 0.5)], dtype="float64")
    assert rec.status[0] in (engine.DIVERGED, engine.LEFT_DOMAIN)
    k = int(rec.event_step[0])
    assert 0 < k < 300
    assert np.all(np.isfinite(rec.positions))
    np.testing.assert_array_equal(rec.positions[0, k:], np.repeat(rec.positions[0, k - 1 : k], 301 - k, axis=0))
    assert rec.status_text().endswith(f"at step {k}")


def test_overflow_is_diverged_not_nan():
    rec = tr.run("beale", "sgd", learning_rate=1.0, steps=100, starts=[(4.0, 4.0)])
    assert rec.status[0] == engine.DIVERGED or rec.status[0] == engine.LEFT_DOMAIN
    assert np.all(np.isfinite(rec.positions)) and np.all(np.isfinite(rec.losses))


def _numpy_sgd(grad, start, lr: float, steps: int) -> np.ndarray:
    """Plain gradient descent in float64 NumPy: the oracle the end states are checked against."""
    p = np.array(start, float)
    out = [p.copy()]
    for _ in range(steps):
        p = p - lr * grad(p)
        out.append(p.copy())
    return np.array(out)


def test_a_small_gradient_stops_nothing_and_the_end_is_named_by_the_place():
    rec = tr.run("booth", "sgd", learning_rate=0.05, steps=1000, dtype="float64")
    booth_grad = lambda p: np.array([2 * (p[0] + 2 * p[1] - 7) + 4 * (2 * p[0] + p[1] - 5),
                                     4 * (p[0] + 2 * p[1] - 7) + 2 * (2 * p[0] + p[1] - 5)])
    oracle = _numpy_sgd(booth_grad, rec.positions[0, 0], 0.05, 1000)
    np.testing.assert_allclose(rec.positions[0], oracle, atol=1e-9)  # every step taken, none frozen
    assert np.linalg.norm(oracle[-1] - (1.0, 3.0)) < 1e-6
    assert rec.status[0] == engine.AT_GLOBAL_MIN and rec.status_text() .startswith("at the global minimum since step ")
    k = int(rec.event_step[0])
    size = max(b - a for a, b in landscapes.get("booth").domain)
    assert np.all(np.linalg.norm(oracle[k:] - oracle[-1], axis=1) <= 1e-3 * size)
    assert np.linalg.norm(oracle[k - 1] - oracle[-1]) > 1e-3 * size


def test_a_path_on_the_saddle_ridge_ends_at_the_saddle_and_one_beside_it_leaves():
    rec = tr.run("saddle", "sgd", learning_rate=0.05, steps=500, starts=[(1.0, 0.0), (1.0, 1e-3)], dtype="float64")
    oracle = _numpy_sgd(lambda p: np.array([2 * p[0], -2 * p[1]]), (1.0, 0.0), 0.05, 500)
    np.testing.assert_allclose(rec.positions[0], oracle, atol=1e-12)
    assert np.linalg.norm(oracle[-1]) < 1e-12
    assert rec.status_text(0).startswith("at a saddle since step ")
    assert rec.status[1] == engine.LEFT_DOMAIN


def test_lion_is_not_frozen_where_its_gradient_first_gets_small():
    rec = tr.run("beale", "lion", learning_rate=0.01, steps=1000, dtype="float64")
    g = np.linalg.norm(rec.grads[0], axis=1)
    first_small = int(np.argmax(g <= 1e-5)) if (g <= 1e-5).any() else None
    moved = np.linalg.norm(np.diff(rec.positions[0], axis=0), axis=1)
    assert moved[-100:].min() > 0  # a sign step never shrinks: still stepping at the end
    if first_small is not None:
        assert moved[first_small:].max() > 0
    assert rec.status[0] not in engine.AT_A_MINIMUM or np.linalg.norm(rec.positions[0, -1] - (3.0, 0.5)) < 0.09

def test_gradient_noise_is_seeded():
    a = tr.run("quadratic", "sgd", learning_rate=0.05, steps=100, noise=0.5, seed=3)
    b = tr.run("quadratic", "sgd", learning_rate=0.05, steps=100, noise=0.5, seed=3)
    c = tr.run("quadratic", "sgd", learning_rate=0.05, steps=100, noise=0.5, seed=4)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert not np.allclose(a.positions, c.positions)


def test_minibatch_full_single_and_mini():
    kw = dict(learning_rate=0.05, steps=400, dtype="float64")
    full = tr.run("linear_regression", "sgd", **kw)
    full_b = tr.run("linear_regression", "sgd", batch_size=256, **kw)
    np.testing.assert_allclose(full.positions, full_b.positions)
    single = tr.run("linear_regression", "sgd", batch_size=1, seed=1, **kw)
    mini = tr.run("linear_regression", "sgd", batch_size=32, seed=1, **kw)
    w, b = landscapes.get("linear_regression").minima[0].xy
    tail = slice(300, None)
    dist = {name: np.linalg.norm(r.positions[0, tail] - (w, b), axis=1).mean() for name, r in
            [("full", full), ("single", single), ("mini", mini)]}
    assert dist["full"] < 1e-3 < dist["mini"] < dist["single"]
    assert not np.allclose(single.grads[0, :5], full.grads[0, :5])


def test_reddi_adam_drifts_to_plus_one():
    rec = tr.run("reddi", "adam", learning_rate=0.5, hyper={"b1": 0.0, "b2": 0.1}, steps=1500, dtype="float64")
    assert rec.positions.shape == (1, 1501, 1)
    assert rec.positions[0, -1, 0] > 0.9


def test_the_engine_asks_the_problem_not_its_key():
    """A 1-D online problem's starts: bare numbers allowed, its dimension and bounds checked, its default start used."""
    np.testing.assert_array_equal(np.asarray(tr.prepare("reddi", "adam").inputs.start), [1.0])
    np.testing.assert_array_equal(np.asarray(tr.prepare("reddi", "adam", starts=[-0.5, 0.5], record=False).inputs.start), [[-0.5, 0.5]])
    with pytest.raises(ValueError, match=r"lie in \[-1, 1\]"):
        tr.prepare("reddi", "adam", starts=[1.5])
    with pytest.raises(ValueError, match="are 1-D"):
        tr.prepare("reddi", "adam", starts=[(0.0, 0.0)])
    with pytest.raises(ValueError, match="are 2-D"):
        tr.prepare("rosenbrock", "adam", starts=[0.0])


def test_float32_default_and_float64_on_request():
    assert tr.run("quadratic", "sgd", steps=10).positions.dtype == np.float32
    assert tr.run("quadratic", "sgd", steps=10, dtype="float64").positions.dtype == np.float64


def test_final_points_for_a_grid_of_starts():
    xs = np.linspace(-4.5, 4.5, 16)
    starts = np.array([(x, y) for x in xs for y in xs])
    fin = tr.final_points("himmelblau", "adam", starts=starts, learning_rate=0.1, steps=1000)
    assert fin.positions.shape == (256, 2)
    minima = np.array([p.xy for p in landscapes.get("himmelblau").minima])
    nearest = np.linalg.norm(fin.positions[:, None] - minima[None], axis=2).min(axis=1)
    assert np.mean(nearest < 1e-2) > 0.95
    assert len({tuple(np.round(p, 2)) for p in fin.positions[nearest < 1e-2]}) == 4


@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        (dict(learning_rate=-0.1), "learning_rate"),
        (dict(learning_rate=float("inf")), "learning_rate"),
        (dict(steps=0), "steps"),
        (dict(steps=engine.MAX_STEPS + 1), "steps"),
        (dict(steps=2.5), "steps"),
        (dict(starts=[(10.0, 0.0)]), "outside the domain"),
        (dict(starts=[(float("nan"), 0.0)]), "start"),
        (dict(hyper={"b9": 1.0}), "b9"),
        (dict(hyper={"b1": 2.0}), "b1"),
        (dict(schedule="warp"), "schedule"),
        (dict(noise=-1.0), "noise"),
        (dict(batch_size=8), "batch_size"),
        (dict(seed=-1), "seed"),
        (dict(dtype="float16"), "dtype"),
    ],
)
def test_bad_input_raises_a_clear_error(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        tr.prepare("rosenbrock", "adam", **kwargs)


def test_a_recorded_run_has_no_gradient_tolerance():
    with pytest.raises(ValueError, match="‖∇f‖ tolerance"):
        tr.run("rosenbrock", "adam", steps=10, tol=1e-3)


def test_unknown_names_raise():
    with pytest.raises(ValueError, match="unknown landscape"):
        tr.prepare("moon", "adam")
    with pytest.raises(ValueError, match="unknown optimizer"):
        tr.prepare("rosenbrock", "adamz")


def test_run_length_reaches_optimizers_that_need_it():
    """Ranger21's warm-down depends on T: the engine passes the run's step count."""
    import jax.numpy as jnp
    from gradscape import optimizers
    from gradscape.landscapes.classic import booth

    info = optimizers.get("ranger21")
    assert "total_steps" not in info.defaults()
    steps = 150
    rec = tr.run("booth", "ranger21", steps=steps, dtype="float64", starts=[(-8.0, -8.0)])
    tx = info.build(info.default_lr, total_steps=float(steps), **info.defaults())
    p = jnp.array([-8.0, -8.0])
    state = tx.init(p)
    grad = jax.grad(booth)
    for k in range(steps):
        u, state = tx.update(grad(p), state, p)
        p = p + u
    np.testing.assert_allclose(rec.positions[0, -1], np.asarray(p), atol=1e-9)


def test_end_states_agree_with_a_numpy_rerun_classified_by_distance_to_the_markers():
    """Himmelblau from a grid of starts: the end state says 'at a … minimum' exactly where a float64
    NumPy re-run ends within 1 % of the map of a catalogued minimum, 'left the map' where it left."""
    def grad(p):
        x, y = p
        a, b = x * x + y - 11, x + y * y - 7
        return np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])

    ls = landscapes.get("himmelblau")
    (x0, x1), (y0, y1) = ls.domain
    size = max(x1 - x0, y1 - y0)
    starts = [(x, y) for x in np.linspace(x0 + 0.3, x1 - 0.3, 5) for y in np.linspace(y0 + 0.3, y1 - 0.3, 5)]
    lr, steps = 0.01, 400
    rec = tr.run("himmelblau", "sgd", learning_rate=lr, steps=steps, starts=starts, dtype="float64")
    minima = np.array([p.xy for p in ls.minima])
    for j, start in enumerate(starts):
        path = _numpy_sgd(grad, start, lr, steps)
        off = [k for k, p in enumerate(path) if not ls.contains(tuple(p), margin=0.5)]
        text = rec.status_text(j)
        if off:
            assert text == f"left the map at step {off[0]}"
            continue
        near = np.min(np.linalg.norm(minima - path[-1], axis=1)) <= 0.01 * size
        settled = np.all(np.linalg.norm(path[-20:] - path[-1], axis=1) <= 1e-3 * size)
        assert text.startswith("at a global minimum since step ") == (near and settled), (start, text)


def test_a_typed_landscape_names_its_ends_by_its_surveyed_points_and_its_own_derivatives():
    """(x² − 1)² + 2y²: minima at (±1, 0), a saddle at (0, 0) (found by the survey, not written down);
    a path started on the ridge x = 0 rests on the saddle, one from (0.5, 1) in the minimum (1, 0)."""
    key = landscapes.custom.make_key("(x^2-1)^2 + 2*y^2", ((-2, 2), (-1.5, 1.5)))
    rec = tr.run(key, "sgd", learning_rate=0.05, steps=400, starts=[(0.0, 1.0), (0.5, 1.0)], dtype="float64")
    assert np.abs(rec.positions[0, -1]).max() < 1e-6 and rec.status_text(0).startswith("at a saddle since step ")
    assert np.allclose(rec.positions[1, -1], (1.0, 0.0), atol=1e-6)
    assert rec.status[1] in engine.AT_A_MINIMUM
    g, h = ends.landscape_derivatives(key, np.array([[1.0, 0.0], [0.0, 0.0]]))
    np.testing.assert_allclose(g, 0.0, atol=1e-12)
    np.testing.assert_allclose(h[:, :, 0], [[8.0, 0.0], [0.0, 4.0]], atol=1e-9)  # f_xx = 12x² − 4, f_yy = 4
    np.testing.assert_allclose(h[:, :, 1], [[-4.0, 0.0], [0.0, 4.0]], atol=1e-9)
