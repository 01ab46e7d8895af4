"""Tables: comments, one row per page with its approved count and a version for caching, staff
accounts and their sessions, the audit log, questionnaire responses and the outbox; and the
column types they share (text scrubbed when read, moments always in UTC).

The page row makes the public reads cheap whatever the size of the comments table: counts are a
primary-key lookup, and a page's rendered comment list is cached under its version, which every
change visible to readers bumps in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from contract.vocabulary import CommentStatus, Role
from feedback_api.textsafe import scrub, scrub_value


class Base(DeclarativeBase):
    pass


# Objects stay readable after commit: a view that has just stored a comment answers from it
# without another query.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# As plain strings, the stored values (click's choices, for one, show an enum's names).
STATUSES: tuple[str, ...] = tuple(status.value for status in CommentStatus)
ROLES: tuple[str, ...] = tuple(role.value for role in Role)
REPLY_TAGS = ("response", "change planned", "change made")
SITE = "site"  # Comment.source of what readers wrote on the site


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class UTCDateTime(TypeDecorator):
    """A moment, stored in UTC and always read back as an aware UTC datetime.

    To the database and to Alembic this is `DateTime(timezone=True)`, as the migrations made the
    columns. PostgreSQL keeps the offset; SQLite keeps no offset at all and hands back a naive
    value: it is the UTC written here, so it is read back as UTC. A naive value given to store
    is taken to be UTC already (as `utcnow` and the database give them).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        return None if value is None else as_utc(value)


def as_utc(moment: datetime.datetime) -> datetime.datetime:
    """`moment` in UTC; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


# Text people typed is read back through these types: a row stored before the input checks
# existed, or written straight into the database, then comes out as text every page, feed and
# export can write (no NUL, half surrogate pair or other character XML and UTF-8 refuse). The
# columns are the same types to the database and to Alembic; only the values read are scrubbed.


class ReadableText(TypeDecorator):
    """Text, scrubbed (textsafe.scrub) when read."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else scrub(value)


class ReadableString(ReadableText):
    """String(length), scrubbed when read."""

    impl = String
    cache_ok = True


def any_json(value: Any) -> Any:
    return value


def an_object(value: Any) -> dict:
    """Answers by question id: an object, or nothing."""
    return value if isinstance(value, dict) else {}


def reasons(value: Any) -> list[dict]:
    """Held reasons: a list of objects; anything else in it is dropped."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def reasons_by_field(value: Any) -> dict[str, list[dict]]:
    """A response's held reasons: {field: reasons}."""
    return {str(k): reasons(v) for k, v in value.items()} if isinstance(value, dict) else {}


class ReadableJSON(TypeDecorator):
    """JSON whose strings (keys included) are scrubbed when read, in the shape the code expects:
    a JSON escape such as "\\ud800" stores happily as text and fails only when written out, and a
    row written by hand may hold a list where an object belongs."""

    impl = JSON
    cache_ok = True

    def __init__(self, shape: Any = any_json) -> None:
        super().__init__()
        self.shape = shape

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return self.shape(scrub_value(value))


class Page(db.Model):
    """A page of the site that has received comments."""

    __tablename__ = "pages"

    url: Mapped[str] = mapped_column(String(300), primary_key=True)
    approved_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=0)


