"""Sweeps: a lane equals the same single run, basins are labelled by the minimum reached, caps hold,
and a SweepScenario round-trips through its link (never raising on a bad one)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from gradscape import landscapes
from gradscape import trajectories as tr
from gradscape.trajectories import engine, sweeps
from gradscape.trajectories.scenario import RunSpec, Scenario
from gradscape.trajectories import sweep_scenario as ss
from gradscape.trajectories.sweep_scenario import Axis, SweepScenario, for_run, from_query, to_query
from gradscape.viz import sweeps as vs
from tests.test_scenario import draws_every_field, scenarios, six_digits

HIMMELBLAU_MINIMA = [p.xy for p in landscapes.get("himmelblau").minima]


@pytest.mark.parametrize("optimizer,vary,schedule", [
    ("adam", {"learning_rate": [1e-3, 0.05, 0.3], "b1": [0.5, 0.9, 0.99]}, "constant"),
    ("momentum", {"momentum": [0.0, 0.5, 0.95]}, "cosine"),  # the last one leaves the domain
    ("rmsprop", {"learning_rate": [1e-3, 1e-2, 0.2]}, "plateau"),  # loss-driven: each lane reads its own loss
])
def test_a_lane_is_the_same_single_run(optimizer, vary, schedule):
    starts = np.array([(-1.5, 2.0), (0.5, -0.5), (1.2, 2.5)])
    kw = dict(steps=150, schedule=schedule, dtype="float64")
    rec = sweeps.lanes("rosenbrock", optimizer, starts, vary, learning_rate=2e-3, **kw)
    for i, start in enumerate(starts):
        one = {k: v[i] for k, v in vary.items()}
        lr = one.pop("learning_rate", 2e-3)
        alone = tr.final_points("rosenbrock", optimizer, starts=[start], learning_rate=lr, hyper=one, **kw)
        run = tr.run("rosenbrock", optimizer, starts=[start], learning_rate=lr, hyper=one, **kw)
        assert (rec.status[i], rec.event_step[i]) == (alone.status[0], alone.event_step[0])
        held = rec.status[i] in (engine.DIVERGED, engine.LEFT_DOMAIN)
        assert held == (run.status[0] in (engine.DIVERGED, engine.LEFT_DOMAIN))
        if held:
            assert (rec.status[i], rec.event_step[i]) == (run.status[0], run.event_step[0])
        if schedule == "plateau":
            # Programs that fuse differently round differently in the last bits, and reduce-on-plateau's
            # threshold test can flip on those bits a step earlier or later: close, not identical.
            np.testing.assert_allclose(rec.positions[i], run.positions[0, -1], rtol=1e-3)
            continue
        # Bit for bit the final-only program's single run; the recording program to its last bits.
        np.testing.assert_array_equal(rec.positions[i], alone.positions[0])
        if not held:  # after an event the record holds the last good point
            np.testing.assert_allclose(rec.positions[i], run.positions[0, -1], rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(rec.loss[i], run.losses[0, -1], rtol=1e-9, atol=1e-12)


def test_a_grid_cell_is_the_same_lane():
    lrs, b1s = np.array([1e-3, 0.05, 0.3]), np.array([0.5, 0.9])
    chunks = sweeps.grid_chunks("rosenbrock", "adam", (-1.5, 2.0), ("learning_rate", lrs), ("b1", b1s), steps=150, dtype="float64")
    grid = sweeps.LaneRecord.concat([rec for _, _, rec in chunks])
    L, B = np.meshgrid(lrs, b1s)
    flat = sweeps.lanes("rosenbrock", "adam", np.tile((-1.5, 2.0), (6, 1)), {"learning_rate": L.ravel(), "b1": B.ravel()},
                        steps=150, dtype="float64")
    np.testing.assert_allclose(grid.positions, flat.positions, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(grid.status, flat.status)


def test_a_heat_map_cell_is_the_playground_run_it_opens():
    s = SweepScenario(kind="heatmap", base=Scenario(runs=(RunSpec("adam", 0.05),), steps=120), resolution=8,
                      x=Axis("learning_rate", 1e-3, 1.0), y=Axis("b1", 0.5, 0.99))
    maps = vs.heatmap(s)
    row, col = 5, 6
    target = vs.cell_target(s, maps, {"map": 0, "row": row, "col": col})
    run = tr.run(target.landscape, "adam", **target.engine_kwargs(0))
    alone = tr.final_points(target.landscape, "adam", **target.engine_kwargs(0))
    m = maps.maps[0]
    assert m.step[row, col] == (alone.event_step[0] if alone.status[0] else 120)
    gap = run.losses[0, -1] - vs.reference_loss("rosenbrock")
    np.testing.assert_allclose(float(m.loss[row, col]), max(gap, vs.LOSS_FLOOR), rtol=1e-3)  # float32 run vs f16 map


def test_basin_labels_on_himmelblau():
    starts = np.array(HIMMELBLAU_MINIMA + [(3.2, 2.3), (-2.5, 3.0), (-3.5, -3.0), (3.3, -1.6)])
    rec = sweeps.lanes("himmelblau", "sgd", starts, {}, steps=500, learning_rate=0.01)
    labels = vs.basin_labels("himmelblau", rec)
    assert labels.tolist() == [0, 1, 2, 3, 0, 1, 2, 3]  # each minimum from itself and from a start inside its basin
    assert (rec.status[:4] == engine.STATIONARY).all() and (rec.event_step[:4] <= 1).all()
    assert set(vs.global_minima("himmelblau").tolist()) == {0, 1, 2, 3}


def test_basin_labels_diverged_left_and_still_moving():
    starts = np.array([(1.0, 1.0), (-1.5, 2.0), (0.0, 2.5)])
    huge = sweeps.lanes("rosenbrock", "sgd", starts[:1] * 0 + (-1.9, 2.9), {}, steps=100, learning_rate=1.0)
    slow = sweeps.lanes("rosenbrock", "sgd", starts[1:2], {}, steps=5, learning_rate=1e-5)
    m = len(landscapes.get("rosenbrock").minima)
    assert vs.basin_labels("rosenbrock", slow).tolist() == [m]
    assert vs.basin_labels("rosenbrock", huge)[0] in (m + 1, m + 2)


def test_basin_map_shares_and_request_cap():
    s = SweepScenario(kind="basin", base=Scenario(landscape="himmelblau", runs=(RunSpec("sgd", 0.01), RunSpec("adam", 0.1)),
                                                  steps=300), resolution=16)
    maps = vs.basins(s)
    assert len(maps.maps) == 2 and maps.maps[0].cat.shape == (16, 16) and maps.maps[0].cat.dtype == np.uint8
    assert "100.0% of starts reach a global minimum" == maps.maps[0].note
    opened = vs.cell_target(s, maps, {"map": 1, "row": 3, "col": 12})  # a click opens that start with that run
    centres = maps.maps[1].x.centres()
    assert opened.starts == ((centres[12], centres[3]),) and opened.steps == 300
    assert opened.runs == (replace(s.runs[1], color=s.base.color(1)),)  # that run, in its colour
    assert vs.cell_target(s, maps, {"map": 1, "row": 16, "col": 0}) is None and vs.cell_target(s, maps, {"x": 1}) is None
    big = SweepScenario(kind="basin", base=Scenario(runs=(RunSpec("sgd"),) * 4, steps=5000), resolution=512)
    assert "over the cap" in big.over_cap()
    with pytest.raises(ValueError, match="over the cap"):
        vs.basins(big)
    with pytest.raises(ValueError, match="over the cap"):
        sweeps.check_work("rosenbrock", sweeps.MAX_LANES, 5000)


def test_swept_values_are_validated_like_a_single_run():
    starts = np.zeros((2, 2))
    with pytest.raises(ValueError, match="b1"):
        sweeps.lanes("quadratic", "adam", starts, {"b1": [0.9, 1.5]}, steps=10)
    with pytest.raises(ValueError, match="learning_rate"):
        sweeps.lanes("quadratic", "adam", starts, {"learning_rate": [0.1, -1.0]}, steps=10)
    with pytest.raises(ValueError, match="unknown parameter"):
        sweeps.lanes("quadratic", "adam", starts, {"momentum": [0.1, 0.2]}, steps=10)
    with pytest.raises(ValueError, match="one per lane"):
        sweeps.lanes("quadratic", "adam", starts, {"b1": [0.9]}, steps=10)


def test_rate_sweep_marks_divergence_and_best_rate():
    s = SweepScenario(kind="lr", base=Scenario(landscape="quadratic", runs=(RunSpec("sgd"),), steps=200), rates=(1e-3, 10.0), count=40)
    curve = vs.rate_sweep(s).curves[0]
    bad = np.isin(curve.status[:, 0], (engine.DIVERGED, engine.LEFT_DOMAIN))
    # Gradient descent on 0.1x² + 2y² diverges exactly above η = 2 / 4 = 0.5.
    assert not bad[curve.rates < 0.45].any() and bad[curve.rates > 0.55].all()
    assert curve.rates[curve.best()] < 0.5
    figure = vs.rate_figure(vs.rate_sweep(s), s)
    band = [t for t in figure["data"] if t.get("marker", {}).get("symbol") in ("x", "triangle-up")]
    assert band and all(t["yaxis"] == "y2" and set(t["y"]) == {"SGD"} for t in band)  # on the band's row, not as huge losses


def rate_case(*runs: RunSpec, starts=((-5.0, -2.0),)) -> tuple[SweepScenario, dict]:
    """Rates 10⁻³ … 10 on the quadratic: gradient descent diverges above η = 0.5."""
    s = SweepScenario(kind="lr", base=Scenario(landscape="quadratic", runs=runs, starts=starts, steps=200),
                      rates=(1e-3, 10.0), count=30)
    return s, vs.rate_figure(vs.rate_sweep(s), s)


def test_rate_chart_fits_its_y_axis_to_the_losses_and_keeps_failed_rates_on_their_own_band():
    s, figure = rate_case(RunSpec("sgd"), RunSpec("momentum", 0.01), starts=((-5.0, -2.0), (4.0, 1.0), (-2.0, 2.5)))
    sweep = vs.rate_sweep(s)
    finite = np.concatenate([c.median()[np.isfinite(c.median())] for c in sweep.curves])
    lo, hi = figure["layout"]["yaxis"]["range"]
    assert lo <= np.log10(finite.min()) and np.log10(finite.max()) <= hi <= np.log10(finite.max()) + 1
    main = [t for t in figure["data"] if t.get("yaxis") is None]
    for t in main:  # every value drawn on the loss axis is a finite loss (a quartile may run off the top)
        y = np.array(t["y"], float)
        assert not np.isinf(y).any() and (t.get("fill") or np.nanmax(y) <= 10**hi)
    band = figure["layout"]["yaxis2"]
    assert band["type"] == "category" and band["categoryarray"] == ["SGD + momentum", "SGD"]  # run 1 on top
    (_, main_hi), (band_lo, band_hi) = figure["layout"]["yaxis"]["domain"], band["domain"]
    assert main_hi < band_lo < band_hi <= 1  # the band is apart from the loss axis, above it
    for i, c in enumerate(sweep.curves):
        diverged, left = vs.failed_rates(c)
        marks = [t for t in figure["data"] if t.get("yaxis") == "y2" and t["y"][0] == c.label]
        assert sorted(x for t in marks for x in t["x"]) == sorted(c.rates[diverged | left].tolist())
        assert all(t["customdata"] == [i] * len(t["x"]) for t in marks)


def test_a_failed_rate_opens_that_run_and_namesakes_get_rows_of_their_own():
    s, figure = rate_case(RunSpec("sgd", 0.1), RunSpec("sgd", 0.2))
    assert figure["layout"]["yaxis2"]["categoryarray"] == ["SGD · η=0.2", "SGD · η=0.1"]
    mark = next(t for t in figure["data"] if t.get("yaxis") == "y2" and t["y"][0] == "SGD · η=0.2")
    opened = vs.rate_target(s, {"customdata": mark["customdata"][0], "x": mark["x"][0]})
    assert opened.runs[0].lr == float(f"{mark['x'][0]:.6g}") > 0.5


def test_a_chart_without_failed_rates_has_no_band():
    s, figure = rate_case(RunSpec("adam", 0.01))
    s = replace(s, rates=(1e-3, 0.1))
    figure = vs.rate_figure(vs.rate_sweep(s), s)
    assert "yaxis2" not in figure["layout"] and not any(t.get("yaxis") for t in figure["data"])
    assert figure["layout"]["yaxis"]["domain"] == [0, 1.0]


def test_sweep_size_and_an_over_large_request_in_user_words():
    s = SweepScenario(kind="basin", base=Scenario(runs=(RunSpec("sgd"),) * 4, steps=5000), resolution=512)
    words = vs.too_big(s)
    assert "1,048,576 runs of 5,000 steps each" in words and "lower the resolution" in words
    assert str(sweeps.MAX_WORK) not in words.replace(",", "") and "cap" not in words
    assert vs.size_words(replace(s, resolution=16, base=replace(s.base, steps=100))) == "1,024 runs of 100 steps each."


def test_link_round_trip_and_playground_hand_off():
    s = SweepScenario(kind="trainability", base=Scenario(landscape="peaks", runs=(RunSpec("momentum", 0.01),), starts=((0.5, 1.0),),
                                                         steps=300), x=Axis("learning_rate", 1e-3, 0.2), y=Axis("momentum", 0.2, 0.9),
                      resolution=64, tol=1e-3)
    assert from_query(to_query(s)) == (s, [])
    sweep = for_run(Scenario(), 2)
    assert sweep.kind == "lr" and sweep.rates[0] < Scenario().runs[2].lr < sweep.rates[1]
    assert sweep.runs == (replace(Scenario().runs[2], color=Scenario().color(2)),)  # the run keeps its colour


def window(draw, lo: float, hi: float, log: bool) -> tuple[float, float]:
    """A range low < high inside [lo, hi], as a link writes it."""
    a, b = sorted((six_digits(draw, lo, hi, log), six_digits(draw, lo, hi, log)))
    return (a, b) if a < b else (lo, hi)


@hs.composite
def sweep_scenarios(draw):
    """A sweep with every field of its link drawn (its base: any Playground scenario without noise or batches)."""
    base = replace(draw(scenarios()), noise=0.0, batch_size=None)
    kind = draw(hs.sampled_from(ss.KINDS))
    optimizer = base.runs[0].optimizer
    axes = []
    for _ in "xy":
        param = draw(hs.sampled_from(ss.sweepable(optimizer)))
        axes.append(Axis(param, *window(draw, *ss.param_bounds(optimizer, param))))
    rates = window(draw, *tr.engine.LR_RANGE, True)
    return SweepScenario(
        kind=kind, base=base, tol=six_digits(draw, *ss.TOL_RANGE, True), rates=rates, count=draw(hs.integers(*ss.LR_COUNT)),
        x=axes[0], y=axes[1], resolution=draw(hs.integers(*ss.RESOLUTION.get(kind, ss.RESOLUTION["basin"]))),
        colour=draw(hs.sampled_from(ss.COLOURINGS)),
    )


@settings(max_examples=40, deadline=None)
@given(sweep_scenarios())
def test_any_sweep_survives_its_link_exactly(s):
    assert from_query(to_query(s)) == (s, [])


def test_the_drawn_sweeps_set_every_field():
    draws_every_field(sweep_scenarios(), ss.SWEEP, SweepScenario())


@settings(max_examples=40, deadline=None)
@given(hs.dictionaries(hs.sampled_from(["sweep", "ls", "res", "x", "y", "rates", "color", "tol", "r1", "steps", "noise"]),
                       hs.text(max_size=20)))
def test_from_query_never_raises(query):
    s, warnings = from_query(query)
    assert isinstance(s, SweepScenario) and isinstance(warnings, list)
    assert from_query(to_query(s))[0] == s


def test_no_compilation_when_a_sweep_setting_moves():
    from tests.test_engine import COUNTER

    def heat(lo, hi, b1_lo, steps):
        s = SweepScenario(kind="heatmap", base=Scenario(runs=(RunSpec("adam", 0.05),), steps=steps), resolution=16,
                          x=Axis("learning_rate", lo, hi), y=Axis("b1", b1_lo, 0.99))
        return vs.heatmap(s)

    heat(1e-3, 1.0, 0.5, 100)
    with COUNTER as c:  # new ranges and steps within the bucket: traced values only
        heat(1e-4, 0.3, 0.1, 90)
        heat(1e-2, 2.0, 0.7, 60)
    assert c.count == 0


def test_the_rate_charts_log_axes_are_labelled_in_decades_or_whole_numbers():
    """No bare minor '2' or '5' on the learning-rate axis: plotly's own log ticks are replaced."""
    s, figure = rate_case(RunSpec("sgd", 0.1), RunSpec("adam", 0.01))
    for axis in (figure["layout"]["xaxis"], figure["layout"]["yaxis"]):
        assert axis["tickmode"] in ("linear", "array")
        if axis["tickmode"] == "linear":
            assert axis["dtick"] >= 1 and axis["tick0"] == 0  # whole decades
        else:
            assert [float(t) for t in axis["ticktext"]] == pytest.approx(axis["tickvals"], rel=1e-3)  # the value itself
    lo, hi = figure["layout"]["xaxis"]["range"]
    assert 10**lo <= min(s.rates) and 10**hi >= max(s.rates)
