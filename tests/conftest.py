"""Shared test set-up: the engine's runtime settings (x64 available) before any JAX use, and the
class board's databases (SQLite and PostgreSQL)."""

import pytest

from gradscape.trajectories import runtime

runtime.configure()  # x64, CPU devices, compilation cache: before any JAX use


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of this test process's own (tests/postgres.py), stopped at the end."""
    from tests.postgres import Server

    server = Server()
    yield server
    server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database, once a SQLite file in a temporary folder and once a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path / 'class.sqlite3'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def db(db_url):
    """The class board's engine on `db_url`, migrated."""
    from gradscape.classroom import store

    engine = store.create(db_url)
    store.migrate(engine)
    yield engine
    engine.dispose()
