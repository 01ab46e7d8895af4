"""What the listener keeps: our cross-posted posts it follows (social_posts), each platform's
cursors and last refusal (listen_state), and what people said on social media, which lives in
the comments table with a `source` other than "site" so the queue, needs-a-response, reports
and people's data reach it. Such an item is never approved (`CommentStatus.REVIEWED` is its
"done"), so no public page, feed or export can show it. None of these commit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select

from contract.vocabulary import CommentStatus
from feedback_api.storage.models import SITE, Comment, ListenState, SocialPost, db, utcnow

PENDING = CommentStatus.PENDING.value


# --- Our posts ------------------------------------------------------------------------------


def track(rows: Iterable[dict[str, Any]]) -> int:
    """Follow our posts: (platform, remote_id, url, entry_url, page, title, posted) each; a post
    already followed keeps its counts (its title and page are brought up to date). How many are
    new."""
    new = 0
    for row in rows:
        found = post_by_remote(row["platform"], row["remote_id"])
        if found is None:
            db.session.add(SocialPost(**row))
            new += 1
        else:
            found.title, found.page, found.url = row["title"], row["page"], row["url"]
    db.session.flush()
    return new


def post(post_id: int) -> SocialPost | None:
    return db.session.get(SocialPost, post_id)


def post_by_remote(platform: str, remote_id: str) -> SocialPost | None:
    query = select(SocialPost).where(
        SocialPost.platform == platform, SocialPost.remote_id == remote_id
    )
    return db.session.scalars(query).first()


def posts_of(platform: str) -> list[SocialPost]:
    """Every post followed on a platform, oldest first."""
    query = select(SocialPost).where(SocialPost.platform == platform, SocialPost.gone.is_(None))
    return list(db.session.scalars(query.order_by(SocialPost.id)).all())


def due_for_counts(
    platform: str, since: datetime.datetime, counted_before: datetime.datetime
) -> list[SocialPost]:
    """Posts on a platform posted after `since` (or of unknown time) whose counts were last
    asked before `counted_before` (or never)."""
    query = select(SocialPost).where(
        SocialPost.platform == platform,
        SocialPost.gone.is_(None),
        or_(SocialPost.posted.is_(None), SocialPost.posted >= since),
        or_(SocialPost.counted.is_(None), SocialPost.counted < counted_before),
    )
    return list(db.session.scalars(query.order_by(SocialPost.id)).all())


def all_posts() -> list[SocialPost]:
    query = select(SocialPost).order_by(SocialPost.posted.desc(), SocialPost.id.desc())
    return list(db.session.scalars(query).all())


# --- Cursors and refusals -------------------------------------------------------------------


def state(platform: str, source: str) -> ListenState:
    """The row for one platform and source, made on first use."""
    found = db.session.get(ListenState, (platform, source))
    if found is None:
        found = ListenState(platform=platform, source=source)
        db.session.add(found)
    return found


def problems() -> list[ListenState]:
    """Every platform and source whose last try was refused, oldest problem first."""
    query = select(ListenState).where(ListenState.problem.is_not(None))
    return list(db.session.scalars(query.order_by(ListenState.problem_since)).all())


def states() -> list[ListenState]:
    query = select(ListenState).order_by(ListenState.platform, ListenState.source)
    return list(db.session.scalars(query).all())


# --- Items heard ----------------------------------------------------------------------------


def item(platform: str, remote_id: str) -> Comment | None:
    """The item heard on `platform` with that id (gone or not), or None."""
    query = select(Comment).where(Comment.source == platform, Comment.remote_id == remote_id)
    return db.session.scalars(query).first()


def items_by_remote(platform: str, remote_ids: Sequence[str]) -> dict[str, Comment]:
    """Items heard on `platform`, by remote id, for the ids given (one query per 500 ids)."""
    found: dict[str, Comment] = {}
    wanted = list(dict.fromkeys(remote_ids))
    for start in range(0, len(wanted), 500):
        query = select(Comment).where(
            Comment.source == platform, Comment.remote_id.in_(wanted[start : start + 500])
        )
        found.update({c.remote_id: c for c in db.session.scalars(query) if c.remote_id})
    return found


def add_item(**values: Any) -> Comment:
    """A new social item (its id assigned), pending a moderator; its page's row, when it has a
    page, is made first (pages.ensure_page)."""
    item = Comment(status=PENDING, edit_token_hash="", channel=values.get("source"), **values)
    db.session.add(item)
    db.session.flush()
    return item


def in_thread(post: SocialPost) -> list[Comment]:
    """What others said in one of our posts' threads, still there upstream."""
    query = select(Comment).where(
        Comment.social_post_id == post.id,
        Comment.official.is_(False),
        Comment.gone.is_(None),
    )
    return list(db.session.scalars(query).all())


