"""Operations: what an IT team runs and watches besides the API itself.

`backup` and `restore` (commands in `cli`) copy the database consistently while the API runs and
put a copy back, on SQLite (files copied by `storage.sqlite_files`) and on PostgreSQL (with its
own tools, run by `postgres`); `logs` writes the logs as JSON lines when ENGAGE_LOG_FORMAT=json.
"""

from __future__ import annotations

import click


class OperationError(click.ClickException):
    """A backup or restore cannot go on: the message says why and what to do. The command line
    shows it as one line with a non-zero exit."""
