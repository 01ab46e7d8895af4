"""`backup`: a consistent copy of the whole database while the API runs.

SQLite is copied with its online backup API, PostgreSQL dumped by `pg_dump --format=custom`
sharing a snapshot with the transaction that counts the rows, so the counts printed are exactly
what the file holds. Either way the copy is written to a temporary file beside PATH, readable by
its owner only (it holds personal data), checked, and only then given its name: a failed or
interrupted backup never leaves a file that looks like a good one.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from feedback_api.operations import OperationError, postgres
from feedback_api.storage import inventory, sqlite_files

KINDS = ("sqlite", "postgresql")
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
FILE_MODE = 0o600
NO_HARD_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK)


@dataclass(frozen=True)
class Backup:
    """What one backup wrote."""

    path: Path
    kind: str
    size: int
    seconds: float
    revision: str | None
    rows: dict[str, int]


def database_kind(uri: str) -> str:
    """sqlite or postgresql: the databases a backup knows how to copy."""
    kind = make_url(uri).get_backend_name()
    if kind not in KINDS:
        raise OperationError(f"Backups are made of SQLite or PostgreSQL databases, not {kind}.")
    return kind


def sqlite_path(uri: str) -> Path:
    """The file of a SQLite database URL."""
    database = make_url(uri).database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise OperationError("The database is in memory: there is no file to back up or restore.")
    return Path(database)


def target_path(path: Path, kind: str, now: datetime.datetime | None = None) -> Path:
    """Where the backup goes: PATH, or a new file named by the time inside PATH when it is a
    folder (handy for a daily timer, with no `date` and no % to escape in a crontab)."""
    if path.is_dir():
        moment = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dT%H%M%SZ")
        return path / f"engage-{moment}{SUFFIXES[kind]}"
    if not path.parent.is_dir():
        problem = "is not a folder" if path.parent.exists() else "does not exist"
        raise OperationError(
            f"{path.parent} {problem}: give a file in an existing folder (or a folder)."
        )
    return path


@contextlib.contextmanager
def partial_file(target: Path) -> Iterator[tuple[int, Path]]:
    """A new file beside `target`, mode 0600, open for writing; removed (with any SQLite journal
    beside it) unless the block ends well."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as error:
        raise OperationError(
            f"Cannot write in {target.parent} ({error.strerror}): choose a folder the user "
            "running this command may write to."
        ) from None
    try:
        os.fchmod(descriptor, FILE_MODE)  # whatever the umask
        yield descriptor, partial
        os.fsync(descriptor)
    except BaseException:
        for leftover in (partial, *(Path(f"{partial}{end}") for end in ("-journal", "-wal"))):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        os.close(descriptor)


def publish(partial: Path, target: Path, force: bool) -> None:
    """Give the finished file its name in one step. Without `force` a hard link does it, which
    fails rather than replace a file that appeared meanwhile (on a file system without hard
    links, a check and a rename do)."""
    try:
        if force:
            os.replace(partial, target)
        else:
            try:
                os.link(partial, target)
            except FileExistsError:
                raise
            except OSError as error:
                if error.errno not in NO_HARD_LINKS:
                    raise
                if target.exists():
                    raise FileExistsError(target) from None
                os.replace(partial, target)
    except FileExistsError:
        raise OperationError(f"{target} exists: give another name, or --force.") from None
    except OSError as error:
        raise OperationError(f"Cannot name the backup {target} ({error.strerror}).") from None
    finally:
        partial.unlink(missing_ok=True)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the new name survives a power cut too
    finally:
        os.close(directory)


def backup(uri: str, path: Path, *, force: bool = False) -> Backup:
    """Copy the database at `uri` to `path` (or into the folder `path`)."""
    kind = database_kind(uri)
    target = target_path(path, kind)
    if target.is_dir() or (target.exists() and not target.is_file()):
        raise OperationError(f"{target} exists and is not a file: give a file name.")
    if target.exists() and not force:
        raise OperationError(f"{target} exists: give another name, or --force to replace it.")
    source = sqlite_path(uri) if kind == "sqlite" else None
    if source is not None and not source.is_file():
        raise OperationError(f"There is no database at {source}: nothing to back up.")
    if source is not None and target.exists() and target.samefile(source):
        raise OperationError(f"{target} is the database itself: give another name.")
    started = time.monotonic()
    with partial_file(target) as (descriptor, partial):
        if source is not None:
            revision, rows = _copy_sqlite(source, partial)
        else:
            revision, rows = _dump_postgresql(uri, descriptor)
    publish(partial, target, force)
    seconds = time.monotonic() - started
    return Backup(target, kind, target.stat().st_size, seconds, revision, rows)


def _copy_sqlite(source: Path, partial: Path) -> tuple[str | None, dict[str, int]]:
    try:
        sqlite_files.copy(source, partial)
        found = sqlite_files.problems(partial)
        if found:
            raise OperationError(f"The copy of {source} fails SQLite's check: {found[0]}")
        return sqlite_files.schema_revision(partial), sqlite_files.row_counts(partial)
    except sqlite3.Error as error:
        raise OperationError(f"Backing up {source} failed: {error}.") from None


def _dump_postgresql(uri: str, descriptor: int) -> tuple[str | None, dict[str, int]]:
    """Count the rows and dump, in one snapshot (REPEATABLE READ, exported to pg_dump)."""
    pg_dump = postgres.tool("pg_dump")
    engine = create_engine(uri, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            postgres.require_version(pg_dump, inventory.server_major_version(connection))
            snapshot = inventory.export_snapshot(connection)
            rows = inventory.row_counts(connection)
            revision = inventory.schema_revision(connection)
            postgres.dump(uri, snapshot, descriptor)
            connection.rollback()
    except SQLAlchemyError as error:
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        where = postgres.target(uri).name
        raise OperationError(f"Cannot read the database {where}: {reason}") from None
    finally:
        engine.dispose()
    return revision, rows
