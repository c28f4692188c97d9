"""The CPU one session may use per minute: the ledger's sliding window and its wait, the meter's
sharing of the process's CPU among overlapping calls, and the engine's work charged to (and
refused for) whoever asks — in the asking thread and in the build queue's."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from gradscape import trajectories as tr
from gradscape.landscapes import custom
from gradscape.trajectories import budget, sweeps, typed
from gradscape.ui.limits import SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_ledger_counts_a_sliding_window_and_says_when_it_frees():
    clock = Clock()
    ledger = budget.Ledger(limit_s=10.0, window_s=60.0, clock=clock)
    ledger.charge("a", 4.0)
    clock.now = 20.0
    ledger.charge("a", 7.0)
    ledger.charge("b", 1.0)
    assert ledger.used("a") == 11.0 and ledger.used("b") == 1.0
    assert ledger.wait_s("a") == 40.0  # the 4 s charged at 0 leave the window at 60
    with pytest.raises(budget.OverBudget, match=r"used 11\.0 s of the server's CPU in the last 60 s .* wait 40 s"):
        ledger.check("a")
    ledger.check("b")
    clock.now = 60.0
    assert ledger.used("a") == 7.0 and ledger.wait_s("a") == 0.0
    ledger.charge("a", 30.0)  # one long request: over until it leaves the window itself
    assert ledger.wait_s("a") == 60.0
    clock.now = 200.0
    ledger.charge("c", 0.5)
    assert set(ledger.charges) == {"c"}  # payers with nothing left in the window are forgotten


def test_the_meter_shares_the_process_cpu_among_overlapping_spans():
    clock = Clock()
    meter = budget.Meter(clock)
    first = meter.span()
    a = first.__enter__()
    clock.now = 2.0  # 2 s alone
    second = meter.span()
    b = second.__enter__()
    clock.now = 6.0  # 4 s shared by two
    first.__exit__(None, None, None)
    clock.now = 7.0  # 1 s alone
    second.__exit__(None, None, None)
    assert (a(), b()) == (4.0, 3.0)


def test_work_is_charged_to_who_asks_and_refused_once_over(monkeypatch):
    ledger = budget.Ledger(limit_s=1e9, window_s=60.0)
    monkeypatch.setattr(budget, "_finder", lambda: (ledger, threading.current_thread().name))
    tr.run("rosenbrock", "adam", steps=300, starts=[(-1.0, 1.0)] * 64)
    me = threading.current_thread().name
    assert ledger.used(me) > 0 and list(ledger.charges) == [me]
    ledger.limit_s = ledger.used(me) / 2
    with pytest.raises(budget.OverBudget, match="wait"):
        tr.run("rosenbrock", "adam", steps=300, starts=[(-1.0, 1.0)] * 65)
    with pytest.raises(budget.OverBudget):
        sweeps.lanes("rosenbrock", "sgd", np.zeros((4, 2)), {}, steps=10)
    monkeypatch.setattr(budget, "_finder", lambda: None)  # nobody asking: nothing charged, nothing refused
    tr.run("rosenbrock", "adam", steps=300, starts=[(-1.0, 1.0)] * 66)


def test_a_queued_build_is_charged_to_the_session_that_asked(monkeypatch):
    ledger = budget.Ledger(limit_s=1e9, window_s=60.0)
    session = threading.local()
    session.id = "student"
    monkeypatch.setattr(budget, "_finder", lambda: (ledger, getattr(session, "id", None)) if hasattr(session, "id") else None)
    key = custom.make_key("x^2 + 13*y^2 - 0.5*x*y + sin(x)")
    job = typed.submit(key, "student", lambda k: tr.run(k, "adam", steps=200))
    assert job.wait(60) and job.value().key == key
    assert list(ledger.charges) == ["student"] and ledger.used("student") > 0  # the build and its warm-up, in the queue's thread


def test_a_nested_charge_counts_once():
    clock = Clock()
    ledger = budget.Ledger(limit_s=100.0, window_s=60.0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(budget, "METER", budget.Meter(clock))
        mp.setattr(budget, "_finder", lambda: (ledger, "s"))
        with budget.charged():
            clock.now = 1.0
            with budget.charged():
                clock.now = 3.0
    assert ledger.used("s") == 3.0 and len(ledger.charges["s"]) == 1


def test_the_sliding_window_admits_limit_per_period():
    clock = Clock()
    window = SlidingWindow(2, 60.0, clock=clock)
    assert [window.admit(), window.admit()] == [0.0, 0.0]
    clock.now = 10.0
    assert window.admit() == pytest.approx(50.0)
    clock.now = 60.0
    assert window.admit() == 0.0
