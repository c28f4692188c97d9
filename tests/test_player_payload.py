"""viz/player.py: the player's compact data — binary landscape asset, thinned base64 runs,
per-run caching, results rows."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape import landscapes
from gradscape import trajectories as tr
from gradscape.memo import nbytes
from gradscape.trajectories import engine
from gradscape.trajectories.scenario import MAX_RUNS, MAX_STARTS, RunSpec, Scenario, with_run
from gradscape.viz import player, thinning
from gradscape.viz.landscape import grid


def payload(s: Scenario) -> dict:
    asset = player.landscape_asset(s.landscape)
    traces = [(i, player.run_trace(s, i)) for i, r in enumerate(s.runs) if r.enabled]
    return player.player_data(s, traces, grid_url=f"grids/{asset.name}", plotly_url="plotly.js", asset=asset)


def test_float32_round_trip():
    a = np.array([[0.0, -1.5], [3.25, 1e-30]], dtype=np.float64)
    back = player.decode_f32(player.encode_array(a))
    np.testing.assert_array_equal(back, a.astype(np.float32).ravel())


@pytest.mark.parametrize("key", ["rosenbrock", "peaks", "saddle", "six_hump_camel"])
def test_landscape_asset_is_the_grid_and_its_shades(key):
    asset = player.landscape_asset(key)
    g = grid(key, player.GRID_N)
    n = player.GRID_N
    assert len(asset.blob) == 8 * n * n
    values = np.frombuffer(asset.blob, "<f4")
    np.testing.assert_array_equal(values[: n * n].reshape(n, n), g.z)
    np.testing.assert_array_equal(values[n * n :].reshape(n, n), g.shade)
    assert asset.meta["digest"] in asset.name and asset.name.startswith(f"{key}-{n}-")
    ls = landscapes.get(key)
    assert [(p["x"], p["y"], p["kind"]) for p in asset.meta["points"]] == [(p.x, p.y, p.kind) for p in ls.points]
    json.dumps(asset.meta)


def test_fstar_is_the_lowest_known_minimum():
    assert player.landscape_asset("rosenbrock").meta["fstar"] == pytest.approx(0.0, abs=1e-12)
    peaks = player.landscape_asset("peaks").meta["fstar"]
    f = landscapes.get("peaks").f
    assert peaks == pytest.approx(float(f(np.array([0.22827892055636914, -1.6255349574999964]))), rel=1e-6)
    assert player.landscape_asset("saddle").meta["fstar"] is None


def test_lift_maps_values_like_the_shades():
    g = grid("rosenbrock", player.GRID_N)
    np.testing.assert_allclose(g.lift(g.z), g.shade, rtol=0, atol=1e-6)
    assert np.all(np.isfinite(g.lift(np.array([-1.0, 0.0, 1e9]))))  # below the grid's minimum: clamped


def decoded_tracks(t: player.RunTrace, keep: str, values: str, at: str, width: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per trajectory (or rate row): the kept steps and the values there, as the browser splits them."""
    steps = player.decode_f32(t.arrays[keep], "<u2")
    flat = player.decode_f32(t.arrays[values]).reshape(-1, width)
    offsets = t.offsets[at]
    return [(steps[a:b], flat[a:b].squeeze(-1) if width == 1 else flat[a:b]) for a, b in zip(offsets, offsets[1:])]


def test_short_runs_are_sent_whole():
    s = Scenario(landscape="peaks", starts=((-2.5, 1.0), (-1.0, 2.5)), steps=120)
    for i in range(len(s.runs)):
        t = player.run_trace(s, i)
        rec = t.record
        T = s.steps
        for j, (steps, xy) in enumerate(decoded_tracks(t, "keep", "pos", "keepAt", 2)):
            np.testing.assert_array_equal(steps, np.arange(T + 1))
            np.testing.assert_array_equal(xy, rec.positions[j].astype(np.float32))
        for j, (steps, f) in enumerate(decoded_tracks(t, "keep", "loss", "keepAt", 1)):
            np.testing.assert_array_equal(f, rec.losses[j].astype(np.float32))
        ((steps, lr),) = decoded_tracks(t, "lrKeep", "lr", "lrKeepAt", 1)
        np.testing.assert_array_equal(steps, np.arange(T))
        np.testing.assert_array_equal(lr, rec.lrs[0].astype(np.float32))


