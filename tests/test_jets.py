"""The NumPy second-order jets of typed trees against JAX's autodiff of the same trees: values,
gradients and Hessians, including JAX's choices at kinks and ties. Where JAX's f, ∇f or ∇²f is not
finite (a pole, the log of a negative number, √ at 0) the jets have a non-finite part too, which is
what a survey needs (it neither steps from nor accepts such a point), not the same parts: forward
mode multiplies zero tangents by inf there (NaN where reverse mode keeps a symbolic 0)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings

from gradscape.landscapes import jets
from gradscape.landscapes.expression import objective, parse
from tests.test_expression import ANY, POINTS, trees


def jax_derivatives(tree, xy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f = objective(tree)
    p = jnp.array(xy, jnp.float64)
    return tuple(np.asarray(a) for a in jax.jit(lambda q: (f(q), jax.grad(f)(q), jax.hessian(f)(q)))(p))


def assert_same(got, expected) -> None:
    """Equal where JAX's is finite (to rounding), and not finite where JAX's is not."""
    got, expected = np.asarray(got), np.asarray(expected)
    finite = np.isfinite(expected)
    assert np.array_equal(np.isfinite(got), finite), (got, expected)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-9, atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(tree=trees(ANY), xy=POINTS)
def test_jets_are_jax_derivatives(tree, xy):
    compare(tree, xy)


def compare(tree, xy) -> None:
    expected = jax_derivatives(tree, xy)
    p = np.array(xy, np.float64)[:, None]
    v, g, h = jets.derivatives(tree)(p)
    assert_same(jets.values(tree, p)[0], expected[0])
    assert_same(v[0], expected[0])
    if all(np.all(np.isfinite(a)) for a in expected):
        assert_same(g[:, 0], expected[1])
        assert_same(h[:, :, 0], expected[2])
    else:
        assert not all(np.all(np.isfinite(a)) for a in (v, g, h))


@pytest.mark.parametrize("text", [
    "abs(x) + relu(y)", "min(x, y) + max(x, 0)", "min(x, x)", "x^0.5 + y^-2", "2^x * x^y", "(-2)^y + x^3",
    "1/0 + x", "log(x) + sqrt(y)", "tan(x) * sigmoid(y) + softplus(x*y)", "x/(y - y) + x",
])
def test_jets_follow_jax_at_kinks_ties_and_poles(text):
    for xy in ((0.0, 0.0), (0.0, 1.5), (-1.0, 2.0), (2.0, -0.5), (1.0, 1.0)):
        compare(parse(text), xy)
