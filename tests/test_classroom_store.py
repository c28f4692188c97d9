"""The class board's storage (classroom/store.py): where the data lives, SQLite's settings and
locks as SQLite itself reports them, the migrations against the tables the queries use, replicas
migrating and writing at the same moment, and recovery when PostgreSQL comes back."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from gradscape.classroom import board, schema, store
from gradscape.classroom.errors import ClassError, Unavailable
from tests.postgres import Server

ROOT = Path(__file__).resolve().parents[1]
TABLES = {"class_sessions", "class_students", "class_entries", "class_pins"}
HEAD = "0003"  # the newest revision in classroom/migrations/versions/


def test_the_data_lives_in_the_user_data_folder_unless_a_url_says_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("GRADSCAPE_DATA_DIR", raising=False)
    monkeypatch.delenv("GRADSCAPE_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store.database_url() == f"sqlite+pysqlite:///{tmp_path}/home/.local/share/gradscape/classroom.sqlite3"
    monkeypatch.setenv("GRADSCAPE_DATA_DIR", str(tmp_path / "data"))
    assert store.database_url() == f"sqlite+pysqlite:///{tmp_path}/data/classroom.sqlite3"
    monkeypatch.setenv("GRADSCAPE_DATABASE_URL", "postgresql+psycopg://u@h/d")
    assert store.database_url() == "postgresql+psycopg://u@h/d"


def test_connect_makes_the_folder_and_the_tables_once_per_process(monkeypatch, tmp_path):
    monkeypatch.delenv("GRADSCAPE_DATABASE_URL", raising=False)
    monkeypatch.setenv("GRADSCAPE_DATA_DIR", str(tmp_path / "new" / "folder"))
    db = store.connect()
    try:
        assert (tmp_path / "new" / "folder" / "classroom.sqlite3").is_file()
        assert TABLES <= set(inspect(db).get_table_names())
        assert store.connect() is db
    finally:
        db.dispose()


@pytest.mark.parametrize("url", ["mysql://u@h/d", "sqlite://", "sqlite:///:memory:"])
def test_other_databases_are_refused_in_words(url):
    with pytest.raises(ClassError, match="PostgreSQL database .* or a SQLite file"):
        store.create(url)


def test_an_unwritable_data_folder_is_said_in_words(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ClassError, match="GRADSCAPE_DATA_DIR"):
        store.create(f"sqlite:///{tmp_path}/file/sub/x.sqlite3")


def test_sqlite_runs_in_wal_with_a_busy_timeout_and_foreign_keys(tmp_path):
    db = store.create(f"sqlite:///{tmp_path}/x.sqlite3")
    with store.reading(db) as conn:
        pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("journal_mode", "busy_timeout", "foreign_keys")}
    db.dispose()
    assert pragma == {"journal_mode": "wal", "busy_timeout": store.BUSY_TIMEOUT_S * 1000, "foreign_keys": 1}


def test_a_new_file_switches_to_wal_once_another_process_lets_it(tmp_path):
    """While another connection writes a new file (not yet WAL), SQLite refuses the switch at once,
    without waiting for its busy timeout; connecting waits for the writer instead of failing."""
    path = tmp_path / "x.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("CREATE TABLE t (x)")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite3.connect(path, timeout=5).execute("PRAGMA journal_mode = WAL")
    threading.Timer(0.5, writer.execute, ["COMMIT"]).start()
    db = store.create(f"sqlite:///{path}")
    started = time.monotonic()
    with store.reading(db) as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    db.dispose()
    writer.close()
    assert mode == "wal" and time.monotonic() - started > 0.3


def test_a_write_transaction_holds_the_write_lock_from_its_begin_and_a_read_does_not(tmp_path):
    """Another connection that asks for the write lock without waiting is refused while a write
    transaction is open, before that transaction has written anything, and served during a read."""
    path = tmp_path / "x.sqlite3"
    db = store.create(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)

    def other_may_write() -> bool:
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            assert "locked" in str(e)
            return False
        other.execute("ROLLBACK")
        return True

    with store.writing(db) as conn:
        conn.exec_driver_sql("SELECT 1")
        during_write = other_may_write()
    with store.reading(db) as conn:
        conn.exec_driver_sql("SELECT 1")
        during_read = other_may_write()
    other.close()
    db.dispose()
    assert (during_write, during_read) == (False, True)


def migrated(db) -> tuple[str | None, list]:
    """The database's revision, and Alembic's own list of its differences from schema.py."""
    with db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": schema.VERSION_TABLE})
        return context.get_current_revision(), compare_metadata(context, schema.metadata)


def test_the_migrations_build_exactly_the_tables_the_queries_use(db):
    assert migrated(db) == (HEAD, [])


def test_downgrading_to_nothing_and_upgrading_again(db):
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS))
    with db.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert not TABLES & set(inspect(db).get_table_names())
    store.migrate(db)
    assert TABLES <= set(inspect(db).get_table_names())


def race(*commands: list[str]) -> list[dict]:
    """Start the workers (tests/classroom_worker.py), let them go at once, return their summaries."""
    folder = Path(tempfile.mkdtemp(prefix="gradscape-race-"))
    procs = [subprocess.Popen([sys.executable, "-m", "tests.classroom_worker", str(folder), *c], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    deadline = time.monotonic() + 120
    while len(list(folder.glob("ready-*"))) < len(procs) and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    (folder / "go").touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    shutil.rmtree(folder)
    for p, (_, err) in zip(procs, outputs):
        assert p.returncode == 0, err[-3000:]
    return [json.loads(out.splitlines()[-1]) for out, _ in outputs]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_migrating_one_new_database_at_once_both_succeed(backend, tmp_path, request):
    """Five fresh databases, two processes upgrading each at the same moment: no failure, one schema
    (without the lock, one of the two failed in 4 of 5 tries on PostgreSQL here)."""
    for attempt in range(5):
        url = (f"sqlite+pysqlite:///{tmp_path}/race{attempt}.sqlite3" if backend == "sqlite"
               else request.getfixturevalue("postgres").new_database())
        assert race([url, "migrate"], [url, "migrate"]) == [{"version": HEAD}] * 2
        db = store.create(url)
        assert migrated(db) == (HEAD, [])
        db.dispose()


def test_two_processes_writing_one_class_lose_nothing(db_url):
    """Two processes each join 60 students and submit once for each, at the same moment, into one
    class: no error, and all 120 entries are there."""
    db = store.create(db_url)
    store.migrate(db)
    code, token = board.create_session(db, "Race")
    results = race([db_url, "submit", code, "60"], [db_url, "submit", code, "60"])
    rows = board.export_rows(db, code, token)
    db.dispose()
    assert [r["errors"] for r in results] == [{}, {}]
    assert sorted(r["entry"] for r in rows) == sorted(results[0]["entries"] + results[1]["entries"])
    assert len(rows) == len({r["name"] for r in rows}) == 120


def test_the_same_race_with_deferred_begins_fails_on_sqlite(tmp_path):
    """The control: write transactions opened with a plain BEGIN read, then fail to take the write
    lock ("database is locked", whatever the timeout), so the race above does contend."""
    url = f"sqlite+pysqlite:///{tmp_path}/class.sqlite3"
    db = store.create(url)
    store.migrate(db)
    code = board.create_session(db, "Control").code
    db.dispose()
    results = race([url, "submit", code, "60", "deferred"], [url, "submit", code, "60", "deferred"])
    assert sum(sum(r["errors"].values()) for r in results) > 0


def test_the_board_says_when_postgresql_is_down_and_works_again_once_it_is_back():
    server = Server()
    try:
        db = store.create(server.new_database())
        store.migrate(db)
        code, token = board.create_session(db, "Outage")
        server.stop()
        with pytest.raises(Unavailable, match="cannot be reached right now"):
            board.join(db, code, "Ana")
        with pytest.raises(Unavailable):
            board.board(db, code, token)
        server.start()
        assert board.join(db, code, "Ana").name == "Ana"
        assert board.board(db, code, token).students == 1
        db.dispose()
    finally:
        server.close()
