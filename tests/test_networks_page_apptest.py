"""AppTest: the Neural net page trains, draws the shared plane and reacts to its widgets."""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def test_networks_page_draws_the_shared_plane_and_the_boundary():
    at = AppTest.from_file(str(APP), default_timeout=240)
    at.run()
    at.switch_page("pages/networks.py")
    at.run()  # the defaults, as the browser test sees them: the persistent cache then serves both
    assert not at.exception, [e.value for e in at.exception]
    charts = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    plane = next(spec for spec in charts.values() if spec["data"][0]["type"] == "contour")
    assert len(plane["data"][0]["z"]) == 100 and len(plane["data"][0]["z"][0]) == 100
    assert [t["name"] for t in plane["data"] if t.get("mode") == "lines"] == ["SGD", "SGD + momentum", "Adam", "RMSProp"]
    boundary = next(spec for spec in charts.values() if spec["data"][0]["type"] == "heatmap")
    assert len(boundary["data"][0]["z"]) == 96
    at.slider(key="nn_at").set_value(0)
    at.run()
    assert not at.exception
    assert "step 0:" in " ".join(c.value for c in at.caption)
    at.toggle(key="nn_3d").set_value(True)
    at.run()
    surface = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"][0]["type"] == "surface"]
    assert len(surface) == 1 and len([t for t in surface[0]["data"] if t.get("mode") == "lines"]) == 4
    at.multiselect(key="nn_opts").set_value([])
    at.run()
    assert not at.exception and "Choose one or more optimizers." in [i.value for i in at.info]
