"""One poll of every platform that has credentials: notifications (replies, mentions, quotes)
from the stored cursor, each watched term from its own, and, when due, our posts' counts, with
the thread of any post whose replies grew (or not read for THREADS_EVERY) read again, edits and
deletions followed there, and the items heard outside our threads checked for deletion.

So a poll with nothing new costs a request or two per platform and source: cursors, not
re-reading every thread. Each step commits on its own, so a poll stopped half-way keeps what it
did. A refusal is kept on the platform's row (shown on the Social page and in the moderators'
digest) until a later poll gets through; a rate limit stops that platform until the next poll.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from flask import current_app

from contract.vocabulary import PLATFORMS
from feedback_api.listening import inbox
from feedback_api.storage import social, transaction
from feedback_api.storage.models import utcnow
from platforms.listening import Batch, Listener, Unsupported, load
from platforms.values import PlatformError

INSTALL = "install Engage with its [crosspost] extra on this host"
NOTIFICATIONS, COUNTS, EXISTING = "notifications", "counts", "existing"
# A thread is read again when its replies grow, and this often anyway, for the edits and
# deletions inside it (no platform counts an edit; a deletion may come with a new reply).
THREADS_EVERY = datetime.timedelta(hours=6)


T = TypeVar("T")


def term_source(term: str) -> str:
    return f"term:{term}"[:200]


class Stop(Exception):
    """The platform said to wait (a rate limit) or cannot be reached: no more of it this poll."""


@dataclass
class PlatformReport:
    """What one poll did on one platform, as the command prints it."""

    platform: str
    taken: inbox.Taken = field(default_factory=inbox.Taken)
    posts_counted: int = 0
    threads_read: int = 0
    skipped: list[str] = field(default_factory=list)  # one line each: what and why
    stopped: str | None = None

    def lines(self) -> list[str]:
        t = self.taken
        head = (
            f"{self.platform}: {t.new} new, {t.edited} edited, {t.gone} deleted upstream; "
            f"{self.posts_counted} posts counted, {self.threads_read} threads read"
        )
        return [head, *(f"  skipped {line}" for line in self.skipped)] + (
            [f"  stopped: {self.stopped}"] if self.stopped else []
        )


class Poll:
    """One pass over one platform's listener."""

    def __init__(self, name: str, listener: Listener, now: datetime.datetime) -> None:
        self.name, self.listener, self.now = name, listener, now
        self.report = PlatformReport(name)
        config = current_app.config
        self.counts_every = datetime.timedelta(minutes=config["ENGAGE_LISTEN_COUNTS_MINUTES"])
        self.follow_since = now - datetime.timedelta(days=config["ENGAGE_LISTEN_DAYS"])

    def run(self, terms: Sequence[str]) -> PlatformReport:
        try:
            self.cursored(NOTIFICATIONS, self.listener.notifications)
            for term in terms:
                self.cursored(
                    term_source(term), lambda cursor, term=term: self.listener.search(term, cursor)
                )
            if self.due(COUNTS):
                self.step(COUNTS, self.counts)
            if self.due(EXISTING):
                self.step(EXISTING, self.existing)
        except Stop as stop:
            self.report.stopped = str(stop)
        return self.report

    # --- Steps ----------------------------------------------------------------------------

    def due(self, source: str) -> bool:
        with transaction():
            checked = social.state(self.name, source).checked
        return checked is None or checked <= self.now - self.counts_every

    def step(self, source: str, work: Callable[[], None]) -> None:
        """Run `work`, keeping on the source's row whether the platform refused it and why."""
        try:
            work()
        except Unsupported as refusal:
            self.refused(source, refusal)
            self.report.skipped.append(f"{source}: {refusal}")
            return
        except PlatformError as error:
            self.refused(source, error)
            if error.transient:
                wait = f" (try again in {error.retry_after:.0f} s)" if error.retry_after else ""
                raise Stop(f"{error}{wait}") from error
            self.report.skipped.append(f"{source}: {error}")
            return
        with transaction():
            row = social.state(self.name, source)
            row.checked = self.now
            row.problem = row.problem_status = row.problem_since = row.reported = None

    def ask(self, call: Callable[[], T]) -> T:
        """A listener's call; an answer not in the shape the platform documents (a field
        missing, a list where an object belongs) is that platform's problem, told as such,
        never a traceback that stops every other platform's poll."""
        try:
            return call()
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            raise PlatformError(
                f"{self.name}: answered in a shape Engage does not understand "
                f"({type(error).__name__}: {error}); if it goes on, the platform's API has changed"
            ) from error

    def refused(self, source: str, error: PlatformError) -> None:
        with transaction():
            row = social.state(self.name, source)
            if row.problem != str(error):
                row.problem_since, row.reported = self.now, None
            row.problem, row.problem_status = str(error), error.status

    def cursored(self, source: str, read: Callable[[str | None], Batch]) -> None:
        def work() -> None:
            with transaction():
                cursor = social.state(self.name, source).cursor
            batch = self.ask(lambda: read(cursor))
            with transaction():
                taken, _ = inbox.take(self.name, batch.items)
                self.report.taken.add(taken)
                if batch.cursor is not None:
                    social.state(self.name, source).cursor = batch.cursor[:300]

        self.step(source, work)

    def counts(self) -> None:
        """Counts of the posts due; a post whose replies grew has its thread read again."""
        with transaction():
            due = social.due_for_counts(self.name, self.follow_since, self.now - self.counts_every)
            wanted = {post.remote_id: post.id for post in due}
        if not wanted:
            return
        counted = self.ask(lambda: self.listener.counts(list(wanted)))
        grown = []
        with transaction():
            for remote_id, post_id in wanted.items():
                post = social.post(post_id)
                if post is None:
                    continue
                found = counted.get(remote_id)
                if found is None:
                    post.gone = self.now
                    continue
                post.replies, post.reposts = found.replies, found.reposts
                post.likes, post.quotes, post.counted = found.likes, found.quotes, self.now
                stale = post.thread_read is None or post.thread_read <= self.now - THREADS_EVERY
                if found.replies != post.threads_read or stale:
                    grown.append((post_id, found.replies))
            self.report.posts_counted += len(counted)
        for post_id, replies in grown:
            self.thread(post_id, replies)

    def thread(self, post_id: int, replies: int) -> None:
        """Read one of our posts' threads: new and edited items in, and those no longer in it
        out, once the platform confirms they are gone (a reply under a deleted one, or one
        older than X's search reaches, drops out of a thread without being deleted)."""
        with transaction():
            post = social.post(post_id)
            remote_id = post.remote_id if post else None
        if remote_id is None:
            return
        batch = self.ask(lambda: self.listener.thread(remote_id))
        there = {item.remote_id for item in batch.items}
        with transaction():
            known = [i.remote_id for i in social.in_thread(post) if i.remote_id]  # type: ignore[arg-type]
        missing = [remote for remote in known if remote not in there]
        still = self.ask(lambda: self.listener.existing(missing)) if missing else set()
        with transaction():
            post = social.post(post_id)
            if post is None:
                return
            taken, _ = inbox.take(self.name, batch.items, post)
            deleted = [i for i in social.in_thread(post) if i.remote_id in missing]
            taken.gone += inbox.gone([i for i in deleted if i.remote_id not in still])
            post.threads_read, post.thread_read = replies, self.now
            self.report.taken.add(taken)
            self.report.threads_read += 1

    def existing(self) -> None:
        """Mentions and watched-term posts heard lately that their authors have deleted."""
        with transaction():
            items = {
                i.remote_id: i.id for i in social.outside_threads(self.name, self.follow_since)
            }
        if not items:
            return
        still = self.ask(lambda: self.listener.existing(list(items)))
        with transaction():
            missing = [social.item(self.name, remote) for remote in items if remote not in still]
            self.report.taken.gone += inbox.gone([i for i in missing if i is not None])


def poll_all(
    env: Mapping[str, str], only: Sequence[str] = (), now: datetime.datetime | None = None
) -> list[PlatformReport]:
    """One poll of every platform with credentials in `env` (or only those named). A platform
    whose SDK is not installed on this host (the API without the [crosspost] extra) is
    reported, not a crash."""
    now = now or utcnow()
    terms = current_app.config["ENGAGE_LISTEN_TERMS"]
    reports = []
    for name in PLATFORMS:
        if only and name not in only:
            continue
        try:
            listener = load(name).from_environment(env)
        except ImportError as error:
            if any(key.startswith(f"ENGAGE_{name.upper()}_") for key in env):
                report = PlatformReport(name)
                report.skipped.append(f"{name}: not installed here ({error}): {INSTALL}")
                reports.append(report)
            continue
        if listener is not None:
            reports.append(Poll(name, listener, now).run(terms))
    return reports
