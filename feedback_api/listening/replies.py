"""Our answer where they asked: a moderator's reply to a social item, posted back on its platform
in the thread, by the worker (outbox kind "social-reply"), never by the request, and at most
once.

The reply's own row is the ledger: `remote_state` is committed "posting" before the platform is
called, so a worker killed between the call and the write leaves evidence. The next try then
asks the platform first (find_reply) where a repeat is not safe, or repeats where the platform
makes a repeat the first reply (Bluesky's record key; Mastodon's Idempotency-Key within the
hour, in the same delivery only), exactly as the cross-poster does with posts.
"""

from __future__ import annotations

import os
from typing import Any

from flask import current_app

from contract.vocabulary import AuditAction
from feedback_api import outbox
from feedback_api.listening.inbox import SAID
from feedback_api.manifest import language_tag
from feedback_api.storage import audit, transaction
from feedback_api.storage.comments import get_comment
from feedback_api.storage.models import Comment
from platforms.listening import Listener, ReplyTarget, load
from platforms.values import PlatformError, PostedRef

KIND = "social-reply"
SENDING, POSTING, POSTED, FAILED = "sending", "posting", "posted", "failed"


def queue(reply: Comment) -> None:
    """Send `reply` (just written, in this transaction) to its platform through the outbox."""
    outbox.enqueue(KIND, f"{KIND}:{reply.id}", {"reply": reply.id})


def target(item: Comment) -> ReplyTarget:
    """What the platform needs to reply in the item's thread (not our own bookkeeping)."""
    ref = {k: v for k, v in (item.remote_ref or {}).items() if k != SAID}
    return ReplyTarget(item.remote_id or "", item.handle or "", ref)


def listener_for(platform: str, env: Any = None) -> Listener | None:
    """The platform's listener from the worker's environment (its credentials), or None."""
    return load(platform).from_environment(os.environ if env is None else env)


def deliver(payload: dict[str, Any], identity: str) -> None:
    """Post the reply once; raises to be tried again, PermanentFailure when it cannot be."""
    with transaction():
        reply = get_comment(payload.get("reply") if isinstance(payload.get("reply"), int) else -1)
        parent = get_comment(reply.parent_id) if reply and reply.parent_id else None
        if reply is None or parent is None or not parent.social:
            raise outbox.PermanentFailure("the reply or what it answers is no longer stored")
        if reply.remote_state == POSTED:
            return
        if parent.gone is not None:
            reply.remote_state = FAILED
            raise outbox.PermanentFailure("its author deleted the post on the platform")
        state, text, when = reply.remote_state, reply.body, reply.created
        language = reply.language or _site_language()
        aim = target(parent)
    try:
        listener = listener_for(parent.source)
    except ImportError as error:
        raise outbox.PermanentFailure(
            f"{parent.source}'s client is not installed here ({error})"
        ) from error
    if listener is None:
        raise outbox.PermanentFailure(f"{parent.source} has no credentials set for replying")
    said = listener.reply_text(aim, text)
    if state == POSTING and not listener.repeat_is_safe(same_run=False):
        found = _call(reply.id, lambda: listener.find_reply(aim, said), refused=False)
        if found is not None:
            _posted(reply.id, found)
            return
    with transaction():
        row = get_comment(reply.id)
        if row is None:
            raise outbox.PermanentFailure("the reply is no longer stored")
        row.remote_state = POSTING  # committed before the call: the evidence of an attempt
    ref = _call(
        reply.id,
        lambda: listener.reply(aim, said, identity, when, language=language),
        refused=True,
    )
    _posted(reply.id, ref)


def _site_language() -> str | None:
    """The language a reply is tagged with when its own is not known: the site's."""
    manifest = current_app.extensions["engage_manifest"].get()
    return language_tag(manifest.site.get("language"))


def _call(reply_id: int, call: Any, *, refused: bool) -> Any:
    """The platform call; a refusal that trying again cannot mend fails the delivery. `refused`:
    the platform refused the reply itself, so none was made (a failed look-up says nothing
    about that, and the reply stays "posting": it may be there)."""
    try:
        return call()
    except PlatformError as error:
        if error.transient:
            raise
        if refused:
            with transaction():
                row = get_comment(reply_id)
                if row is not None:
                    row.remote_state = FAILED
        raise outbox.PermanentFailure(str(error)) from error


def _posted(reply_id: int, ref: PostedRef) -> None:
    with transaction():
        row = get_comment(reply_id)
        if row is None:
            return
        row.remote_state, row.remote_id, row.remote_url = POSTED, ref.id, ref.url
        audit.record(
            AuditAction.SOCIAL_REPLY_SENT,
            target=f"comment {row.parent_id}",
            user=None,
            detail=f"reply {row.id} on {row.source}: {ref.url}",
        )


def describe(payload: dict[str, Any]) -> str:
    return f"reply {payload.get('reply')} posted back on its platform"
