"""Load: 20 and then 50 real concurrent sessions against one class server (not a test).

    python -m benchmarks.load

Starts `streamlit run app.py` on loopback, waits for its warm-up, and has every session move
the learning rate to a new value (typed into its box) at the same moment, twice (benchmarks/playground.py's
websocket driver). Bounded: at most 50 sessions, each round limited in time; the server stops
with the script. Prints p50 / p95 / max of rerun request → script finished, and session errors.
"""

from __future__ import annotations

import os

from benchmarks.playground import sessions_report, wait_until_warm
from tests.e2e.harness import app_server


def main() -> None:
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}  ({os.cpu_count()} cores)")
    with app_server() as (url, _proc, log):
        wait_until_warm(log)
        for n, target in ((20, 1.0), (50, 2.0)):
            print(f"{sessions_report(url, n)}   (target p95 ≤ {target:g} s)")
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
