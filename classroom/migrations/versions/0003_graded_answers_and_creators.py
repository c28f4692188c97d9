"""A class takes a student's graded exercise answer, and counts the classes each client creates.

- class_entries.right, .off, .verdict: the grade the server gave an answer to the class's exercise
  (right or not; how far off, 0 when right, for ranking; the grade's words), kept from the teacher's
  board until they reveal;
- class_sessions.creator: a keyed hash of the address that created the class (never the address),
  so that one client cannot fill the server with classes.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("class_entries", sa.Column("right", sa.Boolean))
    op.add_column("class_entries", sa.Column("off", sa.Double))
    op.add_column("class_entries", sa.Column("verdict", sa.Text))
    op.add_column("class_sessions", sa.Column("creator", sa.String(64)))
    op.create_index("ix_class_sessions_creator", "class_sessions", ["creator"])


def downgrade() -> None:
    op.drop_index("ix_class_sessions_creator", "class_sessions")
    op.drop_column("class_sessions", "creator")
    for column in ("verdict", "off", "right"):
        op.drop_column("class_entries", column)