class Comment(db.Model):
    """One comment or reply, with its source, its rendered HTML and why it was held."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_page_status_created", "page", "status", "created"),
        Index("uq_comments_source_remote", "source", "remote_id", unique=True),
        Index("ix_comments_handle", "handle"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The site page it is on; for a social item, the page its thread is about (None for a
    # mention that is about no page).
    page: Mapped[str | None] = mapped_column(String(300), ForeignKey("pages.url"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    author: Mapped[str | None] = mapped_column(ReadableString(80))
    email: Mapped[str | None] = mapped_column(ReadableString(254))
    notify: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(ReadableText)
    html: Mapped[str] = mapped_column(ReadableText)
    status: Mapped[str] = mapped_column(String(12), index=True)
    held_reasons: Mapped[list] = mapped_column(ReadableJSON(reasons), default=list)
    reject_reason: Mapped[str | None] = mapped_column(ReadableText)
    official: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    edit_token_hash: Mapped[str] = mapped_column(String(64))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    # A question waiting for an official answer (flagged by the reader or a moderator).
    needs_response: Mapped[bool] = mapped_column(default=False)
    # Official replies: which member of staff wrote it, and its public Care Opinion-style tag.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply_tag: Mapped[str | None] = mapped_column(String(20))
    # When a moderators' digest listing it was delivered (set by the worker, after delivery).
    digested: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    # A suggestion of risk of harm (self-harm, abuse, an emergency): first in the queue, mailed.
    urgent: Mapped[bool] = mapped_column(default=False)
    # Where it was said: "site", or the social platform it was heard on (never public here).
    source: Mapped[str] = mapped_column(String(20), default=SITE, index=True)
    # How it reached us (contract.channels): for a site comment the link's marker (`mastodon`,
    # `poster-library`) or "site"; for a social item its platform. None: before channels.
    channel: Mapped[str | None] = mapped_column(String(40))
    # Its page's language tag (the manifest's; site comments only). None: before languages.
    language: Mapped[str | None] = mapped_column(String(35))
    # A social item: the platform's id and link, why it came in, the author's handle, what a
    # reply in its thread needs, and which of our posts' threads it is in.
    remote_id: Mapped[str | None] = mapped_column(String(300))
    remote_url: Mapped[str | None] = mapped_column(ReadableString(1000))
    remote_kind: Mapped[str | None] = mapped_column(String(10))
    remote_ref: Mapped[dict | None] = mapped_column(ReadableJSON(an_object))
    handle: Mapped[str | None] = mapped_column(ReadableString(200))
    private: Mapped[bool] = mapped_column(default=False)
    social_post_id: Mapped[int | None] = mapped_column(ForeignKey("social_posts.id"))
    # Our reply to a social item on its platform: sending, posting (the call may have been
    # made), posted, failed. `posting` is committed before the call: the ledger of replies.
    remote_state: Mapped[str | None] = mapped_column(String(10))
    # When its author deleted it upstream: its text is gone and it leaves the inbox.
    gone: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)

    @property
    def social(self) -> bool:
        return self.source != SITE


class SocialPost(db.Model):
    """One of our cross-posted posts the listener follows: where it is, which entry and page it
    is for, and how people answered it, as the platform last counted."""

    __tablename__ = "social_posts"
    __table_args__ = (
        UniqueConstraint("platform", "remote_id", name="uq_social_posts_platform_remote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    remote_id: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(ReadableString(1000))
    entry_url: Mapped[str] = mapped_column(ReadableString(1000))
    page: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(ReadableText, default="")
    posted: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    replies: Mapped[int] = mapped_column(default=0)
    reposts: Mapped[int] = mapped_column(default=0)
    likes: Mapped[int] = mapped_column(default=0)
    quotes: Mapped[int] = mapped_column(default=0)
    counted: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    # The reply count when the thread was last read: a thread is read again when it grows.
    threads_read: Mapped[int] = mapped_column(default=-1)
    # When the thread was last read: read again now and then for edits and deletions there.
    thread_read: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    gone: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)


class ListenState(db.Model):
    """Per platform and source (notifications, a watched term, counts): where the next poll
    starts, when it last ran, and the refusal it met, shown to staff until it passes."""

    __tablename__ = "listen_state"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(300))
    checked: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    problem: Mapped[str | None] = mapped_column(ReadableText)
    problem_status: Mapped[int | None] = mapped_column()
    problem_since: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    # When the moderators were e-mailed about the problem (once per problem).
    reported: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)


class User(db.Model):
    """A member of staff who signs in to moderate (moderator) or also manage accounts (admin)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(default=False)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    feed_token_hash: Mapped[str | None] = mapped_column(String(64))
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    # The time step (Unix time // 30) of the last authenticator code accepted: a code is good
    # once, so one seen over a shoulder or phished cannot be used again.
    totp_last_step: Mapped[int | None] = mapped_column()
    # Set by an administrator: this account signs in only with an authenticator app.
    totp_required: Mapped[bool] = mapped_column(default=False)


