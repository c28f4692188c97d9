"""The notebook widget (api/widget.py): the app's payload as binary buffers, plotly.js answered as a
message and never synced, redraws from Python, one assembled ESM, and the example notebook executed
by nbclient (a saved notebook stays small)."""

from __future__ import annotations

import base64
import doctest
import json
import re
from pathlib import Path

import nbclient
import nbformat
import numpy as np
import pytest

import gradscape
from gradscape import trajectories as tr
from gradscape.api import widget
from gradscape.viz import frontend
from gradscape.viz.player import landscape_asset, player_data, run_trace

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "himmelblau.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def scenario():
    return gradscape.scenario(landscape="himmelblau", runs=["sgd", {"optimizer": "adam", "learning_rate": 0.1}],
                              starts=[(-0.5, 0.5), (1.0, -1.0)], steps=40)


def test_the_docstrings_examples_run():
    result = doctest.testmod(widget, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0, result


def test_the_arrays_are_the_apps_payload_as_bytes(scenario):
    p = gradscape.Player(scenario)
    asset = landscape_asset("himmelblau")
    app = player_data(scenario, [(i, run_trace(scenario, i)) for i in range(2)], grid_url="", plotly_url="", asset=asset)
    assert p._data["landscape"]["grid"] == asset.blob and len(asset.blob) == 8 * asset.meta["n"] ** 2
    for ours, theirs in zip(p._data["runs"], app["runs"]):
        binary = {k for k, v in ours.items() if isinstance(v, bytes)}
        assert binary == {"keep", "pos", "loss", "lrKeep", "lr"}
        assert all(ours[k] == base64.b64decode(theirs[k]) for k in binary)
        assert {k: v for k, v in ours.items() if k not in binary} == {k: v for k, v in theirs.items() if k not in binary}
    # The bytes are the engine's numbers: the first kept step of each trajectory is its start point,
    # the last the engine's end point (an independent run).
    rec = tr.run("himmelblau", "adam", starts=np.array([(-0.5, 0.5), (1.0, -1.0)]), steps=40, learning_rate=0.1)
    adam = p._data["runs"][1]
    pos = np.frombuffer(adam["pos"], "<f4").reshape(-1, 2)
    np.testing.assert_allclose(pos[adam["keepAt"][0]], [-0.5, 0.5])
    np.testing.assert_allclose(np.array([pos[b - 1] for b in adam["keepAt"][1:]]), rec.positions[:, -1], rtol=1e-5)


def test_set_rate_and_a_new_scenario_redraw(scenario):
    p = gradscape.Player(scenario)
    sent = []
    p.observe(lambda change: sent.append(change["new"]), names="_data")
    before = [r["digest"] for r in p._data["runs"]]
    p.set_rate(1, 0.01)
    assert p.scenario.runs[1].lr == 0.01 and len(sent) == 1
    after = [r["digest"] for r in sent[0]["runs"]]
    assert after[0] == before[0] and after[1] != before[1]  # only the changed run differs
    p.scenario = "http://localhost:8501/?ls=rosenbrock&r1=adam;lr=0.05&steps=30"
    assert sent[-1]["landscape"]["key"] == "rosenbrock" and sent[-1]["steps"] == 30 and len(sent[-1]["runs"]) == 1
    with pytest.raises(ValueError, match="run 5 does not exist"):
        p.set_rate(5, 0.1)
    with pytest.raises(ValueError, match="Playground scenario, not a Lesson"):
        p.scenario = "http://localhost:8501/lessons?lesson=saddle-points"
    assert p.scenario.landscape == "rosenbrock"  # a refused value changes nothing


def test_plotly_is_answered_as_a_message_and_never_synced(scenario, monkeypatch):
    p = gradscape.Player(scenario)
    sent = []
    monkeypatch.setattr(p, "send", lambda content, buffers=None: sent.append((content, buffers)))
    p._answer(p, {"ask": "plotly", "bundle": "gl3d"}, [])
    p._answer(p, {"ask": "plotly", "bundle": "../../secret"}, [])
    assert len(sent) == 1 and sent[0][0] == {"plotly": "gl3d"}
    assert sent[0][1][0] == frontend.plotly_bundle("gl3d").read_bytes()
    synced = json.dumps({k: v for k, v in p.get_state().items() if k != "_data"})
    assert len(synced) < 200_000  # the ESM, CSS and HTML: no bundle (each is over 1.5 MB)


def test_the_esm_is_one_module_of_the_players_files():
    esm = frontend.player_js("anywidget")
    assert not re.search(r"^\s*import\s", esm, flags=re.MULTILINE)  # anywidget loads it from a blob URL
    assert esm.count("export default") == 1 and "class Player" in esm
    for name in (*frontend.MODULES, "anywidget"):
        assert (frontend.FRONTEND / "player" / f"{name}.js").read_text(encoding="utf-8") in esm


def test_the_example_notebook_runs_and_saves_small():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    check_example(nb)


def check_example(nb: nbformat.NotebookNode) -> None:
    """The example notebook as executed: the widget's arrays saved as binary buffers, its runs, the redraw
    from Python, and no plotly.js in the saved file (tests/test_package.py checks it run from the wheel too)."""
    view = nb.cells[1].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]
    state = nb.metadata["widgets"][WIDGET_STATE]["state"][view["model_id"]]
    paths = {tuple(b["path"]) for b in state["buffers"]}
    assert ("_data", "landscape", "grid") in paths
    assert {("_data", "runs", i, "pos") for i in range(3)} <= paths  # binary buffers, not base64 in the JSON
    assert [r["label"] for r in state["state"]["_data"]["runs"]] == [gradscape.optimizers.get(k).name for k in ("sgd", "momentum", "adam")]
    assert "('adam', 0.3)" in nb.cells[3].outputs[0]["data"]["text/plain"]
    text = nbformat.writes(nb)
    head = frontend.plotly_bundle("cartesian").read_text(encoding="utf-8")[-2000:]
    assert head not in text and len(text.encode()) < 600_000  # no plotly.js (1.5 MB) in the saved notebook
