"""A small, capped background runner for slow exports (GIF, MP4), shared by every session.

A bounded pool of worker threads (server-wide) takes jobs from a queue of bounded length; each
owner (a browser session) holds at most one job that is waiting or running. A job reports its
progress through the callback it is given, and a page polls the job object, so rendering never
blocks anybody's rerun. No Streamlit here.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
Work = Callable[[Callable[[int, int], None]], bytes]


class Busy(Exception):
    """The job could not be accepted; the message says why, in words."""


@dataclass
class Job:
    """One export being made: its state, progress (done of total) and result or error."""

    owner: str
    filename: str
    mime: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    state: str = QUEUED
    done: int = 0
    total: int = 0
    result: bytes | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def report(self, done: int, total: int) -> None:
        self.done, self.total = done, total


class JobRunner:
    """`workers` threads and at most `queue_cap` jobs waiting or running, one per owner."""

    def __init__(self, workers: int = 1, queue_cap: int = 4) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gradscape-export")
        self.queue_cap = queue_cap
        self.active: dict[str, Job] = {}  # owner -> unfinished job
        self.lock = threading.Lock()

    def submit(self, owner: str, filename: str, mime: str, work: Work) -> Job:
        """Queue `work(progress)`; raises Busy if the owner already has a job or the queue is full."""
        with self.lock:
            self.active = {o: j for o, j in self.active.items() if not j.finished}
            if owner in self.active:
                raise Busy("your previous export is still being made: wait for it to finish.")
            if len(self.active) >= self.queue_cap:
                raise Busy(f"the server is making {len(self.active)} exports for others: try again in a moment.")
            job = Job(owner, filename, mime)
            self.active[owner] = job
        self.pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Work) -> None:
        job.state = RUNNING
        try:
            job.result = work(job.report)
            job.state = DONE
        except Exception as err:  # noqa: BLE001 (the job reports any failure to its page in words)
            job.error = f"{type(err).__name__}: {err}" if not isinstance(err, ValueError) else str(err)
            job.state = FAILED
        finally:
            with self.lock:
                if self.active.get(job.owner) is job:
                    del self.active[job.owner]
