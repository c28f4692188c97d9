"""AppTest: the Export menu's import on the Playground — a corrupt file gets a message, never a
traceback; a good configuration loads the scenario it describes (and the link follows). The
menu's contents exist only while it is open."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.test_playground_apptest import APP, TIMEOUT, scenario_of
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query
from gradscape.viz import export

UPLOAD = "pg.export.upload"


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.get_by_key(UPLOAD).set_value((name, data, "application/json"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_menu(at: AppTest, key: str = "pg.export") -> AppTest:
    """Open an Export menu as a click on it does: its state is True, and the page reruns."""
    at.session_state[f"{key}.open"] = True
    return at.run()


def fresh() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    return open_menu(at.run())


def test_the_menu_is_built_only_while_it_is_open():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.get("file_uploader") and not [b for b in at.button if b.label.startswith("Render GIF")]
    open_menu(at)
    assert [u.key for u in at.get("file_uploader")] == [UPLOAD]
    assert [b.label for b in at.button if b.label.startswith("Render GIF")] == ["Render GIF (251 frames)"]
    at.run()
    assert at.get("file_uploader"), "the menu stays open across reruns"
    at.session_state["pg.export.open"] = False
    assert not at.run().get("file_uploader")


def test_the_server_enforces_the_uploaders_limit():
    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    limit = config["server"]["maxUploadSize"]  # MB, checked by the server (the uploader's own only in the browser)
    assert limit == 1 and limit * 1024 * 1024 >= export.CONFIG_MAX_BYTES
    assert [u.proto.max_upload_size_mb for u in fresh().get("file_uploader")] == [limit]


def test_a_corrupt_upload_shows_a_message():
    at = upload(fresh(), "broken.json", b"{ this is not json")
    assert any("broken.json: the file is not JSON" in e.value for e in at.error)
    at = upload(at, "future.json", json.dumps({"version": 9, "query": {}}).encode())
    assert any("version 9 is not supported" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Load this configuration"]
    at = upload(at, "**deep**.json", b"[" * 5000 + b"]" * 5000)
    assert [e.value for e in at.error] == [r"\*\*deep\*\*.json: the file nests brackets 5000 deep; "
                                           "a configuration nests at most 16."]
    at = upload(at, "true.json", json.dumps({"version": True, "query": {}}).encode())
    assert any("version true is not supported" in e.value for e in at.error)


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
    from gradscape.trajectories import net_scenario as ns
    from gradscape.viz.network_export import NETWORK

    at = fresh()
    at.query_params.clear()
    at.query_params.update({"h": "4", "n": "256", "steps": "200", "r1": "adam;lr=0.01"})
    open_menu(at.switch_page("pages/networks.py").run(), "nn.export")
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