def test_long_runs_are_thinned_to_exact_samples_keeping_events_and_extremes():
    s = Scenario(runs=(RunSpec("sgd", 2.2e-3), RunSpec("momentum", 1e-3, schedule="cosine")), steps=5000)
    for i in range(len(s.runs)):
        t = player.run_trace(s, i)
        rec = t.record
        ((steps, xy),) = decoded_tracks(t, "keep", "pos", "keepAt", 2)
        ((_, f),) = decoded_tracks(t, "keep", "loss", "keepAt", 1)
        assert steps[0] == 0 and steps[-1] == s.steps and np.all(np.diff(steps.astype(int)) > 0)
        assert len(steps) <= 3 * thinning.SLICES + 3
        np.testing.assert_array_equal(xy, rec.positions[0, steps].astype(np.float32))
        np.testing.assert_array_equal(f, rec.losses[0, steps].astype(np.float32))
        finite = np.isfinite(rec.losses[0])
        assert int(np.argmin(np.where(finite, rec.losses[0], np.inf))) in steps
        if rec.status[0]:
            assert int(rec.event_step[0]) in steps


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=3000), st.lists(st.integers(0, 2999), max_size=3))
def test_kept_steps_hold_the_ends_the_events_and_the_extremes(values, events):
    kept = thinning.kept_steps(np.array(values), events, slices=64)
    m = len(values)
    assert kept[0] == 0 and kept[-1] == m - 1 and np.all(np.diff(kept.astype(int)) > 0)
    assert set(e for e in events if e < m) <= set(kept.tolist())
    assert int(np.argmin(values)) in kept and int(np.argmax(values)) in kept
    assert len(kept) == m if m <= 3 * 64 else len(kept) <= 3 * 64 + 2 + len(events)


def worst_case() -> Scenario:
    """The most a user can ask for: 8 runs × 16 starts × 5000 steps, noisy (jagged losses keep the most
    extremes). Even if every start had its own rate row the bound holds: 128 × (771 × 14 + 770 × 6) bytes
    in base64 is 2.6 MB."""
    starts = tuple((x, y) for x in np.linspace(-1.8, 1.8, 4) for y in np.linspace(-0.8, 2.8, 4))
    runs = tuple(RunSpec("sgd", lr, schedule="plateau", schedule_params=(("patience", 5),)) for lr in np.geomspace(1e-4, 1e-3, MAX_RUNS))
    return Scenario(runs=runs, starts=starts, steps=engine.MAX_STEPS, noise=1.0)


def test_the_worst_case_payload_is_at_most_3_mb():
    data = payload(worst_case())
    assert len(data["runs"]) == MAX_RUNS and all(r["n"] == MAX_STARTS for r in data["runs"])
    assert len(json.dumps(data)) <= 3_000_000


def test_a_loss_driven_rate_is_sent_once_for_all_starts_fed_their_mean_loss():
    """Reduce-on-plateau over two starts: one rate row, the schedule's own curve (computed apart, in
    float64) for the mean of the two paths' losses."""
    s = Scenario(runs=(RunSpec("sgd", 1e-3, schedule="plateau", schedule_params=(("patience", 5),)),), starts=((-1.5, 2.0), (1.5, 2.9)), steps=200)
    t = player.run_trace(s, 0)
    ((steps, lr),) = decoded_tracks(t, "lrKeep", "lr", "lrKeepAt", 1)
    np.testing.assert_array_equal(steps, np.arange(s.steps))
    expected = tr.schedule_curve("plateau", s.steps, 1e-3, {"patience": 5}, t.record.losses[:, :-1].astype(float).mean(axis=0))
    assert expected[-1] < expected[0]  # the rate was cut: the case where a per-start rate could differ
    np.testing.assert_allclose(lr, expected, rtol=1e-6)


def test_looks_do_not_recompute_and_one_rate_recomputes_one_run():
    s = Scenario(steps=150)
    first = [player.run_trace(s, i) for i in range(3)]
    relabelled = with_run(s, 0, label="plain", color="#000000", enabled=True)
    assert player.run_trace(relabelled, 0) is first[0]
    before = player.cache_info()
    changed = with_run(s, 2, learning_rate=0.123)
    again = [player.run_trace(changed, i) for i in range(3)]
    after = player.cache_info()
    assert after.misses - before.misses == 1 and after.hits - before.hits == 2
    assert again[:2] == first[:2] and again[2].digest != first[2].digest


