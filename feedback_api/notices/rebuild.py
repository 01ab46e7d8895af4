"""Rebuilding the static site after a change readers can see (a comment published, edited,
withdrawn or answered), so the comments baked into its pages for readers without JavaScript
catch up. The change writes one "rebuild" message to the outbox in its own transaction; the
worker runs ENGAGE_REBUILD_COMMAND (for example `invoke build`), ENGAGE_REBUILD_DELAY_SECONDS
after the first change; changes that come while a rebuild waits share it: the build reads the
database as it is when it runs.
"""

from __future__ import annotations

import datetime
import shlex
import subprocess
import uuid
from typing import Any

from flask import Flask, current_app

from feedback_api import outbox, signals
from feedback_api.storage import outbox as outbox_rows
from feedback_api.storage.models import utcnow

REBUILD = "rebuild"
# The end of a failed build's output is what tells an operator why.
ERROR_TAIL = 400


def init_app(app: Flask) -> None:
    outbox.register(app, REBUILD, outbox.Handler(run_rebuild, lambda _: "site rebuild"))
    signals.page_changed.connect(on_page_changed, sender=app)


def on_page_changed(app: Flask, page: str, **_: Any) -> None:
    if not app.config["ENGAGE_REBUILD_COMMAND"] or outbox_rows.pending(REBUILD):
        return
    # A moderator approving a run of comments starts one rebuild, a little after the first.
    due = utcnow() + datetime.timedelta(seconds=app.config["ENGAGE_REBUILD_DELAY_SECONDS"])
    payload = {"page": page, "asked": str(utcnow())}
    outbox.enqueue(REBUILD, f"rebuild:{uuid.uuid4().hex}", payload, due=due)


def run_rebuild(payload: dict[str, Any], identity: str) -> None:
    """Run the command; raise (to try again later) if it fails or takes too long."""
    config = current_app.config
    command = shlex.split(config["ENGAGE_REBUILD_COMMAND"])
    if not command:
        raise outbox.PermanentFailure("ENGAGE_REBUILD_COMMAND is empty now")
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=config["ENGAGE_REBUILD_TIMEOUT_SECONDS"],
            check=False,
        )
    except FileNotFoundError as error:
        raise outbox.PermanentFailure(f"no such command: {command[0]}") from error
    if done.returncode:
        output = " ".join((done.stderr or done.stdout).split())[-ERROR_TAIL:]
        raise RuntimeError(f"the build exited with status {done.returncode}: {output}")
