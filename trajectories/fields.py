"""One declaration of a view's state: per field its link key, attribute, kind (type and range), the
words that name its control, whether a teacher may lock it and whether it decides the numbers.

The link codecs of the three state objects (Scenario, SweepScenario, NetScenario), the widgets'
seeding and read-back (ui/fields.py), the run caches' compute keys and the exercises' locks are all
derived from their `Table`s, as TensorFlow Playground derives its URL and controls from one State
table and PhET types its query parameters in one schema. A field's widget lives under the session key
`<prefix>.<link key>`, so a link, a widget and a lock speak of a field by one name; a field whose
widget is drawn by hand (the landscape picker, the runs) says so with `widget=False`.

Reading never raises: a malformed or out-of-range value falls back to its default and the `Reader`
collects a warning in words.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Any, Callable, Collection, Mapping

MISSING: Any = object()  # a field the link does not set
Bound = float | Callable[[Mapping[str, Any]], float]


def fmt(v: float) -> str:
    """A number as links write it: 6 significant digits."""
    return f"{v:.6g}"


class Reader:
    """Collects warnings while reading untrusted values (every view's link reader shares it)."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def number(self, key: str, raw: str, default, *, lo: float, hi: float, integer: bool = False):
        try:
            v = float(raw)
            if not math.isfinite(v) or (integer and v != int(v)):
                raise ValueError
        except ValueError:
            self.warn(f"'{key}={raw}' is not a {'whole ' if integer else ''}number; using {default}.")
            return default
        if not lo <= v <= hi:
            self.warn(f"'{key}={raw}' is outside [{lo:g}, {hi:g}]; using {default}.")
            return default
        return int(v) if integer else v

    def choice(self, key: str, raw: str, options: tuple[str, ...], default: str) -> str:
        if raw in options:
            return raw
        self.warn(f"'{key}={raw}' is not one of {', '.join(options)}; using {default}.")
        return default

    def flag(self, key: str, raw: str, default: bool) -> bool:
        if raw in ("0", "1"):
            return raw == "1"
        self.warn(f"'{key}={raw}' should be 0 or 1; using {int(default)}.")
        return default

    def unread(self, query: "Tracked", outer_keys: Collection[str] = ()) -> None:
        """Name in a warning every key of the link that nothing read (nor reads later: `outer_keys`)."""
        for k in sorted(dict.keys(query) - query.read - set(outer_keys)):
            self.warn(f"'{k}' is not a setting of gradscape links; ignored.")


class Tracked(dict):
    """A query whose keys remember being looked up, so that a reader can name those it ignored."""

    def __init__(self, query: Mapping[str, str]) -> None:
        super().__init__(query)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(key)
        return super().__contains__(key)


class Kind:
    """How one field's value is read from a link, written to one, and shown in its widget. `ctx` maps
    the table's attributes to the values read so far (their defaults before that)."""

    def parse(self, r: Reader, key: str, raw: str, default: Any, ctx: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        return str(value)

    def read(self, r: Reader, key: str, query: Tracked, default: Any, ctx: Mapping[str, Any], name: str) -> Any:
        """The field's value from the whole query (`key`: its link key there; `name`: what warnings
        call it), or MISSING when the link does not set it."""
        return self.parse(r, name, query[key], default, ctx) if key in query else MISSING

    def write(self, key: str, value: Any) -> dict[str, str]:
        return {key: self.format(value)}

    def to_widget(self, value: Any, state: Any) -> Any:
        """What the field's widget holds for `value` (`state`: the object the value belongs to)."""
        return value

    def from_widget(self, raw: Any, state: Any) -> Any:
        """The value a widget's content stands for; ValueError in words when it stands for none."""
        return raw


def _bound(b: Bound, ctx: Mapping[str, Any]) -> float:
    return b(ctx) if callable(b) else b


@dataclass(frozen=True)
class Number(Kind):
    """A number in [lo, hi] (bounds may depend on fields read before), whole when `integer`."""

    lo: Bound
    hi: Bound
    integer: bool = False

    def parse(self, r, key, raw, default, ctx):
        return r.number(key, raw, default, lo=_bound(self.lo, ctx), hi=_bound(self.hi, ctx), integer=self.integer)

    def format(self, value) -> str:
        return str(value) if self.integer else fmt(value)

    def from_widget(self, raw, state):
        return int(raw) if self.integer else float(raw)


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few values (strings or numbers), written as its text."""

    options: tuple | Callable[[], tuple]

    def values(self) -> tuple:
        return self.options() if callable(self.options) else self.options

    def parse(self, r, key, raw, default, ctx):
        by_text = {str(v): v for v in self.values()}
        return by_text[r.choice(key, raw, tuple(by_text), str(default))]


class Flag(Kind):
    """On or off, written 1 or 0."""

    def parse(self, r, key, raw, default, ctx):
        return r.flag(key, raw, default)

    def format(self, value) -> str:
        return str(int(value))

    def from_widget(self, raw, state):
        return bool(raw)


@dataclass(frozen=True)
class Field:
    """One setting of a view. `attr` is a dotted path ("problem.hidden") or, for a link value that
    carries several attributes ("rates=low,high,count"), a tuple of them."""

    key: str
    attr: str | tuple[str, ...]
    kind: Kind
    label: str
    lockable: bool = True
    computes: bool = False  # decides a run's numbers: part of its cache key
    widget: bool = True  # its widget is `<prefix>.<key>`, seeded and read back from this table
    always: bool = False  # written to links even at its default

    def get(self, obj: Any) -> Any:
        if isinstance(self.attr, tuple):
            return tuple(_get(obj, a) for a in self.attr)
        return _get(obj, self.attr)

    def assign(self, values: dict[str, Any], value: Any) -> None:
        """Put `value` into `values` (attribute path → value)."""
        if isinstance(self.attr, tuple):
            values.update(zip(self.attr, value))
        else:
            values[self.attr] = value


def _get(obj: Any, path: str) -> Any:
    return functools.reduce(getattr, path.split("."), obj)


def rebuild(obj: Any, values: Mapping[str, Any]) -> Any:
    """`obj` with the dotted attribute paths in `values` replaced (nested frozen dataclasses included)."""
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for path, value in values.items():
        head, _, rest = path.partition(".")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            top[head] = value
    for head, inner in nested.items():
        top[head] = rebuild(top.get(head, getattr(obj, head)), inner)
    return replace(obj, **top)


class Table:
    """The fields of one state object, in the order a link is read (a field's bounds may use those before it)."""

    def __init__(self, *fields: Field, ignored: tuple[str, ...] = ()) -> None:
        self.fields = fields
        self.ignored = ignored  # keys older links carry: read, and ignored without a warning
        self.by_key = {f.key: f for f in fields}
        assert len(self.by_key) == len(fields), "two fields share a link key"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.by_key)

    def encode(self, obj: Any, default: Any) -> dict[str, str]:
        """`obj` as link parameters; fields at their default are left out to keep links short."""
        q: dict[str, str] = {}
        for f in self.fields:
            value = f.get(obj)
            if f.always or value != f.get(default):
                q.update(f.kind.write(f.key, value))
        return q

    def decode(self, r: Reader, query: Tracked, default: Any, prefix: str = "", context: Mapping[str, Any] = {}) -> Any:
        """`default` with every field the link sets read into it (bad values: warnings, defaults).
        Warnings name a field `prefix + key`; `context` adds values the fields' bounds may read."""
        values: dict[str, Any] = {}
        ctx: dict[str, Any] = dict(context)
        for f in self.fields:
            f.assign(ctx, f.get(default))
        for f in self.fields:
            value = f.kind.read(r, f.key, query, f.get(default), ctx, prefix + f.key)
            if value is not MISSING:
                f.assign(values, value)
                f.assign(ctx, value)
        for key in self.ignored:
            query.get(key)
        return rebuild(default, values)

    def widget_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.widget)

    def lockable(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.lockable)

    def computing(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.computes)
