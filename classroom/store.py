"""Where the class board keeps its data, and the two ways in: a write transaction and a read one.

- **Where.** `$GRADSCAPE_DATABASE_URL` (`postgresql+psycopg://user:password@host/db`, one database that
  every replica shares), else a SQLite file, `classroom.sqlite3`, in the user's data folder:
  `$GRADSCAPE_DATA_DIR`, else ~/.local/share/gradscape. A data folder, not the cache: a class's
  entries are what a teacher downloads afterwards, and a cache may be emptied at any time; not the
  package, which may be read-only.
- **SQLite.** WAL (readers never wait for the writer; a new file's switch to it, which SQLite
  refuses without waiting while another process writes, is retried), a busy timeout, and every
  write transaction opened with BEGIN IMMEDIATE: it takes the write lock before its first read, so two processes never
  both read and then both try to write (a deferred BEGIN there fails with "database is locked" at
  once, whatever the timeout: SQLite cannot wait out that deadlock). Reads open a plain BEGIN.
- **Schema.** Alembic migrations in migrations/, applied by `migrate` inside one write transaction
  that first takes a lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: the IMMEDIATE
  write lock): replicas starting together run them one after another, and the later ones find
  nothing left to do.
- **Faults.** A lost or refused connection (PostgreSQL: after CONNECT_TIMEOUT_S) becomes
  `Unavailable`, and nothing is written; the PostgreSQL pool tests each connection before use, so
  the board works again by itself once the database is back.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, exc, make_url, text

from gradscape.classroom.errors import ClassError, Unavailable
from gradscape.classroom.paths import data_dir

DATA_FILE = "classroom.sqlite3"
BUSY_TIMEOUT_S = 30.0  # how long a SQLite writer waits for another's lock
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
CONNECT_TIMEOUT_S = 5  # how long a PostgreSQL connection attempt may take before the board says it is unavailable
MIGRATION_LOCK = 0x67726164  # advisory locks' keys ("grad", "gras"): fixed numbers other tools leave alone
CREATE_LOCK = 0x67726173
_READ = "gradscape_read"  # the execution option that marks a read transaction
_log = logging.getLogger(__name__)


def database_url() -> str:
    """$GRADSCAPE_DATABASE_URL, else the SQLite file in the data folder."""
    return os.environ.get("GRADSCAPE_DATABASE_URL") or f"sqlite+pysqlite:///{data_dir() / DATA_FILE}"


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own: _sqlite_begin does
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:  # a file not yet in WAL that another connection is writing refuses the switch at once, unwaited
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    dbapi_connection.execute("PRAGMA foreign_keys = ON")  # deleting a session deletes its rows (ON DELETE CASCADE)


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(_READ) else "BEGIN IMMEDIATE")


def create(url: str) -> Engine:
    """An engine for `url` (SQLite or PostgreSQL), set up as the module says; not yet migrated."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise ClassError("GRADSCAPE_DATABASE_URL must name a PostgreSQL database (postgresql+psycopg://…) "
                         "or a SQLite file (sqlite:///path).")
    folder = Path(parsed.database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise ClassError(f"The class database's folder {folder} cannot be created: set GRADSCAPE_DATA_DIR "
                         "to a folder this user may write.") from None
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


@contextmanager
def _reachable() -> Iterator[None]:
    """Turn a lost, refused or locked-out connection into Unavailable (the details go to the log)."""
    try:
        yield
    except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError) as e:
        _log.warning("class board database unavailable: %s", e)
        raise Unavailable("The class database cannot be reached right now; nothing was saved. "
                          "Try again in a moment.") from None


@contextmanager
def writing(db: Engine) -> Iterator[Connection]:
    """One write transaction (SQLite: BEGIN IMMEDIATE), committed when the block ends without an error."""
    with _reachable(), db.begin() as conn:
        yield conn


@contextmanager
def reading(db: Engine) -> Iterator[Connection]:
    """One read transaction: it takes no write lock, so readers never queue behind writers."""
    with _reachable(), db.connect() as conn:
        conn.execution_options(**{_READ: True})
        with conn.begin():
            yield conn


def exclusive(conn: Connection, key: int) -> None:
    """In a write transaction: wait for the lock named `key` and hold it until the transaction ends, so
    that replicas do this one at a time (PostgreSQL: an advisory lock; SQLite's IMMEDIATE write lock
    already keeps every other writer out)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def migrate(db: Engine) -> None:
    """Bring the schema to the newest revision under the migration lock (see the module's text)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    with writing(db) as conn:
        exclusive(conn, MIGRATION_LOCK)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


@functools.lru_cache(maxsize=1)  # the app has one database; another URL (a test's) replaces it
def _connected(url: str) -> Engine:
    engine = create(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def connect() -> Engine:
    """The board's engine for `database_url()`, migrated once per process (a failed start is retried
    at the next call, so an app that started while the database was down recovers by itself)."""
    return _connected(database_url())
