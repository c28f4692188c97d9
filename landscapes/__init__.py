"""The landscape catalogue (SPEC §1): one registry, one entry per landscape.

To add a landscape: write its function f(p) (coordinates on axis 0, element-wise over the rest)
in a module, then add one `Landscape(...)` entry below. Notable points are checked by the tests.
"""

from __future__ import annotations

from gradscape.landscapes import classic as c
from gradscape.landscapes import custom
from gradscape.landscapes.base import DataSet, Landscape, OnlineProblem, Point, Problem
from gradscape.landscapes.data import REGRESSION_DATA, least_squares, linear_regression, reddi

_W, _B = least_squares()

_CATALOGUE = (
    Landscape(
        "quadratic", "Ill-conditioned quadratic", c.quadratic, ((-6.0, 6.0), (-3.0, 3.0)),
        (Point(0.0, 0.0, "min"),), ((-5.0, -2.0),),
        r"f(x,y) = 0.1x^2 + 2y^2",
        "Curvature 20× larger along y than x: plain gradient descent zig-zags across the steep axis.",
        "seed 000, figs 1, 3, 6",
    ),
    Landscape(
        "rosenbrock", "Rosenbrock (canyon)", c.rosenbrock, ((-2.0, 2.0), (-1.0, 3.0)),
        (Point(1.0, 1.0, "min"),), ((-1.5, 2.0), (-1.0, -0.5)),
        r"f(x,y) = (1-x)^2 + 100(y-x^2)^2",
        "A long curved canyon: easy to fall into, slow to follow to the minimum.",
        "seed 003, fig 5", log_contours=True,
    ),
    Landscape(
        "peaks", "Peaks (local minima)", c.peaks, ((-3.0, 3.0), (-3.0, 3.0)),
        (
            Point(0.22827892055636914, -1.6255349574999964, "min", "global minimum"),
            Point(-1.3473962443682108, 0.20451886609700518, "local min"),
            Point(0.2964455538468321, 0.32019624766683435, "local min"),
            Point(-0.009317581959954118, 1.5813679629389998, "max"),
            Point(-0.4600245180343866, -0.6291965087168009, "max"),
            Point(1.285684697241304, -0.004847559075593672, "max"),
            Point(-0.2659375568372457, 0.46673999372626945, "saddle"),
            Point(0.4163233216785082, -0.3941450984024246, "saddle"),
            Point(1.098272834335093, 0.8544609795247524, "saddle"),
        ),
        ((-2.5, 1.0), (-1.0, 2.5), (2.0, 2.0), (1.5, -2.5)),
        r"f = 3(1-x)^2 e^{-x^2-(y+1)^2} - 10\left(\tfrac{x}{5} - x^3 - y^5\right)e^{-x^2-y^2} - \tfrac13 e^{-(x+1)^2-y^2}",
        "Two basins of different depth: where you start and how much momentum you carry decide which you reach.",
        "seed 003, fig 6",
    ),
    Landscape(
        "saddle", "Saddle", c.saddle, ((-3.5, 3.5), (-3.5, 3.5)),
        (Point(0.0, 0.0, "saddle"),), ((-3.0, 0.0), (-3.0, 0.1), (-3.0, 0.01), (-3.0, 0.001)),
        r"f(x,y) = x^2 - y^2",
        "On y = 0 exactly ∂f/∂y = 0: no first-order method leaves the axis without a perturbation.",
        "seed 003, fig 3",
    ),
    Landscape(
        "cubic_saddle", "Cubic saddle", c.cubic_saddle, ((-2.5, 2.5), (-2.5, 2.5)),
        (Point(1.0, 0.0, "saddle"), Point(-1.0, 0.0, "max")), ((2.0, 0.0), (2.0, 0.01)),
        r"f(x,y) = x^3 - 3x - 2y^2",
        "A saddle next to a maximum: the path slides into the saddle along y = 0 and stays there.",
        "seed 003, fig 3",
    ),
    Landscape(
        "plateau", "Plateau & cliff", c.plateau_cliff, ((-4.0, 4.0), (-2.0, 2.0)),
        (Point(2.5001459254188996, 0.0, "min"),), ((-3.0, 0.5), (-1.0, -1.0)),
        r"f = H\sigma(k(c-x)) + \tau\,\mathrm{softplus}(c-x) + b\left((x-m)^2+y^2\right)\sigma(k(x-c))",
        "A near-flat plateau (|∇f| ≈ 8·10⁻⁴) ends in a cliff (slope > 10): decaying the rate too early strands you on the plateau.",
        "seed 003, fig 7 ('2D sigmoid'); H=4, k=16, c=1, τ=8e-4, m=2.5, b=0.5",
    ),
    Landscape(
        "monkey_saddle", "Monkey saddle", c.monkey_saddle, ((-2.0, 2.0), (-2.0, 2.0)),
        (Point(0.0, 0.0, "degenerate saddle"),), ((0.5, 0.1),),
        r"f(x,y) = x^3 - 3xy^2",
        "A flat saddle with three ways down: the Hessian is zero, so curvature tells you nothing.",
        "classic",
    ),
    Landscape(
        "beale", "Beale", c.beale, ((-4.5, 4.5), (-4.5, 4.5)),
        (Point(3.0, 0.5, "min"),), ((1.0, 1.5),),
        r"f = (1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2",
        "Flat arms and steep walls: step sizes that suit one region explode in another.",
        "classic", log_contours=True,
    ),
    Landscape(
        "himmelblau", "Himmelblau", c.himmelblau, ((-5.0, 5.0), (-5.0, 5.0)),
        (
            Point(3.0, 2.0, "min"),
            Point(-2.805118086952745, 3.131312518250573, "min"),
            Point(-3.779310253377747, -3.2831859912861696, "min"),
            Point(3.5844283403304917, -1.8481265269644036, "min"),
            Point(-0.2708445906673476, -0.9230385564799815, "max"),
        ),
        ((0.0, 0.0),),
        r"f(x,y) = (x^2+y-11)^2 + (x+y^2-7)^2",
        "Four equal minima: which one you reach depends on the start and the optimizer (basins of attraction).",
        "classic", log_contours=True,
    ),
    Landscape(
        "rastrigin", "Rastrigin", c.rastrigin, ((-5.12, 5.12), (-5.12, 5.12)),
        (Point(0.0, 0.0, "min"), Point(-3.979783860300754, 3.979783860300754, "local min", "nearest the start")),
        ((-4.0, 4.0),),
        r"f(x,y) = 20 + \sum_i \left(x_i^2 - 10\cos 2\pi x_i\right)",
        "A bowl covered in local minima: small steps get trapped in the first dimple.",
        "classic (optimizer galleries)",
    ),
    Landscape(
        "ackley", "Ackley", c.ackley, ((-5.0, 5.0), (-5.0, 5.0)),
        (Point(0.0, 0.0, "min"),), ((-4.0, 3.0),),
        r"f = -20e^{-0.2\sqrt{0.5(x^2+y^2)}} - e^{0.5(\cos 2\pi x + \cos 2\pi y)} + e + 20",
        "A narrow funnel in a ripply plain; the gradient stays finite at the kink at the origin.",
        "classic",
    ),
    Landscape(
        "booth", "Booth", c.booth, ((-10.0, 10.0), (-10.0, 10.0)),
        (Point(1.0, 3.0, "min"),), ((-8.0, -8.0),),
        r"f(x,y) = (x+2y-7)^2 + (2x+y-5)^2",
        "A well-conditioned tilted bowl: every method should succeed, a sanity check.",
        "classic",
    ),
    Landscape(
        "six_hump_camel", "Six-hump camel", c.six_hump_camel, ((-3.0, 3.0), (-2.0, 2.0)),
        (
            Point(0.08984201310031806, -0.7126564030207396, "min"),
            Point(-0.08984201310031806, 0.7126564030207396, "min"),
            Point(-1.703606714969981, 0.7960835686726252, "local min"),
            Point(1.703606714969981, -0.7960835686726251, "local min"),
            Point(-1.6071047529201976, -0.5686514548841314, "local min"),
            Point(1.6071047529201976, 0.5686514548841314, "local min"),
            Point(0.0, 0.0, "saddle"),
        ),
        ((-2.0, 1.5),),
        r"f = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4+4y^2)y^2",
        "Two global and four local minima in a small box.",
        "classic", z_clip=6.0,
    ),
    Landscape(
        "styblinski_tang", "Styblinski–Tang", c.styblinski_tang, ((-5.0, 5.0), (-5.0, 5.0)),
        (
            Point(-2.9035340277711774, -2.9035340277711774, "min"),
            Point(-2.9035340277711774, 2.746802770990837, "local min"),
            Point(2.746802770990837, -2.9035340277711774, "local min"),
            Point(2.746802770990837, 2.746802770990837, "local min"),
            Point(0.1567312567803401, 0.1567312567803401, "max"),
        ),
        ((0.0, 0.0), (0.3, -0.2)),
        r"f = \tfrac12\sum_i \left(x_i^4 - 16x_i^2 + 5x_i\right)",
        "Four minima at the corners of a square, only one global: starting near the central maximum, the first push decides.",
        "classic",
    ),
    Landscape(
        "linear_regression", "Linear regression (w, b)", linear_regression, ((-4.0, 8.0), (-5.0, 7.0)),
        (Point(_W, _B, "min", "least squares"),), ((-2.0, -3.0),),
        r"L(w,b) = \frac1n\sum_{i=1}^{n}(w x_i + b - y_i)^2,\; n = 256,\; y = 2x + 1 + \mathcal N(0, 0.5^2)",
        "A real finite sum: full-batch, single-sample and mini-batch gradients of the same loss.",
        "seeds 000 §1.2–1.5, 002 §2", data=REGRESSION_DATA,
    ),
)

