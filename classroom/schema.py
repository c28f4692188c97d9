"""The class board's tables, as SQLAlchemy Core objects: what the queries in board.py are written
against. The migrations (migrations/versions/) build the same tables step by step; a test compares
the migrated database with these objects through Alembic's own comparison, so the two cannot drift.

Times are seconds since the epoch (float): every replica and both databases read them the same way.
"""

from __future__ import annotations

from sqlalchemy import (Boolean, Column, Double, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

VERSION_TABLE = "class_schema_version"  # Alembic's revision table, named so that a shared database can tell it apart

metadata = MetaData()

sessions = Table(
    "class_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(6), nullable=False, unique=True),
    Column("title", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False),  # sha256 hex of the teacher's secret
    Column("exercise", Text),  # the link of an exercise (its page and signed token), as the teacher gave it
    Column("lesson", String(100)),
    Column("created_at", Double, nullable=False),
    Column("expires_at", Double, nullable=False, index=True),  # last activity + the time a class lives
    Column("paused", Boolean, nullable=False),
    Column("open", Boolean, nullable=False),  # submissions open
    Column("revealed", Boolean, nullable=False),
    Column("names_shown", Boolean, nullable=False),
    Column("ended_at", Double),
    Column("version", Integer, nullable=False),  # raised by every change; entries carry the version that wrote them
    Column("creator", String(64), index=True),  # keyed hash of the creating client's address (board.create_session)
)

students = Table(
    "class_students", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(40), nullable=False),  # as typed (NFC): escaped where it is shown, not here
    Column("name_key", String(160), nullable=False),  # casefolded: "Ana" and "ANA" are one name
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 hex of the student's secret
    Column("joined_at", Double, nullable=False),
    UniqueConstraint("session_id", "name_key", name="uq_class_students_name"),
)

entries = Table(
    "class_entries", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("student_id", Integer, ForeignKey("class_students.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("removed", Boolean, nullable=False),  # removed by the teacher: kept so that pollers learn of it
    Column("query", Text),  # the one-path scenario link, a JSON object of its query parameters
    Column("answer", String(200)),
    Column("landscape", Text),
    Column("optimizer", String(40)),
    Column("learning_rate", Double),
    Column("start_x", Double),
    Column("start_y", Double),
    Column("end_x", Double),
    Column("end_y", Double),
    Column("final_loss", Double),
    Column("end_state", String(40)),
    Column("path", Text),  # the path thinned for a map (classroom/measure.py): a JSON list of [x, y]
    Column("right", Boolean),  # an exercise answer's grade, given on the server; shown after the reveal
    Column("off", Double),  # how far the answer is from the engine's (0 when right): the leaderboard's order
    Column("verdict", Text),  # the grade in words
    Index("ix_class_entries_session_version", "session_id", "version"),
    Index("ix_class_entries_student_created", "student_id", "created_at"),
)

pins = Table(
    "class_pins", metadata,
    Column("entry_id", Integer, ForeignKey("class_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
)
