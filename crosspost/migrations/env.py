"""Alembic environment for the cross-poster's ledger: its own version table, so it shares a
database with the feedback API without either side's migrations touching the other's tables."""

from alembic import context

from crosspost.ledger import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    include_name=lambda name, kind, _parent: kind != "table" or name.startswith("crosspost_"),
)
with context.begin_transaction():
    context.run_migrations()
