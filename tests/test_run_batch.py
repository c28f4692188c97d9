"""Per-run batch size: each run on a data landscape can carry its own B (`r1=sgd;B=1`), the
scenario's `batch` stays the default of runs without one, and the engine gets each run's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gradscape import landscapes
from gradscape import trajectories as tr
from gradscape.trajectories.scenario import RunSpec, Scenario, from_query, to_query
from gradscape.viz.player import run_trace

N_DATA = landscapes.get("linear_regression").data.size
APP = Path(__file__).resolve().parent.parent / "navigation.py"


def data_scenario(*batches: int | None, default: int | None = None) -> Scenario:
    return Scenario(landscape="linear_regression", runs=tuple(RunSpec("sgd", 0.1, batch_size=b) for b in batches),
                    steps=60, batch_size=default, seed=5)


def test_link_carries_each_runs_batch_size():
    s = data_scenario(N_DATA, 1, None, default=16)
    q = to_query(s)
    assert q["r1"] == f"sgd;lr=0.1;B={N_DATA}" and q["r2"] == "sgd;lr=0.1;B=1" and q["r3"] == "sgd;lr=0.1"
    back, warnings = from_query(q)
    assert back == s and warnings == []
    assert [back.batch_of(i) for i in range(3)] == [N_DATA, 1, 16]


@pytest.mark.parametrize(("query", "fragment"), [
    ({"ls": "rosenbrock", "r1": "sgd;B=4"}, "applies only to data landscapes"),
    ({"ls": "linear_regression", "r1": "sgd;B=0"}, "'r1.B=0' is outside"),
    ({"ls": "linear_regression", "r1": f"sgd;B={N_DATA + 1}"}, "is outside"),
    ({"ls": "linear_regression", "r1": "sgd;B=2.5"}, "not a whole number"),
])
def test_bad_batch_in_a_link_is_ignored_with_a_warning(query, fragment):
    s, warnings = from_query(query)
    assert s.runs[0].batch_size is None
    assert len(warnings) == 1 and fragment in warnings[0]


def test_engine_gets_each_runs_own_batch_size():
    s = data_scenario(1, None, N_DATA, default=8)
    for i, b in enumerate((1, 8, N_DATA)):
        expected = tr.run("linear_regression", "sgd", learning_rate=0.1, steps=60, seed=5, batch_size=b).positions
        np.testing.assert_array_equal(run_trace(s, i).record.positions, expected)
    full = run_trace(s, 2).record.positions
    assert not np.array_equal(run_trace(s, 0).record.positions, full)


def test_run_editor_shows_and_sets_the_runs_batch_size():
    at = AppTest.from_file(str(APP), default_timeout=120)
    for k, v in to_query(data_scenario(None, 4, default=16)).items():
        at.query_params[k] = v
    at.run()
    assert at.number_input(key="pg.r0.B").value == 16  # the scenario's default, shown for a run without its own
    at.segmented_control(key="pg.edit").set_value(1).run()
    assert at.number_input(key="pg.r1.B").value == 4
    at.number_input(key="pg.r1.B").set_value(32).run()
    assert not at.exception, [e.value for e in at.exception]
    s, warnings = from_query({k: at.query_params[k] for k in at.query_params})
    assert warnings == [] and [r.batch_size for r in s.runs] == [None, 32]
    assert "B=32" in " ".join(m.value for m in at.markdown)
    at.selectbox(key="pg.ls").set_value("rosenbrock").run()  # no data: every run's own batch size goes
    s, warnings = from_query({k: at.query_params[k] for k in at.query_params})
    assert warnings == [] and all(r.batch_size is None for r in s.runs)
    assert not [w for w in at.number_input if w.key.endswith(".B")]
