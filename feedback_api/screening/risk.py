"""Risk of harm: words that suggest someone may hurt themselves, is being hurt, or needs help now.

A safety net, not a clinical service: a match makes the item urgent (first in the queue, the
moderators e-mailed at once) so a person reads it soon and can signpost help, as NHS.UK's own
moderation routes such posts to a person at once. It misses what it is not told and flags some
that are harmless; the lists are settings (ENGAGE_SAFEGUARDING_*) for a team to tune. Phrases
rather than single words, so a consultation about stroke services or substance misuse does not
make every comment urgent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .holds import Hold
from .words import watched_words

RISK = "risk"

# Defaults, one list per kind of risk, each a comma-separated setting.
SELF_HARM = (
    "suicide, suicidal, kill myself, killing myself, end my life, end it all, take my own life, "
    "self harm, self-harm, self harming, self-harming, harm myself, hurt myself, cutting myself, "
    "want to die, don't want to live, dont want to live, do not want to live, better off dead, "
    "no reason to live, took an overdose, take an overdose"
)
ABUSE = (
    "being abused, abused me, abusing me, abuses me, hits me, he hit me, she hit me, they hit me, "
    "he beats me, she beats me, they beat me, beat me up, "
    "domestic violence, domestic abuse, not safe at home, scared to go home, afraid to go home, "
    "being neglected, left alone for days, not been fed, sexually assaulted, raped, groomed"
)
EMERGENCY = (
    "chest pain, can't breathe, cant breathe, cannot breathe, struggling to breathe, "
    "not breathing, is unconscious, he collapsed, she collapsed, has just collapsed, "
    "having a stroke, having a heart attack, "
    "bleeding heavily, won't stop bleeding, anaphylaxis, having a seizure, overdosed"
)
NAMES = {
    "self_harm": "self-harm or suicide",
    "abuse": "abuse or neglect",
    "emergency": "a medical emergency",
}
# The standard signposting text offered in the reply form for an urgent item.
SIGNPOSTING = (
    "If you or someone else is in danger or needs help now, please call 999. For urgent "
    "medical help that is not an emergency, call NHS 111 or go to 111.nhs.uk. If you are "
    "struggling to cope, you can call Samaritans free, day or night, on 116 123."
)


SETTINGS = {
    "self_harm": "ENGAGE_SAFEGUARDING_SELF_HARM",
    "abuse": "ENGAGE_SAFEGUARDING_ABUSE",
    "emergency": "ENGAGE_SAFEGUARDING_EMERGENCY",
}


def lists_from(config: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """The three lists as the settings give them (the API's config)."""
    return {name: tuple(config.get(setting) or ()) for name, setting in SETTINGS.items()}  # type: ignore[call-overload]


def risks(text: str, lists: Mapping[str, Sequence[str]]) -> list[Hold]:
    """Every phrase of every list in `text` (typographic apostrophes, in the text or in a
    phrase a team typed, read as straight ones), as holds of kind "risk" whose `match` is the
    text as written."""
    plain = text.replace("\u2019", "'")
    found = []
    for phrases in lists.values():
        straight = tuple(phrase.replace("\u2019", "'") for phrase in phrases)
        found += [
            Hold(RISK, text[h.start : h.end], h.start, h.end)
            for h in watched_words(plain, straight)
        ]
    return found


def which(match: str, lists: Mapping[str, Sequence[str]]) -> str | None:
    """The kind of risk (a key of NAMES) a matched phrase is on, for the moderator's note."""
    wanted = " ".join(match.replace("\u2019", "'").lower().split())
    for name, phrases in lists.items():
        if any(" ".join(p.lower().split()) == wanted for p in phrases):
            return name
    return None
