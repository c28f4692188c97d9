"""Closed-form 2-D test functions (SPEC §1). Each takes p with (x, y) on axis 0."""

from __future__ import annotations

import jax.numpy as jnp


def quadratic(p):
    """0.1x² + 2y²: condition number 20, the zig-zag demo."""
    x, y = p[0], p[1]
    return 0.1 * x**2 + 2.0 * y**2


def rosenbrock(p):
    """(1-x)² + 100(y-x²)²: a curved, narrow canyon."""
    x, y = p[0], p[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def peaks(p):
    """MATLAB's peaks: three maxima, a global and a local minimum, saddles between."""
    x, y = p[0], p[1]
    return (
        3.0 * (1.0 - x) ** 2 * jnp.exp(-(x**2) - (y + 1.0) ** 2)
        - 10.0 * (x / 5.0 - x**3 - y**5) * jnp.exp(-(x**2) - y**2)
        - jnp.exp(-((x + 1.0) ** 2) - y**2) / 3.0
    )


def saddle(p):
    """x² - y²."""
    x, y = p[0], p[1]
    return x**2 - y**2


def cubic_saddle(p):
    """x³ - 3x - 2y²: a saddle at (1, 0) and a maximum at (-1, 0)."""
    x, y = p[0], p[1]
    return x**3 - 3.0 * x - 2.0 * y**2


PLATEAU_HEIGHT, CLIFF_AT, CLIFF_SHARPNESS, PLATEAU_TILT, BASIN_AT, BASIN_CURVATURE = 4.0, 1.0, 16.0, 8e-4, 2.5, 0.5


def _sigmoid(z):
    return 0.5 * (1.0 + jnp.tanh(0.5 * z))


def plateau_cliff(p):
    """A nearly flat plateau (|∇f| < 1e-3 for x ≤ 0), a steep sigmoid cliff at x = 1, a basin beyond.

    f = H·σ(k(c - x)) + τ·softplus(c - x) + b·((x - m)² + y²)·σ(k(x - c)),
    H = 4, k = 16, c = 1, τ = 8e-4, m = 2.5, b = 0.5. On the plateau the softplus term gives a
    gentle tilt (|∇f| ≈ τ < 1e-3) towards the cliff, whose slope reaches ≈ 12.3 at its steepest on the map.
    """
    x, y = p[0], p[1]
    d = CLIFF_AT - x
    cliff = PLATEAU_HEIGHT * _sigmoid(CLIFF_SHARPNESS * d)
    tilt = PLATEAU_TILT * jnp.logaddexp(0.0, d)
    basin = BASIN_CURVATURE * ((x - BASIN_AT) ** 2 + y**2) * _sigmoid(-CLIFF_SHARPNESS * d)
    return cliff + tilt + basin


def monkey_saddle(p):
    """x³ - 3xy²: three descending valleys meet at a flat (degenerate) saddle."""
    x, y = p[0], p[1]
    return x**3 - 3.0 * x * y**2


def beale(p):
    """Beale: flat arms and a sharp minimum at (3, 0.5)."""
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def himmelblau(p):
    """(x² + y - 11)² + (x + y² - 7)²: four equal minima, four basins."""
    x, y = p[0], p[1]
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def rastrigin(p):
    """20 + Σ(xᵢ² - 10 cos 2πxᵢ): a bowl covered in local minima."""
    x, y = p[0], p[1]
    return 20.0 + x**2 - 10.0 * jnp.cos(2 * jnp.pi * x) + y**2 - 10.0 * jnp.cos(2 * jnp.pi * y)


def _safe_radius(s):
    """√s with a zero (not NaN) derivative at s = 0: the double-where idiom."""
    positive = s > 0
    return jnp.where(positive, jnp.sqrt(jnp.where(positive, s, 1.0)), 0.0)


def ackley(p):
    """Ackley: a needle at the origin in a ripply plain; finite gradient at the kink."""
    x, y = p[0], p[1]
    r = _safe_radius(0.5 * (x**2 + y**2))
    ripples = 0.5 * (jnp.cos(2 * jnp.pi * x) + jnp.cos(2 * jnp.pi * y))
    return -20.0 * jnp.exp(-0.2 * r) - jnp.exp(ripples) + jnp.e + 20.0


def booth(p):
    """(x + 2y - 7)² + (2x + y - 5)²: a tilted, well-conditioned bowl."""
    x, y = p[0], p[1]
    return (x + 2 * y - 7.0) ** 2 + (2 * x + y - 5.0) ** 2


def six_hump_camel(p):
    """Six-hump camel: two global minima among six humps."""
    x, y = p[0], p[1]
    return (4.0 - 2.1 * x**2 + x**4 / 3.0) * x**2 + x * y + (-4.0 + 4.0 * y**2) * y**2


def styblinski_tang(p):
    """½Σ(xᵢ⁴ - 16xᵢ² + 5xᵢ): four minima, one global, at the corners of a square."""
    x, y = p[0], p[1]
    return 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y)
