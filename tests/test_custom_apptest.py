"""AppTest: typing a landscape in the Playground and the Optimizer reference — the link follows,
a bad expression is shown inline with a caret under its column, a hostile link falls back with a
warning, a build that waits in the server's queue shows its place and completes, and the
per-session cap and a full queue answer in words."""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path

import numpy as np
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from gradscape import landscapes
from gradscape.ui import landscape_picker as picker
from gradscape.viz.text import plain
from gradscape.landscapes import custom
from gradscape.trajectories import typed
from gradscape.trajectories.fair_queue import FairQueue
from tests.test_fair_queue import held_queue
from tests.test_playground_apptest import open_playground, results_table, run, scenario_of

PAGES = Path(__file__).resolve().parent.parent / "pages"


def test_typing_an_expression_draws_it_and_goes_into_the_link():
    at = open_playground()
    at.selectbox(key="pg.ls").set_value("custom")
    run(at)
    first = next(iter(custom.EXAMPLES.values()))[0]
    assert at.query_params["ls"] == "custom" and at.query_params["f"] == custom.make_key(first).split(":")[1].split("@")[0]
    at.text_input(key="pg.ls.f").input("x^2 + 3*y^2 + sin(x*y)")
    run(at)
    s = scenario_of(at)
    assert s.landscape == "custom:x^2+3*y^2+sin(x*y)@-2,2,-1.5,1.5"
    assert not at.error and len(results_table(at).rows) == len(s.runs)
    at.text_input(key="pg.start").input("0.5, -0.25")
    run(at)
    assert not at.error and scenario_of(at).starts == ((0.5, -0.25),)
    at.button(key="pg.ls.ex1").click()
    run(at)
    assert at.query_params["f"] == "0.05*x^2+10*(y-0.5*x)^2" and at.query_params["dom"] == "-6,6,-4,4"


def test_a_bad_expression_is_shown_with_a_caret_and_keeps_the_last_good_landscape():
    at = open_playground()
    at.selectbox(key="pg.ls").set_value("custom")
    run(at)
    before = scenario_of(at)
    at.text_input(key="pg.ls.f").input("x^2 + 3*y^2 + os")
    run(at)
    assert "unknown name 'os'" in at.error[0].value and "(column 15)" in at.error[0].value
    assert at.code[-1].value == "x^2 + 3*y^2 + os\n" + " " * 14 + "^"
    assert at.text_input(key="pg.ls.f").value == "x^2 + 3*y^2 + os"  # kept for fixing
    assert scenario_of(at) == before
    at.text_input(key="pg.ls.f").input("")
    run(at)
    assert "the expression is empty" in at.error[0].value and scenario_of(at) == before


def test_a_hostile_link_falls_back_with_its_message():
    at = open_playground({"ls": "custom", "f": "__import__('os').system('ls')"})
    assert any(w.value.startswith(f"Link: custom landscape: unknown name '{plain('__import__')}'") and "(column 1)" in w.value
               for w in at.warning)
    assert scenario_of(at).landscape == "rosenbrock"


def test_the_session_cap_says_so(monkeypatch):
    at = open_playground()
    at.selectbox(key="pg.ls").set_value("custom")
    run(at)  # the default example: new to this server or not, depending on the tests before
    monkeypatch.setattr(picker, "SESSION_NEW_PER_MINUTE", 1)
    if "landscape_picker.window" in at.session_state:  # the default was new here: start a fresh minute
        del at.session_state["landscape_picker.window"]
    for k in (5, 6):  # new to the server: the first is admitted, the second is one too many this minute
        at.text_input(key="pg.ls.f").input(f"x^2 + {k}*y^2 + 0.25*x*y")
        run(at)
    assert "you tried 1 new expressions within a minute" in at.error[0].value
    assert scenario_of(at).landscape == custom.make_key("x^2 + 5*y^2 + 0.25*x*y", ((-2, 2), (-1.5, 1.5)))


