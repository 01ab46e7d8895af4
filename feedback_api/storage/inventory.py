"""What a database holds, for backups and restores: its tables and their rows, its schema
revision, and (PostgreSQL) the server's version, a snapshot to share with `pg_dump` and who else
is connected.

These take a connection rather than the app's session: a backup is checked on a connection to
the copy just written, a restore on the database it is about to replace. None of them writes.
"""

from __future__ import annotations

from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import Connection

# Alembic's own table: the revision the API's migrations last brought the schema to.
REVISION_TABLE = "alembic_version"


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows in every table of the connection's schema, by table name, sorted by name."""
    names = sorted(inspect(connection).get_table_names())
    return {
        name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
        for name in names
    }


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision the schema is at; None when the API's migrations never ran here."""
    if not inspect(connection).has_table(REVISION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {REVISION_TABLE}")).scalar()


def server_major_version(connection: Connection) -> int:
    """PostgreSQL's major version (15 for 15.4): what `pg_dump` must be at least."""
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def export_snapshot(connection: Connection) -> str:
    """An id `pg_dump --snapshot` can share, so the dump sees exactly what this transaction sees
    (it must be REPEATABLE READ, and stay open until the dump has started)."""
    return connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()


def other_sessions(connection: Connection) -> int:
    """How many other sessions are connected to this PostgreSQL database (the API, the worker,
    a reporting tool): a restore must not replace tables under them. The server's own
    processes (autovacuum working on a table) are not counted."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )
    return connection.execute(query).scalar_one()


def tables_in_schemas(connection: Connection, schemas: set[str]) -> set[tuple[str, str]]:
    """(schema, table) for every table in these PostgreSQL schemas."""
    found: set[tuple[str, str]] = set()
    inspector = inspect(connection)
    for schema in sorted(schemas):
        found.update((schema, name) for name in inspector.get_table_names(schema=schema))
    return found
