"""The code the Optimizer reference page shows: each optimizer's own builder, and what that calls.

Oracles: the module files parsed with `ast` (a definition's text is its node's source segment; what
a function calls is the names it loads that no enclosing function binds, annotations aside) and,
for the wrapped entries, the wrapper and inner optimizer each is documented as.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys

import pytest

from gradscape import optimizers
from gradscape.optimizers.source import builder_sources, called_sources

# The wrapped catalogue entries: the wrapper's transform, then the inner optimizer's builder.
WRAPPED = {
    "lookahead": ("lookahead", "momentum"),
    "lookahead_yogi": ("lookahead", "yogi"),
    "ranger": ("lookahead", "radam"),
    "swa": ("swa", "sgd"),
    "gradient_noise": ("with_gradient_noise", "sgd"),
    "clip_norm": ("with_clip_by_norm", "sgd"),
    "clip_value": ("with_clip_by_value", "sgd"),
}


@functools.cache
def parsed(module: str) -> tuple[str, dict[str, ast.AST]]:
    """(text, top-level function and class nodes by name) of an optimizer module's file."""
    text = open(inspect.getsourcefile(sys.modules[module]), encoding="utf-8").read()
    nodes = {n.name: n for n in ast.parse(text).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return text, nodes


def segment(module: str, name: str) -> str:
    text, nodes = parsed(module)
    return ast.get_source_segment(text, nodes[name])


@pytest.mark.parametrize("key", sorted(optimizers.REGISTRY))
def test_the_shown_source_is_the_optimizers_own_builder_not_its_module(key):
    info = optimizers.get(key)
    shown = builder_sources(info)
    assert tuple(s.name for s in shown) == WRAPPED.get(key, (info.build.__name__,))
    for source in shown:
        assert source.code.startswith(f"def {source.name}(")
        assert source.code.rstrip("\n") == segment(source.module, source.name)
        assert len(source.code.splitlines()) < len(parsed(source.module)[0].splitlines()) / 2


def test_a_wrapper_of_a_wrapper_shows_both_transforms_then_the_builder():
    shown = builder_sources(optimizers.get("clip_norm(lookahead(adam))"))
    assert [s.qualified for s in shown] == [
        "gradscape.optimizers.wrappers.with_clip_by_norm",
        "gradscape.optimizers.wrappers.lookahead",
        "gradscape.optimizers.adam.adam",
    ]


class _Names(ast.NodeVisitor):
    """Names a function's body loads and the names it binds (parameters, assignments, nested defs)."""

    def __init__(self) -> None:
        self.loaded: list[str] = []
        self.bound: set[str] = set()

    def visit_arg(self, node: ast.arg) -> None:
        self.bound.add(node.arg)  # its annotation is not evaluated (postponed annotations)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bound.add(node.name)
        self.visit(node.args)
        for statement in node.body:
            self.visit(statement)

    def visit_Name(self, node: ast.Name) -> None:
        (self.loaded.append if isinstance(node.ctx, ast.Load) else self.bound.add)(node.id)


def callees_by_ast(obj) -> list:
    """The optimizer modules' functions and classes that function `obj` names as globals."""
    names = _Names()
    node = parsed(obj.__module__)[1][obj.__name__]
    names.visit(node.args)
    for statement in node.body:
        names.visit(statement)
    namespace = vars(sys.modules[obj.__module__])
    found = [namespace.get(n) for n in names.loaded if n not in names.bound]
    return [o for o in found if (inspect.isfunction(o) or inspect.isclass(o)) and o.__module__.startswith("gradscape.optimizers.")]


@pytest.mark.parametrize("key", sorted(optimizers.REGISTRY))
def test_the_code_it_calls_is_everything_its_builder_reaches(key):
    info = optimizers.get(key)
    roots = set(info.definitions())
    reached, frontier = set(), list(roots)
    while frontier:
        for obj in callees_by_ast(frontier.pop()):
            if obj not in reached | roots:
                reached.add(obj)
                if inspect.isfunction(obj):
                    frontier.append(obj)
    called = called_sources(info)
    assert {s.qualified for s in called} == {f"{o.__module__}.{o.__name__}" for o in reached}
    assert all(s.code.rstrip("\n") == segment(s.module, s.name) for s in called)
    modules = list(dict.fromkeys(s.module for s in called))
    shared = [m for m in modules if m in ("gradscape.optimizers.moments", "gradscape.optimizers.base")]
    assert modules[len(modules) - len(shared):] == shared  # the shared helpers come last
    own = {fn.__module__ for fn in roots}
    assert modules[: len(own & set(modules))] == [m for m in modules if m in own]  # its own module(s) first


def test_adam_shows_its_three_line_builder_and_the_moment_helpers_it_calls():
    info = optimizers.get("adam")
    (builder,) = builder_sources(info)
    assert builder.code.startswith("def adam(") and "scale_by_adam" in builder.code
    called = {s.name: s for s in called_sources(info)}
    assert {"scale_by_adam", "adam_step", "update_moment", "bias_correction", "bias_denominator", "chain"} <= set(called)
    assert "scale_by_rms" not in called and "lion" not in called
