"""Landscapes a user types: f(x, y) over a chosen domain, addressed by a key string
`custom:<normalized expression>@x0,x1,y0,y1`, so every cache keyed by a landscape's name (the
engine's programs, grids, player assets) works for them unchanged.

Here a key is only parsed, checked and built (`build`: the notable points found in NumPy,
landscapes/jets.py, nothing to compile); a pure function of the key. Keeping built landscapes,
queueing builds and refusing costly ones is the serving layer's (trajectories/typed.py). A
landscape carries its form (the expression with its numbers taken out, over its domain): the
engine compiles one program per form, so expressions differing in numbers only share them.
Nothing here writes the expression into a file name or HTML.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from gradscape.landscapes import jets, stationary
from gradscape.landscapes.base import Form, Landscape
from gradscape.landscapes.expression import ExpressionError, Node, form_objective, latex, normalize, objective, parse, split_numbers

PREFIX = "custom:"
MAX_COORDINATE = 1e4
MIN_WIDTH = 1e-3
DEFAULT_DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))
FINITE_CHECK_N = 41
NAME_CHARS = 48

Domain = tuple[tuple[float, float], tuple[float, float]]

EXAMPLES: dict[str, tuple[str, Domain]] = {
    "Double well": ("(x^2-1)^2 + 0.3*x + 2*y^2", ((-2.0, 2.0), (-1.5, 1.5))),
    "Narrow valley": ("0.05*x^2 + 10*(y - 0.5*x)^2", ((-6.0, 6.0), (-4.0, 4.0))),
    "Egg crate": ("sin(2*x)*cos(2*y) + 0.05*(x^2 + y^2)", ((-4.0, 4.0), (-4.0, 4.0))),
    "Camel": ("2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2", ((-2.0, 2.0), (-2.0, 2.0))),
}


def is_custom(key: str) -> bool:
    return key.startswith(PREFIX)


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def check_domain(domain) -> Domain:
    """Finite bounds within ±MAX_COORDINATE, each axis at least MIN_WIDTH wide, as floats at 6 significant digits."""
    try:
        (x0, x1), (y0, y1) = ((float(_fmt(float(a))), float(_fmt(float(b)))) for a, b in domain)
    except (TypeError, ValueError):
        raise ExpressionError("the domain must be four numbers: x from, x to, y from, y to") from None
    for axis, lo, hi in (("x", x0, x1), ("y", y0, y1)):
        if not (math.isfinite(lo) and math.isfinite(hi)) or max(abs(lo), abs(hi)) > MAX_COORDINATE:
            raise ExpressionError(f"the {axis} range must lie within ±{MAX_COORDINATE:g}")
        if hi - lo < MIN_WIDTH:
            raise ExpressionError(f"the {axis} range must go from low to high and be at least {MIN_WIDTH:g} wide")
    return (x0, x1), (y0, y1)


def _dom_text(domain: Domain) -> str:
    (x0, x1), (y0, y1) = domain
    return f"{_fmt(x0)},{_fmt(x1)},{_fmt(y0)},{_fmt(y1)}"


def make_key(expression: str, domain=DEFAULT_DOMAIN) -> str:
    """The key of `expression` over `domain` (normalized, so equal trees share one key); raises ExpressionError."""
    return f"{PREFIX}{normalize(parse(expression))}@{_dom_text(check_domain(domain))}"


def _parts(key: str) -> tuple[str, str]:
    expression, _, dom = key[len(PREFIX):].rpartition("@")
    return expression, dom


def _bounds(dom: str):
    """'x0,x1,y0,y1' as ((x0, x1), (y0, y1)) of strings (checked by check_domain)."""
    values = dom.split(",")
    if len(values) != 4:
        raise ExpressionError(f"dom='{dom[:40]}' should be four numbers x0,x1,y0,y1")
    return (values[0], values[1]), (values[2], values[3])


def link_fields(key: str) -> dict[str, str]:
    """The readable link form of a key: f=<expression>, dom=x0,x1,y0,y1."""
    expression, dom = _parts(key)
    return {"f": expression, "dom": dom}


def key_from_link(expression: str, dom: str | None) -> str:
    """The key a link's f= and dom= describe (dom missing: the default domain); raises ExpressionError."""
    return make_key(expression, DEFAULT_DOMAIN if dom is None else _bounds(dom))


