"""Rebuilding the static site after a change readers can see (a comment published, edited,
withdrawn or answered), so the comments baked into its pages for readers without JavaScript
catch up. The change writes one "rebuild" message to the outbox in its own transaction;
changes that come while a rebuild waits share it (their pages are added to it): the build reads
the database as it is when it runs, ENGAGE_REBUILD_DELAY_SECONDS after the first change.

With ENGAGE_REBUILD_PAGES the worker rebuilds only those pages, into the served site, and copies
them to ENGAGE_PUBLISH_TARGET: its cost is reading the content (from Pelican's cache) and
writing a page or two, whatever the size of the site. Otherwise it runs ENGAGE_REBUILD_COMMAND
(for example `invoke build`).
"""

from __future__ import annotations

import datetime
import shlex
import subprocess
import uuid
from typing import Any

from flask import Flask, current_app

from contract.manifest import output_file
from feedback_api import jobs, outbox, signals
from feedback_api.jobs import JobLog
from feedback_api.publishing import runners, sync
from feedback_api.publishing.places import from_config
from feedback_api.storage import outbox as outbox_rows
from feedback_api.storage.models import utcnow

REBUILD = "rebuild"
# The end of a failed build's output is what tells an operator why.
ERROR_TAIL = 400


def init_app(app: Flask) -> None:
    outbox.register(app, REBUILD, outbox.Handler(run_rebuild, lambda _: "site rebuild"))
    signals.page_changed.connect(on_page_changed, sender=app)


def on_page_changed(app: Flask, page: str, **_: Any) -> None:
    config = app.config
    if not (config["ENGAGE_REBUILD_COMMAND"] or config["ENGAGE_REBUILD_PAGES"]):
        return
    waiting = outbox_rows.waiting(REBUILD)
    if waiting is not None:
        pages = pages_of(waiting.payload)
        if page not in pages:
            outbox_rows.set_payload(waiting, {**waiting.payload, "pages": [*pages, page]})
        return
    # A moderator approving a run of comments starts one rebuild, a little after the first.
    due = utcnow() + datetime.timedelta(seconds=config["ENGAGE_REBUILD_DELAY_SECONDS"])
    payload = {"pages": [page], "asked": str(utcnow())}
    outbox.enqueue(REBUILD, f"rebuild:{uuid.uuid4().hex}", payload, due=due)


def pages_of(payload: dict[str, Any]) -> list[str]:
    """The pages a rebuild is for (a message queued before pages were kept names one)."""
    pages = payload.get("pages")
    if isinstance(pages, list):
        return [page for page in pages if isinstance(page, str)]
    return [payload["page"]] if isinstance(payload.get("page"), str) else []


def run_rebuild(payload: dict[str, Any], identity: str) -> None:
    """Rebuild; raise (to try again later) if it fails or takes too long."""
    config = current_app.config
    if config["ENGAGE_REBUILD_PAGES"]:
        rebuild_pages(pages_of(payload))
        return
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


def rebuild_pages(pages: list[str]) -> None:
    """Write these pages again into the served site, then copy them to the target; waits while
    a workspace job (a check or publish, which use the same folders) runs."""
    here = from_config(current_app.config, current_app.instance_path)
    if not (here.site / "engagement.json").is_file():
        raise outbox.PermanentFailure(f"{here.site} holds no built site to update: publish first")
    with jobs.one_at_a_time() as free:
        if not free:
            raise outbox.TryLater("a workspace job is using the site's folders", seconds=10)
        log = JobLog(None)
        built = runners.rebuild_pages(here, pages, log)
        if not built.ok:
            raise RuntimeError(f"the build exited with status {built.status}: {log.tail()}")
        if here.target:
            names = [output_file(page) for page in pages] + ["engagement.json"]
            if not sync.copy_files(here.site, names, here.target, log, here.timeout):
                raise RuntimeError(f"copying to {here.target} failed: {log.tail()}")
