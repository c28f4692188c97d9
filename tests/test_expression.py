"""The typed-expression parser: grammar and precedence, canonical text, messages with columns,
and two properties against oracles written apart from it — a NumPy evaluator of the tree for
values, and central finite differences of that evaluator for gradients."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradscape.landscapes.expression import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    BinOp,
    Call,
    ExpressionError,
    Name,
    Neg,
    Num,
    Parser,
    children,
    form_objective,
    latex,
    normalize,
    objective,
    parse,
    split_numbers,
)

X, Y = Name("x"), Name("y")


def numpy_value(n, x: float, y: float) -> float:
    """The tree's value in NumPy float64, from the textbook definitions (the oracle)."""
    if isinstance(n, Num):
        return np.float64(n.value)
    if isinstance(n, Name):
        return {"x": np.float64(x), "y": np.float64(y), "pi": np.float64(np.pi), "e": np.float64(np.e)}[n.name]
    if isinstance(n, Neg):
        return -numpy_value(n.arg, x, y)
    if isinstance(n, Call):
        a = [numpy_value(arg, x, y) for arg in n.args]
        table = {
            "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log, "log1p": np.log1p,
            "sqrt": np.sqrt, "abs": np.abs, "tanh": np.tanh,
            "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
            "softplus": lambda z: np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0.0),
            "relu": lambda z: np.maximum(z, 0.0),
            "min": np.minimum, "max": np.maximum,
        }
        return table[n.fn](*a)
    a, b = numpy_value(n.left, x, y), numpy_value(n.right, x, y)
    return {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power}[n.op](a, b)


def finite_everywhere_inside(n, x: float, y: float) -> bool:
    """Whether every subexpression of the tree is finite at (x, y)."""
    with np.errstate(all="ignore"):
        return bool(np.isfinite(numpy_value(n, x, y))) and all(finite_everywhere_inside(c, x, y) for c in children(n))


# ---- grammar ----
@pytest.mark.parametrize(
    "text, tree",
    [
        ("-x^2", Neg(BinOp("^", X, Num(2.0)))),
        ("2^3^x", BinOp("^", Num(2.0), BinOp("^", Num(3.0), X))),
        ("x-y-1", BinOp("-", BinOp("-", X, Y), Num(1.0))),
        ("x/y/2", BinOp("/", BinOp("/", X, Y), Num(2.0))),
        ("x**-2", BinOp("^", X, Neg(Num(2.0)))),
        ("x ** 2", BinOp("^", X, Num(2.0))),
        ("+x", X),
        ("  ( ( x ) )\t", X),
        ("x*-y", BinOp("*", X, Neg(Y))),
        ("1e-3*x + .5", BinOp("+", BinOp("*", Num(1e-3), X), Num(0.5))),
        ("max(x, y*pi)", Call("max", (X, BinOp("*", Y, Name("pi"))))),
        ("x + 2*y^2", BinOp("+", X, BinOp("*", Num(2.0), BinOp("^", Y, Num(2.0))))),
    ],
)
def test_parse_builds_the_tree(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text, fragment, column",
    [
        ("os", "unknown name 'os'", 1),
        ("x + __import__('os')", "unknown name '__import__'", 5),
        ("x.real", "attribute access", 2),
        ("x[0]", "subscripts", 2),
        ("x + 'a'", "strings are not allowed", 5),
        ("2x", "write '*'", 1),
        ("x y", "write '*'", 3),
        ("sin(x, y)", "sin takes 1 argument, got 2", 1),
        ("max(x)", "max takes 2 arguments, got 1", 1),
        ("(x + y", "')' to close the '(' at column 1", 7),
        ("x +", "expected a number, a name or '('", 4),
        ("x^1e6", "exponent is too large", 3),
        ("9**9**9", "exponent is too large", 4),
        ("1e309 + x", "too large", 1),
        ("x = 1", "'=' is not allowed", 3),
        ("x\u2212y", "non-ASCII character U+2212", 2),
        ("y(2)", "'y' is not a function", 2),
        ("sin x", "'(' after the function sin", 5),
    ],
)
def test_rejections_say_what_and_where(text, fragment, column):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert fragment in info.value.message and info.value.column == column
    assert f"(column {column})" in str(info.value)


def test_whole_text_rejections_have_no_column():
    for text, fragment in [("3 + pi", "not a function of x and y"), ("", "empty"), ("x" * (MAX_LENGTH + 1), "too long")]:
        with pytest.raises(ExpressionError, match=fragment) as info:
            parse(text)
        assert info.value.column == 0


def test_limits_are_at_the_stated_bounds():
    parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1))
    terms = (MAX_NODES + 1) // 2  # x+x+…: `terms` names and terms-1 operations
    parse("+".join(["x"] * terms))
    with pytest.raises(ExpressionError, match="too many parts"):
        parse("+".join(["x"] * (terms + 1)))
    parse("x^64 + 1e-30*y")
    with pytest.raises(ExpressionError, match="too small"):
        parse("x + 1e-31")
    with pytest.raises(ExpressionError, match="exponent"):
        parse("x^64.5")


def test_negative_bases_with_whole_exponents_are_exact():
    f = objective(parse("x^3 + y^-2"))
    assert float(f(jnp.array([-2.0, -0.5]))) == pytest.approx(-8.0 + 4.0)


