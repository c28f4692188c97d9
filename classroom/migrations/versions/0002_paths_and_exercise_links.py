"""The board draws each entry's path from the entry itself, and a class keeps its exercise's whole link.

- class_entries.path: the submitted path thinned on the server (classroom/measure.py), a JSON list of
  [x, y] points, so a board draws 500 paths without running the engine 500 times;
- class_sessions.exercise: a link (an exercise's signed token is hundreds of characters), not a
  100-character name: a new TEXT column takes the values over and the old one goes. Both databases
  rename and drop columns in place (SQLite ≥ 3.35): no table is rebuilt, so nothing cascades.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _retype_exercise(new_type: sa.types.TypeEngine, copy: str) -> None:
    op.add_column("class_sessions", sa.Column("exercise_new", new_type))
    op.execute(f"UPDATE class_sessions SET exercise_new = {copy}")
    op.drop_column("class_sessions", "exercise")
    op.alter_column("class_sessions", "exercise_new", new_column_name="exercise")


def upgrade() -> None:
    op.add_column("class_entries", sa.Column("path", sa.Text))
    _retype_exercise(sa.Text(), "exercise")


def downgrade() -> None:
    op.drop_column("class_entries", "path")
    _retype_exercise(sa.String(100), "CASE WHEN length(exercise) <= 100 THEN exercise END")
