"""Hostile input for the typed-landscape parser, as a student on a shared class server might send
it (typed or in a link): each gets a clear message or a finite landscape — never code execution,
a traceback or unbounded work. Work is checked by the parser's own step counter (linear in the
length, and the length is capped first), not by timing."""

from __future__ import annotations

import builtins
import contextlib
from unittest import mock

import jax.numpy as jnp
import numpy as np
import pytest

from gradscape.landscapes import custom
from gradscape.landscapes.expression import MAX_LENGTH, ExpressionError, Parser, objective, parse
from gradscape.trajectories.scenario import Scenario, from_query

INJECTION = [
    "__import__('os').system('ls')", "__import__(\"os\").system(\"rm -rf /\")", "().__class__.__bases__[0].__subclasses__()",
    "().__class__", "x.__class__", "x.__add__(y)", "globals()", "locals()", "vars()", "dir()", "eval('1')", "exec('x=1')",
    "compile('1','','eval')", "open('/etc/passwd').read()", "getattr(x, 'real')", "setattr(x, 'y', 1)", "breakpoint()",
    "input()", "print(x)", "help()", "exit()", "quit()", "os.system('id')", "sys.exit()", "import os", "from os import system",
    "lambda: 0", "lambda x: x", "(lambda: x)()", "[x for x in range(9)]", "{x: y}", "{x}", "x if y else 1", "x and y", "x or y",
    "not x", "x := 1", "x = 1", "del x", "yield x", "await x", "async", "assert x", "raise", "x; import os", "x\nimport os",
    "x # comment", "x.real", "x.imag", "x[0]", "x[::-1]", "y[...]", "np.sin(x)", "jnp.sin(x)", "math.sin(x)", "jax.numpy.sin(x)",
    "sin.__globals__", "sin(x).__class__", "exp.__code__", "type(x)", "object", "self", "cls", "super()", "__builtins__",
    "__loader__", "__spec__", "x@y", "x%y", "x//y", "x&y", "x|y", "~x", "x<<2", "x>>2", "x<y", "x>y", "x==y", "x!=y",
    "x**y if 1 else 0", "b'x'", "r'x'", "'x'", '"x"', "'''x'''", "`x`", "$x", "x!", "x?", "\\x", "#x",
]
FORMAT = ["{0.__class__}", "{x}", "%s", "%(x)s", "f'{x}'", "f\"{__import__('os')}\"", "{}.format(x)", "%x", "${x}", "{{x}}"]
UNICODE = [
    "\uff58", "\u0445", "\u03c7", "x\u200by", "x\u200b", "\u202ex+y", "x\u0301", "x\u00a0+y", "\uff45\uff58\uff50(x)", "x\u00b2",
    "x\u00d7y", "x\u2212y", "x\u00f7y", "x\x00", "\x00", "x\r", "x\n", "x\x0b", "x\x0c", "\U0001f600", "x\ud800",
    "\u0430bs(x)", "s\u0456n(x)", "\ufeffx", "x\u2028", "\u2460", "\u0661+x", "x\u2044y", "x\u2217y", "\u221ax",
]
NUMBERS = [
    "9**9**9", "9^9^9", "2^2^2^2^2^2", "x**1e6", "x^1e6", "x^-1e6", "x^65", "x**-65", "x^(10^10)", "x^(2^7)", "1e309",
    "1e309*x", "-1e309+x", "1e999999999+x", "1" + "0" * 400 + "*x", "x+1e1000000", "1e10*x", "x^(1/0)", "x^(0/0)",
    "x^(1e9*1e9)", "x^exp(1)", "x^sin(0)", "0x10+x", "0b1+x", "0o7+x", "1_000*x", "1j*x", "x+inf", "x+nan", "Infinity+x",
    "NaN*x", "1.2.3+x", "1e+x", "1e", "1.e5.x", "..5", "x^^2", "x***2", "x**", "**x", "^x",
]
SIZE = [
    "x" * 100_000, "(" * 100_000, "(" * 50_000 + "x" + ")" * 50_000, "x+" * 250 + "x", "x" * (MAX_LENGTH + 1),
    "(" * 33 + "x" + ")" * 33, "-" * 33 + "x", "+" * 33 + "x", "sin(" * 33 + "x" + ")" * 33, "x^" * 33 + "x",
    "-(" * 20 + "x" + ")" * 20, "+".join(["x"] * 101), "*".join(["y"] * 120), "max(" * 20 + "x" + ",y)" * 20,
    "(" * 32 + "x" + ")" * 31, "x" + ")" * 200, " " * MAX_LENGTH, " " * (MAX_LENGTH + 1), "\t" * 10 + "x", "1" * 500,
]
SYNTAX = [
    "", " ", "x+", "+", "*x", "x y", "2x", "x(y)", "pi(x)", "e(2)", "sin", "sin()", "sin(x,y)", "min(x)", "max(x,y,1)",
    "((x)", "x)", ")(", ",", "x,y", "(x,y)", "sin(x,)", "sin(,x)", "min(,)", "x+-", "x--", "()", "(())", "sin(())", "x^",
    "x/", "/x", "x*", "True", "None", "False*x", "z", "xy", "x_y", "X", "Y", "PI*x", "E*x", "Sin(x)", "SIN(x)", "ln(x)",
    "log10(x)", "pow(x,2)", "arcsin(x)", "sinh(x)", "exp2(x)", "where(x,y,1)", "sign(x)", "floor(x)", "round(x)", "x.y",
    "3", "pi", "e", "pi*e", "sin(1)+cos(2)", "-0",
]
DIVISION = [
    "1/0", "1/0+x", "x/0", "0/0", "0/0*x", "1/(x-x)", "x/(y-y)", "log(0*x)", "1/(x*0)+y", "sqrt(-1-x^2)", "log(-exp(x))",
    "log(-1-x^2)+y", "1/x", "1/(x^2+y^2)", "log(x)+log(y)", "x/y", "tan(pi/2+0*x)", "exp(exp(exp(x)))", "(x^64)^64",
    "1/(1/x)", "0*log(x-10)+y", "sqrt(x)*sqrt(-x)", "x^-64", "exp(1e9)*x",
]
PAYLOADS = INJECTION + FORMAT + UNICODE + NUMBERS + SIZE + SYNTAX + DIVISION
WRAPPED = [f"x + {p}" for p in INJECTION[:40]] + [f"sin({p})" for p in FORMAT] + [f"{p}*y" for p in UNICODE[:20]]
ALL = PAYLOADS + WRAPPED
DIVISION_BUILT = ["1/0+x", "1/(x-x)", "log(-exp(x))", "1/(x^2+y^2)", "x/y", "sqrt(x)*sqrt(-x)"]


