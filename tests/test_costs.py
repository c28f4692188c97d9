"""Caps by cost: a typed expression is judged by what its f and ∇f cost per step (its traced
program), not by its length; the catalogue's own formulas typed by hand and other classics pass,
the towers a hostile student types are refused in seconds, in words; and a sweep's work is
weighed by its landscape's cost."""

from __future__ import annotations

import time

import pytest

from gradscape import landscapes
from gradscape.landscapes import custom
from gradscape.landscapes.expression import ExpressionError, parse
from gradscape.trajectories import costs, sweeps, typed
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query
from gradscape.trajectories.sweep_scenario import SweepScenario
from gradscape.viz import sweeps as vs

# The catalogue's landscapes as a user would type them (the data landscape as its quadratic,
# Reddi's online problem as its steep step), and classics from optimization test-function lists.
CATALOGUE_TYPED = {
    "quadratic": "0.1*x^2 + 2*y^2",
    "rosenbrock": "(1-x)^2 + 100*(y-x^2)^2",
    "peaks": "3*(1-x)^2*exp(-x^2-(y+1)^2) - 10*(x/5 - x^3 - y^5)*exp(-x^2-y^2) - exp(-(x+1)^2-y^2)/3",
    "saddle": "x^2 - y^2",
    "cubic_saddle": "x^3 - 3*x - 2*y^2",
    "plateau": "4*sigmoid(16*(1-x)) + 0.0008*softplus(1-x) + 0.5*((x-2.5)^2+y^2)*sigmoid(16*(x-1))",
    "monkey_saddle": "x^3 - 3*x*y^2",
    "beale": "(1.5-x+x*y)^2 + (2.25-x+x*y^2)^2 + (2.625-x+x*y^3)^2",
    "himmelblau": "(x^2+y-11)^2 + (x+y^2-7)^2",
    "rastrigin": "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
    "ackley": "-20*exp(-0.2*sqrt(0.5*(x^2+y^2))) - exp(0.5*(cos(2*pi*x)+cos(2*pi*y))) + e + 20",
    "booth": "(x+2*y-7)^2 + (2*x+y-5)^2",
    "six_hump_camel": "(4-2.1*x^2+x^4/3)*x^2 + x*y + (-4+4*y^2)*y^2",
    "styblinski_tang": "0.5*(x^4-16*x^2+5*x + y^4-16*y^2+5*y)",
    "linear_regression": "1.33*x^2 + y^2 + 0.2*x*y - 5.4*x - 2.1*y + 6.3",
    "reddi": "3*x + 0*y",
}
CLASSICS = (
    "(1+(x+y+1)^2*(19-14*x+3*x^2-14*y+6*x*y+3*y^2))*(30+(2*x-3*y)^2*(18-32*x+12*x^2+48*y-36*x*y+27*y^2))",
    "-(y+47)*sin(sqrt(abs(x/2+(y+47)))) - x*sin(sqrt(abs(x-(y+47))))",
    "-abs(sin(x)*cos(y)*exp(abs(1-sqrt(x^2+y^2)/pi)))",
    "0.5 + (sin(x^2-y^2)^2-0.5)/(1+0.001*(x^2+y^2))^2",
    "sin(3*pi*x)^2+(x-1)^2*(1+sin(3*pi*y)^2)+(y-1)^2*(1+sin(2*pi*y)^2)",
    "-0.0001*(abs(sin(x)*sin(y)*exp(abs(100-sqrt(x^2+y^2)/pi)))+1)^0.1",
    "-cos(x)*cos(y)*exp(-((x-pi)^2+(y-pi)^2))",
    "sin(x+y) + (x-y)^2 - 1.5*x + 2.5*y + 1",
    "100*sqrt(abs(y-0.01*x^2)) + 0.01*abs(x+10)",
    "sin(x)*cos(y) + 0.1*(x^2+y^2)",
    "(1-x)^2 + 100*(y-x^2)^2 + x^y",
    "softplus(x)*relu(y) + max(x,y)^2 + min(x,-y)^2 + tanh(x*y) + log1p(x^2) + exp(-y^2)",
    *(text for text, _ in custom.EXAMPLES.values()),
)
TOWERS = (
    "^".join(["x", "y"] * 16),  # x^y^x^…: 32 levels, 63 characters
    "(x+y)^(x+y)^(x+y)^(x+y)^(x+y)^(x+y)^(x+y)^(x+y)^(x+y)^(x+y)^x",
    "sin((x+y)^sin((x+y)^sin((x+y)^sin((x+y)^sin((x+y)^sin(x+y))))))",
    "sin(x)^sin(y)^sin(x)^sin(y)^sin(x)^sin(y)^sin(x)^sin(y)^sin(x)",
)


