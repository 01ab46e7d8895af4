"""The base every platform client stands on. What the rest of the code knows about a platform it
learns here, from the platform's own module: its name, how it counts a post and its limit
(`rules`), the settings its client reads (`settings`, and one `from_environment` for all), how a
retry is made safe there (`idempotency`) and how far back `find()` looks (`look_back`)."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self

from contract import languages
from contract.vocabulary import Platform

from .settings import Setting, read, unset
from .values import Composed, PostedRef

TIMEOUT = 30.0  # seconds for any one request: a hung platform must not hold the whole run
USER_AGENT = "Engage-crosspost/0.1"
# The language a post or reply is tagged with when nothing says which (an entry from a feed
# without a manifest, a staff reply whose language is not known): English.
LANGUAGE = "en"


@dataclass(frozen=True)
class Rules:
    """How a platform counts a post and what it takes: what the composer must know to promise
    a post will not be refused, and where it puts the link."""

    limit: int  # the longest post, counted by `count`
    count: Callable[[str], int]  # a post's length as the platform counts it
    max_hashtags: int  # more reads as spam; the first tags in the manifest are the main ones
    max_bytes: int | None = None  # Bluesky also limits UTF-8 bytes
    link_in_text: bool = True  # Facebook takes the link as a separate `link` parameter
    card: bool = False  # the platform shows a preview card built from Composed.card
    facets: bool = False  # Bluesky: links and hashtags are marked by UTF-8 byte ranges
    little: bool = False  # LinkedIn: its "little" text format, reserved characters escaped

    def fits(self, text: str, limit: int | None = None) -> bool:
        """Whether the platform takes `text`, against `limit` (a server's own) or its usual."""
        # UTF-8 bytes (counting.utf8_bytes, not imported: this module loads no third party)
        if self.max_bytes is not None and len(text.encode("utf-8")) > self.max_bytes:
            return False
        return self.count(text) <= (self.limit if limit is None else limit)


def language_tag(tag: object) -> str | None:
    """`tag` as BCP 47 writes it ("EN-gb" -> "en-GB"), or None when it is not a well-formed tag:
    what a platform taking BCP 47 is sent (Bluesky's `langs`)."""
    return languages.canonical(tag)


def iso639(tag: object) -> str:
    """The ISO 639 code of a tag's language, without region or script ("en-GB" -> "en"; BCP 47
    uses the two-letter code wherever ISO 639-1 has one): what Mastodon's `language` takes.
    LANGUAGE when `tag` is not a well-formed tag."""
    found = language_tag(tag)
    return found.split("-", 1)[0] if found else LANGUAGE


def bcp47(tag: object) -> str:
    """`tag` as BCP 47 writes it, LANGUAGE when it is not a well-formed tag."""
    return language_tag(tag) or LANGUAGE


class Idempotency(StrEnum):
    """How a retry of a post is made safe on a platform, so a lost answer or a crash between the
    call and the ledger's update never makes a second post."""

    # The platform keeps a key sent with the post for a while (Mastodon's Idempotency-Key: an
    # hour) and answers a repeat with the first post. Safe within a run; a retry in a later run
    # (hours later, perhaps) looks first, as LOOK_FIRST.
    KEY = "key"
    # The post is written at a key fixed by the entry, and the platform refuses a second post
    # there (Bluesky's record key): a repeat is always safe.
    RECORD_KEY = "record key"
    # Nothing of the kind: before any call after the first, find() looks for the post among the
    # account's latest `look_back` posts (X, Facebook, LinkedIn).
    LOOK_FIRST = "look first"


class PlatformClient(ABC):
    """A client for one account on one platform, and that platform's facts, as class
    attributes every subclass sets (checked when the class is made):

    - `name`: the platform, as contract.vocabulary names it;
    - `rules`: its post length, counted its way, and what the composer puts where;
    - `settings`: the ENGAGE_<NAME>_* variables it reads; each is passed to the constructor as
      the keyword named by the rest of the variable's name, lower case (ENGAGE_X_API_KEY ->
      api_key), so `from_environment` serves every platform;
    - `idempotency`: how a retry is made safe there;
    - `look_back`: how many of the account's latest posts find() reads (None where find() reads
      the one place the post must be, Bluesky's record key).
    """

    name: ClassVar[Platform]
    rules: ClassVar[Rules]
    settings: ClassVar[tuple[Setting, ...]]
    idempotency: ClassVar[Idempotency]
    look_back: ClassVar[int | None]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in vars(cls):
            _check(cls)

    # --- Settings --------------------------------------------------------------------------

    @classmethod
    def prefix(cls) -> str:
        """What every one of the platform's settings starts with: ENGAGE_MASTODON_."""
        return f"ENGAGE_{cls.name.upper()}_"

    @classmethod
    def argument(cls, setting: Setting) -> str:
        """The constructor's keyword for a setting: ENGAGE_X_API_KEY -> api_key."""
        return setting.name.removeprefix(cls.prefix()).lower()

    @classmethod
    def missing(cls, env: Mapping[str, str]) -> list[str]:
        """The settings still to set before posting there, in declaration order."""
        return unset(cls.settings, env)

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> Self | None:
        """A client from the platform's settings in `env` (defaults filled in), or None when a
        required one is missing. Making a client calls nobody."""
        values = read(cls.settings, env)
        if values is None:
            return None
        return cls(**{cls.argument(setting): values[setting.name] for setting in cls.settings})

    # --- Posting ---------------------------------------------------------------------------

    @abstractmethod
    def publish(self, composed: Composed, key: str) -> PostedRef:
        """Post `composed`. `key` is stable per (entry, platform): clients whose platform
        supports idempotency (Mastodon's Idempotency-Key) use it so a retry cannot create a
        second post. Raises PlatformError."""

    @abstractmethod
    def find(self, composed: Composed) -> PostedRef | None:
        """Look for a post already made for this entry (among the latest `look_back` posts,
        one containing its link): used before a retry where a repeat is not safe. Raises
        PlatformError."""

    def repeat_is_safe(self, *, same_run: bool) -> bool:
        """Whether publish() may simply be called again for a post an earlier call may have
        made, or find() must look first. `same_run`: that call was made minutes ago, in this
        run, not in an earlier one."""
        if self.idempotency is Idempotency.KEY:
            return same_run
        return self.idempotency is Idempotency.RECORD_KEY

    def max_characters(self) -> int | None:
        """The account's own length limit where the platform says (a Mastodon server's
        max_characters), else None: the composer keeps `rules.limit`."""
        return None


def _check(cls: type[PlatformClient]) -> None:
    """A platform client says every fact about its platform, and takes its own settings."""
    try:
        Platform(cls.name)
    except ValueError:
        raise TypeError(f"{cls.__name__}: {cls.name!r} is not a platform in Platform") from None
    for attribute in ("rules", "settings", "idempotency", "look_back"):
        if not hasattr(cls, attribute):
            raise TypeError(f"{cls.__name__} does not say its {attribute}")
    parameters = inspect.signature(cls.__init__).parameters
    for setting in cls.settings:
        if not setting.name.startswith(cls.prefix()):
            raise TypeError(f"{cls.__name__}: {setting.name} does not start {cls.prefix()}")
        if cls.argument(setting) not in parameters:
            raise TypeError(
                f"{cls.__name__}() takes no {cls.argument(setting)!r} for {setting.name}"
            )
    given = {cls.argument(setting) for setting in cls.settings}
    needed = [
        name
        for name, parameter in list(parameters.items())[1:]
        if parameter.default is parameter.empty
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    ]
    if unfed := [name for name in needed if name not in given]:
        raise TypeError(f"{cls.__name__}() needs {', '.join(unfed)}, which no setting gives")
