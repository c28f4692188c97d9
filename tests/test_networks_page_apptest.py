"""AppTest: the Neural net page follows its link (NetScenario), sends the shared player the plane and the
projected paths with the decision boundary's frames, and keeps the off-plane curves on a step slider."""

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from gradscape.trajectories import net_scenario as ns
from gradscape.ui import assets

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "navigation.py"
LINK = {"model": "zzz", "h": "8", "n": "256", "steps": "200", "r1": "adam;lr=0.01", "r2": "adam;lr=0.01;label=twin",
        "r3": "sgd;lr=0.5;on=0"}


def player_payload(at: AppTest) -> dict:
    """The JSON the player component was sent (AppTest knows it only as an unknown element)."""
    (proto,) = [n.proto for n in _walk(at.main) if getattr(getattr(n, "proto", None), "component_name", "") == "gradscape_player"]
    return json.loads(proto.json)


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def _floats(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), "<f4")


def open_networks(link: dict[str, str]) -> AppTest:
    """The app opened on the Neural net page with `link` as its query (as a shared link arrives)."""
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.run()
    at.query_params.clear()
    at.query_params.update(link)
    at.switch_page("pages/networks.py")
    at.run()
    return at


def test_the_page_follows_its_link_and_feeds_the_shared_player():
    at = open_networks(LINK)
    assert not at.exception, [e.value for e in at.exception]
    assert any("model=zzz" in w.value for w in at.warning)
    s, warnings = ns.from_query({k: at.query_params[k] for k in at.query_params})
    assert warnings == [] and "model" not in at.query_params  # the link now says what is shown
    assert (s.problem.hidden, s.problem.n_points, s.steps, [r.enabled for r in s.runs]) == (8, 256, 200, [True, True, False])

    data = player_payload(at)
    assert data["steps"] == 200 and data["view"] == "2d" and data["landscape"]["n"] == 100
    assert [(r["index"], r["label"]) for r in data["runs"]] == [(0, "Adam"), (1, "twin")]  # run 3 is off
    first, twin = data["runs"]
    assert first["digest"] == twin["digest"]  # the same settings train the same path
    keep = np.frombuffer(base64.b64decode(first["keep"]), "<u2")
    pos = _floats(first["pos"]).reshape(-1, 2)
    assert keep.tolist() == list(range(201)) and pos.shape == (201, 2)
    assert np.allclose(pos[-1], 0.0, atol=1e-4)  # the PCA plane is centred on run 1's final iterate
    assert np.all(_floats(first["loss"]) > 0)
    x0, x1 = data["landscape"]["x"]
    assert x0 < pos[:, 0].min() and pos[:, 0].max() < x1

    boundary = data["boundary"]  # the decision boundary is the player's: its frames are one published file
    assert (boundary["runs"], boundary["frames"], boundary["steps"][-1]) == (2, 41, 200) and "images" not in boundary
    assert assets.asset_path(f"/{boundary['url']}", "").stat().st_size == 2 * 41 * boundary["n"] ** 2  # what the app serves
    at.slider(key="nn.at.200").set_value(0)
    at.run()
    assert not at.exception and "Decision boundary of" not in [b.label for b in at.selectbox]  # the player picks the run
    at.segmented_control(key="nn.view").set_value("both")
    at.run()
    assert not at.exception and at.query_params["view"] == "both" and player_payload(at)["view"] == "both"
    at.radio(key="nn.plane").set_value("random")
    at.run()
    assert at.query_params["plane"] == "random" and any("filter-normalized" in m.value for m in at.markdown)
    at.toggle(key="nn.r0.on").set_value(False)
    at.run()
    at.segmented_control(key="nn.edit").set_value(1)
    at.run()
    at.toggle(key="nn.r1.on").set_value(False)
    at.run()
    assert not at.exception and "Switch on at least one run." in [i.value for i in at.info]
