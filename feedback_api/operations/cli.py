"""`flask --app feedback_api backup PATH` and `restore PATH`, for the IT team and their timers.

Both print what they did in sentences, and any failure is one sentence with a non-zero exit,
never a traceback. A restore says what it will replace and asks first, unless `--yes`.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from feedback_api.operations import backup as backups
from feedback_api.operations import restore as restores

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def size(count: int) -> str:
    """A file size for people: 812 bytes, 3.4 MB."""
    if count < 1000:
        return f"{count} bytes"
    value = float(count)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} TB"


def rows_line(rows: dict[str, int]) -> str:
    return "Rows: " + (", ".join(f"{name} {count}" for name, count in rows.items()) or "none")


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the database to PATH while the API runs (a folder: a new file named by the time).

    SQLite is copied with its online backup API, PostgreSQL with pg_dump (custom format). The
    file holds personal data and is readable by its owner only.
    """
    made = backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path, force=force)
    click.echo(
        f"Backed up the {NAMES[made.kind]} database to {made.path}: {size(made.size)} in "
        f"{made.seconds:.1f} s, schema revision {made.revision or 'none'}."
    )
    click.echo(rows_line(made.rows))
    click.echo(
        "It holds personal data: keep it as safe as the database itself. The secret key and "
        "other settings are not in it; keep them safe separately."
    )


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the configured database with the backup at PATH (stop the API and worker first).

    The file is checked first: the same kind of database as DATABASE_URL, sound, and a schema
    this release knows. An older schema is restored, then needs `db upgrade`.
    """
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    chosen = restores.plan(uri, path)
    click.echo(
        f"This replaces the {NAMES[chosen.kind]} database {chosen.into} with the backup {path} "
        f"(schema revision {chosen.revision}): whatever was stored after that backup is lost."
    )
    if chosen.drop:
        names = ", ".join(f"{schema}.{table}" for schema, table in chosen.drop)
        click.echo(f"Tables the backup does not have are dropped as well: {names}.")
    if not yes:
        click.confirm("Restore it?", abort=True)
    done = restores.restore(uri, chosen)
    click.echo(f"Restored in {done.seconds:.1f} s, schema revision {done.revision}.")
    click.echo(rows_line(done.rows))
    if not chosen.current:
        click.echo(
            "The backup's schema is older than this release's: now run "
            "`flask --app feedback_api db upgrade`, then start the API and the worker."
        )
    else:
        click.echo("The schema is this release's: start the API and the worker again.")
    if any(name.startswith("crosspost_") for name in done.rows):
        click.echo(
            "The cross-poster's ledger is as it was at the backup: preview with `invoke "
            "crosspost` before it next posts, in case it would post again what it posted since."
        )
