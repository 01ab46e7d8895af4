"""One cross-posting run: work out what is new against the ledger, compose it for each platform,
and (with --post) publish each post at most once, recording intent before every platform call.

A preview writes nothing: it shows what a posting run would do now.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from contract import channels
from contract.vocabulary import PLATFORMS
from platforms import PlatformClient, load
from platforms.values import Composed, Entry, PlatformError, PostedRef

from .compose import compose
from .ledger import Ledger, PostRow

MAX_ATTEMPTS = 9  # calls over all runs; after that a failed post waits for a person
TRIES_PER_RUN = 3
MAX_WAIT = 120.0  # seconds a run will wait for a platform that asked us to slow down


def idempotency_key(entry_id: str, platform: str) -> str:
    """Stable per entry and platform, so a retry of the same post is recognised as one."""
    return hashlib.sha256(f"{entry_id}\n{platform}".encode()).hexdigest()[:32]


@dataclass
class Outcome:
    """What happened (or, in a preview, would happen) to one entry on one platform."""

    entry: Entry
    platform: str
    action: str  # preview: post or skip; posting run: posted, skip or failed
    composed: Composed | None = None
    detail: str = ""
    ref: PostedRef | None = None


@dataclass
class Plan:
    """What a run found: entries to record as seen, new entries, and posts to make."""

    first_run: bool
    seeding: list[Entry] = field(default_factory=list)
    new: list[Entry] = field(default_factory=list)
    held_back: list[Entry] = field(default_factory=list)  # over --max-per-run, for next time
    retry: list[PostRow] = field(default_factory=list)


class Runner:
    """Holds the platform clients (None where credentials are missing) and the ledger."""

    def __init__(
        self,
        ledger: Ledger,
        env: Mapping[str, str],
        *,
        platforms: tuple[str, ...] = PLATFORMS,
        sleep: Callable[[float], None] = time.sleep,
        progress: Callable[[str], None] = lambda _line: None,
    ) -> None:
        self.ledger = ledger
        self.platforms = platforms
        self.sleep = sleep
        self.progress = progress
        self.clients: dict[str, PlatformClient | None] = {}
        self.missing: dict[str, list[str]] = {}
        for name in PLATFORMS:
            client = load(name)
            self.missing[name] = client.missing(env)
            self.clients[name] = None if self.missing[name] else client.from_environment(env)
        self._limits: dict[str, int | None] = {}
        # The marker on each post's link that tells the site where its reader came from.
        self.via = channels.parameter(env.get("ENGAGE_CROSSPOST_VIA"))

    # --- What is new -----------------------------------------------------------------------

    def plan(
        self,
        entries: list[Entry],
        *,
        backfill: int = 0,
        max_per_run: int = 5,
        only_url: str | None = None,
    ) -> Plan:
        """New entries (oldest first, at most `max_per_run`) and unfinished posts to retry.

        On the first run every entry is recorded as seen except the newest `backfill` (or the
        one `only_url` names), so turning the cross-poster on never floods the accounts.
        """
        first_run = self.ledger.is_empty()
        known = self.ledger.known()
        fresh = [entry for entry in entries if entry.id not in known]  # newest first
        plan = Plan(first_run=first_run)
        if first_run:
            chosen = [e for e in fresh if e.url == only_url] if only_url else fresh[:backfill]
            plan.seeding = [entry for entry in fresh if entry not in chosen]
            fresh = chosen
        elif only_url:
            fresh = [entry for entry in fresh if entry.url == only_url]
        fresh.reverse()  # post in the order they were published
        plan.new, plan.held_back = fresh[:max_per_run], fresh[max_per_run:]
        by_id = {entry.id: entry for entry in entries}
        plan.retry = [
            row
            for row in self.ledger.unfinished()
            if row.attempts < MAX_ATTEMPTS
            and row.entry_id in by_id
            and (not only_url or by_id[row.entry_id].url == only_url)
        ]
        return plan

    def limit(self, platform: str) -> int | None:
        """The platform's own limit where it says (Mastodon's max_characters), once per run."""
        if platform not in self._limits:
            client = self.clients.get(platform)
            self._limits[platform] = client.max_characters() if client else None
        return self._limits[platform]

    def compose(self, entry: Entry, platform: str) -> Composed:
        return compose(entry, platform, limit=self.limit(platform), via=self.via)

    def skip_reason(self, platform: str) -> str | None:
        if self.missing[platform]:
            return "no credentials: set " + ", ".join(self.missing[platform])
        return None

    # --- Preview ---------------------------------------------------------------------------

    def preview(self, plan: Plan, entries: list[Entry]) -> list[Outcome]:
        """What posting now would do, writing nothing."""
        outcomes = []
        for entry in plan.new:
            for platform in self.platforms:
                composed = self.compose(entry, platform)
                reason = self.skip_reason(platform)
                action = "skip" if reason else "post"
                outcomes.append(Outcome(entry, platform, action, composed, reason or ""))
        by_id = {entry.id: entry for entry in entries}
        for row in plan.retry:
            if row.platform in self.platforms:
                entry = by_id[row.entry_id]
                detail = {
                    "planned": "planned by an earlier run",
                    "posting": "interrupted in an earlier run: will check, then post",
                }.get(row.state, f"failed before ({row.reason}): will try again")
                outcomes.append(
                    Outcome(entry, row.platform, "post", self.compose(entry, row.platform), detail)
                )
        return outcomes

    # --- Posting ---------------------------------------------------------------------------

    def post(self, plan: Plan, entries: list[Entry]) -> list[Outcome]:
        """Record the plan in the ledger, then make each post, committing around every call."""
        if plan.seeding:
            self.ledger.record_seen((entry.id, entry.url) for entry in plan.seeding)
        for entry in plan.new:
            skipped = {p: reason for p in PLATFORMS if (reason := self.skip_reason(p))}
            planned = {p: self.compose(entry, p).text for p in PLATFORMS if p not in skipped}
            self.ledger.plan(entry.id, entry.url, planned, skipped)
        by_id = {entry.id: entry for entry in entries}
        outcomes = [
            Outcome(entry, platform, "skip", detail=reason)
            for entry in plan.new
            for platform in self.platforms
            if (reason := self.skip_reason(platform))
        ]
        rows = [
            self.ledger.post(entry.id, platform) for entry in plan.new for platform in PLATFORMS
        ]
        todo = [
            row
            for row in [*rows, *plan.retry]
            if row is not None
            and row.state in ("planned", "posting", "failed")
            and row.platform in self.platforms
            and self.clients.get(row.platform) is not None
        ]
        for number, row in enumerate(todo, 1):
            entry = by_id[row.entry_id]
            self.progress(f"[{number}/{len(todo)}] {row.platform}: {entry.title}")
            outcomes.append(self._post_one(entry, row))
        return outcomes

    def _post_one(self, entry: Entry, row: PostRow) -> Outcome:
        """Post once. Every call is preceded by a committed claim on the ledger row, which only
        succeeds if no other run has touched it since it was read (two runs at once never both
        post). Any call after the first (a crash, a lost answer, a retry) first looks for the post
        on the platform unless the platform makes the repeat safe (its `idempotency`: Bluesky's
        record key always, Mastodon's Idempotency-Key only for the hour it lasts, so within this
        run but not after an earlier one)."""
        platform = row.platform
        client = self.clients[platform]
        assert client is not None, f"no client for {platform}"
        composed = self.compose(entry, platform)
        key = idempotency_key(entry.id, platform)
        attempts = row.attempts
        for attempt in range(1, TRIES_PER_RUN + 1):
            if attempts and not client.repeat_is_safe(same_run=attempt > 1):
                try:
                    found = client.find(composed)
                except PlatformError as error:
                    self.ledger.mark_failed(entry.id, platform, f"could not check: {error}")
                    return Outcome(entry, platform, "failed", composed, str(error))
                if found:
                    self.ledger.mark_posted(entry.id, platform, found.id, found.url)
                    return Outcome(entry, platform, "posted", composed, "found on retry", found)
            if not self.ledger.claim(entry.id, platform, composed.text, attempts):
                return Outcome(entry, platform, "skip", composed, "another run is posting it")
            attempts += 1
            try:
                ref = client.publish(composed, key)
            except PlatformError as error:
                wait = error.retry_after if error.retry_after is not None else 2.0**attempt
                final = not error.transient or attempt == TRIES_PER_RUN or wait > MAX_WAIT
                if final:
                    reason = str(error)
                    self.ledger.mark_failed(entry.id, platform, reason)
                    if not error.transient:  # the same request would be refused again
                        self.ledger.give_up(entry.id, platform, MAX_ATTEMPTS)
                    return Outcome(entry, platform, "failed", composed, reason)
                self.progress(f"  {platform}: {error}; trying again in {wait:g} s")
                self.sleep(wait)
                continue
            self.ledger.mark_posted(entry.id, platform, ref.id, ref.url)
            return Outcome(entry, platform, "posted", composed, ref=ref)
        raise AssertionError("unreachable")  # pragma: no cover