def test_there_are_at_least_two_hundred_payloads():
    assert len(set(ALL)) >= 200


class DynamicCodeRan(BaseException):
    """Not an Exception: no `except Exception` in the code under test can swallow it."""


@contextlib.contextmanager
def no_dynamic_code():
    """eval, exec and compile explode if anything calls them inside the block."""

    def forbidden(*args, **kwargs):
        raise DynamicCodeRan("dynamic code was run")

    with contextlib.ExitStack() as stack:
        for name in ("eval", "exec", "compile"):
            stack.enter_context(mock.patch.object(builtins, name, forbidden))
        yield


def outcome(text: str):
    """('rejected', error, None) or ('parsed', parser, tree) for one payload; any other exception fails the test."""
    try:
        with no_dynamic_code():
            parser = Parser(text)
            parser.parse()
            return "parsed", parser, parse(text)
    except ExpressionError as err:
        return "rejected", err, None


@pytest.mark.parametrize("text", ALL, ids=lambda t: repr(t[:24]))
def test_each_payload_gets_a_message_or_a_finite_function(text):
    kind, detail, tree = outcome(text)
    if kind == "rejected":
        assert detail.message and len(str(detail)) < 400
        assert 0 <= detail.column <= len(text) + 1
        return
    assert detail.steps <= 2 * len(detail.tokens) <= 2 * (MAX_LENGTH + 1)  # bounded work
    with np.errstate(all="ignore"):
        values = np.asarray(objective(tree)(jnp.asarray(np.mgrid[-2:2:5j, -2:2:5j], jnp.float64)))
    assert values.shape == (5, 5)  # a value (maybe inf/nan: a 'diverged' state) at every point, no exception


INJECTION_NAMES = ["os", "__import__", "eval", "exec", "globals", "open", "getattr", "lambda", "import", "np", "sys", "type"]


@pytest.mark.parametrize("name", INJECTION_NAMES)
def test_python_names_are_unknown_names(name):
    with pytest.raises(ExpressionError, match=f"unknown name '{name}'"):
        parse(f"x + {name}")


@pytest.mark.parametrize("text", DIVISION_BUILT)
def test_division_by_zero_builds_or_says_not_finite(text):
    try:
        ls = custom.build(custom.make_key(text))
    except ExpressionError as err:
        # NaN everywhere, or finite only where the gradient is not (sqrt's at 0): either is said
        assert "not finite anywhere on the domain" in err.message or "exceeds float32's range" in err.message
        return
    grid = np.asarray(ls.f(jnp.asarray(np.mgrid[-3:3:41j, -3:3:41j], jnp.float64)))
    assert np.isfinite(grid).any() and ls.starts
    assert all(np.isfinite(float(ls.f(jnp.asarray(s, jnp.float64)))) for s in ls.starts)


@pytest.mark.parametrize("text", [p for p in ALL if outcome(p)[0] == "rejected"][::3])
def test_a_hostile_link_falls_back_with_a_warning(text):
    scenario, warnings = from_query({"ls": "custom", "f": text, "dom": "-1,1,-1,1"})
    assert scenario.landscape == Scenario().landscape
    assert len(warnings) == 1 and warnings[0].startswith("custom landscape: ")


@pytest.mark.parametrize("dom", ["", "1,2,3", "a,b,c,d", "1,0,0,1", "0,1,1,0", "nan,1,0,1", "-inf,1,0,1", "0,1e9,0,1", "0,1e-9,0,1",
                                 "0,1,0,1," * 100])
def test_a_bad_domain_in_a_link_says_why(dom):
    _, warnings = from_query({"ls": "custom", "f": "x^2+y^2", "dom": dom})
    assert len(warnings) == 1 and ("domain" in warnings[0] or "range" in warnings[0] or "dom=" in warnings[0])
