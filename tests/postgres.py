"""A throw-away PostgreSQL server for the class board's tests: Debian's `postgresql` package
(`apt-get install postgresql`; .ci/run installs it), a cluster made by initdb in a temporary folder,
listening on a free loopback port, fsync off. initdb refuses to run as root, so as root the server
runs as the package's `postgres` user (runuser). Missing binaries fail the tests: nothing is skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

USER = "gradscape"  # the cluster's superuser; trust authentication on loopback


def binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (the class board's tests need it)")
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One cluster in its own temporary folder; `url(db)` for its databases, `new_database()` for a fresh one."""

    def __init__(self) -> None:
        self.bin = binaries()
        self.root = Path(tempfile.mkdtemp(prefix="gradscape-pg-"))
        self.as_user = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.data = self.root / "data"
        self.port = free_port()
        self._count = 0
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.start()
        self.admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")

    def _run(self, program: str, *args: str) -> None:
        out = subprocess.run([*self.as_user, str(self.bin / program), *args], cwd=self.root, capture_output=True, text=True,
                             timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"{program} failed: {out.stdout[-2000:]}{out.stderr[-2000:]}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "-o",
                  f"-F -p {self.port} -k {self.root} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        self._count += 1
        name = f"t{self._count}"
        with self.admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        return self.url(name)

    def close(self) -> None:
        self.admin.dispose()
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
