"""`flask --app feedback_api worker`: deliver the outbox (long-running, for systemd; `--once`
for cron and tests), and `outbox status` / `outbox retry` for the operator."""

from __future__ import annotations

import logging
import signal
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from feedback_api.outbox.worker import Worker, only_worker
from feedback_api.storage import outbox as rows
from feedback_api.storage import transaction

outbox_cli = AppGroup("outbox", help="What waits to be delivered, and what failed.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver everything due now, then exit.")
@click.option(
    "--poll",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between looks at the outbox when nothing is due.",
)
@with_appcontext
def worker_command(once: bool, poll: float) -> None:
    """Deliver e-mail notices, digests and site rebuilds from the outbox."""
    worker = Worker(current_app._get_current_object())
    # What was delivered, retried and given up on is the worker's log: shown unless the
    # operator chose a level (the app's own logger keeps its level).
    worker_log = logging.getLogger("feedback_api.outbox")
    if worker_log.level == logging.NOTSET:
        worker_log.setLevel(logging.INFO)
    try:
        with only_worker():
            if once:
                click.echo(str(worker.deliver_due()))
                return

            def stop(signum: int, _frame: FrameType | None) -> None:
                worker_log.info("Worker %s stopping (signal %d)", worker.name, signum)
                worker.stopping.set()

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            worker_log.info("Worker %s delivering the outbox", worker.name)
            worker.run(poll)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error


@outbox_cli.command("status")
def status_command() -> None:
    """How much waits, and every message given up on, with why."""
    backlog = rows.backlog()
    oldest = backlog["oldest_undelivered"]
    click.echo(
        f"Waiting: {backlog['undelivered']}"
        + (f" (oldest queued {oldest:%Y-%m-%d %H:%M} UTC)" if oldest else "")
        + f"; failed: {backlog['failed']}."
    )
    for message in rows.failed():
        click.echo(
            f"#{message.id} {message.kind} to {message.recipient or '-'}, "
            f"{message.attempts} attempt(s): {message.last_error}"
        )


@outbox_cli.command("retry")
@click.argument("message_ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Every failed message.")
def retry_command(message_ids: tuple[int, ...], all_failed: bool) -> None:
    """Put failed messages back in the queue (after mending what made them fail)."""
    with transaction():
        chosen = rows.failed(limit=10_000) if all_failed else [rows.get(i) for i in message_ids]
        for number, message in zip(message_ids or [m.id for m in chosen], chosen, strict=True):
            if message is None or message.status != rows.OutboxStatus.FAILED:
                raise click.ClickException(f"There is no failed message #{number}.")
            rows.try_again(message)
    click.echo(f"{len(chosen)} message(s) queued again.")