REGISTRY: dict[str, Landscape] = {ls.key: ls for ls in _CATALOGUE}

REDDI = OnlineProblem(
    "reddi", "Reddi et al. online problem", reddi, (-1.0, 1.0), -1.0,
    r"f_t(x) = \begin{cases} Cx & t \bmod 3 = 1 \\ -x & \text{otherwise}\end{cases},\; C = 3,\; x\in[-1,1]",
    "The average slope is (C - 2)/3 > 0, so the optimum is x = -1; Adam follows the rare large gradient too little and drifts to +1.",
    "seed 000 §3.2, seed 002 §3.9 (Reddi, Kale, Kumar. On the Convergence of Adam and Beyond. ICLR 2018)",
)
ONLINE: dict[str, OnlineProblem] = {REDDI.key: REDDI}  # runnable by the engine, not drawn as maps


def get(key: str) -> Landscape:
    """The catalogue entry for `key`, or the typed landscape a `custom:` key describes, built now (the
    engine's trajectories/typed.py keeps built ones); a clear error otherwise (ExpressionError for a
    bad custom key, listing the known keys for any other)."""
    if custom.is_custom(key):
        return custom.build(key)
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(f"unknown landscape '{key}' (known: {', '.join(REGISTRY)})") from None


def problem(key: str) -> Problem:
    """What the engine runs for `key`: an online problem, else the landscape `get` gives."""
    return ONLINE[key] if key in ONLINE else get(key)


__all__ = ["REGISTRY", "ONLINE", "custom", "REDDI", "DataSet", "Landscape", "OnlineProblem", "Point", "Problem", "get", "problem"]
