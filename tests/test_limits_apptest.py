"""AppTest: what one session may ask of a shared server, said in words on the page — a typed
expression too costly to compute, and new work once the session used its CPU for the minute
(what it was shown before stays)."""

from __future__ import annotations

import time

from gradscape.landscapes import custom
from gradscape.trajectories import budget
from gradscape.trajectories.scenario import RunSpec, Scenario, to_query
from gradscape.ui import limits
from tests.test_playground_apptest import open_playground, run, scenario_of
from tests.test_sweeps_apptest import open_page

TOWER = "^".join(["x", "y"] * 16)


def test_a_tower_is_refused_inline_in_seconds_and_the_landscape_kept():
    at = open_playground()
    at.selectbox(key="pg.ls").set_value("custom")
    run(at)
    before = scenario_of(at)
    at.text_input(key="pg.ls.f").input(TOWER)
    t0 = time.perf_counter()
    run(at)
    assert time.perf_counter() - t0 < 10.0
    (error,) = at.error
    assert "too costly to compute" in error.value and "Try fewer sin, cos and tan" in error.value and "15×" in error.value
    assert scenario_of(at) == before and at.text_input(key="pg.ls.f").value == TOWER  # kept for fixing


def test_a_session_over_its_cpu_budget_is_told_how_long_to_wait(monkeypatch):
    monkeypatch.setattr(limits, "LEDGER", budget.Ledger(limit_s=1e-6, window_s=60.0))
    # Runs nobody computed before: the first one is charged, the next are over the (tiny) budget.
    fresh = Scenario(runs=(RunSpec("adam", 0.0123), RunSpec("sgd", 0.00123), RunSpec("momentum", 0.00234)), steps=321)
    at = open_playground(to_query(fresh))
    refused = [e.value for e in at.error]
    assert len(refused) == 2 and all("of the server's CPU in the last 60 s" in t and "wait" in t for t in refused)
    at.selectbox(key="pg.ls").set_value("custom")
    run(at)
    before = scenario_of(at)
    at.text_input(key="pg.ls.f").input("x^2 + 17*y^2 - 0.5*x*y")  # a new typed landscape: refused before it is queued
    run(at)
    assert any("of the server's CPU in the last 60 s" in e.value for e in at.error) and scenario_of(at) == before


def test_pages_build_a_typed_landscape_once(monkeypatch):
    """Every page asks the engine's cache (trajectories/typed.py) for a landscape, never the
    catalogue's uncached `landscapes.get`, which would build a typed one again on every call."""
    builds = []
    real = custom.build
    monkeypatch.setattr(custom, "build", lambda key: builds.append(key) or real(key))
    key = custom.make_key("x^2 + 19*y^2 - 0.5*x*y", ((-2, 2), (-1.5, 1.5)))
    at = open_playground(to_query(Scenario(landscape=key)))
    assert builds == [key]
    sweep = {**to_query(Scenario(landscape=key)), "sweep": "basin", "res": "16", "steps": "100"}
    at = open_page(sweep)
    assert not at.error and at.query_params["f"] == "x^2+19*y^2-0.5*x*y" and builds == [key]
