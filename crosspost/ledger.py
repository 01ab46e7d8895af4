"""The ledger: which feed entries the cross-poster has seen and what became of each platform's post.

At most one post per entry and platform. A row is written `posting` and committed *before* the
platform is called, so a crash between the call and the update leaves evidence: the next run
looks the post up on the platform before trying again, instead of posting blindly.

States of a post: planned → posting → posted (platform id and URL) | failed (reason, attempts);
`skipped` for a platform that had no credentials when the entry was first seen, `seen` for
entries recorded on the first run. The tables live in the API's database when `DATABASE_URL` is
set (one PostgreSQL serves both), else in SQLite at instance/engage.db, with their own Alembic
migrations and version table so neither side's migrations touch the other's tables.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

VERSION_TABLE = "crosspost_alembic_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

metadata = MetaData()
entries = Table(
    "crosspost_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", String(500), nullable=False, unique=True),
    Column("url", String(1000), nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
)
posts = Table(
    "crosspost_posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", String(500), nullable=False, index=True),
    Column("platform", String(20), nullable=False),
    Column("state", String(10), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("platform_id", String(200)),
    Column("url", String(1000)),
    Column("reason", Text),
    Column("attempts", Integer, nullable=False, default=0),
    Column("updated", DateTime(timezone=True), nullable=False),
    UniqueConstraint("entry_id", "platform", name="uq_crosspost_posts_entry_platform"),
)


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True)
class PostRow:
    entry_id: str
    platform: str
    state: str
    platform_id: str | None
    url: str | None
    reason: str | None
    attempts: int


@dataclass(frozen=True)
class HistoryRow:
    """A post with its entry's address and times, for the history."""

    post: PostRow
    entry_url: str
    first_seen: datetime.datetime
    updated: datetime.datetime


def _aware(moment: datetime.datetime) -> datetime.datetime:
    """SQLite hands times back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(connection: object, _record: object) -> None:
        cursor = connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # the ledger is small: durability first
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


# Alembic keeps its migration context in module globals: one migration at a time per process.
_MIGRATING = threading.Lock()
# Any number, the same in every process: PostgreSQL serialises runs that migrate at once. Not
# the API's one-job-at-a-time lock (0x656E6761), which its worker holds while it runs us.
_ADVISORY_LOCK = 0x656E6778


def migrate(engine: Engine) -> None:
    """Bring the ledger's tables up to date (idempotent, and safe when two runs start at once:
    PostgreSQL holds an advisory lock; on SQLite the loser of a race finds the work done)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _MIGRATING:
        for last_try in (False, True):
            try:
                with engine.begin() as connection:
                    if engine.dialect.name == "postgresql":
                        connection.execute(text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})"))
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                return
            except DBAPIError:
                if last_try:
                    raise


