"""AppTest: the Export menu's import on the Playground — a corrupt file gets a message, never a
traceback; a good configuration loads the scenario it describes (and the link follows)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.test_playground_apptest import APP, TIMEOUT, scenario_of
from trajectories.scenario import RunSpec, Scenario, to_query
from viz import export

UPLOAD = "pg.export.upload"


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.get_by_key(UPLOAD).set_value((name, data, "application/json"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fresh() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    return at


def test_a_corrupt_upload_shows_a_message():
    at = upload(fresh(), "broken.json", b"{ this is not json")
    assert any("broken.json: the file is not JSON" in e.value for e in at.error)
    at = upload(at, "future.json", json.dumps({"version": 9, "query": {}}).encode())
    assert any("version 9 is not supported" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Load this configuration"]


def test_a_configuration_loads_its_scenario_and_warnings_are_listed():
    wanted = Scenario(landscape="peaks", runs=(RunSpec("adam", 0.02), RunSpec("rmsprop", 0.01)), steps=200, view="both")
    at = upload(fresh(), "peaks.json", export.config_json(wanted).encode())
    assert not at.error and not at.warning
    next(b for b in at.button if b.label == "Load this configuration").click()
    at.run()
    assert not at.exception
    assert scenario_of(at) == wanted
    partly = {"version": 1, "query": {**to_query(wanted), "steps": "-3"}}
    at = upload(at, "partly.json", json.dumps(partly).encode())
    assert any("partly.json:" in w.value and "steps" in w.value for w in at.warning)


def test_the_neural_net_page_loads_its_own_configurations_and_refuses_a_playground_one():
    from trajectories import net_scenario as ns
    from viz.network_export import NETWORK

    at = fresh()
    at.query_params.clear()
    at.query_params.update({"h": "4", "n": "256", "steps": "200", "r1": "adam;lr=0.01"})
    at.switch_page("pages/networks.py").run()
    wanted = ns.NetScenario(steps=200, plane="pca-mean", runs=(RunSpec("lion", 0.001), RunSpec("sgd", 0.3)))
    at.get_by_key("nn.export.upload").set_value(("pg.json", export.config_json(Scenario()).encode(), "application/json"))
    at.run()
    assert any("pg.json: the file is a Playground or lesson configuration" in e.value for e in at.error)
    at.get_by_key("nn.export.upload").set_value(("net.json", export.config_json(wanted, NETWORK).encode(), "application/json"))
    at.run()
    next(b for b in at.button if b.label == "Load this configuration").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert ns.from_query({k: at.query_params[k] for k in at.query_params}) == (wanted, [])
