"""gradscape as N replicas behind nginx, all on one database, started on this machine's loopback:

    python -m deploy.replicas [--replicas 2] [--port 8080] [--database-url postgresql+psycopg://user@host/db]

A class of 200 does not fit one 2-core Streamlit process; N `streamlit run app.py` processes on ports
port+1 … port+N share the class board's PostgreSQL (GRADSCAPE_DATABASE_URL), and nginx (deploy/nginx.conf)
serves them at the one address students open, each browser sticking to one replica. The schema is
migrated once before the replicas start (each would also migrate under a lock at its first class
call). Without --database-url the replicas share the SQLite file in the data folder, which holds
for replicas on one machine (classroom/store.py); PostgreSQL is what several machines need. The
script prints the address and runs until interrupted (Ctrl-C stops everything it started).

Behind nginx the teacher sets GRADSCAPE_PUBLIC_URL to the address students reach (ui/share.py),
so that the join link and its QR code point there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
START_TIMEOUT_S = 120


def streamlit_command(port: int) -> list[str]:
    """`streamlit run app.py` on 127.0.0.1:`port`, headless."""
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false"]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = START_TIMEOUT_S) -> None:
    """Until `url`/_stcore/health answers 200 (RuntimeError if the process exits first, TimeoutError after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} not healthy after {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """Terminate a process we started and wait for it (killed after 10 s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Replica:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Deployment:
    """What `deployment` started: nginx's address (None without nginx), the replicas, and nginx's folder."""

    url: str | None
    replicas: list[Replica]
    folder: Path
    nginx: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)


def start_replica(port: int, env: dict[str, str], folder: Path) -> Replica:
    log = folder / f"replica-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(streamlit_command(port), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    return Replica(port, proc, log)


def render_nginx(listen: str, servers: list[str], folder: str) -> str:
    """deploy/nginx.conf with its fields filled: nginx listens on `listen`, proxies to `servers` (host:port),
    and keeps its pid, logs and temporary files in `folder`."""
    lines = "\n".join(f"        server {s} max_fails=1 fail_timeout=5s;" for s in servers)
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {"run": folder, "servers": lines, "listen": listen}.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def nginx_config(listen: int, ports: list[int], folder: Path) -> str:
    """deploy/nginx.conf for replicas on loopback `ports`, listening on 127.0.0.1:`listen`, its files in `folder`."""
    return render_nginx(f"127.0.0.1:{listen}", [f"127.0.0.1:{p}" for p in ports], str(folder))


COMPOSE_NGINX = Path(__file__).resolve().parent / "compose" / "nginx.conf"
COMPOSE_REPLICAS = ("app1", "app2")  # compose.yaml's replica services


def compose_nginx() -> str:
    """deploy/compose/nginx.conf: the template for compose.yaml's nginx (port 80, its files in /tmp)."""
    header = "# Made from deploy/nginx.conf by `python -m deploy.replicas --write-compose-nginx`: edit that, not this.\n"
    return header + render_nginx("80", [f"{name}:8501" for name in COMPOSE_REPLICAS], "/tmp")


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    return found


def start_nginx(listen: int, ports: list[int], folder: Path) -> subprocess.Popen:
    """nginx in the foreground (a child of this process), its config, logs and temporary files in `folder`
    (made writable for nginx's unprivileged workers when started as root)."""
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    os.chmod(folder, 0o755)
    conf = folder / "nginx.conf"
    conf.write_text(nginx_config(listen, ports, folder), encoding="utf-8")
    binary = nginx_binary()
    check = subprocess.run([binary, "-t", "-q", "-c", str(conf), "-p", str(folder)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refused {conf}: {check.stderr.strip()}")
    return subprocess.Popen([binary, "-c", str(conf), "-p", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def migrate(database_url: str) -> None:
    """Bring the class board's schema up to date once, before the replicas start."""
    from gradscape.classroom import store

    engine = store.create(database_url)
    try:
        store.migrate(engine)
    finally:
        engine.dispose()


@contextlib.contextmanager
def deployment(replicas: int, port: int, database_url: str | None = None, nginx: bool = True,
               env: dict[str, str] | None = None) -> Iterator[Deployment]:
    """Start `replicas` replicas on ports port+1…, and nginx on `port` (unless not `nginx`); stop them all at the end."""
    folder = Path(tempfile.mkdtemp(prefix="gradscape-deploy-"))
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    if database_url:
        environment["GRADSCAPE_DATABASE_URL"] = database_url
        migrate(database_url)
    started: list[Replica] = []
    proxy = None
    try:
        started = [start_replica(port + 1 + k, environment, folder) for k in range(replicas)]
        for r in started:
            wait_healthy(r.url, r.process)
        if nginx:
            proxy = start_nginx(port, [r.port for r in started], folder)
            wait_healthy(f"http://127.0.0.1:{port}", proxy)
        yield Deployment(f"http://127.0.0.1:{port}" if nginx else None, started, folder, proxy, environment)
    finally:
        for proc in [*(r.process for r in started), *([proxy] if proxy else [])]:
            stop(proc)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port; the replicas take the next ones")
    parser.add_argument("--database-url", default=os.environ.get("GRADSCAPE_DATABASE_URL"),
                        help="postgresql+psycopg://… (default: $GRADSCAPE_DATABASE_URL, else the SQLite file)")
    parser.add_argument("--write-compose-nginx", action="store_true",
                        help=f"write {COMPOSE_NGINX.relative_to(ROOT)} from the template and stop")
    args = parser.parse_args()
    if args.write_compose_nginx:
        COMPOSE_NGINX.write_text(compose_nginx(), encoding="utf-8")
        return
    if not 1 <= args.replicas <= 16:
        parser.error("--replicas: 1 … 16")
    with deployment(args.replicas, args.port, args.database_url) as d:
        print(f"gradscape at {d.url}: {len(d.replicas)} replicas on ports "
              f"{', '.join(str(r.port) for r in d.replicas)}; logs in {d.folder}. Ctrl-C stops them.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while all(r.process.poll() is None for r in d.replicas):
                time.sleep(1)


if __name__ == "__main__":
    main()
