"""`python -m crosspost` (and `invoke crosspost`): preview by default, `--post` to publish.

Staff see exactly what will be posted before it is: each new entry's text per platform, its
length as that platform counts it, and what would happen. Credentials come from environment
variables only (README, "Cross-posting").
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from contract.database import database_uri, project_home
from contract.vocabulary import PLATFORMS
from platforms.values import Entry

from .addresses import PUBLISH_FIRST, not_public
from .compose import as_read, rules
from .feed import FeedError, read
from .ledger import Ledger
from .report import history_json, preview_report, print_history
from .run import Outcome, Plan, Runner

PROG = "python -m crosspost"
PROJECT = project_home(__file__)


def defaults(env: Mapping[str, str]) -> dict[str, str]:
    """Where the site's build writes the feed and manifest, and the API's database."""
    output = Path(env.get("ENGAGE_OUTPUT") or PROJECT / "output")
    instance = Path(env.get("ENGAGE_INSTANCE_PATH") or PROJECT / "instance")
    return {
        "feed": env.get("ENGAGE_CROSSPOST_FEED") or str(output / "feeds" / "all.atom.xml"),
        "manifest": env.get("ENGAGE_MANIFEST") or str(output / "engagement.json"),
        "database": database_uri(env.get("DATABASE_URL", ""), instance),
    }


def _block(text: str) -> str:
    return textwrap.indent(text, "    │ ", lambda _line: True)


def entries_phrase(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def print_plan_notes(plan: Plan, out: object) -> None:
    if plan.first_run:
        print(
            f"First run: {entries_phrase(len(plan.seeding))} already in the feed recorded as "
            "seen, not posted (use --backfill N to post the newest N).",
            file=out,
        )
    if plan.held_back:
        print(
            f"{entries_phrase(len(plan.held_back))} held back for the next run (--max-per-run).",
            file=out,
        )


def print_preview(outcomes: list[Outcome], plan: Plan, out: object) -> None:
    print("Preview: nothing is posted. Run again with --post to publish.\n", file=out)
    print_plan_notes(plan, out)
    if not outcomes and not (plan.first_run and plan.seeding):
        print("Nothing new to post.", file=out)
    print_entries(outcomes, out)


def print_entries(outcomes: list[Outcome], out: object) -> None:
    """Each entry, then each platform's post as its readers will see it."""
    entries: dict[str, Entry] = {}
    for outcome in outcomes:
        entries.setdefault(outcome.entry.id, outcome.entry)
    for number, entry in enumerate(entries.values(), 1):
        print(f"\nEntry {number} of {len(entries)}: {entry.title}\n  {entry.url}", file=out)
        for outcome in (o for o in outcomes if o.entry.id == entry.id):
            composed = outcome.composed
            assert composed is not None
            what = "would post" if outcome.action == "post" else "skipped"
            detail = f": {outcome.detail}" if outcome.detail else ""
            print(
                f"  {outcome.platform:<9} {composed.length:>5}/{composed.limit:<5} {what}{detail}",
                file=out,
            )
            print(_block(as_read(composed)), file=out)
            if not rules(outcome.platform).link_in_text:
                print(f"    link attached (shown as a card): {composed.link}", file=out)


def local_links(plan: Plan, entries: list[Entry]) -> str | None:
    """Why this run's posts would link somewhere people cannot open (the first such link), or
    None. Entries only recorded as seen on a first run are not posted, so not checked."""
    retried = {row.entry_id for row in plan.retry}
    posted = [*plan.new, *(entry for entry in entries if entry.id in retried)]
    return next((reason for entry in posted if (reason := not_public(entry.url))), None)


def print_first_run_example(runner: Runner, plan: Plan, out: object) -> None:
    """On a first run nothing is posted: show the newest entry as it would be, so the preview
    says what the cross-poster will do rather than only "nothing new"."""
    newest = plan.seeding[0]
    print(
        "\nThis is how the newest entry would be posted (post it now with --post --backfill 1; "
        "entries published from now on are posted by each run):",
        file=out,
    )
    example = Plan(first_run=False, new=[newest])
    print_entries(runner.preview(example, [newest]), out)


def preview_json(outcomes: list[Outcome]) -> list[dict[str, object]]:
    return [
        {
            "entry": o.entry.id,
            "url": o.entry.url,
            "platform": o.platform,
            "text": o.composed.text,
            "length": o.composed.length,
            "limit": o.composed.limit,
        }
        for o in outcomes
        if o.composed is not None
    ]


def print_summary(outcomes: list[Outcome], plan: Plan, out: object) -> None:
    print_plan_notes(plan, out)
    counts = {name: sum(1 for o in outcomes if o.action == name) for name in ("posted", "skip")}
    failed = [o for o in outcomes if o.action == "failed"]
    print(f"\nPosted {counts['posted']}, skipped {counts['skip']}, failed {len(failed)}.", file=out)
    for outcome in outcomes:
        if outcome.action == "posted" and outcome.ref:
            print(
                f"  posted   {outcome.platform:<9} {outcome.ref.url}  ({outcome.entry.title})",
                file=out,
            )
    skipped = {o.platform: o.detail for o in outcomes if o.action == "skip"}
    for platform, detail in skipped.items():
        print(f"  skipped  {platform:<9} {detail}", file=out)
    for outcome in failed:
        print(f"  FAILED   {outcome.platform:<9} {outcome.entry.url}: {outcome.detail}", file=out)
    if failed:
        print(
            "Rate limits and server errors are tried again on the next run; for anything else, "
            "fix the cause, then run again with --post --retry-failed.",
            file=out,
        )


