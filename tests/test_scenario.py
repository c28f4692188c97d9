"""The scenario object: URL round-trips, warnings for bad links, engine arguments."""

import math
from dataclasses import replace

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from gradscape import landscapes, lessons
from gradscape.landscapes import custom
from gradscape import optimizers
from gradscape import schedules
from gradscape import trajectories as tr
from gradscape.trajectories.fields import Table
from gradscape.trajectories.scenario import (
    MAX_RUNS, RUN, SCENARIO, RunSpec, Scenario, drawn_colors, free_color, from_query, kept_colors, run_color, run_labels, to_query,
)


def test_default_round_trip_is_exact():
    s = Scenario()
    back, warnings = from_query(to_query(s))
    assert back == s and warnings == []


def six_digits(draw, lo: float, hi: float, log: bool = False) -> float:
    """A number in [lo, hi] as a link writes it (6 significant digits), so that one round trip is exact."""
    if log and lo > 0:
        v = 10 ** draw(st.floats(math.log10(lo), math.log10(hi)))
    else:
        v = draw(st.floats(lo, hi))
    v = float(f"{v:.6g}")
    return v if lo <= v <= hi else float(f"{(lo + hi) / 2:.6g}")


@st.composite
def run_specs(draw, data_size: int | None):
    """Any run, every field drawn: optimizer, rate, hyperparameters, schedule and its parameters,
    label (any text, ≤ 40 characters, as links keep it), colour, on/off and, on a data landscape, its batch."""
    opt = optimizers.get(draw(st.sampled_from(sorted(optimizers.REGISTRY))))
    hyper = tuple((h.name, int(draw(st.integers(int(h.low), int(h.high)))) if h.integer else six_digits(draw, h.low, h.high, h.log))
                  for h in opt.hypers if draw(st.booleans()))
    sched = schedules.get(draw(st.sampled_from(sorted(schedules.REGISTRY))))
    sp = tuple((h.name, int(draw(st.integers(int(h.low), int(h.high)))) if h.integer else six_digits(draw, h.low, h.high, h.log))
               for h in sched.params if draw(st.booleans()))
    lo, hi = tr.engine.LR_RANGE
    return RunSpec(
        optimizer=opt.key,
        learning_rate=None if draw(st.booleans()) else six_digits(draw, lo, hi, True),
        hyper=hyper,
        schedule=sched.key,
        schedule_params=sp,
        label=draw(st.text(max_size=40)),
        color=draw(st.sampled_from(["", "#1f77b4"]) | st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)),
        enabled=draw(st.booleans()),
        batch_size=None if data_size is None else draw(st.none() | st.integers(1, data_size)),
    )


CUSTOM = ("(x^2-1)^2 + 2*y^2", "sin(3*x)*cos(y) + 0.1*(x^2+y^2)")


@st.composite
def scenarios(draw):
    """A scenario with every field of the link drawn."""
    key = draw(st.sampled_from(sorted(landscapes.REGISTRY)) | st.sampled_from(CUSTOM).map(custom.make_key))
    land = landscapes.get(key)
    data_size = land.data.size if land.data is not None else None
    (x0, x1), (y0, y1) = land.domain
    starts = tuple((six_digits(draw, x0, x1), six_digits(draw, y0, y1)) for _ in range(draw(st.integers(0, 4))))
    steps = draw(st.integers(1, tr.MAX_STEPS))
    return Scenario(
        landscape=key, runs=tuple(draw(st.lists(run_specs(data_size), min_size=1, max_size=MAX_RUNS))), starts=starts,
        steps=steps, noise=six_digits(draw, 0.0, tr.engine.MAX_NOISE), seed=draw(st.integers(0, 2**31 - 1)),
        batch_size=None if data_size is None else draw(st.none() | st.integers(1, data_size)),
        view=draw(st.sampled_from(["2d", "3d", "both"])), log_loss=draw(st.booleans()), presentation=draw(st.booleans()),
        playhead=draw(st.integers(0, steps)),
    )


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_any_scenario_survives_its_link_exactly(s):
    """from_query(to_query(s)) == s with no warning, for scenarios drawn over every field (not an
    idempotence check through a first round trip: a field the codec drops or bends fails here)."""
    back, warnings = from_query(to_query(s))
    assert warnings == []
    assert back == s


def test_an_older_links_lesson_key_is_ignored_without_a_warning():
    query = {"ls": "peaks", "steps": "300", "r1": "sgd;lr=0.01"}
    assert from_query({**query, "lesson": "peaks-local-minima"}) == from_query(query) == (from_query(query)[0], [])
    assert "lesson" not in to_query(lessons.get("peaks-local-minima").scenario)


