"""AppTest: the landscape kind "neural net". Picking it in the Playground's landscape list opens the
Neural net page with the Playground's runs and view; picking a 2-D landscape there opens the
Playground on it with the page's runs; what each page had otherwise (the network's data, the
Playground's steps) survives the trip."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.test_playground_apptest import APP, TIMEOUT
from gradscape.trajectories import net_scenario as ns
from gradscape.trajectories.scenario import from_query


def query(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def test_runs_travel_between_the_playground_and_the_neural_net_page():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update({"ls": "himmelblau", "steps": "300", "view": "both", "r1": "adam;lr=0.02", "r2": "lion;lr=0.001;label=L"})
    at.run()
    at.sidebar.selectbox(key="pg.ls").set_value("network").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "A neural network's loss landscape"
    s, warnings = ns.from_query(query(at))
    assert warnings == [] and [(r.optimizer, r.lr, r.label) for r in s.runs] == [("adam", 0.02, ""), ("lion", 0.001, "L")]
    assert s.view == "both" and s.problem == ns.NetScenario().problem
    assert at.selectbox(key="nn.kind").value == "network"

    at.select_slider(key="nn.h").set_value(8).run()
    at.selectbox(key="nn.kind").set_value("rosenbrock").run()
    assert not at.exception and at.title[0].value == "Playground"
    back, warnings = from_query(query(at))
    assert warnings == [] and back.landscape == "rosenbrock" and back.steps == 300 and back.starts == ()
    assert [(r.optimizer, r.label) for r in back.runs] == [("adam", ""), ("lion", "L")]

    at.sidebar.selectbox(key="pg.ls").set_value("network").run()
    assert ns.from_query(query(at))[0].problem.hidden == 8  # the network's setting survived the trip


def test_custom_from_the_neural_net_page_opens_the_playground_on_the_first_example():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/networks.py").run()
    at.selectbox(key="nn.kind").set_value("custom").run()
    assert not at.exception and at.title[0].value == "Playground"
    assert at.query_params["ls"] == "custom" and at.sidebar.selectbox(key="pg.ls").value == "custom"
