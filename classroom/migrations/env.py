"""Alembic's environment for the class board, run by `store.migrate` (no alembic.ini): it migrates
on the connection that `migrate` opened and locked, inside that connection's transaction.

A new revision is a file in versions/ written by hand after 0001's pattern (`revision`,
`down_revision` naming the one before); change schema.py the same way, and the schema test
compares the two.
"""

from alembic import context

from gradscape.classroom import schema

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=schema.metadata, version_table=schema.VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
