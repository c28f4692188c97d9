"""What one session may ask of a shared server: at most SESSION_CPU_S seconds of the server's CPU
for the engine's work within any WINDOW_S (runs, sweeps, typed landscapes: trajectories/budget.py
measures and refuses, in words), and a sliding-window count for anything else counted per session
(new typed expressions: ui/landscape_picker.py).

The CPU budget keeps one session to a sixth of a 2-core class server's CPU on average (the one
request that crosses the limit still finishes: a sweep stops at its next chunk), and is far above
what ordinary use takes (a new typed landscape with its three runs ≈ 0.35 s; the largest sweep
allowed, a 326² basin map of 4 optimizers on Ackley, ≈ 5 s).
Within the minute, the computation itself runs at a lower priority than the pages (app.py lowers
XLA's threads), so a long sweep slows other sessions' pages little.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable

from streamlit.runtime.scriptrunner import get_script_run_ctx

from gradscape.trajectories import budget

SESSION_CPU_S = 20.0
WINDOW_S = 60.0
LEDGER = budget.Ledger(SESSION_CPU_S, WINDOW_S)


class SlidingWindow:
    """At most `limit` admissions per `seconds`, thread-safe; `admit` answers the seconds to wait (0: admitted)."""

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.seconds, self.clock = limit, seconds, clock
        self.times: deque[float] = deque()
        self.lock = threading.Lock()

    def admit(self) -> float:
        with self.lock:
            now = self.clock()
            while self.times and self.times[0] <= now - self.seconds:
                self.times.popleft()
            if len(self.times) >= self.limit:
                return (self.times[0] + self.seconds - now) if self.times else self.seconds
            self.times.append(now)
            return 0.0


def _session() -> budget.Payer | None:
    """The session whose script (or widget callback) runs in this thread, if any."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else (LEDGER, ctx.session_id)


def charge_sessions() -> None:
    """From now on the engine's work is charged to the session that asks for it (every page calls this first)."""
    budget.find_payers_with(_session)