def outside_threads(platform: str, since: datetime.datetime) -> list[Comment]:
    """Mentions, quotes and watched-term posts heard since `since`, still there upstream: what
    a poll asks the platform about to follow deletions outside our threads."""
    query = select(Comment).where(
        Comment.source == platform,
        Comment.social_post_id.is_(None),
        Comment.official.is_(False),
        Comment.gone.is_(None),
        Comment.created >= since,
    )
    return list(db.session.scalars(query.order_by(Comment.id)).all())


def mark_gone(item: Comment) -> None:
    """Its author deleted it: its words and name go, the row stays (the audit log says what
    happened, our reply under it keeps its parent) and it leaves every list of the inbox."""
    item.gone = utcnow()
    item.body = item.html = ""
    item.author = item.handle = None
    item.held_reasons = []
    item.needs_response = False
    item.urgent = False
    item.updated = item.gone


def replies_to(item_id: int) -> list[Comment]:
    """Our replies under an item, oldest first."""
    query = select(Comment).where(Comment.parent_id == item_id, Comment.official.is_(True))
    return list(db.session.scalars(query.order_by(Comment.created, Comment.id)).all())


def with_handle(handle: str) -> list[Comment]:
    """Everything heard from one social media handle (case-insensitive, @ or not), oldest
    first: for a person's subject-access request or erasure."""
    wanted = handle.strip().lower().lstrip("@")
    query = select(Comment).where(
        Comment.source != SITE,
        func.lower(Comment.handle).in_([wanted, f"@{wanted}"]),
    )
    return list(db.session.scalars(query.order_by(Comment.created, Comment.id)).all())


def social_older_than(cutoff: datetime.datetime) -> Any:
    """The ids of social items older than `cutoff`, and of our replies to them (however new:
    a reply is nothing without what it answers)."""
    items = select(Comment.id).where(
        Comment.source != SITE, Comment.official.is_(False), Comment.created < cutoff
    )
    return select(Comment.id).where(or_(Comment.id.in_(items), Comment.parent_id.in_(items)))


def remove_social_older_than(cutoff: datetime.datetime) -> int:
    """Delete what `social_older_than` names (our replies first, then what they answer)."""
    doomed = list(db.session.scalars(social_older_than(cutoff)))
    for start in range(0, len(doomed), 500):
        chunk = doomed[start : start + 500]
        db.session.execute(
            delete(Comment).where(Comment.id.in_(chunk), Comment.parent_id.is_not(None))
        )
    for start in range(0, len(doomed), 500):
        db.session.execute(delete(Comment).where(Comment.id.in_(doomed[start : start + 500])))
    return len(doomed)


def social_items(since: datetime.datetime | None = None) -> list[Comment]:
    """Every social item and our replies to them, oldest first (for the Social page)."""
    query = select(Comment).where(Comment.source != SITE)
    if since is not None:
        query = query.where(Comment.created >= since)
    return list(db.session.scalars(query.order_by(Comment.created, Comment.id)).all())