def test_malformed_link_falls_back_with_warnings():
    s, warnings = from_query({"ls": "nowhere", "steps": "-4", "r1": "adamz;lr=abc", "view": "x", "logy": "7"})
    assert s.landscape == Scenario().landscape
    assert s.steps == Scenario().steps
    assert s.runs[0].optimizer == "adam" and s.runs[0].learning_rate == optimizers.get("adam").default_lr
    assert len(warnings) == 6
    assert any("nowhere" in w for w in warnings) and any("steps" in w for w in warnings)


def test_engine_kwargs_run():
    s = Scenario(landscape="quadratic", steps=50, starts=((-5.0, -2.0), (3.0, 1.0)))
    rec = tr.run(s.landscape, s.runs[2].optimizer, **s.engine_kwargs(2))
    assert rec.positions.shape == (2, 51, 2)


def test_validate_rejects_out_of_range():
    bad = Scenario(runs=(RunSpec("adam", learning_rate=500.0),))
    try:
        bad.validate()
    except ValueError as e:
        assert "lr" in str(e)
    else:
        raise AssertionError("validate accepted lr=500")


def test_the_playhead_travels_as_t_and_is_left_out_at_the_start():
    assert "t" not in to_query(Scenario()) and Scenario().playhead == 0  # a link without t opens at the start, as before
    s = Scenario(steps=300, playhead=37)
    assert to_query(s)["t"] == "37"
    assert from_query(to_query(s)) == (s, [])
    assert from_query({"steps": "300", "t": "300"}) == (Scenario(steps=300, playhead=300), [])


@pytest.mark.parametrize("query, words", [
    ({"t": "abc"}, "'t=abc' is not a whole number"),
    ({"t": "12.5"}, "'t=12.5' is not a whole number"),
    ({"t": "-1"}, "'t=-1' is outside [0, 500]"),
    ({"t": "501"}, "'t=501' is outside [0, 500]"),
    ({"t": "150", "steps": "100"}, "'t=150' is outside [0, 100]"),
    ({"t": "nan"}, "'t=nan' is not a whole number"),
])
def test_a_bad_playhead_falls_back_to_the_start_with_a_warning(query, words):
    s, warnings = from_query(query)
    assert s.playhead == 0
    assert len(warnings) == 1 and warnings[0].startswith(words) and warnings[0].endswith("using 0.")


def test_a_shorter_run_brings_the_playhead_to_its_new_end():
    s = replace(Scenario(playhead=400), steps=100)
    assert s.playhead == 100 and s.validate() is s
    assert replace(s, steps=1000).playhead == 100  # a longer run keeps it where it was


def test_labels_add_what_sets_namesakes_apart():
    adam = RunSpec("adam", 0.01)
    assert run_labels((adam, replace(adam, schedule="cosine"), RunSpec("sgd", 0.1))) == ("Adam · constant", "Adam · cosine", "SGD")
    assert run_labels((adam, replace(adam, learning_rate=0.1))) == ("Adam · η=0.01", "Adam · η=0.1")
    assert run_labels((adam, adam, adam)) == ("Adam", "Adam (2)", "Adam (3)")
    assert run_labels((replace(adam, label="fast"), RunSpec("sgd", 0.01, label="fast"))) == ("fast · Adam", "fast · SGD")
    cosine = replace(adam, schedule="cosine")
    labels = run_labels((cosine, replace(cosine, schedule_params=(("min_ratio", 0.1),)), adam))
    assert len(set(labels)) == 3 and labels[2] == "Adam · constant"  # a schedule's parameters only against the same schedule


def test_colours_survive_removal_and_new_runs_get_a_free_one():
    runs = Scenario().runs
    colours = [run_color(runs, i) for i in range(len(runs))]
    kept = kept_colors(drawn_colors(runs)[1:])
    assert [run_color(kept, i) for i in range(len(kept))] == colours[1:]
    assert kept_colors(drawn_colors(runs)) == runs  # palette colours at their own positions stay implicit
    assert free_color(kept) == colours[0] and free_color(runs) not in colours




def draws_every_field(strategy, table: Table, default) -> None:
    """Hypothesis finds, for every field of the table, a drawn state where it is not at its default:
    the strategy leaves no field out (a field added to the table must be added to the strategy)."""
    for f in table.fields:
        find(strategy, lambda s: f.get(s) != f.get(default), settings=settings(max_examples=3000, database=None))


def test_the_drawn_scenarios_set_every_field_and_every_run_field():
    draws_every_field(scenarios(), SCENARIO, Scenario())
    draws_every_field(run_specs(32), RUN, RunSpec())
