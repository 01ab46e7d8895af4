"""The jobs table: work staff start from the workspace and the worker does (see models.Job), and
the PostgreSQL advisory lock that lets one run at a time across hosts.

A job's log grows as it runs, each line committed on its own so the page shows progress; the
log is capped, keeping its start and its end (where a failure says why)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, text, update

from feedback_api.storage.models import Job, db, utcnow

QUEUED, RUNNING, DONE, REFUSED, FAILED = "queued", "running", "done", "refused", "failed"
UNFINISHED = (QUEUED, RUNNING)
MAX_LOG = 60_000


def add(kind: str, params: dict[str, Any], requested_by: int | None) -> Job:
    job = Job(kind=kind, params=params, requested_by=requested_by, status=QUEUED, log="")
    db.session.add(job)
    db.session.flush()
    return job


def get(job_id: int) -> Job | None:
    """The job as stored now (a job changes under a long-lived session: the worker's)."""
    return db.session.get(Job, job_id, populate_existing=True)


def recent(kinds: tuple[str, ...], limit: int = 10) -> list[Job]:
    """The newest jobs of these kinds, newest first."""
    statement = select(Job).where(Job.kind.in_(kinds)).order_by(Job.id.desc()).limit(limit)
    return list(db.session.scalars(statement.execution_options(populate_existing=True)))


def latest(kind: str, status: str | None = None) -> Job | None:
    statement = select(Job).where(Job.kind == kind)
    if status is not None:
        statement = statement.where(Job.status == status)
    statement = statement.order_by(Job.id.desc()).limit(1)
    return db.session.scalars(statement.execution_options(populate_existing=True)).first()


def unfinished(kinds: tuple[str, ...]) -> Job | None:
    """A job of these kinds waiting or running, if any (one is asked for at a time)."""
    statement = select(Job).where(Job.kind.in_(kinds), Job.status.in_(UNFINISHED))
    statement = statement.order_by(Job.id).limit(1)
    return db.session.scalars(statement.execution_options(populate_existing=True)).first()


def started(job_id: int, note: str) -> None:
    """Mark the job running (again, after a worker that was running it stopped), with a line."""
    job = db.session.get(Job, job_id)
    if job is None:
        return
    job.status = RUNNING
    job.started = job.started or utcnow()
    job.log = _capped(job.log + note + "\n")


def append(job_id: int, text: str) -> None:
    job = db.session.get(Job, job_id)
    if job is not None:
        job.log = _capped(job.log + text)


def finished(job_id: int, status: str, result: dict[str, Any] | None) -> None:
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status=status, result=result, finished=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def _capped(log: str) -> str:
    if len(log) <= MAX_LOG:
        return log
    half = MAX_LOG // 2
    return f"{log[:half]}\n[… {len(log) - MAX_LOG:,} characters left out …]\n{log[-half:]}"


def on_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


@contextlib.contextmanager
def advisory_lock(key: int) -> Iterator[bool]:
    """Try to take the lock `key` (PostgreSQL only); whether this call got it. It is held by a
    connection of its own in autocommit, so no transaction stays open while the job runs, and
    let go when the block ends or the connection does (a process killed mid-job)."""
    engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        got = bool(taken.scalar())
        try:
            yield got
        finally:
            if got:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
