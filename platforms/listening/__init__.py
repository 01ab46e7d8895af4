"""Listening: what people say to the organisation on each platform, read back through the same
clients that post, and the organisation's answer posted in their thread.

One listener per platform, in this package, a subclass of that platform's client (so it signs in
and refuses exactly as the client does). Listeners hand back plain values and keep nothing: the
feedback API stores what they heard, screens it, keeps the cursors and decides what to read.

What a listener may be asked, each a few requests however long the account has been listening:

- `notifications(cursor)`: replies to the account, mentions of it and quotes of its posts since
  `cursor` (the first call, with no cursor, reads only the newest page);
- `thread(post_id)`: every reply now in one of our posts' threads, replies to replies included,
  so edits and deletions there can be followed;
- `search(term, cursor)`: public posts with a watched hashtag or phrase, where the platform
  offers search (Unsupported where it does not);
- `counts(post_ids)`: replies, reposts, likes and quotes of our posts (a post missing from the
  answer was deleted);
- `existing(remote_ids)`: which items heard earlier are still there (mentions outside our
  threads, which `thread()` does not re-read);
- `reply(target, text, key, when, language=)` and `find_reply(target, text)`: the
  organisation's answer in the thread, made at most once as posts are (`base.Idempotency`).

Where the account cannot do a thing (a platform with no search, an API tier without mentions,
a token without the permission) the listener raises `Unsupported`, whose message is the one line
staff read on why it was skipped.
"""

from __future__ import annotations

import datetime
import importlib
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from contract.vocabulary import PLATFORMS

from ..base import PlatformClient
from ..values import PlatformError, PostedRef

__all__ = [
    "Batch",
    "Counts",
    "Heard",
    "HeardKind",
    "Listener",
    "ReplyTarget",
    "Unsupported",
    "load",
]


class HeardKind(StrEnum):
    """Why an item reached us."""

    REPLY = "reply"  # in a thread of one of our posts (to it, or to a reply in it)
    MENTION = "mention"  # names the organisation's account
    QUOTE = "quote"  # quotes or reposts one of our posts with a comment
    TERM = "term"  # carries a watched hashtag or phrase


@dataclass(frozen=True)
class Heard:
    """One post or comment someone else wrote, as the platform serves it, in plain text."""

    platform: str
    remote_id: str  # the platform's id: what makes bringing it in twice one item
    url: str  # https address of the original, for staff to open
    kind: HeardKind
    handle: str  # the author's handle as the platform shows it (@name@server, name.bsky.social)
    name: str  # the author's display name ('' when the platform gives none)
    text: str  # plain text: HTML taken out, entities decoded, links written out in full
    created: datetime.datetime  # aware, UTC
    in_reply_to: str | None = None  # the remote id it answers, when it answers one
    post_id: str | None = None  # our cross-posted post (its platform id) whose thread it is in
    private: bool = False  # a direct or private mention: never quoted anywhere public
    edited: datetime.datetime | None = None  # when the author last edited it, if ever
    term: str | None = None  # the watched term that found it (HeardKind.TERM)
    # What a reply in its thread needs besides remote_id, JSON-safe (Bluesky: the root's and
    # this post's uri and cid; LinkedIn: the post the comment is on).
    reply_to: dict[str, str] = field(default_factory=dict)
    ours: bool = False  # written by the organisation's own account (its replies in a thread)


@dataclass(frozen=True)
class Batch:
    """What one listening call brought: items oldest first, and where the next call starts
    (None: the old cursor stands, nothing newer was seen)."""

    items: list[Heard]
    cursor: str | None = None


@dataclass(frozen=True)
class Counts:
    """How people answered one of our posts, as the platform counts."""

    replies: int = 0
    reposts: int = 0
    likes: int = 0
    quotes: int = 0


@dataclass(frozen=True)
class ReplyTarget:
    """What our reply answers: an item heard earlier, by its remote id and reply_to."""

    remote_id: str
    handle: str = ""
    reply_to: dict[str, str] = field(default_factory=dict)


class Unsupported(PlatformError):
    """The platform, the account's API tier or the token's permissions do not allow this call:
    skipped, with this one line for staff, until someone changes the account."""


class Listener(PlatformClient):
    """A platform client that also listens and replies. Subclasses implement what their
    platform offers and raise Unsupported for the rest."""

    @abstractmethod
    def notifications(self, cursor: str | None) -> Batch:
        """Replies, mentions and quotes since `cursor`, oldest first."""

    @abstractmethod
    def thread(self, post_id: str) -> Batch:
        """Every reply now in the thread of our post `post_id` (ours marked `ours`)."""

    def search(self, term: str, cursor: str | None) -> Batch:
        """Public posts with the hashtag or phrase `term` since `cursor`."""
        raise Unsupported(f"{self.name}: has no search Engage can use")

    @abstractmethod
    def counts(self, post_ids: Sequence[str]) -> dict[str, Counts]:
        """Counts per post id; a post the platform no longer has is left out."""

    def existing(self, remote_ids: Sequence[str]) -> set[str]:
        """Which of these items are still there (all of them, where the platform cannot say)."""
        return set(remote_ids)

    def reply_text(self, target: ReplyTarget, text: str) -> str:
        """The reply exactly as it will be posted (Mastodon puts the author's handle first, so
        they are told): what the preview counts."""
        return text

    @abstractmethod
    def reply(
        self,
        target: ReplyTarget,
        text: str,
        key: str,
        when: datetime.datetime,
        *,
        language: str | None = None,
    ) -> PostedRef:
        """Post `text` as our reply to `target`. `key` is stable per reply, and `when` is the
        moment staff sent it: a platform with an idempotency feature uses them so a repeat is
        the first reply. `language` is the reply's BCP 47 tag where it is known (else the
        caller's site language, else LANGUAGE): Mastodon and Bluesky tag the reply with it,
        the other platforms take no language. Raises PlatformError."""

    @abstractmethod
    def find_reply(self, target: ReplyTarget, text: str) -> PostedRef | None:
        """Our reply to `target` with this text, if an earlier try made it."""


def load(name: str) -> type[Listener]:
    """The listener class of a platform named in contract.vocabulary.PLATFORMS."""
    if name not in PLATFORMS:
        raise KeyError(f"no such platform: {name!r} (known: {', '.join(PLATFORMS)})")
    listener: type[Listener] = importlib.import_module(f"{__name__}.{name}").LISTENER
    return listener


def listeners(env: Mapping[str, str]) -> dict[str, Listener]:
    """A listener per platform whose settings are all in `env`."""
    found = {}
    for name in PLATFORMS:
        listener = load(name).from_environment(env)
        if listener is not None:
            found[name] = listener
    return found


def plain_batch(items: Sequence[Heard], cursor: str | None) -> Batch:
    """A Batch, oldest first whatever order the platform answered in."""
    return Batch(sorted(items, key=lambda item: (item.created, item.remote_id)), cursor)
