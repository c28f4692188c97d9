"""The class board: sessions, students, entries, pins.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(6), nullable=False, unique=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("exercise", sa.String(100)),
        sa.Column("lesson", sa.String(100)),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("expires_at", sa.Double, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("names_shown", sa.Boolean, nullable=False),
        sa.Column("ended_at", sa.Double),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_class_sessions_expires_at", "class_sessions", ["expires_at"])
    op.create_table(
        "class_students",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("name_key", sa.String(160), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("joined_at", sa.Double, nullable=False),
        sa.UniqueConstraint("session_id", "name_key", name="uq_class_students_name"),
    )
    op.create_table(
        "class_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("student_id", sa.Integer, sa.ForeignKey("class_students.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("query", sa.Text),
        sa.Column("answer", sa.String(200)),
        sa.Column("landscape", sa.Text),
        sa.Column("optimizer", sa.String(40)),
        sa.Column("learning_rate", sa.Double),
        sa.Column("start_x", sa.Double),
        sa.Column("start_y", sa.Double),
        sa.Column("end_x", sa.Double),
        sa.Column("end_y", sa.Double),
        sa.Column("final_loss", sa.Double),
        sa.Column("end_state", sa.String(40)),
    )
    op.create_index("ix_class_entries_session_version", "class_entries", ["session_id", "version"])
    op.create_index("ix_class_entries_student_created", "class_entries", ["student_id", "created_at"])
    op.create_table(
        "class_pins",
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("class_entries.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_class_pins_session_id", "class_pins", ["session_id"])


def downgrade() -> None:
    for table in ("class_pins", "class_entries", "class_students", "class_sessions"):
        op.drop_table(table)
