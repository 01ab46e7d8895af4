"""PostgreSQL's own tools for backups and restores: `pg_dump`, `pg_restore` and `psql`.

The database is named to them by a libpq connection string without the password, which goes in
PGPASSWORD in the child's environment only: a command line is visible to every user of the host
(`ps`), the environment of another user's process is not. `--no-password` makes a tool fail at
once rather than wait at a prompt nobody will answer (cron, a systemd timer).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

from feedback_api.operations import OperationError

MAGIC = b"PGDMP"
CONNECT_TIMEOUT_SECONDS = 10
# In `pg_restore --list`: "215; 1259 467128 TABLE public comments engage".
_TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ", re.MULTILINE)
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


@dataclass(frozen=True)
class Target:
    """How PostgreSQL's tools reach the database: a connection string and the environment."""

    conninfo: str
    env: dict[str, str]
    name: str  # user@host/database, for messages: never the password


def target(uri: str) -> Target:
    """The database of a SQLAlchemy URL, as the tools take it: the same host, port, user,
    database and options (sslmode, ...) as the API's own driver is given."""
    url = make_url(uri)
    _args, params = url.get_dialect()().create_connect_args(url)
    password = params.pop("password", None)
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    name = f"{url.username or ''}@{url.host or 'localhost'}/{url.database or ''}"
    return Target(make_conninfo(**{k: str(v) for k, v in params.items()}), env, name)


def tool(name: str) -> str:
    """The full path of a PostgreSQL client tool, or a sentence saying how to install it."""
    found = shutil.which(name)
    if found is None:
        raise OperationError(
            f"{name} is not installed or not on PATH: install PostgreSQL's client tools of the "
            "server's version or newer (Debian: apt-get install postgresql-client), or put their "
            "folder first on PATH (e.g. PATH=/usr/lib/postgresql/16/bin:$PATH)."
        )
    return found


def major_version(path: str) -> int:
    """The major version of a client tool (15 for 'pg_dump (PostgreSQL) 15.4')."""
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as error:
        raise OperationError(f"{path} cannot be run: {error.strerror or error}.") from None
    found = _VERSION.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise OperationError(f"{path} --version did not say its version: {done.stdout.strip()}")
    return int(found.group(1))


def require_version(path: str, server: int) -> None:
    """Refuse a tool older than the server: an older pg_dump cannot read a newer server, and
    should not be trusted to try."""
    mine = major_version(path)
    if mine < server:
        raise OperationError(
            f"{path} is version {mine} but the database server is PostgreSQL {server}: install "
            f"postgresql-client-{server} (or newer) and put its folder first on PATH "
            f"(Debian: PATH=/usr/lib/postgresql/{server}/bin:$PATH)."
        )


def _failure(what: str, stderr: str) -> OperationError:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    reason = " ".join(lines[-3:]) if lines else "no message"
    return OperationError(f"{what} failed: {reason}")


def dump(uri: str, snapshot: str | None, out: int) -> None:
    """`pg_dump --format=custom` of the whole database into the open file `out`, sharing the
    exported `snapshot` (when given) so it holds exactly what the caller's transaction sees."""
    where = target(uri)
    command = [tool("pg_dump"), "--format=custom", "--no-password"]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    with tempfile.TemporaryFile() as errors:
        done = subprocess.run(
            [*command, "--dbname", where.conninfo], stdout=out, stderr=errors, env=where.env
        )
        errors.seek(0)
        if done.returncode != 0:
            raise _failure(f"pg_dump of {where.name}", errors.read().decode(errors="replace"))


def archive_tables(path: Path) -> set[tuple[str, str]]:
    """(schema, table) for every table in the archive's table of contents; a clear error for a
    file pg_restore cannot read (not a dump, cut short, or made by a newer pg_dump)."""
    done = subprocess.run(
        [tool("pg_restore"), "--list", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise _failure(f"Reading {path} with pg_restore", done.stderr)
    return set(_TABLE_ENTRY.findall(done.stdout))


def archive_rows(path: Path, schema: str, table: str) -> list[str]:
    """The rows of one table in the archive, as the lines of its COPY block (tab-separated)."""
    command = [tool("pg_restore"), "--data-only", f"--schema={schema}", f"--table={table}"]
    done = subprocess.run(
        [*command, "-f", "-", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise _failure(f"Reading {table} from {path} with pg_restore", done.stderr)
    rows: list[str] = []
    inside = False
    for line in done.stdout.splitlines():
        if line.startswith("COPY "):
            inside = True
        elif inside and line == "\\.":
            break
        elif inside:
            rows.append(line)
    return rows


def quoted(schema: str, name: str) -> str:
    """A table's name for SQL: each part in double quotes."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, name))


def restore(uri: str, path: Path, drop: list[tuple[str, str]]) -> None:
    """Replace the database's tables with the archive's, in one transaction: the tables in
    `drop` (newer than the backup) go first, then pg_restore's own script drops and recreates
    every table of the archive.

    psql runs the script with ON_ERROR_STOP inside BEGIN, and COMMIT is sent only once
    pg_restore has finished well: an error in the script, or an archive cut short, ends psql
    with the transaction open, so PostgreSQL rolls it all back and the database is as it was.
    (`psql --single-transaction` would commit whatever half arrived before the end of input.)
    """
    where = target(uri)
    restore_command = [tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "-f", "-"]
    psql_command = [tool("psql"), "-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1"]
    opening = "BEGIN;\n" + "".join(
        f"DROP TABLE IF EXISTS {quoted(*table)} CASCADE;\n" for table in drop
    )
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        psql = subprocess.Popen(
            [*psql_command, "--dbname", where.conninfo],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=where.env,
        )
        script = subprocess.Popen(
            [*restore_command, str(path)], stdout=subprocess.PIPE, stderr=restore_errors
        )
        assert psql.stdin is not None and script.stdout is not None
        try:
            psql.stdin.write(opening.encode())
            shutil.copyfileobj(script.stdout, psql.stdin)
            if script.wait() == 0:
                psql.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error: its message says which
        finally:
            script.stdout.close()
            if script.poll() is None:
                script.kill()
            script.wait()
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            psql.wait()
        psql_errors.seek(0)
        restore_errors.seek(0)
        if psql.returncode != 0:
            message = psql_errors.read().decode(errors="replace")
            raise _failure(f"Restoring into {where.name} (nothing was changed)", message)
        if script.returncode != 0:
            message = restore_errors.read().decode(errors="replace")
            raise _failure(f"pg_restore of {path} (nothing was changed)", message)
