"""AppTest: the Playground's Python flow — widgets → Scenario → query string, links → widgets,
bad input → a message, never a traceback. (The player itself runs in the browser: tests/e2e.)"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from gradscape import trajectories as tr
from tests.test_networks_page_apptest import _walk, player_payload
from tests.test_results_table import Table
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query
from gradscape.trajectories.sweep_scenario import from_query as sweep_from_query
from gradscape.ui.rates import LADDER
from gradscape.viz.results_table import COLUMNS

APP = Path(__file__).resolve().parent.parent / "navigation.py"
TIMEOUT = 120


def open_playground(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def scenario_of(at: AppTest) -> Scenario:
    """The scenario the query string describes (it must parse cleanly)."""
    scenario, warnings = from_query({k: at.query_params[k] for k in at.query_params})
    assert warnings == []
    return scenario


def results_table(at: AppTest) -> Table:
    """The results table the page shows (its only st.html element)."""
    (element,) = at.get("html")
    return Table(element.proto.body)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_default_scenario_is_in_the_query_string():
    at = open_playground()
    assert scenario_of(at) == Scenario()
    assert not at.warning and not at.error
    assert len(results_table(at).rows) == len(Scenario().runs)


def test_settings_flow_into_the_link():
    at = open_playground()
    at.selectbox(key="pg.ls").set_value("peaks")
    run(at)
    assert scenario_of(at).landscape == "peaks" and scenario_of(at).starts == ()
    at.text_input(key="pg.start").input("-2.5, 1; 2, 2")
    run(at)
    at.number_input(key="pg.steps").set_value(300)
    run(at)
    at.select_slider(key="pg.noise").set_value(0.1)
    run(at)
    at.segmented_control(key="pg.view").set_value("both")
    run(at)
    at.toggle(key="pg.logy").set_value(False)
    run(at)
    s = scenario_of(at)
    assert (s.starts, s.steps, s.noise, s.view, s.log_loss) == (((-2.5, 1.0), (2.0, 2.0)), 300, 0.1, "both", False)


def test_run_editor_edits_the_picked_run():
    at = open_playground()
    at.segmented_control(key="pg.edit").set_value(2)
    run(at)
    at.text_input(key="pg.r2.lr.adam.typed").input("0.2")
    run(at)
    at.slider(key="pg.r2.h.adam.b1").set_value(0.8)
    run(at)
    at.selectbox(key="pg.r2.s").set_value("cosine")
    run(at)
    at.text_input(key="pg.r2.label").input("fast Adam")
    run(at)
    at.toggle(key="pg.r2.on").set_value(False)
    run(at)
    assert scenario_of(at).runs[2] == RunSpec(
        "adam", 0.2, hyper=(("b1", 0.8),), schedule="cosine", label="fast Adam", enabled=False
    )
    assert len(results_table(at).rows) == 2  # a switched-off run is neither computed nor listed


def test_switching_optimizer_starts_from_its_defaults():
    at = open_playground()
    at.selectbox(key="pg.r0.opt").set_value("rmsprop")
    run(at)
    assert scenario_of(at).runs[0] == RunSpec("rmsprop", 0.03)
    assert at.text_input(key="pg.r0.lr.rmsprop.typed").value == "0.03"


def test_add_duplicate_remove_runs():
    at = open_playground()
    at.button(key="pg.add").click()
    run(at)
    four = scenario_of(at).runs
    assert len(four) == 4 and at.segmented_control(key="pg.edit").value == 3
    at.segmented_control(key="pg.edit").set_value(0)
    run(at)
    at.button(key="pg.dup").click()
    run(at)
    five = scenario_of(at).runs
    assert len(five) == 5 and five[1].optimizer == five[0].optimizer and five[1].label == ""
    assert at.segmented_control(key="pg.edit").value == 1
    at.button(key="pg.del").click()
    run(at)
    assert scenario_of(at).runs == four


def run_column(at: AppTest) -> list[str]:
    return [row[0] for row in results_table(at).rows]


def test_duplicates_are_told_apart_by_what_differs():
    at = open_playground({"r1": "adam;lr=0.01", "r2": "sgd;lr=0.001"})
    at.button(key="pg.dup").click()
    run(at)
    at.segmented_control(key="pg.edit").set_value(1)
    run(at)
    at.button(key="pg.dup").click()  # a copy of the copy
    run(at)
    assert run_column(at) == ["Adam", "Adam (2)", "Adam (3)", "SGD"]  # alike in every setting: numbered, never "(2) (2)"
    assert at.segmented_control(key="pg.edit").value == 2
    at.selectbox(key="pg.r2.s").set_value("cosine")
    run(at)
    assert run_column(at) == ["Adam · constant", "Adam · constant (2)", "Adam · cosine", "SGD"]
    at.segmented_control(key="pg.edit").set_value(1)
    run(at)
    at.text_input(key="pg.r1.lr.adam.typed").input("0.1")
    run(at)
    assert run_column(at) == ["Adam · constant · η=0.01", "Adam · constant · η=0.1", "Adam · cosine · η=0.01", "SGD"]
    assert [r["label"] for r in player_payload(at)["runs"]] == run_column(at)
    assert all(r.label == "" for r in scenario_of(at).runs)  # computed, not stored: the link stays short


def test_runs_keep_their_colours_when_another_is_removed_or_added():
    at = open_playground()
    before = results_table(at).colors
    at.segmented_control(key="pg.edit").set_value(0)
    run(at)
    at.button(key="pg.del").click()  # SGD goes; momentum and Adam keep theirs
    run(at)
    assert results_table(at).colors == before[1:]
    at.button(key="pg.add").click()
    run(at)
    three = results_table(at).colors
    assert three[:2] == before[1:] and three[2] not in three[:2]  # a new run gets a colour nobody has
    at.button(key="pg.dup").click()  # a copy of the new run: again a colour of its own
    run(at)
    colors = results_table(at).colors
    assert colors[:3] == three and len(set(colors)) == 4
    s = scenario_of(at)
    assert [s.color(i) for i in range(4)] == colors


def test_sweep_this_run_keeps_the_runs_colour():
    at = open_playground()
    at.session_state["pg.sweep.open"] = True
    run(at)
    links = [p for p in at.get("page_link") if "final loss vs learning rate" in p.proto.label]
    adam = next(p for p in links if p.proto.label.startswith("Adam"))
    sweep, warnings = sweep_from_query(dict(parse_qsl(adam.proto.query_string)))
    assert warnings == [] and sweep.base.color(0) == Scenario().color(2)


def test_a_link_sets_every_widget():
    scenario = Scenario(
        landscape="linear_regression",
        runs=(RunSpec("adam", 0.03, hyper=(("b2", 0.99),), schedule="step", schedule_params=(("alpha", 0.3),), color="#123456"),),
        starts=((-2.0, -3.0), (1.0, 1.0)),
        steps=700,
        noise=0.5,
        batch_size=16,
        seed=3,
        view="3d",
    )
    at = open_playground(to_query(scenario))
    assert not at.warning
    assert at.selectbox(key="pg.ls").value == "linear_regression"
    assert at.text_input(key="pg.start").value == "-2, -3; 1, 1"
    assert at.number_input(key="pg.batch").value == 16
    assert at.number_input(key="pg.steps").value == 700
    assert at.text_input(key="pg.r0.lr.adam.typed").value == "0.03"
    assert at.slider(key="pg.r0.h.adam.b2").value == 0.99
    assert at.slider(key="pg.r0.s.step.alpha").value == 0.3
    assert at.color_picker(key="pg.r0.color").value == "#123456"
    assert at.toggle(key="pg.present").value is False
    assert scenario_of(at) == scenario


def test_batch_size_only_for_data_landscapes():
    at = open_playground()
    assert not [w for w in at.number_input if w.key == "pg.batch"]
    at.selectbox(key="pg.ls").set_value("linear_regression")
    run(at)
    at.number_input(key="pg.batch").set_value(8)
    run(at)
    assert scenario_of(at).batch_size == 8


def test_malformed_link_falls_back_with_warnings():
    at = open_playground({"ls": "atlantis", "steps": "lots", "noise": "-1", "r1": "nadamw;lr=5e9", "r2": "adam;s=warp"})
    texts = " ".join(w.value for w in at.warning)
    for fragment in ("unknown landscape 'atlantis'", "'steps=lots'", "'noise=-1'", "unknown optimizer 'nadamw'", "unknown schedule 'warp'"):
        assert fragment in texts
    s = scenario_of(at)
    assert s.landscape == Scenario().landscape and s.steps == Scenario().steps and s.runs[0].optimizer == "adam"


def test_bad_typed_start_shows_an_error_and_keeps_the_scenario():
    at = open_playground()
    at.text_input(key="pg.start").input("1, zebra")
    run(at)
    assert any("not 'x,y'" in e.value for e in at.error)
    assert scenario_of(at) == Scenario()
    at.text_input(key="pg.start").input("9, 9")
    run(at)
    assert any("outside the domain" in e.value for e in at.error)
    assert scenario_of(at) == Scenario()


@pytest.mark.parametrize("landscape", ["himmelblau", "saddle", "linear_regression"])
def test_results_table_columns(landscape):
    at = open_playground({"ls": landscape})
    table = results_table(at)
    assert table.header == list(COLUMNS) == ["run", "start", "final loss", "end", "nearest minimum", "distance"]
    assert len(table.rows) == len(Scenario().runs)


def test_a_link_places_the_playhead_and_asks_for_its_resting_step():
    at = open_playground({"steps": "200", "t": "37"})
    data = player_payload(at)
    assert (data["steps"], data["step"], data["reportStep"]) == (200, 37, True)
    assert at.query_params["t"] == "37" and not at.warning
    at.number_input(key="pg.steps").set_value(20)  # a shorter run: the playhead stands at its end
    run(at)
    assert scenario_of(at).playhead == 20 and player_payload(at)["step"] == 20


def test_a_bad_playhead_in_a_link_is_named_and_the_player_starts_at_0():
    at = open_playground({"t": "lots"})
    assert any("'t=lots' is not a whole number" in w.value for w in at.warning)
    assert player_payload(at)["step"] == 0 and "t" not in at.query_params


def _follow(step):
    """A page whose player reported resting on `step` (what the browser sent: anything)."""
    from types import SimpleNamespace

    import streamlit as st

    from gradscape.ui.player import follow_playhead
    from gradscape.ui.state import ScenarioState

    state = ScenarioState("pg")
    state.load()
    st.session_state["pg.player"] = SimpleNamespace(step=step)
    follow_playhead(state, "pg.player")()


@pytest.mark.parametrize("step, t", [(120, "120"), (0, None), (500.0, "500"), (501, None), (-3, None), (2.5, None),
                                     (True, None), ("7", None), (None, None), (float("nan"), None)])
def test_the_resting_step_goes_to_the_link_when_it_is_a_step_of_the_run(step, t):
    at = AppTest.from_function(_follow, args=(step,), default_timeout=TIMEOUT)
    run(at)
    assert at.query_params.get("t") == t


def component_data(at: AppTest, name: str) -> list[dict]:
    """The JSON each mounted components-v2 element called `name` was sent, in page order."""
    nodes = [n for root in (at.main, at.sidebar) for n in _walk(root)]
    return [json.loads(n.proto.json) for n in nodes if getattr(getattr(n, "proto", None), "component_name", "") == name]


def test_a_typed_rate_is_checked_and_joins_the_slider():
    at = open_playground()
    box = at.text_input(key="pg.r0.lr.sgd.typed")
    box.input("3e-4")
    run(at)
    assert scenario_of(at).runs[0].lr == 3e-4 and at.text_input(key="pg.r0.lr.sgd.typed").value == "0.0003"
    (slider,) = component_data(at, "gradscape_rate")
    assert slider["options"][slider["index"]] == 3e-4 and slider["labels"][slider["index"]] == "0.0003"
    for text, words in (("fast", "'fast' is not a number"), ("500", "outside 1e-06 … 100"), ("nan", "outside")):
        at.text_input(key="pg.r0.lr.sgd.typed").input(text)
        run(at)
        assert any(words in e.value for e in at.error), text
        assert scenario_of(at).runs[0].lr == 3e-4 and at.text_input(key="pg.r0.lr.sgd.typed").value == "0.0003"
    run(at)
    assert not at.error  # the message is said once


def final_loss(s: Scenario, i: int) -> float:
    return float(tr.run(s.landscape, s.runs[i].optimizer, **s.engine_kwargs(i)).losses[0, -1])


def test_another_landscape_gets_rates_that_move_and_a_notice_that_says_so():
    at = open_playground()
    before = scenario_of(at)
    at.selectbox(key="pg.ls").set_value("beale")
    run(at)
    after = scenario_of(at)
    assert after.landscape == "beale" and [r.optimizer for r in after.runs] == [r.optimizer for r in before.runs]
    assert all(r.lr in LADDER for r in after.runs) and after.runs != before.runs
    kept = replace(after, runs=tuple(replace(r, learning_rate=old.learning_rate) for r, old in zip(after.runs, before.runs)))
    for i, (new, old) in enumerate(zip(after.runs, before.runs)):
        if new.lr != old.lr:  # a changed rate gets at least as far on Beale as the one it replaces
            assert final_loss(after, i) <= final_loss(kept, i)
    (notice,) = [m.value for m in at.info if "Rates set for Beale" in m.value]
    for i, old in enumerate(before.runs):
        assert before.label(i) in notice.replace("\\", "") and f"{old.lr:g}" in notice
    at.button(key="pg.rates.undo").click()  # "Keep the previous rates"
    run(at)
    assert scenario_of(at) == kept and not [m for m in at.info if "Rates set" in m.value]


def test_the_click_mode_is_on_the_page_and_starts_as_set():
    at = open_playground()
    control = at.segmented_control(key="pg.click")
    assert control.value == "set" and control.label == "Map click"
    assert "pg.click" not in {w.key for w in at.sidebar.segmented_control}


def test_a_run_keeps_its_colour_on_the_neural_net_page():
    at = open_playground({"r1": "sgd;lr=0.1", "r2": "momentum;lr=0.05", "r3": "adam;lr=0.01"})
    at.segmented_control(key="pg.edit").set_value(0)
    run(at)
    at.button(key="pg.del").click()  # momentum and Adam keep their colours…
    run(at)
    colors = [r["color"] for r in player_payload(at)["runs"]]
    at.sidebar.selectbox(key="pg.ls").set_value("network")
    run(at)
    assert at.title[0].value == "A neural network's loss landscape"
    assert [r["color"] for r in player_payload(at)["runs"]] == colors  # …on the Neural net page too


def test_a_cache_that_cannot_be_written_is_said_in_words(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("GRADSCAPE_CACHE_DIR", str(tmp_path / "file"))
    at = open_playground()
    assert any("could not be written to the cache folder" in e.value and "GRADSCAPE_CACHE_DIR" in e.value for e in at.error)