def split_key(key: str) -> tuple[str, Domain]:
    """(expression, domain) of a key, unchecked."""
    expression, dom = _parts(key)
    if not expression:
        raise ExpressionError("a custom landscape key is custom:<expression>@x0,x1,y0,y1")
    return expression, _bounds(dom)


def _start_candidates(domain: Domain) -> np.ndarray:
    """Near the upper-left and lower-right corners, off the centre, near the lower-left corner: (2, 4)."""
    (x0, x1), (y0, y1) = domain
    fx, fy = np.array([0.15, 0.85, 0.6, 0.15]), np.array([0.85, 0.15, 0.65, 0.15])
    return np.stack([x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)])


def _rounded(p: np.ndarray) -> np.ndarray:
    """Coordinates at the 6 significant digits a start is kept and linked with."""
    return np.vectorize(lambda v: float(_fmt(v)))(p)


def _startable(tree: Node, p: np.ndarray) -> np.ndarray:
    """Which points (2, N) a run can start from: at their float32 values, f and ∇f finite in float32,
    what runs compute in."""
    f, g, _ = jets.derivatives(tree)(p.astype(np.float32).astype(np.float64))
    with np.errstate(over="ignore", invalid="ignore"):
        return np.isfinite(f.astype(np.float32)) & np.isfinite(g.astype(np.float32)).all(axis=0)


def _looks(z: np.ndarray) -> tuple[bool, float | None]:
    """(log colours?, clip): log for a flat floor under steep walls; clip far outliers and poles."""
    finite = z[np.isfinite(z)]
    lo, mid, p98, hi = np.percentile(finite, [0, 50, 98, 100])
    clip = float(p98) if finite.size < z.size or hi - p98 > 10 * (p98 - lo) else None
    top = clip if clip is not None else hi
    return bool(top > lo and mid - lo < 0.02 * (top - lo)), clip


def _form(tree: Node, domain: Domain) -> tuple[Form, tuple[float, ...]]:
    """The tree's form over `domain`, and the tree's own numbers."""
    shape, numbers = split_numbers(tree)
    return Form(f"form:{normalize(shape)}@{_dom_text(domain)}", form_objective(shape), domain), numbers


def build(key: str) -> Landscape:
    """Parse and check the key's expression and domain, find its notable points; raises ExpressionError."""
    expression, raw_domain = split_key(key)
    tree = parse(expression)
    domain = check_domain(raw_domain)
    text = normalize(tree)
    if make_key(text, domain) != key:
        raise ExpressionError("this custom landscape key is not in normal form")
    form, numbers = _form(tree, domain)
    (x0, x1), (y0, y1) = domain
    X, Y = np.meshgrid(np.linspace(x0, x1, FINITE_CHECK_N), np.linspace(y0, y1, FINITE_CHECK_N))
    grid = np.stack([X.ravel(), Y.ravel()])
    z = jets.values(tree, grid)
    if not np.any(np.isfinite(z)):
        raise ExpressionError("f is not finite anywhere on the domain (e.g. log or sqrt of negative numbers, or 1/0): "
                              "change the expression or the domain")
    cand = _rounded(_start_candidates(domain))
    starts = tuple((float(x), float(y)) for (x, y), ok in zip(cand.T, _startable(tree, cand)) if ok)
    if not starts:
        seeds = _rounded(grid)
        ok = np.flatnonzero(_startable(tree, seeds))
        if not ok.size:
            raise ExpressionError("f or its gradient exceeds float32's range (±3.4e38, the precision runs compute in) "
                                  "everywhere on the domain, so every run would stop where it starts: scale the "
                                  "expression down or change the domain")
        starts = (tuple(float(v) for v in seeds[:, ok[0]]),)
    numpy_f = functools.partial(jets.values, tree)
    points = stationary.stationary_points(jets.derivatives(tree), numpy_f, domain)
    log, clip = _looks(z)
    short = text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"
    return Landscape(
        key, f"Custom: {short}", objective(tree), domain, points, starts, f"f(x,y) = {latex(tree)}",
        "Your own landscape. Notable points were found numerically (Newton's method from a grid of seeds, "
        "classified by the Hessian's eigenvalues).",
        "typed by a user", log_contours=log, z_clip=clip, notes=text, form=form, numbers=numbers,
        numpy_f=numpy_f,
    )