def test_division_by_zero_is_a_value_not_an_exception():
    f = objective(parse("1/x + 0/y"))
    out = np.asarray(f(jnp.array([[0.0, 1.0], [1.0, 0.0]])))
    assert np.isinf(out[0]) and np.isnan(out[1])


def test_latex_is_built_from_the_tree():
    assert latex(parse("sqrt(x)/2 + abs(y)^2")) == r"\frac{\sqrt{x}}{2} + {\left|y\right|}^{2}"
    assert latex(parse("1e-06*sin(x)")) == r"1\cdot 10^{-6}\,\sin\left(x\right)"


def test_parse_steps_are_linear_in_the_length():
    for text in ["x+" * 99 + "x", "-" * 31 + "x", "sin(" * 16 + "x" + ")" * 16, "x^(1/2)*y^-3.5e-1"]:
        parser = Parser(text)
        parser.parse()
        assert parser.steps <= 2 * len(parser.tokens)


def test_a_form_takes_the_numbers_out_but_whole_exponents_stay():
    form, numbers = split_numbers(parse("x^2 + 3*y^-2 + sin(0.5*x*y)^2.5 - 2"))
    assert normalize(form) == "x^2+#*y^-2+sin(#*x*y)^#-#" and numbers == (3.0, 0.5, 2.5, 2.0)
    assert split_numbers(parse("x^2 + 4*y^-2 + sin(1.5*x*y)^0.5 - 7"))[0] == form
    assert split_numbers(parse("x^3 + 3*y^-2 + sin(0.5*x*y)^2.5 - 2"))[0] != form


# ---- properties ----
SMOOTH = ("sin", "cos", "exp", "tanh", "sigmoid", "softplus", "log1p")
ANY = SMOOTH + ("tan", "log", "sqrt", "abs", "relu")


def trees(functions):
    leaves = st.one_of(
        st.sampled_from([X, Y, Name("pi"), Name("e")]),
        st.one_of(st.just(0.0), st.floats(1e-6, 100)).map(lambda v: Num(float(f"{v:.4g}"))),
    )

    def extend(sub):
        return st.one_of(
            st.builds(Neg, sub),
            st.builds(BinOp, st.sampled_from(["+", "-", "*", "/"]), sub, sub),
            st.builds(lambda b, k: BinOp("^", b, Num(float(k))), sub, st.integers(0, 4)),
            st.builds(lambda f, a: Call(f, (a,)), st.sampled_from(functions), sub),
            *([st.builds(lambda f, a, b: Call(f, (a, b)), st.sampled_from(["min", "max"]), sub, sub)] if "abs" in functions else []),
        )

    return st.recursive(leaves, extend, max_leaves=10).map(lambda t: BinOp("+", t, BinOp("*", Num(0.5), X)))


POINTS = st.tuples(*[st.floats(-3, 3).map(lambda v: round(v, 3))] * 2)  # no subnormals: x/x has no float64 gradient at 1e-203


@settings(max_examples=60, deadline=None)
@given(tree=trees(ANY), xy=POINTS)
def test_text_round_trip_and_value_match_numpy(tree, xy):
    text = normalize(tree)
    assert parse(text) == tree
    assert normalize(parse(text)) == text
    with np.errstate(all="ignore"):
        expected = numpy_value(tree, *xy)
    got = float(objective(parse(text))(jnp.array(xy, jnp.float64)))
    if math.isfinite(expected) and abs(expected) < 1e12:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(tree=trees(ANY), xy=POINTS)
def test_a_compiled_form_with_its_numbers_traced_is_the_tree(tree, xy):
    form, numbers = split_numbers(tree)
    p = jnp.array(xy, jnp.float64)
    expected = float(objective(tree)(p))
    got = float(jax.jit(form_objective(form))(p, jnp.asarray(numbers, jnp.float64)))
    if math.isfinite(expected):
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(tree=trees(SMOOTH), xy=POINTS)
def test_gradient_matches_central_differences(tree, xy):
    f = objective(tree)
    grad = np.asarray(jax.grad(lambda p: f(p))(jnp.array(xy, jnp.float64)))

    def central(h: float) -> np.ndarray:
        x, y = xy
        with np.errstate(all="ignore"):
            return np.array([
                (numpy_value(tree, x + h, y) - numpy_value(tree, x - h, y)) / (2 * h),
                (numpy_value(tree, x, y + h) - numpy_value(tree, x, y - h)) / (2 * h),
            ])

    assume(finite_everywhere_inside(tree, *xy))  # autodiff through inf (0/(x/0)) is nan, a difference quotient is not
    fd, fd_half = central(1e-5), central(5e-6)
    assume(np.all(np.isfinite(fd)) and np.all(np.abs(fd) < 1e6))
    scale = 1.0 + np.abs(fd)
    assume(np.all(np.abs(fd - fd_half) < 1e-5 * scale))  # smooth here: the difference quotient has settled
    with np.errstate(all="ignore"):
        roundoff = 10 * np.finfo(float).eps * (1.0 + abs(numpy_value(tree, *xy))) / 1e-5  # of a difference quotient
    np.testing.assert_allclose(grad, fd, rtol=1e-4, atol=1e-4 + roundoff)
