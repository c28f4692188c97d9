"""AppTest: the Sweeps page's Python flow — links → sweep, widgets → link, bad links and
over-cap requests → messages, never a traceback; the Playground offers 'Sweep this run'; the
Export menu loads a sweep configuration and refuses a corrupt one in words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gradscape.trajectories.scenario import Scenario
from gradscape.trajectories.sweep_scenario import for_run, from_query, to_query
from gradscape.trajectories.sweeps import MAX_WORK
from gradscape.viz import export
from gradscape.viz.sweep_export import SWEEP

APP = Path(__file__).resolve().parent.parent / "navigation.py"
TIMEOUT = 120
HEATMAP = {"sweep": "heatmap", "r1": "adam;lr=0.05", "res": "16", "steps": "100", "y": "b1,0.5,0.99"}


def open_page(query: dict[str, str], page: str = "pages/sweeps.py") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def link(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def test_heat_map_widgets_write_the_link():
    at = open_page(HEATMAP)
    assert link(at) == to_query(from_query(HEATMAP)[0])
    at.sidebar.select_slider(key="sw.sw.x.range.0.0001,1").set_value((0.001, 0.5)).run()
    at.sidebar.selectbox(key="sw.sw.y.param").set_value("b2").run()
    assert not at.exception, [e.value for e in at.exception]
    sweep, warnings = from_query(link(at))
    assert warnings == []
    assert (sweep.x.low, sweep.x.high, sweep.y.param, sweep.y.low, sweep.y.high) == (0.001, 0.5, "b2", 0.0, 0.99999)


def test_rate_sweep_offers_the_best_rate_of_each_run():
    at = open_page({"sweep": "lr", "ls": "quadratic", "steps": "100", "rates": "0.001,1,20", "r1": "sgd;lr=0.01",
                    "r2": "adam;lr=0.05"})
    labels = [b.label for b in at.button if b.label.startswith("Best")]
    assert len(labels) == 2 and labels[0].startswith("Best SGD: η = ")
    assert len(at.get("plotly_chart")) == 1


def test_bad_link_and_over_cap_request_are_messages():
    at = open_page({"sweep": "basin", "res": "9999", "rates": "x", "r1": "nosuch"})
    assert any("res=9999" in w.value for w in at.warning)
    at = open_page({"sweep": "basin", "res": "512", "steps": "5000", "r1": "sgd", "r2": "adam"})
    assert any("lower the resolution, the steps or the number of runs" in w.value for w in at.warning)
    assert not any("cap" in w.value for w in at.warning)


def test_the_page_states_the_sweep_in_user_words():
    at = open_page(HEATMAP)
    texts = [c.value for c in at.caption] + [w.value for w in at.warning]
    assert "256 runs of 100 steps each." in texts
    assert not any("cap" in t or f"{MAX_WORK:,}" in t or str(MAX_WORK) in t for t in texts)


def test_playground_offers_sweep_this_run():
    at = open_page({}, page="pages/playground.py")

    def links() -> list:
        return [p for p in at.get("page_link") if "final loss vs learning rate" in p.proto.label]

    assert not links(), "built only while the menu is open"
    at.session_state["pg.sweep.open"] = True
    at.run()
    assert len(links()) == len(Scenario().runs)
    sweep = for_run(Scenario(), 0)
    assert sweep.kind == "lr" and to_query(sweep)["r1"] == "sgd;lr=0.001"


def test_trainability_zoom_out_and_whole_range():
    at = open_page({"sweep": "trainability", "r1": "momentum;lr=0.001", "res": "16", "steps": "100",
                    "x": "learning_rate,0.001,0.004", "y": "momentum,0.5,0.7"})
    at.button(key="sw.sw.out").click().run()
    sweep, _ = from_query(link(at))
    # ×4 about the centre: geometric on the log rate axis (ratio 4 → 4⁴), clipped to μ's range [0, 0.999].
    assert abs(sweep.x.low * sweep.x.high - 0.001 * 0.004) < 1e-9 and abs(sweep.x.high / sweep.x.low - 4**4) < 1e-2
    assert (sweep.y.low, sweep.y.high) == (0.2, 0.999)
    at.button(key="sw.sw.reset").click().run()
    sweep, _ = from_query(link(at))
    assert (sweep.x.low, sweep.x.high, sweep.y.low, sweep.y.high) == (1e-4, 1.0, 0.0, 0.999)


def test_export_menu_imports_a_sweep_configuration_and_refuses_a_corrupt_one():
    at = open_page(HEATMAP)
    at.session_state["sw.export.open"] = True  # as a click on the menu does
    at.run()
    upload = "sw.export.upload"
    at.get_by_key(upload).set_value(("broken.json", b"{ not json", "application/json")).run()
    assert not at.exception and any("broken.json: the file is not JSON" in e.value for e in at.error)
    playground = export.config_json(Scenario()).encode()
    at.get_by_key(upload).set_value(("pg.json", playground, "application/json")).run()
    assert any("pg.json: the file is a Playground" in e.value for e in at.error)
    wanted = replace(from_query(HEATMAP)[0], colour="steps", resolution=8)
    at.get_by_key(upload).set_value(("mine.json", export.config_json(wanted, SWEEP).encode(), "application/json")).run()
    assert not at.error
    next(b for b in at.button if b.label == "Load this configuration").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert from_query(link(at)) == (wanted, [])
