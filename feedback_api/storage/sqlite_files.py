"""SQLite database files as wholes, for backups and restores: copied with SQLite's online backup
API, checked, and read without being changed.

These use the standard library's `sqlite3` directly, not SQLAlchemy: the app's connect hook puts
every SQLAlchemy connection in WAL mode, which would rewrite a backup file merely opened to read
it (and fail on one that is read-only). A backup file is kept in rollback-journal mode so that it
is one self-contained file, with no `-wal` or `-shm` beside it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from feedback_api.storage.inventory import REVISION_TABLE

# SQLite retries a locked database for this long (as the API's own connections do).
BUSY_SECONDS = 30
MAGIC = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    """Whether the file starts as every SQLite database does."""
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection: opening it creates nothing, and nothing can be written."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def _pages_into(reader: sqlite3.Connection, target: Path, journal_mode: str) -> None:
    """Every page of `reader`'s database into the file `target`, left in `journal_mode`."""
    with contextlib.closing(sqlite3.connect(target, timeout=BUSY_SECONDS)) as writer:
        reader.backup(writer)
        writer.execute(f"PRAGMA journal_mode={journal_mode}")


def copy(source: Path, target: Path) -> None:
    """Copy the database at `source` into the (new, empty) file `target`, consistently.

    One backup step copies every page under one read transaction: in WAL mode the API goes on
    writing meanwhile, and the copy is the database as of that transaction's start, every
    transaction in it whole. `mode=rw` refuses to create a missing source.
    """
    source_uri = f"{source.resolve().as_uri()}?mode=rw"
    with contextlib.closing(sqlite3.connect(source_uri, uri=True, timeout=BUSY_SECONDS)) as reader:
        _pages_into(reader, target, "DELETE")


def restore(backup: Path, target: Path) -> None:
    """Replace the database at `target` with the one in `backup`, page for page, in WAL mode as
    the API keeps it. SQLite takes the target's write lock for the copy. A new target is made
    readable by its owner only: it holds personal data."""
    if not target.exists():
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with _reading(backup) as reader:
        _pages_into(reader, target, "WAL")


def problems(path: Path) -> list[str]:
    """What SQLite's quick check finds wrong with the file; empty when it is sound."""
    with _reading(path) as connection:
        found = [row[0] for row in connection.execute("PRAGMA quick_check")]
    return [] if found == ["ok"] else found


def row_counts(path: Path) -> dict[str, int]:
    """Rows in every table of the file, by table name, sorted by name."""
    with _reading(path) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
        return {
            name: connection.execute(f"SELECT count(*) FROM {quoted[name]}").fetchone()[0]
            for name in names
        }


def schema_revision(path: Path) -> str | None:
    """The Alembic revision of the file's schema; None when the API's migrations never ran."""
    with _reading(path) as connection:
        known = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (REVISION_TABLE,)
        ).fetchone()
        if not known:
            return None
        row = connection.execute(f"SELECT version_num FROM {REVISION_TABLE}").fetchone()
        return row[0] if row else None
