"""The fair build queue: round robin by owner, one job per key, places in the queue, errors, the limit."""

from __future__ import annotations

import threading

import pytest

from gradscape.trajectories.fair_queue import FairQueue, QueueFull

WAIT_S = 10.0


def held_queue(limit: int = 16) -> tuple[FairQueue, threading.Event]:
    """A one-worker queue whose worker is busy with a job until the returned gate is set."""
    queue, gate, started = FairQueue(1, limit), threading.Event(), threading.Event()
    queue.submit("gate", "teacher", lambda: (started.set(), gate.wait(WAIT_S)))
    assert started.wait(WAIT_S)
    return queue, gate


def test_owners_are_served_round_robin_and_each_job_knows_its_place():
    queue, gate = held_queue()
    order: list[str] = []
    submitted = [("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1"), ("c", "c1")]
    jobs = {key: queue.submit(key, owner, lambda key=key: order.append(key)) for owner, key in submitted}
    assert {key: job.ahead() for key, job in jobs.items()} == {"a1": 1, "b1": 2, "c1": 3, "a2": 4, "a3": 5}
    gate.set()
    assert all(job.wait(WAIT_S) for job in jobs.values())
    assert order == ["a1", "b1", "c1", "a2", "a3"]
    assert all(job.ahead() == 0 for job in jobs.values())


def test_a_late_owner_waits_behind_the_jobs_of_the_current_round_only():
    queue, gate = held_queue()
    order: list[str] = []
    first = [queue.submit(key, "a", lambda key=key: order.append(key)) for key in ("a1", "a2", "a3", "a4")]
    late = queue.submit("z1", "z", lambda: order.append("z1"))
    assert late.ahead() == 2  # the worker's job and a1: z1 comes before a2
    gate.set()
    assert all(job.wait(WAIT_S) for job in (*first, late))
    assert order == ["a1", "z1", "a2", "a3", "a4"]


def test_a_key_asked_for_again_is_the_same_job_run_once():
    queue, gate = held_queue()
    runs = []
    one = queue.submit("k", "a", lambda: runs.append(1) or "built")
    again = queue.submit("k", "b", lambda: runs.append(2) or "other")
    assert again is one
    gate.set()
    assert one.wait(WAIT_S) and one.value() == "built" and runs == [1]


def test_an_error_is_raised_in_whoever_waits_and_the_queue_goes_on():
    queue = FairQueue(1, 4)
    bad = queue.submit("bad", "a", lambda: 1 / 0)
    assert bad.wait(WAIT_S)
    with pytest.raises(ZeroDivisionError):
        bad.value()
    good = queue.submit("good", "a", lambda: 42)
    assert good.wait(WAIT_S) and good.value() == 42


def test_at_most_limit_jobs_wait():
    queue, gate = held_queue(limit=2)
    jobs = [queue.submit(key, "a", lambda: None) for key in ("x", "y")]
    with pytest.raises(QueueFull):
        queue.submit("z", "b", lambda: None)
    assert queue.submit("x", "b", lambda: None) is jobs[0]  # joining a waiting job adds none
    gate.set()
    assert all(job.wait(WAIT_S) for job in jobs)
