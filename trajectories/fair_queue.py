"""A fair work queue for what many sessions ask of one server at once (building typed landscapes).

A fixed number of worker threads run the jobs; the others wait. Waiting jobs run in round-robin
order by owner (a session): an owner's k-th waiting job runs after every other owner's earlier
ones, so one user typing ten expressions delays a classmate by at most one build. A job asked for
again while it waits or runs (the same key) is the same job. Every job can say how many jobs run
before it (`ahead`), for a progress message. At most `limit` jobs wait; one more raises QueueFull.

Order: each job gets a tag, max(tag of the job last started, its owner's last waiting tag) + 1
(start-time fair queueing with unit costs); the lowest tag runs first, ties in arrival order.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Hashable


class QueueFull(RuntimeError):
    """More jobs are waiting than the queue's limit."""


class Job:
    """One job: its key, its place in the order, and its outcome once `done` is set."""

    def __init__(self, queue: "FairQueue", key: Hashable, owner: Hashable, work: Callable[[], Any], tag: int, seq: int) -> None:
        self.queue, self.key, self.owner, self.work = queue, key, owner, work
        self.order = (tag, seq)
        self.started = False
        self.done = threading.Event()
        self.result: Any = None
        self.error: Exception | None = None

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the job finished within `timeout` seconds."""
        return self.done.wait(timeout)

    def ahead(self) -> int:
        """How many jobs run before this one: those waiting ahead of it and those running (0 once it runs)."""
        return self.queue.ahead(self)

    def value(self) -> Any:
        """The work's result; raises its error. Only once `done`."""
        if self.error is not None:
            raise self.error
        return self.result


class FairQueue:
    """Jobs run by `workers` daemon threads (started on the first submit) in fair order; at most `limit` wait."""

    def __init__(self, workers: int, limit: int) -> None:
        self.workers, self.limit = workers, limit
        self.cond = threading.Condition()
        self.jobs: dict[Hashable, Job] = {}  # waiting or running, by key
        self.waiting: list[Job] = []
        self.running = 0
        self.last_started = 0  # the tag of the job started last: the queue's "now"
        self.owner_tags: dict[Hashable, int] = {}  # an owner's last waiting tag (owners with waiting jobs only)
        self.seq = 0
        self.threads: list[threading.Thread] = []

    def submit(self, key: Hashable, owner: Hashable, work: Callable[[], Any]) -> Job:
        """The job for `key`: the one waiting or running, else a new one running `work` (the first caller's)."""
        with self.cond:
            if key in self.jobs:
                return self.jobs[key]
            if len(self.waiting) >= self.limit:
                raise QueueFull(f"{len(self.waiting)} jobs are waiting")
            tag = max(self.last_started, self.owner_tags.get(owner, 0)) + 1
            self.seq += 1
            job = Job(self, key, owner, work, tag, self.seq)
            self.jobs[key] = job
            self.waiting.append(job)
            self.owner_tags[owner] = tag
            self._start_workers()
            self.cond.notify()
            return job

    def ahead(self, job: Job) -> int:
        with self.cond:
            if job.started:
                return 0
            return self.running + sum(other.order < job.order for other in self.waiting)

    def _start_workers(self) -> None:
        while len(self.threads) < self.workers:
            thread = threading.Thread(target=self._serve, name=f"fair-queue-{len(self.threads)}", daemon=True)
            self.threads.append(thread)
            thread.start()

    def _next(self) -> Job:
        with self.cond:
            while not self.waiting:
                self.cond.wait()
            job = min(self.waiting, key=lambda j: j.order)
            self.waiting.remove(job)
            job.started = True
            self.running += 1
            self.last_started = job.order[0]
            if self.owner_tags.get(job.owner) == job.order[0]:
                del self.owner_tags[job.owner]  # its last waiting job started: it has no place to keep
            return job

    def _serve(self) -> None:
        while True:
            job = self._next()
            try:
                job.result = job.work()
            except Exception as err:  # the job's outcome, raised in whoever waits for it
                job.error = err
            with self.cond:
                self.running -= 1
                del self.jobs[job.key]
                job.done.set()
