"""Typed landscapes end to end below the UI: numerically found stationary points (checked on the
catalogue's known ones), keys and links, the shared cache and the build queue, and every
consumer of a landscape key — engine, grids, player asset, results table, figures."""

from __future__ import annotations

import math
import re
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gradscape import landscapes
from gradscape import trajectories as tr
from gradscape.landscapes import custom
from gradscape.landscapes.expression import ExpressionError
from gradscape.trajectories.fair_queue import FairQueue
from gradscape.landscapes.stationary import stationary_points
from gradscape.trajectories import engine, typed
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query
from gradscape.viz import class_board, export, figures, landscape as viz_landscape, player, render


def ad_derivatives(f):
    """f, ∇f and ∇²f by JAX's autodiff (reverse for ∇f, forward over it for ∇²f), compiled: the oracle
    for the catalogue, whose functions are JAX code rather than typed trees."""

    @jax.jit
    def at(p):
        value_grad = jax.grad(lambda q: (jnp.sum(f(q)), f(q)), has_aux=True)
        (g, values), tangent = jax.linearize(value_grad, p)
        return values, g, jnp.stack([tangent(jnp.zeros_like(p).at[i].set(1.0))[0] for i in range(2)], axis=1)

    return lambda p: tuple(np.asarray(a) for a in at(jnp.asarray(p, jnp.float64)))


def found(key: str):
    ls = landscapes.get(key)
    return stationary_points(ad_derivatives(ls.f), ls.f, ls.domain)


def kind_family(kind: str) -> str:
    return "min" if kind in ("min", "local min") else kind


@pytest.mark.parametrize("key", ["himmelblau", "peaks", "saddle"])
def test_newton_finds_the_catalogue_points_with_their_kinds(key):
    points = found(key)
    for known in landscapes.get(key).points:
        near = [p for p in points if np.hypot(p.x - known.x, p.y - known.y) < 1e-5]
        assert len(near) == 1, f"{key}: {known} not found once in {points}"
        assert kind_family(near[0].kind) == kind_family(known.kind)
    if key == "himmelblau":  # four equal minima, a maximum, and the four saddles between them
        assert sorted(p.kind for p in points) == ["max"] + ["min"] * 4 + ["saddle"] * 4


def test_flat_hessians_are_classified_by_the_values_around():
    assert [p.kind for p in found("monkey_saddle")] == ["degenerate saddle"]
    def quartic_f(p):
        return p[0] ** 4 + p[1] ** 4

    quartic = stationary_points(ad_derivatives(quartic_f), quartic_f, ((-1.0, 1.3), (-1.0, 1.3)))
    assert [p.kind for p in quartic] == ["min"] and np.hypot(quartic[0].x, quartic[0].y) < 1e-4


def test_the_lowest_minimum_is_min_the_others_local():
    ls = landscapes.get(custom.make_key("(x^2-1)^2 + 0.3*x + 2*y^2", ((-2, 2), (-1.5, 1.5))))
    minima = {p.kind: p for p in ls.points if p.is_minimum}
    assert minima["min"].x < 0 < minima["local min"].x  # the tilt lowers the left well
    assert any(p.kind == "saddle" for p in ls.points)


# ---- keys and links ----
def test_equal_trees_share_one_key_and_the_domain_is_canonical():
    a = custom.make_key("x**2 +  3*y^2", ((-2, 2.0), (-1.5, 1.50000001)))
    assert a == custom.make_key("(x^2)+(3*(y^2))", (("-2", "2"), ("-1.5", "1.5"))) == "custom:x^2+3*y^2@-2,2,-1.5,1.5"


def test_a_scenario_on_a_custom_landscape_round_trips_through_a_readable_link():
    key = custom.make_key("x^2 + 3*y^2", ((-2, 2), (-1, 1)))
    s = Scenario(landscape=key, starts=((1.0, 0.5),))
    q = to_query(s)
    assert (q["ls"], q["f"], q["dom"]) == ("custom", "x^2+3*y^2", "-2,2,-1,1")
    back, warnings = from_query(q)
    assert warnings == [] and back == s and s.validate() is s


def test_a_link_may_also_name_the_full_key():
    key = custom.make_key("x^2 + y", ((-1, 1), (-1, 1)))
    s, warnings = from_query({"ls": key, "start": "0.5,0.5"})
    assert warnings == [] and s.landscape == key and s.starts == ((0.5, 0.5),)
    _, warnings = from_query({"ls": "custom:x**2+y@-1,1,-1,1"})
    assert warnings and "normal form" in warnings[0]


def test_a_link_without_a_domain_uses_the_default():
    s, warnings = from_query({"ls": "custom", "f": "x^2+y^2"})
    assert warnings == [] and landscapes.get(s.landscape).domain == custom.DEFAULT_DOMAIN


def test_a_bad_expression_in_a_link_names_the_problem_and_the_column():
    s, warnings = from_query({"ls": "custom", "f": "x^2 + os.system(1)", "dom": "-1,1,-1,1"})
    assert s.landscape == Scenario().landscape
    assert warnings == [f"custom landscape: unknown name 'os' ({custom_allowed()}) (column 7); using Rosenbrock (canyon)."]


