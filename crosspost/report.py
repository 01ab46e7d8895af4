"""What a run would do, and what the ledger holds, as JSON (`--report`, `--history --json`) and
as a table (`--history`): the workspace's Cross-post page runs the command and shows these, so
comms staff without a terminal see exactly what the preview prints.

The preview report is one object: the run's notes (first run, entries held back, links that are
not public) and each entry with each platform's post, both as sent and as that platform's
readers will see it (compose.as_read), its length as the platform counts it and its limit.
"""

from __future__ import annotations

from typing import Any, TextIO

from platforms.values import Entry

from .addresses import PUBLISH_FIRST, not_public
from .compose import as_read, rules
from .ledger import HistoryRow
from .run import MAX_ATTEMPTS, Outcome, Plan, Runner


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "entry": entry.id,
        "url": entry.url,
        "title": entry.title,
        "language": entry.language,  # the page's BCP 47 tag: each translation is its own entry
        "published": entry.published.isoformat(),
        "not_public": not_public(entry.url),
    }


def entries_json(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """Each entry once, in the order the run takes them, with its posts in platform order."""
    grouped: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        composed = outcome.composed
        if composed is None:
            continue
        item = grouped.setdefault(outcome.entry.id, {**entry_json(outcome.entry), "posts": []})
        item["posts"].append(
            {
                "platform": outcome.platform,
                "action": outcome.action,  # post or skip
                "detail": outcome.detail,  # why it is skipped, or that it is a retry
                "text": composed.text,  # as sent
                "shown": as_read(composed),  # as the platform's readers see it
                "length": composed.length,
                "limit": composed.limit,
                "link": composed.link,
                "link_attached": not rules(outcome.platform).link_in_text,  # shown as a card
            }
        )
    return list(grouped.values())


def preview_report(
    runner: Runner, plan: Plan, entries: list[Entry], refused: str | None
) -> dict[str, Any]:
    """The preview as one object; on a first run, `example` is the newest entry as it would be
    posted (with --entry, or --backfill 1), since the run itself posts nothing, and `refused`
    also says when that entry's link is not public."""
    example: list[dict[str, Any]] = []
    if plan.first_run and plan.seeding and not plan.new:
        newest = plan.seeding[0]
        example = entries_json(runner.preview(Plan(first_run=False, new=[newest]), [newest]))
        refused = refused or not_public(newest.url)  # what posting it would be refused for
    return {
        "first_run": plan.first_run,
        "seen": len(plan.seeding),  # a first run records these as seen, posting none of them
        "held_back": [entry_json(entry) for entry in plan.held_back],
        "refused": f"Would not be posted: {refused}. {PUBLISH_FIRST}" if refused else None,
        "platforms": list(runner.platforms),
        "entries": entries_json(runner.preview(plan, entries)),
        "example": example,
    }


def history_json(rows: list[HistoryRow], titles: dict[str, str]) -> list[dict[str, Any]]:
    """The ledger's posts, newest change first; `retrying` says a failure will be tried again by
    the next run by itself (a rate limit, a server error), else it waits for a person."""
    return [
        {
            "entry": row.post.entry_id,
            "url": row.entry_url,
            "title": titles.get(row.post.entry_id, ""),
            "platform": row.post.platform,
            "status": row.post.state,
            "post_url": row.post.url,
            "post_id": row.post.platform_id,
            "reason": row.post.reason,
            "attempts": row.post.attempts,
            "retrying": row.post.state == "failed" and row.post.attempts < MAX_ATTEMPTS,
            "first_seen": row.first_seen.isoformat(),
            "updated": row.updated.isoformat(),
        }
        for row in rows
    ]


def print_history(items: list[dict[str, Any]], out: TextIO) -> None:
    """The history as lines a person reads: when, what became of it, where, which post."""
    if not items:
        print("Nothing posted yet: the ledger has no posts.", file=out)
        return
    for item in items:
        what = item["post_url"] or item["reason"] or ""
        print(
            f"{item['updated'][:16].replace('T', ' ')}  {item['status']:<8} "
            f"{item['platform']:<9} {item['title'] or item['url']}",
            file=out,
        )
        if what:
            print(f"    {what}", file=out)
