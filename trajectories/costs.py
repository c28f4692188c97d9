"""What a landscape costs the engine per step of one trajectory, estimated before anything is
compiled or run: its f and ∇f are traced (`jax.make_jaxpr`, milliseconds; compiling is what takes
seconds) exactly as the engine differentiates them, and every operation of that program is weighed
by what it costs per point. A typed expression's characters, nodes and depth say little about
this: `x^y^x^y^…` in 63 characters is 31 powers with variable exponents in f and 62 more with
31 logarithms in ∇f, ≈ 15× Ackley's whole step.

Units: one element-wise addition for one point = 1. The weights are rounded from timings on a
2-core CPU VM (float32, XLA; f and ∇f of 50 expressions, and each operation alone): sin, cos and
a power with a non-whole or variable exponent ≈ 200 (range reduction, exp and log inside), tan ≈ 1000, exp, log, tanh and the logistic ≈ 20; an element of an array with
a data axis (a finite sum over samples) ≈ 10, as such arrays leave the cache. An optimizer's
update and the scan's bookkeeping add STEP_OVERHEAD to every step.

Two uses: a typed expression costlier than MAX_TYPED_FACTOR × the costliest built-in's is refused
(`check_expression`), and a sweep's work is counted in steps of the reference landscape
(`relative_cost`), so a costly landscape gets a smaller grid.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
from jax.extend import core

from gradscape import landscapes
from gradscape.landscapes import custom
from gradscape.landscapes.expression import ExpressionError, Node, form_objective, parse, split_numbers
from gradscape.trajectories import engine

LANES = 7  # trajectories traced at once: a count no data axis has, so per-point sizes can be read off the shapes
WEIGHTS = {"sin": 200, "cos": 200, "pow": 200, "tan": 1000, "exp": 20, "exp2": 20, "log": 20, "log1p": 20, "expm1": 20,
           "tanh": 20, "logistic": 20}
DATA_WEIGHT = 10
STEP_OVERHEAD = 250  # an optimizer's update (Adam) and the scan's bookkeeping, per step and trajectory
COSTLIEST_BUILT_IN = "ackley"  # of the catalogue's closed-form landscapes (the data landscape aside)
MAX_TYPED_FACTOR = 3.0
SWEEP_REFERENCE = "plateau"  # a sweep's work cap (trajectories/sweeps.py MAX_WORK) counts steps as costly as this one's


def _units(jaxpr: core.Jaxpr, dimension: int) -> float:
    """Σ weight × elements per point over the program's operations (nested programs included once)."""
    total = 0.0
    for eqn in jaxpr.eqns:
        inner = list(core.jaxprs_in_params(eqn.params))
        if inner:
            total += sum(_units(j, dimension) for j in inner)
            continue
        for var in eqn.outvars:
            per_point = math.prod(getattr(var.aval, "shape", ())) / LANES
            total += WEIGHTS.get(eqn.primitive.name, 1) * per_point * (DATA_WEIGHT if per_point > dimension else 1)
    return total


def evaluation_cost(value, dimension: int, *extra: jax.ShapeDtypeStruct) -> float:
    """Units of f and ∇f per point, for `value(p, *extra)` as the engine calls it (p of shape (dimension, N))."""
    p = jax.ShapeDtypeStruct((dimension, LANES), jnp.float32)
    program = jax.make_jaxpr(engine.by_rows(value, with_value=True))(p, *extra)
    return _units(program.jaxpr, dimension)


@functools.lru_cache(maxsize=1024)
def _form_cost(shape: Node, count: int) -> float:
    numbers = jax.ShapeDtypeStruct((count,), jnp.float32)
    return evaluation_cost(form_objective(shape), 2, numbers)


def expression_cost(tree: Node) -> float:
    """Units of f and ∇f per point of a typed expression (its form's: the numbers change nothing)."""
    shape, numbers = split_numbers(tree)
    return _form_cost(shape, len(numbers))


@functools.lru_cache(maxsize=64)
def _catalogue_cost(key: str) -> float:
    obj = engine.objective(key)
    dimension = landscapes.problem(key).dimension
    return evaluation_cost(obj.value, dimension, jax.ShapeDtypeStruct((), jnp.int32), jax.ShapeDtypeStruct((0,), jnp.float32))


def landscape_cost(key: str) -> float:
    """Units of f and ∇f per point of the landscape or online problem `key` (a typed one's form's)."""
    if custom.is_custom(key):
        return expression_cost(parse(custom.split_key(key)[0]))
    return _catalogue_cost(key)


def relative_cost(key: str) -> float:
    """A step on `key` in steps on SWEEP_REFERENCE (at least 1: cheaper landscapes count as it does)."""
    step = STEP_OVERHEAD + landscape_cost(key)
    return max(1.0, step / (STEP_OVERHEAD + landscape_cost(SWEEP_REFERENCE)))


def check_expression(tree: Node) -> None:
    """Refuse, in words, an expression whose f and ∇f cost more than MAX_TYPED_FACTOR × the costliest built-in's."""
    factor = expression_cost(tree) / landscape_cost(COSTLIEST_BUILT_IN)
    if factor > MAX_TYPED_FACTOR:
        name = landscapes.get(COSTLIEST_BUILT_IN).name
        raise ExpressionError(
            f"this expression is too costly to compute: a step costs about {factor:.0f}× one on {name}, the costliest built-in "
            f"landscape, and a shared server allows {MAX_TYPED_FACTOR:g}×. Try fewer sin, cos and tan, and fewer powers with x "
            "or y in the exponent (x^y); whole-number exponents (x^3) are cheap.")
