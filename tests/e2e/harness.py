"""Drive the real app in headless Chromium: a `streamlit run app.py` server on a free loopback
port, Debian's chromium through Playwright, and the readiness checks Streamlit exposes.

Used by the browser tests (tests/e2e/conftest.py) and by benchmarks/playground.py.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

from deploy.replicas import stop, streamlit_command, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
READY = "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(extra_args: tuple[str, ...] = (), env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """Start the app (`streamlit run app.py`) on a free loopback port, with `env` added to this process's
    environment; yields (base URL, process, log file)."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="gradscape-streamlit-", suffix=".log")[1])
    with open(log, "wb") as out:
        proc = subprocess.Popen([*streamlit_command(port), *extra_args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url, proc, log
    finally:
        stop(proc)


def launch_chromium(playwright, **kwargs):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **kwargs)


def wait_for_app(page, timeout_ms: float = 60_000) -> None:
    """Until the session is connected and no script is running."""
    page.wait_for_selector(READY, state="attached", timeout=timeout_ms)
