"""CPU accounting for a shared server: how much of the process's CPU the engine's work for each
payer (a session) took within a sliding window, and a refusal in words once a payer is over its
limit, so one user's costly requests cannot keep a class server from everyone else.

Work inside `charged()` is charged to whoever asked for it: the payer the serving layer's finder
names for the calling thread (a web session), or the one a queued job was submitted on behalf of
(`on_behalf`); with none, or inside `unmetered()`, nothing is measured or refused. Before the work
starts, a payer over its ledger's limit is refused (OverBudget, a ValueError that says how long to
wait); after it, the work's CPU is charged. A charged call nested in another is part of the outer one.

What one call took: the engine's work runs on XLA's and NumPy's threads as well as the caller's,
so a thread's own CPU clock misses most of it. The process's CPU time over the call is measured
instead, shared out equally among the charged calls running at the same moment (`Meter`): the
process's CPU while n calls run counts 1/n to each. Work nobody is charged for (drawing pages)
that runs meanwhile is counted too: the estimate errs towards charging more.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import threading
import time
from collections import deque
from typing import Callable, Hashable, Iterator


class OverBudget(ValueError):
    """A payer used its CPU for the window: what it used, and how long to wait."""


class Meter:
    """The process's CPU time shared out among overlapping spans: each span gets, of the CPU spent
    while it was open, the share 1/n for each moment n spans were open."""

    def __init__(self, clock: Callable[[], float] = time.process_time) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.open = 0
        self.share = 0.0  # CPU seconds one span open since the start would have been given
        self.last = clock()

    def _advance(self) -> float:
        now = self.clock()
        if self.open:
            self.share += (now - self.last) / self.open
        self.last = now
        return self.share

    @contextlib.contextmanager
    def span(self) -> Iterator[Callable[[], float]]:
        """Yields a function that answers, once the span is closed, the CPU seconds it was given."""
        with self.lock:
            start = self._advance()
            self.open += 1
        given: list[float] = []
        try:
            yield lambda: given[0]
        finally:
            with self.lock:
                given.append(self._advance() - start)
                self.open -= 1


class Ledger:
    """CPU seconds charged to each payer within the last `window_s`; at most `limit_s` before a
    payer's next work is refused. Forgets payers with nothing left in the window."""

    def __init__(self, limit_s: float, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit_s, self.window_s, self.clock = limit_s, window_s, clock
        self.lock = threading.Lock()
        self.charges: dict[Hashable, deque[tuple[float, float]]] = {}

    def _recent(self, who: Hashable, now: float) -> deque[tuple[float, float]]:
        entries = self.charges.get(who, deque())
        while entries and entries[0][0] <= now - self.window_s:
            entries.popleft()
        if not entries:
            self.charges.pop(who, None)
        return entries

    def charge(self, who: Hashable, seconds: float) -> None:
        """Charge `seconds` to `who` now (and forget payers whose charges all left the window)."""
        with self.lock:
            now = self.clock()
            self._recent(who, now)
            self.charges.setdefault(who, deque()).append((now, seconds))
            for other in [k for k, v in self.charges.items() if v[0][0] <= now - self.window_s]:
                self._recent(other, now)

    def used(self, who: Hashable) -> float:
        """CPU seconds charged to `who` within the window."""
        with self.lock:
            return sum(s for _, s in self._recent(who, self.clock()))

    def wait_s(self, who: Hashable) -> float:
        """Seconds until `who` is under the limit again, as its oldest charges leave the window (0: it is)."""
        with self.lock:
            now = self.clock()
            entries = self._recent(who, now)
            excess = sum(s for _, s in entries) - self.limit_s
            for at, seconds in entries if excess >= 0 else ():  # oldest first, the order they leave the window in
                excess -= seconds
                if excess < 0:
                    return at + self.window_s - now
            return 0.0

    def check(self, who: Hashable) -> None:
        """Raise OverBudget, in words, when `who` is over the limit."""
        wait = self.wait_s(who)
        if wait > 0:
            raise OverBudget(
                f"you have used {self.used(who):.1f} s of the server's CPU in the last {self.window_s:.0f} s (one user may "
                f"use {self.limit_s:g} s, so that a shared server stays quick for everyone); wait {math.ceil(wait)} s and try again")


Payer = tuple[Ledger, Hashable]
METER = Meter()
_PAYER: contextvars.ContextVar[Payer | None] = contextvars.ContextVar("payer", default=None)
_ACCOUNTED: contextvars.ContextVar[bool] = contextvars.ContextVar("accounted", default=False)  # inside a charged call, or unmetered
_finder: Callable[[], Payer | None] = lambda: None


def find_payers_with(finder: Callable[[], Payer | None]) -> None:
    """How `charged` finds who asks when no payer is set: the serving layer's (a web session's, from its thread)."""
    global _finder
    _finder = finder


def payer() -> Payer | None:
    """Who the engine's work in this context is charged to: the one set by `on_behalf`, else the finder's."""
    return _PAYER.get() or _finder()


def on_behalf(fn: Callable[[], object], who: Payer | None = None) -> Callable[[], object]:
    """`fn`, to be run elsewhere (a queue's thread), charged to `who`, else to this context's payer."""
    who = who or payer()

    def run() -> object:
        token = _PAYER.set(who)
        try:
            return fn()
        finally:
            _PAYER.reset(token)

    return run


def check() -> None:
    """Refuse (OverBudget) when this context's payer is over its limit: before queueing work for it."""
    found = payer()
    if found is not None:
        found[0].check(found[1])


@contextlib.contextmanager
def unmetered() -> Iterator[None]:
    """Work inside is neither charged nor refused: what every visitor shares and the server computes
    once (a lesson's fixed runs), not what one asks for."""
    token = _ACCOUNTED.set(True)
    try:
        yield
    finally:
        _ACCOUNTED.reset(token)


@contextlib.contextmanager
def charged() -> Iterator[None]:
    """The engine's work inside is refused when its payer is over the limit, else charged to it
    (no payer: neither)."""
    found = payer()
    if found is None or _ACCOUNTED.get():
        yield
        return
    ledger, who = found
    ledger.check(who)
    token = _ACCOUNTED.set(True)
    try:
        with METER.span() as given:
            yield
    finally:
        _ACCOUNTED.reset(token)
        ledger.charge(who, given())  # failed work took the CPU too
