"""`flask --app feedback_api listen`: one poll of every platform that has credentials, then
exit (the deploy kit's timer runs it every few minutes; `invoke listen` runs it by hand)."""

from __future__ import annotations

import json
import os
import sys

import click
from flask.cli import with_appcontext

from contract.vocabulary import PLATFORMS
from feedback_api import jobs
from feedback_api.jobs import JobLog
from feedback_api.listening import posts
from feedback_api.listening.poll import poll_all
from feedback_api.notices.notifications import report_problems

# Not the jobs' (0x656E6761) nor the cross-poster's ledger lock (0x656E6778).
LOCK_KEY = 0x656E676C


@click.command("listen")
@click.option(
    "--platform",
    "only",
    multiple=True,
    type=click.Choice([str(name) for name in PLATFORMS]),
    help="Only this platform (may be given more than once).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@with_appcontext
def listen_command(only: tuple[str, ...], as_json: bool) -> None:
    """Bring in replies, mentions, quotes and watched terms from every platform with
    credentials (the same ENGAGE_<PLATFORM>_* settings as the cross-poster), refresh our posts'
    counts, and follow edits and deletions."""
    with jobs.exclusive(LOCK_KEY, "listen") as alone:
        if not alone:
            # The timer's poll and one started by hand at once would read the same cursors.
            click.echo("Another listen is running on this database: this one stops.")
            return
        _listen(only, as_json)


def _listen(only: tuple[str, ...], as_json: bool) -> None:
    log = JobLog(None)
    new, problem = posts.refresh(log)
    if problem:
        click.echo(f"Our posts could not be read from the cross-poster: {problem}", err=True)
    reports = poll_all(os.environ, only)
    report_problems()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "posts_added": new,
                    "platforms": [
                        {
                            "platform": r.platform,
                            "new": r.taken.new,
                            "edited": r.taken.edited,
                            "deleted": r.taken.gone,
                            "posts_counted": r.posts_counted,
                            "threads_read": r.threads_read,
                            "skipped": r.skipped,
                            "stopped": r.stopped,
                        }
                        for r in reports
                    ],
                },
                indent=2,
            )
        )
        if any(r.stopped for r in reports):
            sys.exit(1)
        return
    if not reports:
        click.echo("No platform has credentials set: nothing to listen to.")
        return
    click.echo(f"Following {new} more of our posts." if new else "No new posts of ours.")
    for report in reports:
        for line in report.lines():
            click.echo(line)
    if any(r.stopped for r in reports):
        sys.exit(1)