def custom_allowed() -> str:
    from gradscape.landscapes.expression import allowed_names

    return allowed_names()


def test_non_finite_everywhere_is_rejected_at_build_time():
    with pytest.raises(ExpressionError, match="not finite anywhere on the domain"):
        landscapes.get(custom.make_key("log(-1 - x^2 - y^2)"))


@pytest.mark.parametrize("expression", ["exp(100*x^2)", "exp(50*(x^2 + y^2)) + y", "(x^2 + y^2)^40"])
def test_default_starts_have_a_finite_value_and_slope_in_float32(expression):
    """Where f or ∇f overflows float32 (the engine's precision) at a usual start, that start is left out."""
    ls = landscapes.get(custom.make_key(expression))
    big = float(np.finfo(np.float32).max)
    value, slope = jax.value_and_grad(lambda q: ls.f(q))(jnp.asarray((-2.1, 2.1), jnp.float64))
    assert max(abs(float(value)), float(jnp.abs(slope).max())) > big and (-2.1, 2.1) not in ls.starts  # overflows there
    for start in ls.starts:
        p = jnp.asarray(start, jnp.float32)
        value, slope = jax.value_and_grad(lambda q: ls.f(q))(p)
        assert value.dtype == jnp.float32 and np.isfinite(float(value)) and np.all(np.isfinite(np.asarray(slope)))
    rec = tr.run(ls.key, "sgd", learning_rate=1e-6, starts=list(ls.starts), steps=10)
    assert np.all(np.isfinite(rec.losses[:, 0]))


def test_no_start_with_a_finite_value_in_float32_is_said_in_words():
    assert math.exp(100.0) < float(np.finfo(np.float64).max) and math.exp(100.0) > float(np.finfo(np.float32).max)
    with pytest.raises(ExpressionError, match="exceeds float32's range .* everywhere on the domain"):
        landscapes.get(custom.make_key("exp(x^2 + y^2 + 100)"))


def test_a_key_not_in_normal_form_is_refused():
    with pytest.raises(ExpressionError, match="normal form"):
        landscapes.get("custom:x**2+y@-3,3,-3,3")


# ---- caches and caps ----
def test_the_shared_cache_is_a_bounded_lru(monkeypatch):
    monkeypatch.setattr(typed, "_CACHE", type(typed._CACHE)(2, size=typed.count))
    keys = [custom.make_key(f"x^2 + {k}*y^2") for k in (1, 2, 3)]
    first = typed.landscape(keys[0])
    assert typed.landscape(keys[0]) is first  # built once
    typed.landscape(keys[1])
    typed.landscape(keys[0])  # now the most recent
    typed.landscape(keys[2])
    assert [typed.is_cached(k) for k in keys] == [True, False, True]


def test_the_catalogue_builds_a_typed_key_afresh_and_the_engine_keeps_it():
    key = custom.make_key("x^2 + 4*y^2 - 0.5*x*y")
    assert landscapes.get(key) is not landscapes.get(key) and landscapes.get(key).points == typed.landscape(key).points
    assert typed.landscape(key) is typed.landscape(key) and typed.problem(key) is typed.landscape(key)
    assert typed.landscape("rosenbrock") is landscapes.get("rosenbrock") and typed.problem("reddi") is landscapes.REDDI


def test_a_full_build_queue_refuses_new_keys_in_words_but_serves_built_ones(monkeypatch):
    cached = custom.make_key("x^2 + y^2")
    typed.landscape(cached)
    monkeypatch.setattr(typed, "_QUEUE", FairQueue(1, 0))
    assert typed.landscape(cached).key == cached
    with pytest.raises(typed.BusyError, match="typed landscapes waiting to be built; try again in a minute"):
        typed.landscape(custom.make_key("x^2 + 7*y^2 + 0.5*x"))


def test_sessions_asking_for_one_new_key_at_once_share_one_build(monkeypatch):
    calls = []

    def slow_build(key):
        calls.append(key)
        time.sleep(0.2)
        return real_build(key)

    real_build = custom.build
    monkeypatch.setattr(custom, "build", slow_build)
    key = custom.make_key("x^2 + 3*y^2 + 0.25*x*y")
    with ThreadPoolExecutor(5) as pool:
        got = list(pool.map(lambda _: typed.landscape(key), range(5)))
    assert calls == [key] and all(ls is got[0] for ls in got)


def test_a_queued_build_keeps_the_landscape_then_warms_what_the_page_shows():
    key = custom.make_key("x^2 + 5*y^2 - 0.5*x*y")
    seen = []
    job = typed.submit(key, "session", lambda k: seen.append((k, typed.is_cached(k))))
    assert job.wait(60) and job.value() is typed.landscape(key) and seen == [(key, True)]
    assert typed.was_built(key)


def test_a_failing_warm_up_leaves_the_landscape_built():
    key = custom.make_key("x^2 + 6*y^2 - 0.5*x*y")
    job = typed.submit(key, "session", lambda k: 1 / 0)
    assert job.wait(60) and job.value().key == key


