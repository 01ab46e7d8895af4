"""`restore`: put a backup made by `backup` back as the configured database.

Everything that can be checked is checked before anything is changed: the file is a backup of
the configured kind of database, sound, and of a schema this release knows (an older one is
restored and then needs `db upgrade`; one from a newer release is refused, since this code would
misread it). A PostgreSQL restore is one transaction, refused while anything else is connected;
a SQLite restore copies page for page, and the API and worker must be stopped first.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from feedback_api.operations import OperationError, postgres
from feedback_api.operations.backup import database_kind, sqlite_path
from feedback_api.storage import inventory, sqlite_files
from feedback_api.storage.inventory import REVISION_TABLE

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Plan:
    """A backup checked and ready to restore."""

    path: Path
    kind: str
    revision: str
    current: bool  # the schema of this release; False: `db upgrade` after restoring
    into: str  # the database it replaces, for the question and the messages
    drop: list[tuple[str, str]]  # PostgreSQL tables newer than the backup, dropped with it


@dataclass(frozen=True)
class Restored:
    """What the restored database holds."""

    revision: str | None
    rows: dict[str, int]
    seconds: float


def backup_kind(path: Path) -> str:
    """sqlite or postgresql, from the file's first bytes; an error for anything else."""
    if not path.is_file():
        problem = "is not a file" if path.exists() else "does not exist"
        raise OperationError(f"{path} {problem}.")
    with path.open("rb") as file:
        start = file.read(16)
    if start.startswith(sqlite_files.MAGIC):
        return "sqlite"
    if start.startswith(postgres.MAGIC):
        return "postgresql"
    raise OperationError(
        f"{path} is neither a SQLite database nor a pg_dump archive (custom format): "
        "give a file written by `flask --app feedback_api backup`."
    )


def schema_is_current(revision: str) -> bool:
    """True for this release's newest revision, False for an older one; an error for one this
    release does not know (a backup from a newer release)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    if revision in scripts.get_heads():
        return True
    try:
        known = bool(revision) and scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise OperationError(
            f"The backup's schema (revision {revision or 'none'}) is not one this release "
            "knows: it comes from a newer release; restore it with the release that made it."
        )
    return False


def plan(uri: str, path: Path) -> Plan:
    """Check the backup against the configured database; change nothing."""
    kind, wanted = backup_kind(path), database_kind(uri)
    if kind != wanted:
        raise OperationError(
            f"{path} is a {NAMES[kind]} backup, but the configured database is {NAMES[wanted]}: "
            "restore it where DATABASE_URL names a database of the same kind."
        )
    if kind == "sqlite":
        revision, into, drop = _check_sqlite(path, sqlite_path(uri)), str(sqlite_path(uri)), []
    else:
        revision, drop = _check_postgresql(uri, path)
        into = postgres.target(uri).name
    if revision is None:
        raise OperationError(f"{path} holds no Engage database (it has no {REVISION_TABLE}).")
    return Plan(path, kind, revision, schema_is_current(revision), into, drop)


def _check_sqlite(path: Path, target: Path) -> str | None:
    if target.exists() and target.resolve() == path.resolve():
        raise OperationError(f"{path} is the configured database itself.")
    if not target.parent.is_dir():
        raise OperationError(f"The database's folder {target.parent} does not exist.")
    try:
        found = sqlite_files.problems(path)
        if found:
            raise OperationError(f"{path} fails SQLite's check ({found[0]}): it cannot be used.")
        return sqlite_files.schema_revision(path)
    except sqlite3.Error as error:
        raise OperationError(f"{path} cannot be read as a SQLite database: {error}.") from None


def _check_postgresql(uri: str, path: Path) -> tuple[str | None, list[tuple[str, str]]]:
    archived = postgres.archive_tables(path)
    schema = next((s for s, table in sorted(archived) if table == REVISION_TABLE), None)
    if schema is None:
        return None, []
    rows = postgres.archive_rows(path, schema, REVISION_TABLE)
    revision = rows[0].split("\t")[0] if rows else None
    engine = create_engine(uri, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            others = inventory.other_sessions(connection)
            present = inventory.tables_in_schemas(connection, {s for s, _ in archived})
            server = inventory.server_major_version(connection)
    except SQLAlchemyError as error:
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        raise OperationError(f"Cannot reach {postgres.target(uri).name}: {reason}") from None
    finally:
        engine.dispose()
    if others:
        raise OperationError(
            f"{others} other connection(s) use {postgres.target(uri).name}: stop the API, the "
            "worker and anything else using the database, then restore."
        )
    postgres.require_version(postgres.tool("pg_restore"), server)
    return revision, sorted(present - archived)


def restore(uri: str, chosen: Plan) -> Restored:
    """Replace the configured database with the backup `chosen` describes."""
    started = time.monotonic()
    if chosen.kind == "sqlite":
        target = sqlite_path(uri)
        try:
            sqlite_files.restore(chosen.path, target)
            revision, rows = sqlite_files.schema_revision(target), sqlite_files.row_counts(target)
        except sqlite3.Error as error:
            raise OperationError(f"Restoring into {target} failed: {error}.") from None
        return Restored(revision, rows, time.monotonic() - started)
    postgres.restore(uri, chosen.path, chosen.drop)
    engine = create_engine(uri, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            revision = inventory.schema_revision(connection)
            rows = inventory.row_counts(connection)
    finally:
        engine.dispose()
    return Restored(revision, rows, time.monotonic() - started)