class AccountLink(db.Model):
    """A single-use, expiring link e-mailed to a member of staff (an invitation or a password
    reset): only the sha256 of its token is kept, so the table cannot be read for a way in."""

    __tablename__ = "account_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    created: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires: Mapped[datetime.datetime] = mapped_column(UTCDateTime)
    used: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)


class StaffSession(db.Model):
    """One signed-in browser. The cookie carries a random id and this table only its sha256, so
    a session can be ended on the server (sign-out, password reset, account disabled) and a
    copied cookie stops working; nothing about the password travels in the cookie."""

    __tablename__ = "staff_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # True between a right password and the authenticator code: not yet signed in.
    awaiting_code: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditEntry(db.Model):
    """One staff action: who, when, what, and the state before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(ReadableString(80), default="")
    before: Mapped[dict | None] = mapped_column(ReadableJSON)
    after: Mapped[dict | None] = mapped_column(ReadableJSON)
    detail: Mapped[str] = mapped_column(ReadableText, default="")


class OutboxMessage(db.Model):
    """One effect that leaves the service (an e-mail, a site rebuild), written in the transaction
    of the event that causes it and delivered by the worker: committed with the event or not at
    all, and retried until delivered or given up on ("failed", shown on the dashboard).

    `key` is the idempotency key: the same effect written twice is one row, and it travels with
    the delivery (an e-mail's Message-ID) so a receiver can tell a repeat. A worker claims a row
    by setting `claimed_until` (a lease); a row whose lease ran out (the worker died) is claimed
    again.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Whom it goes to (an address), so a person's erasure reaches their queued notices too.
    recipient: Mapped[str | None] = mapped_column(ReadableString(254), index=True)
    payload: Mapped[dict] = mapped_column(ReadableJSON(an_object))
    # Messages sent together (one digest to each moderator).
    batch: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    due: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(ReadableString(500))
    created: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)


class Job(db.Model):
    """A piece of work staff start from the workspace and the worker does (a build checking the
    content, publishing the site, a cross-post): never in a web request, one at a time, with
    what it printed kept as its log so the page can show progress and, later, what happened.

    The outbox message that runs it is written in the same transaction as the job; `result` is
    what the page shows once it is done (the changes and problems a check found, where the site
    went, which posts were made)."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_kind_requested", "kind", "requested"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # queued, running, done, refused (it ran and said no: content problems), failed (it broke).
    status: Mapped[str] = mapped_column(String(10), default="queued")
    params: Mapped[dict] = mapped_column(ReadableJSON(an_object), default=dict)
    result: Mapped[dict | None] = mapped_column(ReadableJSON)
    log: Mapped[str] = mapped_column(ReadableText, default="")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)
    finished: Mapped[datetime.datetime | None] = mapped_column(UTCDateTime)


class QuestionnaireResponse(db.Model):
    """One person's answers to a questionnaire. Never public; read by staff in reports."""

    __tablename__ = "responses"
    __table_args__ = (  # the reports' counts per day and channel read only this index
        Index("ix_responses_questionnaire_day", "questionnaire", "day", "channel", "spam"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire: Mapped[str] = mapped_column(String(100), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    answers: Mapped[dict] = mapped_column(ReadableJSON(an_object))
    # Personal data found in free-text answers, by question id: [{kind, match, start, end}].
    held_reasons: Mapped[dict] = mapped_column(ReadableJSON(reasons_by_field), default=dict)
    spam: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    day: Mapped[datetime.date | None] = mapped_column(Date)  # `created`'s day in the site's zone
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    # The channel the reader came through (contract.channels); None: before channels.
    channel: Mapped[str | None] = mapped_column(String(40))
    # The language of the page answered on (the manifest's tag); None: before languages.
    language: Mapped[str | None] = mapped_column(String(35))