def test_every_cache_keyed_by_landscape_is_bounded():
    """A flood of custom keys cannot grow the process: each per-landscape cache evicts (programs by
    count, results by bytes)."""
    for cached in (engine.objective, engine.compiled, engine._grid_program, engine._loss_program, class_board._minima):
        assert cached.cache_info().maxsize is not None
    for cached in (viz_landscape.grid, player.landscape_asset, figures.landscape_traces):
        assert 0 < cached.cache.budget <= 64 * 2**20


# ---- consumers ----
def test_engine_grid_player_and_results_work_on_a_custom_key():
    key = custom.make_key("(x^2-1)^2 + 0.3*x + 2*y^2", ((-2, 2), (-1.5, 1.5)))
    ls = typed.landscape(key)
    s = Scenario(landscape=key)
    traces = [(i, player.run_trace(s, i)) for i in range(len(s.runs))]
    pos = traces[2][1].record.positions
    assert np.all(np.isfinite(pos))
    value = float(ls.f(jnp.asarray(pos[0, -1], jnp.float64)))
    x, y = (float(v) for v in pos[0, -1])
    assert value == pytest.approx((x**2 - 1) ** 2 + 0.3 * x + 2 * y**2, rel=1e-9)
    rows = player.results_rows(s, traces)
    assert rows[2]["nearest minimum"].endswith("min") and rows[2]["distance"] < 0.05
    grids = engine._grid_program.cache_info().misses
    xs, ys, z = (np.asarray(a, np.float64) for a in engine.landscape_grid(key, 41))
    assert z[7, 3] == pytest.approx((xs[3] ** 2 - 1) ** 2 + 0.3 * xs[3] + 2 * ys[7] ** 2, rel=1e-6)
    assert engine._grid_program.cache_info().misses == grids  # in NumPy: nothing compiled
    asset = player.landscape_asset(key)
    assert re.fullmatch(r"custom-\d+-[0-9a-f]{16}\.f32", asset.name)
    assert asset.meta["fstar"] == pytest.approx(min(float(ls.f(jnp.asarray(p.xy))) for p in ls.minima))
    fig = figures.contour_figure(key, [("Adam", "#000000", traces[2][1].record)])
    assert fig["layout"]["xaxis"]["range"] == [-2.0, 2.0]


def test_landscapes_differing_in_numbers_only_share_every_compiled_program():
    domain = ((-2, 2), (-1.5, 1.5))
    first = typed.landscape(custom.make_key("(x^2-1)^2 + 0.3*x + 2*y^2", domain))
    runs = [tr.run(first.key, opt, learning_rate=0.01, steps=200) for opt in ("sgd", "adam")]
    caches = (engine.compiled,)
    misses = [c.cache_info().misses for c in caches]
    second = typed.landscape(custom.make_key("(x^2-1)^2 + 0.1*x + 1.5*y^2", domain))
    assert second.form == first.form and second.numbers == (1.0, 0.1, 1.5)
    again = [tr.run(second.key, opt, learning_rate=0.01, steps=200) for opt in ("sgd", "adam")]
    assert [c.cache_info().misses for c in caches] == misses
    x_min = next(p.x for p in second.points if p.kind == "min")  # its own points: 4x(x²-1) + 0.1 = 0
    assert 4 * x_min * (x_min**2 - 1) + 0.1 == pytest.approx(0, abs=1e-8)
    for ls, records in ((first, runs), (second, again)):
        _, a, b = ls.numbers
        for rec in records:
            x, y = rec.positions[0, -1]
            assert rec.losses[0, -1] == pytest.approx((x**2 - 1) ** 2 + a * x + b * y**2, rel=1e-5)
    assert landscapes.get(custom.make_key("(x^2-1)^2 + 0.3*x + 2*y^2", ((-2, 2), (-2, 2)))).form != first.form


def test_a_pole_draws_as_a_finite_grid():
    key = custom.make_key("1/x + y^2")
    g = viz_landscape.grid(key, 41)  # x = 0 is a grid column: f = inf there
    assert np.all(np.isfinite(g.z)) and np.all(np.isfinite(g.shade))
    rec = tr.run(key, "sgd", learning_rate=1.0, starts=[(0.01, 1.0)], steps=50)
    assert "diverged" in rec.status_text() or "left the map" in rec.status_text()


def test_exports_of_a_custom_landscape_name_it_and_restore_it():
    key = custom.make_key("x^2/(1+y^2) + y^2", ((-2, 2), (-2, 2)))
    s = Scenario(landscape=key, runs=(RunSpec("adam", 0.05),), steps=40)
    traces = [(0, player.run_trace(s, 0))]
    page = export.player_html(s, traces, title="Mine")
    assert "Custom: x^2/(1+y^2)+y^2" in page
    back, warnings = export.read_config(export.config_json(s).encode())
    assert warnings == [] and back == s
    svg = render.svg(render.layout(s, traces, 480, 270), 40)
    assert "Custom: x^2/(1+y^2)+y^2" in "".join(ET.fromstring(svg).itertext())