def test_payload_holds_no_landscape_values_and_grows_linearly_until_thinned():
    s = Scenario(steps=300)
    small = payload(s)
    assert set(small["landscape"]) >= {"url", "n", "x", "y", "points", "fstar", "digest"}
    assert len(json.dumps(small["landscape"])) < 4000
    big = payload(replace(s, steps=600))
    ratio = len(json.dumps(big)) / len(json.dumps(small))
    assert 1.8 < ratio < 2.1
    assert small["landscape"] == payload(with_run(s, 1, learning_rate=0.05))["landscape"]


def test_payload_runs_carry_looks_and_skip_switched_off_runs():
    s = Scenario(runs=(RunSpec("adam", 0.05, label="A", color="#123456"), RunSpec("sgd", 1e-3, enabled=False)), steps=100)
    data = payload(s)
    assert [(r["label"], r["color"], r["n"]) for r in data["runs"]] == [("A", "#123456", 1)]
    assert (data["steps"], data["view"], data["logLoss"], data["presentation"]) == (100, "2d", True, False)


def test_results_rows():
    s = Scenario(landscape="booth", runs=(RunSpec("adam", 0.5), RunSpec("sgd", 1e-6)), steps=1000)
    traces = [(i, player.run_trace(s, i)) for i in range(2)]
    fast, slow = player.results_rows(s, traces)
    final = [t.record.positions[0, -1] for _, t in traces]
    assert fast["nearest minimum"].startswith("(1, 3)") and fast["distance"] == pytest.approx(np.hypot(*(final[0] - (1, 3))), rel=1e-6)
    assert slow["distance"] == pytest.approx(np.hypot(*(final[1] - (1, 3))), rel=1e-6) and slow["distance"] > 1
    assert fast["end"].startswith("at the global minimum since step ") and slow["end"] == "barely moving"  # 5e-5 a step on a map 20 wide
    saddle = Scenario(landscape="saddle", runs=(RunSpec("sgd", 0.01),), steps=100)
    (row,) = player.results_rows(saddle, [(0, player.run_trace(saddle, 0))])
    assert row["nearest minimum"] == "none known" and row["distance"] is None


def test_the_run_cache_weighs_a_trace_by_its_arrays_and_wire_text():
    """The cache's law is tests/test_memo.py's; here, that a trace's weight is what it holds."""
    trace = player.run_trace(Scenario(steps=50), 0)
    arrays = sum(v.nbytes for v in vars(trace.record).values() if isinstance(v, np.ndarray))
    text = sum(len(v) for v in trace.arrays.values())
    assert arrays > 0 and text > 0
    assert arrays + text <= nbytes(trace) <= arrays + text + 4096  # plus small objects: offsets, labels
    assert player._CACHE.budget == player.RUN_CACHE_BYTES


@pytest.mark.parametrize("key, floor", [("rosenbrock", 1e-12), ("plateau", 1e-10), ("peaks", 1e-6), ("styblinski_tang", 1e-5)])
def test_the_loss_floor_is_where_float32_stops_telling_f_from_fstar(key, floor):
    data = payload(Scenario(landscape=key, steps=50))
    assert data["lossFloor"] == pytest.approx(floor)
    spacing = float(np.spacing(np.float32(abs(data["landscape"]["fstar"]))))  # float32's step at f*
    assert spacing <= floor and (floor == 1e-12 or floor < 10 * spacing)  # the decade above it, never below 1e-12


def test_notable_points_carry_their_legend_names_and_fills():
    points = payload(Scenario(landscape="peaks", steps=50))["landscape"]["points"]
    assert sorted({(p["kind"], p["legend"], p["fill"]) for p in points}) == [
        ("local min", "local minimum", "#a8a8a8"), ("max", "maximum", "white"), ("min", "global minimum", "white"),
        ("saddle", "saddle point", "white")]


def test_the_contour_figure_names_each_kind_of_point_once():
    from gradscape.viz.figures import contour_figure

    shown = [t["name"] for t in contour_figure("peaks", [])["data"] if t.get("showlegend")]
    assert shown == ["global minimum", "local minimum", "maximum", "saddle point"]


def test_the_payload_places_the_playhead_at_the_scenario_step():
    assert payload(Scenario(steps=80, playhead=30))["step"] == 30 and payload(Scenario(steps=80))["step"] == 0