@pytest.mark.parametrize("text", [*CATALOGUE_TYPED.values(), *CLASSICS])
def test_the_catalogue_typed_by_hand_and_other_classics_are_accepted(text):
    costs.check_expression(parse(text))


@pytest.mark.parametrize("text", TOWERS)
def test_towers_are_refused_in_seconds_with_what_to_try(text):
    key = custom.make_key(text)
    t0 = time.perf_counter()
    with pytest.raises(ExpressionError, match="too costly to compute") as refused:
        typed.landscape(key)
    assert time.perf_counter() - t0 < 5.0 and not typed.was_built(key)
    assert "Ackley" in str(refused.value) and "x^y" in str(refused.value)
    scenario, warnings = from_query({"ls": "custom", "f": text})  # a link with one falls back, in words
    assert scenario.landscape == Scenario().landscape and "too costly to compute" in warnings[0]


def test_the_cost_counts_operations_by_what_they_cost_not_characters():
    cost = lambda text: costs.expression_cost(parse(text))  # noqa: E731
    assert cost("sin(x) + y") > 5 * cost("x*x*x*x + y*y")  # a sine (and its cosine in ∇f) against a few products
    assert cost("x^y + y") > 5 * cost("x^3 + y")  # a power with x or y in the exponent against a whole-number one
    assert cost("x^2 + 9.5*y") == cost("x^2 + 0.25*y")  # numbers change nothing: the form is compiled
    towers = [cost("^".join(["x", "y"] * k)) for k in (2, 4, 8)]  # each level adds a power and its derivative's
    assert towers[1] - towers[0] == pytest.approx((towers[2] - towers[1]) / 2, rel=0.1)
    assert costs.landscape_cost("rastrigin") == pytest.approx(cost(CATALOGUE_TYPED["rastrigin"]), rel=0.1)


def test_a_sweep_on_a_costly_landscape_gets_a_smaller_cap_said_in_words():
    def basin(landscape: str) -> SweepScenario:
        return SweepScenario(kind="basin", base=Scenario(landscape=landscape, runs=(RunSpec("adam"),) * 4, steps=500),
                             resolution=512)

    assert basin("himmelblau").over_cap() == "" and costs.relative_cost("himmelblau") == 1.0
    assert sweeps.work("rosenbrock", 100, 50) == 100 * 50
    levy = custom.make_key(CLASSICS[4])
    for key in ("ackley", "linear_regression", levy):
        s = basin(key)
        assert costs.relative_cost(key) > 1.5 and "over the cap" in s.over_cap() and "each as costly as" in s.over_cap()
        words = vs.too_big(s)
        assert "a step on this landscape costs about" in words and "lower the resolution" in words
        fits = SweepScenario(kind="basin", base=s.base, resolution=int(512 / costs.relative_cost(key) ** 0.5) - 1)
        assert fits.over_cap() == ""
    assert costs.relative_cost("linear_regression") > 10 * costs.relative_cost("ackley")  # 256 samples a step
    with pytest.raises(ValueError, match="each as costly as"):
        sweeps.check_work("linear_regression", 512 * 512, 500)


def test_the_catalogue_lookups_agree():
    assert landscapes.get(costs.COSTLIEST_BUILT_IN).name == "Ackley"
    closed_form = [k for k, ls in landscapes.REGISTRY.items() if ls.data is None]
    assert max(closed_form, key=costs.landscape_cost) == costs.COSTLIEST_BUILT_IN
