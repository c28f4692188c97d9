"""AppTest: the Schedules and Optimizer reference pages run, react to widgets and keep links."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gradscape import schedules
from gradscape import trajectories as tr
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query

TIMEOUT = 120
APP = Path(__file__).resolve().parent.parent / "navigation.py"


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(page)
    # A browser drops the query string on navigation; AppTest keeps it, so set it here.
    for k in list(at.query_params):
        del at.query_params[k]
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_schedules_page_defaults_and_link_sync():
    at = open_page("pages/schedules.py")
    assert at.multiselect(key="sched_keys").value == ["constant", "step", "cosine", "sgdr", "warmup-cosine"]
    chart = at.get("plotly_chart")[0]
    assert chart is not None
    scenario, warnings = from_query({k: at.query_params[k] for k in at.query_params})
    assert warnings == [] and [r.schedule for r in scenario.runs] == at.multiselect(key="sched_keys").value


def test_schedules_page_reads_a_link_and_warns_on_bad_values():
    link = to_query(Scenario(runs=(RunSpec("sgd", 0.05, schedule="cosine", schedule_params=(("min_ratio", 0.2),)),), steps=300))
    at = open_page("pages/schedules.py", link)
    assert at.multiselect(key="sched_keys").value == ["cosine"]
    assert at.number_input(key="sched_T").value == 300
    bad = open_page("pages/schedules.py", {"r1": "sgd;s=cosine;s.min_ratio=7", "steps": "x"})
    assert len(bad.warning) >= 2


def test_schedules_page_plots_the_catalogue_value():
    at = open_page("pages/schedules.py")
    at.multiselect(key="sched_keys").set_value(["cosine"]).run()
    at.number_input(key="sched_T").set_value(200).run()
    assert not at.exception
    expected = tr.schedule_curve("cosine", 200, 0.1, {})
    (trace,) = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    np.testing.assert_allclose(np.array(trace["y"], float), expected, atol=1e-9)


def test_every_schedule_can_be_shown():
    at = open_page("pages/schedules.py")
    keys = list(schedules.REGISTRY)
    for start in range(0, len(keys), 8):
        at.multiselect(key="sched_keys").set_value(keys[start : start + 8]).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]


def test_reference_page_shows_rule_source_and_internals():
    at = open_page("pages/optimizers.py")
    assert any("Adam" in s.value for s in at.subheader)
    assert at.latex and "beta_1" in at.latex[0].value
    source = next(e for e in at.expander if e.label == "Implementation source")
    assert [c.value.split("(")[0] for c in source.code] == ["def adam"]  # the builder, not its module
    called = next(e for e in at.expander if e.label.startswith("Code it calls"))
    defined = [line.split("(")[0].split(":")[0] for c in called.code for line in c.value.splitlines()
               if line.startswith(("def ", "class "))]
    assert called.label == f"Code it calls: {len(defined)} functions and classes"
    assert {"def scale_by_adam", "def update_moment", "def bias_correction"} <= set(defined)
    titles = [m.value for m in at.markdown]
    assert any("effective learning rate" in t for t in titles) and any("second moment" in t for t in titles)


@pytest.mark.parametrize("pair", [("momentum", "ranger"), ("adagrad", "lookahead")])
def test_reference_page_compares_two(pair):
    at = open_page("pages/optimizers.py")
    at.selectbox(key="ref_opt").set_value(pair[0]).run()
    at.selectbox(key="ref_other").set_value(pair[1]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.subheader) == 2
    builders = [c.value.split("(")[0] for e in at.expander if e.label == "Implementation source" for c in e.code]
    wrapped = {"ranger": ["def lookahead", "def radam"], "lookahead": ["def lookahead", "def momentum"]}
    assert builders == [f"def {pair[0]}", *wrapped[pair[1]]]