def test_the_optimizer_reference_runs_on_a_typed_landscape():
    at = AppTest.from_file(str(PAGES / "optimizers.py"), default_timeout=120)
    at.run()
    at.selectbox(key="ref_ls").set_value("custom")
    at.run()
    at.text_input(key="ref_ls.f").input("x^2 + 3*y^2 + sin(x*y)")
    at.run()
    assert not at.exception and not at.error
    charts = at.get("plotly_chart")
    assert charts and "Final loss" in " ".join(c.value for c in at.caption)


def custom_playground() -> AppTest:
    """The Playground on "Custom f(x, y)…" (its first example, built)."""
    at = open_playground()
    at.selectbox(key="pg.ls").set_value("custom")
    return run(at)


def test_a_build_that_waits_shows_its_place_then_draws(monkeypatch):
    at = custom_playground()
    queue, gate = held_queue()  # a build of someone else's is under way ...
    for k in (1, 2):  # ... and two more sessions' builds wait
        queue.submit(f"other-{k}", f"session-{k}", lambda: time.sleep(0.2))
    monkeypatch.setattr(typed, "_QUEUE", queue)
    monkeypatch.setattr(picker, "POLL_S", 0.02)
    shown: list[tuple[float, str]] = []
    progress = DeltaGenerator.progress
    monkeypatch.setattr(DeltaGenerator, "progress", lambda dg, value, text=None: shown.append((value, text)) or progress(dg, value, text))
    threading.Timer(0.5, gate.set).start()
    at.text_input(key="pg.ls.f").input("x^2 + 9*y^2 + 0.5*x*y")
    run(at)
    assert shown[0] == (0.0, "Building your landscape… 3 ahead of you")
    assert [v for v, _ in shown] == sorted(v for v, _ in shown) and {t for _, t in shown} <= {
        "Building your landscape… 3 ahead of you", "Building your landscape… 2 ahead of you",
        "Building your landscape… 1 ahead of you", "Building your landscape…"}
    assert scenario_of(at).landscape == custom.make_key("x^2 + 9*y^2 + 0.5*x*y", ((-2, 2), (-1.5, 1.5)))
    assert not at.error and not at.get("progress") and len(results_table(at).rows) == len(scenario_of(at).runs)


def test_a_build_that_fails_in_the_queue_is_shown_in_words():
    at = custom_playground()
    before = scenario_of(at)
    at.text_input(key="pg.ls.f").input("log(-1 - x^2 - y^2)")
    run(at)
    assert "not finite anywhere on the domain" in at.error[0].value and scenario_of(at) == before


def test_a_landscape_beyond_float32_everywhere_says_so_and_one_finite_somewhere_starts_there():
    at = custom_playground()
    before = scenario_of(at)
    at.text_input(key="pg.ls.f").input("exp(x^2 + y^2 + 100)")
    run(at)
    assert "exceeds float32's range" in at.error[0].value and scenario_of(at) == before
    at.text_input(key="pg.ls.f").input("exp(50*(x^2 + y^2))")
    run(at)
    assert not at.error and not at.exception and len(results_table(at).rows) == len(scenario_of(at).runs)
    starts = landscapes.get(scenario_of(at).landscape).starts
    # f = e^(50 r²) and ∇f = 100 (x, y) f fit float32 only where 50 r² < ln(3.4e38) ≈ 88.7
    assert starts and all(50 * (x * x + y * y) < math.log(np.finfo(np.float32).max) for x, y in starts)


def test_a_full_queue_says_so_and_keeps_the_landscape(monkeypatch):
    at = custom_playground()
    before = scenario_of(at)
    monkeypatch.setattr(typed, "_QUEUE", FairQueue(1, 0))
    at.text_input(key="pg.ls.f").input("x^2 + 11*y^2 + 0.5*x*y")
    run(at)
    assert "typed landscapes waiting to be built; try again in a minute" in at.error[0].value
    assert scenario_of(at) == before
