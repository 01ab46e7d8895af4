"""`python -m crosspost` (and `invoke crosspost`): preview by default, `--post` to publish.

Staff see exactly what will be posted before it is: each new entry's text per platform, its
length as that platform counts it, and what would happen. Credentials come from environment
variables only (README, "Cross-posting").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from contract.database import database_uri

from .feed import FeedError, read
from .ledger import Ledger
from .model import PLATFORMS, Entry
from .run import Outcome, Plan, Runner

PROJECT = Path(__file__).resolve().parent.parent


def defaults(env: Mapping[str, str]) -> dict[str, str]:
    """Where the site's build writes the feed and manifest, and the API's database."""
    output = Path(env.get("ENGAGE_OUTPUT") or PROJECT / "output")
    instance = Path(env.get("ENGAGE_INSTANCE_PATH") or PROJECT / "instance")
    return {
        "feed": env.get("ENGAGE_CROSSPOST_FEED") or str(output / "feeds" / "all.atom.xml"),
        "manifest": env.get("ENGAGE_MANIFEST") or str(output / "engagement.json"),
        "database": database_uri(env.get("DATABASE_URL", ""), instance),
    }


def parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    found = defaults(env)
    made = argparse.ArgumentParser(
        prog="python -m crosspost",
        description="Post each new entry of the site's feed to the organisation's social "
        "accounts, once per platform. Without --post, shows what would be posted.",
    )
    made.add_argument("--post", action="store_true", help="publish (default: preview only)")
    made.add_argument("--platform", action="append", choices=PLATFORMS, help="only this platform")
    made.add_argument("--entry", metavar="URL", help="only the entry with this address")
    made.add_argument("--feed", default=found["feed"], help="Atom feed: a path or an address")
    made.add_argument("--manifest", default=found["manifest"], help="the site's engagement.json")
    made.add_argument("--json", action="store_true", help="print the preview as JSON")
    made.add_argument(
        "--retry-failed",
        action="store_true",
        help="try failed posts again (after fixing what the summary said was wrong)",
    )
    made.add_argument(
        "--backfill", type=int, default=0, metavar="N", help="first run: also post the newest N"
    )
    made.add_argument(
        "--max-per-run", type=int, default=5, metavar="N", help="new entries per run (default 5)"
    )
    made.set_defaults(database=found["database"])
    return made


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
    if not outcomes:
        print("Nothing new to post.", file=out)
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
            print(_block(composed.text), file=out)


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


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    args = parser(env).parse_args(argv)
    # The default manifest is optional (any Atom feed will do); one given by name must exist.
    manifest = args.manifest
    if manifest == defaults(env)["manifest"] and not Path(manifest).exists():
        manifest = None
    try:
        entries = read(args.feed, manifest)
    except FeedError as error:
        print(f"crosspost: {error}", file=sys.stderr)
        return 2
    ledger = Ledger(args.database)
    try:
        runner = Runner(
            ledger,
            env,
            platforms=tuple(args.platform or PLATFORMS),
            progress=lambda line: print(line, file=sys.stderr),
        )
        if args.retry_failed and args.post:
            ledger.retry_failed(runner.platforms)
        plan = runner.plan(
            entries, backfill=args.backfill, max_per_run=args.max_per_run, only_url=args.entry
        )
        if args.entry and not any(e.url == args.entry for e in entries):
            print(
                f"crosspost: no entry with the address {args.entry} in {args.feed}", file=sys.stderr
            )
            return 2
        if not args.post:
            outcomes = runner.preview(plan, entries)
            if args.json:
                print(json.dumps(preview_json(outcomes), indent=2, ensure_ascii=False))
            else:
                print_preview(outcomes, plan, sys.stdout)
            return 0
        outcomes = runner.post(plan, entries)
        print_summary(outcomes, plan, sys.stdout)
        return 1 if any(o.action == "failed" for o in outcomes) else 0
    finally:
        ledger.close()
