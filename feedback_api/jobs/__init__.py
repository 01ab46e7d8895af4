"""Workspace jobs: what staff start from the browser (check the content, publish the site,
cross-post) and the worker does, never a web request.

`request` writes the job and the outbox message that runs it in one transaction, so a job asked
for is run even if the worker is down just then. The worker runs one job at a time (across
hosts on PostgreSQL: an advisory lock; one worker per SQLite file anyway), marks it running,
hands its runner a `JobLog` that keeps every line as it comes (the page shows progress), and
records the runner's verdict: done, refused (it ran and said no, with the reasons) or failed.
A job interrupted by a worker that died is run again from the start by the next one; runners
are written so that is safe.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from flask import Flask, current_app

from contract.vocabulary import AuditAction
from feedback_api import outbox
from feedback_api.jobs.log import JobLog
from feedback_api.storage import audit, sqlite_file, transaction
from feedback_api.storage import jobs as rows
from feedback_api.storage.models import Job
from feedback_api.storage.users import get_user

__all__ = ["JobLog", "Outcome", "Runner", "init_app", "register", "request"]

logger = logging.getLogger(__name__)
JOB = "job"
EXTENSION = "engage_job_runners"
# The advisory lock that lets one job run at a time: the same number on every host, and not the
# ledger's (crosspost/ledger.py), which a job's `python -m crosspost` takes while it waits.
LOCK_KEY = 0x656E6761


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A runner's verdict: `status` is done or refused; `result` is what the page shows;
    `audit` (action, target, detail) is written with it, as the staff member who asked."""

    status: str
    result: dict[str, Any]
    audit: tuple[AuditAction, str, str] | None = None


@dataclasses.dataclass(frozen=True)
class Runner:
    run: Callable[[Job, JobLog], Outcome]
    describe: str


def init_app(app: Flask) -> None:
    outbox.register(app, JOB, outbox.Handler(deliver, describe))


def register(app: Flask, kind: str, runner: Runner) -> None:
    app.extensions.setdefault(EXTENSION, {})[kind] = runner


def _runner(kind: str) -> Runner | None:
    return current_app.extensions.get(EXTENSION, {}).get(kind)


def request(kind: str, params: dict[str, Any], requested_by: int | None) -> Job:
    """Ask for a job, in the transaction that is open (with its audit entry)."""
    if _runner(kind) is None:
        raise LookupError(f"No runner does jobs of kind {kind!r}.")
    job = rows.add(kind, params, requested_by)
    outbox.enqueue(JOB, f"job:{job.id}:{job.requested.isoformat()}", {"job": job.id})
    return job


def describe(payload: dict[str, Any]) -> str:
    return f"workspace job {payload.get('job')}"


def deliver(payload: dict[str, Any], identity: str) -> None:
    job_id = int(payload["job"])
    with transaction():
        job = rows.get(job_id)
    if job is None or job.status not in rows.UNFINISHED:
        return  # done already (a repeat delivery after the worker was stopped)
    runner = _runner(job.kind)
    if runner is None:
        raise outbox.PermanentFailure(f"nothing runs jobs of kind {job.kind!r}")
    with one_at_a_time() as free:
        if not free:
            raise outbox.TryLater("another workspace job is running")
        note = "Started again: the worker doing it stopped." if job.started else "Started."
        with transaction():
            rows.started(job_id, f"{note} {runner.describe}")
        log = JobLog(job_id)
        try:
            outcome = runner.run(job, log)
        except Exception as error:
            logger.exception("Workspace job %d (%s) failed", job_id, job.kind)
            log.line(f"Failed: {' '.join(str(error).split()) or type(error).__name__}")
            outcome = Outcome(rows.FAILED, {"reason": str(error)[:500]})
        with transaction():
            rows.finished(job_id, outcome.status, outcome.result)
            if outcome.audit is not None:
                action, target, detail = outcome.audit
                who = get_user(job.requested_by) if job.requested_by else None
                audit.record(action, target=target, user=who, detail=detail)


@contextlib.contextmanager
def one_at_a_time() -> Iterator[bool]:
    """Whether this worker may build now: no other job runs anywhere, and no build of the
    daily timer's holds ENGAGE_BUILD_LOCK."""
    shared = current_app.config["ENGAGE_BUILD_LOCK"]
    with _one_job() as free:
        if not (free and shared):
            yield free
            return
        with _file_lock(Path(shared)) as also:
            yield also


@contextlib.contextmanager
def _one_job() -> Iterator[bool]:
    with exclusive(LOCK_KEY, "jobs") as free:
        yield free


@contextlib.contextmanager
def exclusive(key: int, name: str) -> Iterator[bool]:
    """Whether this process is the only one, on every host of the database, in the block
    named `name`: PostgreSQL's advisory lock `key`, or a lock file beside the SQLite file.
    Let go when the block ends or the process dies."""
    database = sqlite_file()
    if database is None and rows.on_postgresql():
        with rows.advisory_lock(key) as free:
            yield free
        return
    base = database or current_app.instance_path + "/memory"
    with _file_lock(Path(f"{base}.{name}-lock")) as free:
        yield free


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    """An exclusive flock on `path`, if no one holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock: IO[str] = path.open("a")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        lock.close()