class Ledger:
    """Reads and writes the two tables; every write commits before it returns."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def is_empty(self) -> bool:
        """True before the first run: nothing seen yet."""
        with self.engine.connect() as connection:
            return connection.execute(select(entries.c.id).limit(1)).first() is None

    def known(self) -> set[str]:
        """Every entry id seen so far (one query, however long the feed)."""
        with self.engine.connect() as connection:
            return set(connection.scalars(select(entries.c.entry_id)))

    def record_seen(self, items: Iterable[tuple[str, str]]) -> int:
        """Record (entry id, url) pairs as seen without posting them; returns how many were new.
        Another run recording the same entries at the same moment is not an error."""
        pairs = dict(items)
        for _ in range(3):
            known = self.known()
            rows = [
                {"entry_id": entry_id, "url": url, "first_seen": utcnow()}
                for entry_id, url in pairs.items()
                if entry_id not in known
            ]
            if not rows:
                return 0
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(entries), rows)
            except IntegrityError:
                continue
            return len(rows)
        return 0

    def plan(
        self, entry_id: str, url: str, planned: dict[str, str], skipped: dict[str, str]
    ) -> bool:
        """Record a new entry with a `planned` row per platform to post to (text as composed) and
        a `skipped` row, with the reason, per platform left out: in one transaction. False when
        another run recorded the entry first."""
        now = utcnow()
        try:
            self._plan(entry_id, url, planned, skipped, now)
        except IntegrityError:
            return False
        return True

    def _plan(
        self,
        entry_id: str,
        url: str,
        planned: dict[str, str],
        skipped: dict[str, str],
        now: datetime.datetime,
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(entries), {"entry_id": entry_id, "url": url, "first_seen": now}
            )
            rows = [
                {
                    "entry_id": entry_id,
                    "platform": platform,
                    "state": "planned",
                    "text": text,
                    "reason": None,
                    "attempts": 0,
                    "updated": now,
                }
                for platform, text in planned.items()
            ] + [
                {
                    "entry_id": entry_id,
                    "platform": platform,
                    "state": "skipped",
                    "text": "",
                    "reason": reason,
                    "attempts": 0,
                    "updated": now,
                }
                for platform, reason in skipped.items()
            ]
            if rows:
                connection.execute(insert(posts), rows)

    def unfinished(self) -> list[PostRow]:
        """Posts still to make or to check: planned, posting (a crash mid-call), failed."""
        query = select(posts).where(posts.c.state.in_(("planned", "posting", "failed")))
        with self.engine.connect() as connection:
            return [_row(r) for r in connection.execute(query.order_by(posts.c.id))]

    def post(self, entry_id: str, platform: str) -> PostRow | None:
        query = select(posts).where(posts.c.entry_id == entry_id, posts.c.platform == platform)
        with self.engine.connect() as connection:
            found = connection.execute(query).first()
        return _row(found) if found else None

    def all_posts(self) -> list[PostRow]:
        with self.engine.connect() as connection:
            return [_row(r) for r in connection.execute(select(posts).order_by(posts.c.id))]

    def _set(self, entry_id: str, platform: str, **values: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(posts)
                .where(posts.c.entry_id == entry_id, posts.c.platform == platform)
                .values(updated=utcnow(), **values)
            )

    def claim(self, entry_id: str, platform: str, text: str, attempts: int) -> bool:
        """Record the intent, `posting`, committed before the platform call; False when another
        run has changed the row since this one read it (`attempts` is what it read)."""
        with self.engine.begin() as connection:
            done = connection.execute(
                update(posts)
                .where(
                    posts.c.entry_id == entry_id,
                    posts.c.platform == platform,
                    posts.c.attempts == attempts,
                    posts.c.state.in_(("planned", "posting", "failed")),
                )
                .values(state="posting", text=text, attempts=attempts + 1, updated=utcnow())
            )
        return done.rowcount == 1

    def mark_posted(self, entry_id: str, platform: str, platform_id: str, url: str) -> None:
        self._set(entry_id, platform, state="posted", platform_id=platform_id, url=url, reason=None)

    def mark_failed(self, entry_id: str, platform: str, reason: str) -> None:
        """A failed call: the row keeps its attempts, so the next try looks before posting."""
        self._set(entry_id, platform, state="failed", reason=reason)

    def retry_failed(self, platforms: Iterable[str], entry_ids: Iterable[str] | None = None) -> int:
        """Make failed posts on these platforms (of these entries, when given) due again, after
        a person fixed the cause: the workspace's Retry is for one post, not every failure."""
        query = update(posts).where(
            posts.c.state == "failed", posts.c.platform.in_(list(platforms))
        )
        if entry_ids is not None:
            query = query.where(posts.c.entry_id.in_(list(entry_ids)))
        with self.engine.begin() as connection:
            done = connection.execute(query.values(attempts=0, updated=utcnow()))
        return done.rowcount

    def history(self, limit: int | None = 200, state: str | None = None) -> list[HistoryRow]:
        """Every post (in `state`, when given), newest change first, with its entry's address
        and when it was first seen: what the workspace lists, so staff see what was posted where
        and what failed; and, every posted one, what the API's listener follows."""
        query = (
            select(posts, entries.c.url.label("entry_url"), entries.c.first_seen)
            .join(entries, entries.c.entry_id == posts.c.entry_id)
            .order_by(posts.c.updated.desc(), posts.c.id.desc())
            .limit(limit)
        )
        if state is not None:
            query = query.where(posts.c.state == state)
        with self.engine.connect() as connection:
            return [
                HistoryRow(
                    _row(found),
                    found._mapping["entry_url"],
                    _aware(found._mapping["first_seen"]),
                    _aware(found._mapping["updated"]),
                )
                for found in connection.execute(query)
            ]

    def give_up(self, entry_id: str, platform: str, attempts: int) -> None:
        """No automatic retries: the platform refused the post itself, not for the moment."""
        self._set(entry_id, platform, attempts=attempts)


def _row(row: object) -> PostRow:
    m = row._mapping  # type: ignore[attr-defined]
    return PostRow(
        m["entry_id"],
        m["platform"],
        m["state"],
        m["platform_id"],
        m["url"],
        m["reason"],
        m["attempts"],
    )
