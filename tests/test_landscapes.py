"""Landscape catalogue: notable points are what they claim, values are finite on the domain."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gradscape import landscapes
from gradscape.landscapes.data import N_SAMPLES, REG_X, REG_Y, regression_weighted_loss

ALL = list(landscapes.REGISTRY.values())
POINTS = [(ls, pt) for ls in ALL for pt in ls.points]


def scalar(ls):
    return lambda p: ls.f(p)


@pytest.mark.parametrize("ls,pt", POINTS, ids=[f"{ls.key}-{pt.kind}-{pt.x:.3f},{pt.y:.3f}" for ls, pt in POINTS])
def test_notable_point_is_stationary_and_classified(ls, pt):
    p = jnp.array(pt.xy, jnp.float64)
    g = jax.grad(scalar(ls))(p)
    assert float(jnp.linalg.norm(g)) < 1e-5
    eig = np.linalg.eigvalsh(np.asarray(jax.hessian(scalar(ls))(p)))
    if pt.kind in ("min", "local min"):
        assert eig.min() > 0
    elif pt.kind == "max":
        assert eig.max() < 0
    elif pt.kind == "saddle":
        assert eig.min() < 0 < eig.max()
    else:  # degenerate saddle: flat Hessian, yet values both above and below nearby
        assert np.abs(eig).max() < 1e-8
        angles = np.linspace(0, 2 * np.pi, 64, endpoint=False)
        ring = jnp.array(pt.xy)[:, None] + 1e-2 * jnp.array([np.cos(angles), np.sin(angles)])
        around = np.asarray(ls.f(ring)) - float(ls.f(p))
        assert around.min() < 0 < around.max()


@pytest.mark.parametrize("ls", ALL, ids=[ls.key for ls in ALL])
def test_finite_on_grid_and_starts_inside(ls):
    (x0, x1), (y0, y1) = ls.domain
    X, Y = jnp.meshgrid(jnp.linspace(x0, x1, 200), jnp.linspace(y0, y1, 200))
    P = jnp.stack([X, Y])
    value, grad = jax.value_and_grad(lambda q: jnp.sum(ls.f(q)))(P), jax.grad(lambda q: jnp.sum(ls.f(q)))(P)
    assert np.all(np.isfinite(np.asarray(ls.f(P))))
    assert np.isfinite(float(value[0])) and np.all(np.isfinite(np.asarray(grad)))
    for start in ls.starts:
        assert ls.contains(start)
    for pt in ls.points:
        assert ls.contains(pt.xy)
    assert ls.latex and ls.teaches and ls.source


def test_ackley_gradient_finite_at_its_kink():
    ls = landscapes.get("ackley")
    g = jax.grad(lambda p: ls.f(p))(jnp.zeros(2, jnp.float64))
    assert np.all(np.isfinite(np.asarray(g)))
    assert float(ls.f(jnp.zeros(2))) == pytest.approx(0.0, abs=1e-6)


def test_peaks_values_match_spec():
    ls = landscapes.get("peaks")
    assert float(ls.f(jnp.array(ls.points[0].xy))) == pytest.approx(-6.551, abs=1e-3)
    assert float(ls.f(jnp.array(ls.points[1].xy))) == pytest.approx(-3.050, abs=1e-3)
    assert sum(p.kind == "max" for p in ls.points) == 3


def test_plateau_is_flat_and_cliff_is_steep():
    ls = landscapes.get("plateau")
    grad = jax.grad(lambda q: jnp.sum(ls.f(q)))
    xs, ys = np.meshgrid(np.linspace(-4, 0.0, 60), np.linspace(-2, 2, 40))
    plateau = np.asarray(grad(jnp.array(np.stack([xs, ys]))))
    assert np.linalg.norm(plateau, axis=0).max() < 1e-3
    cliff = np.asarray(grad(jnp.array([[1.0], [0.0]])))
    assert np.linalg.norm(cliff) > 10


def test_linear_regression_minimum_is_least_squares():
    ls = landscapes.get("linear_regression")
    A = np.stack([REG_X, np.ones_like(REG_X)], axis=1)
    w, b = np.linalg.solve(A.T @ A, A.T @ REG_Y)
    assert ls.minima[0].xy == pytest.approx((w, b), abs=1e-10)
    assert abs(w - 2) < 0.2 and abs(b - 1) < 0.2
    p = jnp.array([0.3, -0.7])
    full = np.mean((0.3 * REG_X - 0.7 - REG_Y) ** 2)
    assert float(ls.f(p)) == pytest.approx(full, rel=1e-12)


def test_minibatch_weights_give_the_sample_mean_gradient():
    idx = np.array([3, 17, 200, 41])
    w = np.zeros(N_SAMPLES)
    w[idx] = 1 / len(idx)
    p = jnp.array([0.5, 2.0])
    g = jax.grad(lambda q: regression_weighted_loss(q, jnp.asarray(w)))(p)
    r = 0.5 * REG_X[idx] + 2.0 - REG_Y[idx]
    expected = [np.mean(2 * r * REG_X[idx]), np.mean(2 * r)]
    np.testing.assert_allclose(np.asarray(g), expected, rtol=1e-12)


def test_reddi_online_problem():
    prob = landscapes.REDDI
    x = jnp.array([0.2])
    assert float(prob.f(x, 1)) == pytest.approx(3 * 0.2)
    assert float(prob.f(x, 2)) == pytest.approx(-0.2)
    assert float(prob.f(x, 4)) == pytest.approx(3 * 0.2)
    assert float(prob.project(jnp.array([1.7]))[0]) == 1.0
    assert prob.optimum == -1.0
