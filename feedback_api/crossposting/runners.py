"""The Cross-post page's three jobs, run by the worker: "xpost-preview" asks the cross-poster what
it would post now (`--report`) and what it has posted (`--history --json`); "xpost-post" posts
one entry (`--entry URL`) or every new one; "xpost-retry" tries one failed post again
(`--retry-failed`). Each ends with the preview and history again, so the page shows the state
after it.

The cross-poster runs as its own process (`python -m crosspost`, never imported: the two
programs are independent) on the served site's feed and manifest, with the API's database, so
it keeps its ledger beside the API's tables; the platforms' credentials are the worker's own
environment variables. Its exit status says what happened: 0 done, 1 a post failed (the
history says why), 2 refused with a sentence on stderr (a link that is not public, an entry
no longer in the feed).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from contract.vocabulary import AuditAction
from feedback_api import jobs
from feedback_api.jobs import JobLog, Outcome, Runner
from feedback_api.publishing.places import Places, from_config
from feedback_api.storage import jobs as rows
from feedback_api.storage import transaction
from feedback_api.storage.models import Job

PREVIEW, POST, RETRY = "xpost-preview", "xpost-post", "xpost-retry"
KINDS = (PREVIEW, POST, RETRY)
SAID = "crosspost: "  # how the cross-poster starts a sentence about why it stopped
SUMMARY = re.compile(r"^Posted (\d+), skipped (\d+), failed (\d+)\.$", re.MULTILINE)
# Showing is quick (no platform is posted to; Mastodon is asked its limit): a minute is ample.
SHOW_TIMEOUT = 60.0


def init_app(app: Flask) -> None:
    jobs.register(app, PREVIEW, Runner(run_preview, "Asking the cross-poster what is new."))
    jobs.register(app, POST, Runner(run_post, "Posting to the social accounts."))
    jobs.register(app, RETRY, Runner(run_retry, "Trying a failed post again."))


def places() -> Places:
    return from_config(current_app.config, current_app.instance_path)


def feed_of(here: Places) -> Path:
    """The served site's feed: what publishing put in place, built with the public address."""
    return here.site / "feeds" / "all.atom.xml"


def command(here: Places, *options: str) -> list[str]:
    manifest = here.site / "engagement.json"
    return [
        here.python,
        "-m",
        "crosspost",
        "--feed",
        str(feed_of(here)),
        "--manifest",
        str(manifest) if manifest.is_file() else "",
        *options,
    ]


def environment() -> dict[str, str]:
    """The API's own database (and instance folder), so the ledger is the one the page shows."""
    return {
        "DATABASE_URL": current_app.config["SQLALCHEMY_DATABASE_URI"],
        "ENGAGE_INSTANCE_PATH": current_app.instance_path,
    }


def said(text: str) -> str | None:
    """The cross-poster's last sentence about why it stopped, as a person reads it."""
    found = [line[len(SAID) :] for line in text.splitlines() if line.startswith(SAID)]
    return (found[-1][:1].upper() + found[-1][1:]) if found else None


def ask(here: Places, log: JobLog, *options: str) -> tuple[Any, str | None]:
    """Run the cross-poster for JSON on stdout (its stderr goes to the log): the value, or None
    and why not."""
    argv = command(here, *options)
    log.line("$ " + " ".join(argv))
    try:
        done = subprocess.run(
            argv,
            cwd=here.project,
            env={**os.environ, **environment()},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=SHOW_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return None, f"The cross-poster did not answer within {SHOW_TIMEOUT:.0f} seconds."
    for line in done.stderr.splitlines():
        log.line(line)
    if done.returncode != 0:
        return None, said(done.stderr) or f"The cross-poster stopped: {log.tail()}"
    try:
        return json.loads(done.stdout), None
    except ValueError:
        return None, "The cross-poster's answer could not be read."


def look(here: Places, log: JobLog) -> tuple[dict[str, Any], str | None]:
    """The preview and the history as the page shows them, and why the preview is missing."""
    preview, problem = ask(here, log, "--report")
    history, history_problem = ask(here, log, "--history", "--json")
    state = {"feed": str(feed_of(here)), "preview": preview, "history": history or []}
    return state, problem or history_problem


def run_preview(job: Job, log: JobLog) -> Outcome:
    state, problem = look(places(), log)
    if problem:
        log.line(f"Refused: {problem}")
        return Outcome(rows.REFUSED, {**state, "reason": problem})
    summary = describe(state["preview"])
    log.line(f"Done: {summary}.")
    return Outcome(rows.DONE, state, (AuditAction.CROSSPOST_PREVIEWED, "preview", summary))


def run_post(job: Job, log: JobLog) -> Outcome:
    entry = job.params.get("entry") or ""
    options = ["--post", *(["--entry", entry] if entry else [])]
    return _posting(job, log, options, AuditAction.CROSSPOSTED, entry or "all new entries")


def run_retry(job: Job, log: JobLog) -> Outcome:
    entry, platform = job.params.get("entry") or "", job.params.get("platform") or ""
    options = ["--post", "--retry-failed"]
    options += ["--entry", entry] if entry else []
    options += ["--platform", platform] if platform else []
    target = f"{platform} {entry}".strip() or "failed posts"
    return _posting(job, log, options, AuditAction.CROSSPOST_RETRIED, target)


def _posting(
    job: Job, log: JobLog, options: list[str], action: AuditAction, target: str
) -> Outcome:
    """Post (the ledger makes a repeat of this job harmless: what is posted is never posted
    again), then look again, so the page shows the new state."""
    here = places()
    status = log.run(
        command(here, *options), cwd=here.project, env=environment(), timeout=here.timeout
    )
    stopped = log.tail()  # before the look below adds its own lines
    with transaction():
        printed = (rows.get(job.id) or job).log
    counts = SUMMARY.findall(printed)
    summary = "posted {}, skipped {}, failed {}".format(*counts[-1]) if counts else "nothing posted"
    state, _problem = look(here, log)
    result = {**state, "summary": summary, "entry": job.params.get("entry")}
    if status == 2:
        reason = said(printed) or f"The cross-poster refused: {stopped}"
        log.line(f"Refused: {reason}")
        return Outcome(rows.REFUSED, {**result, "reason": reason}, (action, target, reason))
    if status == 1:
        reason = f"Not every post was made ({summary}): the history says why."
        return Outcome(rows.FAILED, {**result, "reason": reason}, (action, target, summary))
    if status != 0:
        return Outcome(rows.FAILED, {**result, "reason": f"The cross-poster stopped: {stopped}"})
    log.line(f"Done: {summary}.")
    return Outcome(rows.DONE, result, (action, target, summary))


def describe(preview: dict[str, Any] | None) -> str:
    """A line for the audit log: what the preview found."""
    if not preview:
        return "nothing to show"
    entries = len(preview.get("entries") or [])
    if preview.get("first_run"):
        seen = preview.get("seen", 0)
        return f"first run: {seen} {'entry' if seen == 1 else 'entries'} in the feed, none posted"
    posts = sum(
        1 for item in preview.get("entries") or [] for p in item["posts"] if p["action"] == "post"
    )
    return f"{entries} new {'entry' if entries == 1 else 'entries'}, {posts} posts to make"