@click.command(
    help="Post each new entry of the site's feed to the organisation's social accounts, once "
    "per platform. Without --post, shows what would be posted.",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--post", is_flag=True, help="publish (default: preview only)")
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    type=click.Choice([str(name) for name in PLATFORMS]),  # the values, not enum member names
    help="only this platform",
)
@click.option("--entry", metavar="URL", help="only the entry with this address")
@click.option("--feed", metavar="PATH|URL", help="Atom feed: a path or an address")
@click.option("--manifest", metavar="PATH", help="the site's engagement.json")
@click.option("--json", "as_json", is_flag=True, help="print the preview as JSON")
@click.option(
    "--report",
    is_flag=True,
    help="print the preview as one JSON object, with the run's notes (for the workspace)",
)
@click.option(
    "--history", is_flag=True, help="list the ledger's posts, newest first (--json: as JSON)"
)
@click.option(
    "--posted",
    is_flag=True,
    help="list every post made, as JSON (what the feedback API's listener follows)",
)
@click.option(
    "--retry-failed",
    is_flag=True,
    help="try failed posts again (after fixing what the summary said was wrong)",
)
@click.option(
    "--backfill", type=int, default=0, metavar="N", help="first run: also post the newest N"
)
@click.option(
    "--max-per-run", type=int, default=5, metavar="N", help="new entries per run (default 5)"
)
@click.pass_obj
def command(
    env: Mapping[str, str],
    post: bool,
    platforms: tuple[str, ...],
    entry: str | None,
    feed: str | None,
    manifest: str | None,
    as_json: bool,
    report: bool,
    history: bool,
    posted: bool,
    retry_failed: bool,
    backfill: int,
    max_per_run: int,
) -> int:
    """The run itself; its exit status is what it returns (main() hands it on)."""
    if post and (report or history or posted):
        raise click.UsageError("--report, --history and --posted only show: leave out --post.")
    history = history or posted
    found = defaults(env)
    feed = found["feed"] if feed is None else feed
    # The default manifest is optional (any Atom feed will do); one given by name must exist.
    manifest = found["manifest"] if manifest is None else manifest
    if manifest == found["manifest"] and not Path(manifest).exists():
        manifest = None
    try:
        entries = read(feed, manifest)
    except FeedError as error:
        print(f"crosspost: {error}", file=sys.stderr)
        if not history:
            return 2
        entries = []  # the history is in the ledger: the feed only gives the titles
    ledger = Ledger(found["database"])
    try:
        if history:
            rows = ledger.history(None, "posted") if posted else ledger.history()
            items = history_json(rows, {e.id: e.title for e in entries})
            if as_json or posted:
                print(json.dumps(items, indent=2, ensure_ascii=False))
            else:
                print_history(items, sys.stdout)
            return 0
        runner = Runner(
            ledger,
            env,
            platforms=platforms or PLATFORMS,
            progress=lambda line: print(line, file=sys.stderr),
        )
        if retry_failed and post:
            only = [e.id for e in entries if e.url == entry] if entry else None
            ledger.retry_failed(runner.platforms, only)
        plan = runner.plan(entries, backfill=backfill, max_per_run=max_per_run, only_url=entry)
        if entry and not any(e.url == entry for e in entries):
            print(f"crosspost: no entry with the address {entry} in {feed}", file=sys.stderr)
            return 2
        refused = local_links(plan, entries)
        if refused and post:
            print(f"crosspost: not posted: {refused}. {PUBLISH_FIRST}", file=sys.stderr)
            return 2
        if not post:
            if report:
                summary = preview_report(runner, plan, entries, refused)
                print(json.dumps(summary, indent=2, ensure_ascii=False))
                return 0
            outcomes = runner.preview(plan, entries)
            if as_json:
                print(json.dumps(preview_json(outcomes), indent=2, ensure_ascii=False))
                return 0
            if refused:
                print(f"Would not be posted: {refused}. {PUBLISH_FIRST}\n")
            print_preview(outcomes, plan, sys.stdout)
            if plan.first_run and not outcomes and plan.seeding:
                print_first_run_example(runner, plan, sys.stdout)
            return 0
        outcomes = runner.post(plan, entries)
        print_summary(outcomes, plan, sys.stdout)
        return 1 if any(o.action == "failed" for o in outcomes) else 0
    finally:
        ledger.close()


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run the command on `argv` (default: sys.argv[1:]) with settings from `env` (default: the
    environment); the exit status: 0, 1 when any post failed, 2 for a usage error or a feed,
    manifest or entry that cannot be found (130 when interrupted)."""
    env = os.environ if env is None else env
    try:
        status = command.main(
            args=None if argv is None else list(argv),
            prog_name=PROG,
            standalone_mode=False,
            obj=env,
        )
    except click.ClickException as error:  # a usage error: said on stderr, with the usage
        if isinstance(error, click.UsageError) and error.ctx is None:
            error.ctx = click.Context(command, info_name=PROG)  # so the usage is shown too
        error.show()
        return error.exit_code
    except click.Abort:
        print("Aborted!", file=sys.stderr)
        return 130
    return status if isinstance(status, int) else 0
