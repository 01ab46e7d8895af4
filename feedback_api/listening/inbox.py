"""What was heard, into the inbox: each item once (by platform and remote id), screened as a
comment is (personal data, links, watched words, risk of harm), in its thread, and followed when
its author edits or deletes it.

An item is stored as a comment whose `source` is its platform: the queue, needs-a-response, the
responsiveness figures, reports and people's data read it there. It is never published on the
site: it is public already where it was written, and republishing would copy a person's words
(and any slip of personal data) to a second place they did not choose. Staff mark it reviewed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app

from contract.vocabulary import AuditAction, CommentStatus
from feedback_api import signals
from feedback_api.render import render_comment
from feedback_api.screening import is_urgent, screen_comment
from feedback_api.screening.risk import lists_from
from feedback_api.storage import audit, pages, social
from feedback_api.storage.models import Comment, SocialPost
from feedback_api.textsafe import scrub
from platforms.listening import Heard, HeardKind

# Long enough for any platform's post (LinkedIn comments run to 1,250 characters, Facebook's
# far longer): what staff read; the link goes to the whole original.
MAX_TEXT = 5000
QUESTION_KINDS = (HeardKind.REPLY, HeardKind.MENTION, HeardKind.QUOTE)
SAID = "said"  # in remote_ref: a digest of the text as the platform last gave it


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def said(item: Comment) -> str | None:
    """The digest of the item's text as last heard (for an item stored before digests were
    kept, of its stored text)."""
    return (item.remote_ref or {}).get(SAID) or digest(item.body)


@dataclass
class Taken:
    """What one batch did to the inbox."""

    new: int = 0
    edited: int = 0
    gone: int = 0

    def add(self, other: Taken) -> None:
        self.new += other.new
        self.edited += other.edited
        self.gone += other.gone


def screened(text: str, author: str | None, html: str | None = None) -> list[dict]:
    """Why a moderator should look closely, as for a comment (`html`: its rendering, when the
    caller has it already)."""
    config = current_app.config
    holds = screen_comment(
        text,
        author,
        config["ENGAGE_SCREEN_WORDS"],
        config["ENGAGE_MAX_LINKS"],
        html=html if html is not None else render_comment(text),
        risk=lists_from(config),
    )
    return [hold.as_dict() for hold in holds]


def _thread_post(platform: str, heard: Heard, post: SocialPost | None) -> SocialPost | None:
    """Which of our posts' threads the item is in: the one being read, the root the platform
    named, the post it answers, or the thread of the item it answers."""
    if post is not None:
        return post
    for remote in (heard.post_id, heard.in_reply_to):
        if not remote:
            continue
        if (found := social.post_by_remote(platform, remote)) is not None:
            return found
        parent = social.item(platform, remote)
        if parent is not None and parent.social_post_id is not None:
            return social.post(parent.social_post_id)
    return None


def take(
    platform: str, batch: Sequence[Heard], post: SocialPost | None = None
) -> tuple[Taken, list[Comment]]:
    """Bring a batch in (inside the caller's transaction): new items added and screened, edited
    ones brought up to date. Items by our own account are left out (our replies are in the
    inbox already, under what they answer)."""
    taken, added = Taken(), []
    heard = [_safe(h) for h in batch if not h.ours]
    pages_made: set[str] = set()
    known = social.items_by_remote(platform, [h.remote_id for h in heard])
    app = current_app._get_current_object()
    for item in heard:
        text = item.text
        author = (item.name or item.handle)[:80] or None
        existing = known.get(item.remote_id)
        if existing is not None:
            # Against what the platform said last time, not our copy: a moderator's redaction
            # is not an edit, and must not be undone by the next poll.
            if existing.gone is None and said(existing) != digest(text):
                _edited(existing, text, author)
                taken.edited += 1
            continue
        thread = _thread_post(platform, item, post)
        if thread and thread.page and thread.page not in pages_made:
            pages.ensure_page(thread.page)  # its page's row (never counted: not approved)
            pages_made.add(thread.page)
        html = render_comment(text)
        held = screened(text, author, html)
        found = social.add_item(
            source=platform,
            remote_id=item.remote_id,
            remote_url=item.url,
            remote_kind=str(item.kind),
            remote_ref={**item.reply_to, SAID: digest(text)},
            handle=item.handle,
            author=author,
            body=text,
            html=html,
            held_reasons=held,
            private=item.private,
            urgent=is_urgent(held),
            needs_response="?" in text and item.kind in QUESTION_KINDS,
            social_post_id=thread.id if thread else None,
            page=thread.page if thread else None,
            created=item.created,
            updated=item.edited or item.created,
        )
        known[item.remote_id] = found
        added.append(found)
        taken.new += 1
        signals.comment_received.send(app, comment=found)
    return taken, added


def _safe(item: Heard) -> Heard:
    """What a platform sent, as text that can be stored and written anywhere (a lone surrogate,
    a NUL or a control character from a hostile post made harmless, a missing value empty),
    within its columns: an address too long to store is dropped rather than cut into another
    address."""
    url = _text(item.url)
    return dataclasses.replace(
        item,
        remote_id=_text(item.remote_id)[:300],
        url=url if len(url) <= 1000 else "",
        handle=_text(item.handle)[:200],
        name=_text(item.name),
        text=_text(item.text)[:MAX_TEXT],
        reply_to={_text(k): _text(v) for k, v in dict(item.reply_to or {}).items()},
    )


def _text(value: object) -> str:
    return scrub(value if isinstance(value, str) else "" if value is None else str(value))


def _edited(item: Comment, text: str, author: str | None) -> None:
    """The author changed it upstream: the new words, screened again, and read again by a
    moderator (a reviewed item goes back to the queue)."""
    before = audit.comment_state(item)
    item.remote_ref = {**(item.remote_ref or {}), SAID: digest(text)}
    was_urgent = item.urgent
    item.body = text
    item.html = render_comment(text)
    item.held_reasons = screened(text, author, item.html)
    item.urgent = item.urgent or is_urgent(item.held_reasons)
    if item.urgent and not was_urgent:  # moderators are told at once, as of a new item
        signals.comment_received.send(current_app._get_current_object(), comment=item)
    if item.status == CommentStatus.REVIEWED:
        item.status = CommentStatus.PENDING.value
    audit.record(
        AuditAction.SOCIAL_ITEM_EDITED,
        target=f"comment {item.id}",
        user=None,
        before=before,
        after=audit.comment_state(item),
        detail=f"edited by its author on {item.source}",
    )


def gone(items: Sequence[Comment]) -> int:
    """Items their authors deleted upstream: out of the inbox, their words erased; the audit
    log keeps that it happened (not what it said)."""
    for item in items:
        social.mark_gone(item)
        audit.record(
            AuditAction.SOCIAL_ITEM_DELETED,
            target=f"comment {item.id}",
            user=None,
            detail=f"deleted by its author on {item.source} ({item.remote_url})",
        )
    return len(items)
