"""An optimizer's code as a reference page shows it: its own builder, then the catalogue code it calls.

The builder is what the catalogue entry calls (`OptimizerInfo.definitions()`: for a wrapped entry,
the wrapper's transform and the inner optimizer's builder). What it calls is found by reading the
compiled code, not by a hand-kept list: every global name the builder loads, in its nested
functions too, that is a function or class of an optimizer module, and so on from those. Type
annotations are not loads (postponed evaluation), so a type named only in a signature is not listed.
"""

from __future__ import annotations

import dis
import inspect
import types
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from gradscape.optimizers.base import OptimizerInfo

PACKAGE = "gradscape.optimizers"
SHARED = (f"{PACKAGE}.moments", f"{PACKAGE}.base")  # listed last, in this order


@dataclass(frozen=True)
class Source:
    """One function or class: its module, name, first line there and source text."""

    module: str
    name: str
    line: int
    code: str

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


def source_of(obj: Callable | type) -> Source:
    lines, first = inspect.getsourcelines(obj)
    return Source(obj.__module__, obj.__qualname__, first, "".join(lines))


def _global_loads(code: types.CodeType) -> Iterator[str]:
    """Names `code` loads as globals, in order, its nested functions' (lambdas, closures) included."""
    for instruction in dis.get_instructions(code):
        if instruction.opname == "LOAD_GLOBAL":
            yield instruction.argval
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _global_loads(const)


def _catalogue_callees(fn: Callable) -> list[Any]:
    """The functions and classes of the optimizer modules that `fn` loads by global name, first use first."""
    found = []
    for name in _global_loads(fn.__code__):
        obj = fn.__globals__.get(name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__.startswith(PACKAGE + ".") and obj not in found:
            found.append(obj)
    return found


def builder_sources(info: OptimizerInfo) -> tuple[Source, ...]:
    """The sources of the functions that define `info`, its builder first."""
    return tuple(source_of(fn) for fn in info.definitions())


def called_sources(info: OptimizerInfo) -> tuple[Source, ...]:
    """Everything of the optimizer modules that the definitions reach, directly or through each other.

    Grouped by module, each in file order: the builder's own modules first, then the others in the
    order they are reached, the shared moment helpers and the protocol's plumbing (`SHARED`) last.
    """
    roots = list(info.definitions())
    reached: list[Any] = []
    queue = list(roots)
    while queue:
        for obj in _catalogue_callees(queue.pop(0)):
            if obj not in reached and obj not in roots:
                reached.append(obj)
                if inspect.isfunction(obj):
                    queue.append(obj)
    modules = list(dict.fromkeys([fn.__module__ for fn in roots] + [obj.__module__ for obj in reached]))
    modules = [m for m in modules if m not in SHARED] + [m for m in SHARED if m in modules]
    sources = [source_of(obj) for obj in reached]
    return tuple(sorted(sources, key=lambda s: (modules.index(s.module), s.line)))
