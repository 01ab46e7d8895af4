"""Channels: how a reader reached the page they wrote on, told by a plain word in the link.

The cross-poster's links say where they were posted (`?via=mastodon`); a newsletter's, a
poster's QR code or an e-mail's links can say so too (`?via=newsletter`, `?via=poster-library`).
The word is all there is: no cookie, identifier or script follows the reader. The page's form
sends the word on (a hidden field its script fills, or the page's own address in the Referer
when JavaScript is off) and the API stores it with the comment or response, so reports can
say which channels reached whom.

All three programs read the same setting, `ENGAGE_CROSSPOST_VIA`: the name of the parameter
(`via` unless set), or `off` for links without a marker. `via`, and `utm_source` (which mailing
tools add by themselves), are read whatever the setting says, so links already printed keep
working when it changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from contract.vocabulary import Platform

PARAMETER = "via"
OFF = ("off", "no", "false", "0", "none")
ALSO_READ = (PARAMETER, "utm_source")
DIRECT = "site"  # no marker: the reader came to the page some other way
MAX_LENGTH = 40
_WORD = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
_SEPARATORS = re.compile(r"[\s_.+]+")

PLATFORM_LABELS = {
    Platform.MASTODON: "Mastodon",
    Platform.BLUESKY: "Bluesky",
    Platform.X: "X",
    Platform.FACEBOOK: "Facebook",
    Platform.LINKEDIN: "LinkedIn",
}
LABELS = {
    DIRECT: "Direct to the website",
    "email": "E-mail",
    "newsletter": "Newsletter",
    "poster": "Poster",
    "qr": "QR code",
    "leaflet": "Leaflet",
    "event": "Event",
    "sms": "Text message",
    "kiosk": "Tablet or kiosk",
    **{str(platform): name for platform, name in PLATFORM_LABELS.items()},
}
NOT_RECORDED = "Not recorded"  # comments and responses from before channels were recorded


def parameter(setting: str | None) -> str | None:
    """The parameter the cross-poster adds, from `ENGAGE_CROSSPOST_VIA`; None when it is off."""
    value = (setting or "").strip()
    if not value:
        return PARAMETER
    if value.lower() in OFF:
        return None
    return value


def clean(value: object) -> str | None:
    """The channel a marker names, as stored: lower case letters, digits and hyphens, at most
    40 (`Poster Library` -> `poster-library`); None for anything else (so a marker nobody
    could have printed, or a hostile one, counts as no marker rather than losing the comment)."""
    if not isinstance(value, str) or len(value) > 2 * MAX_LENGTH:
        return None
    word = _SEPARATORS.sub("-", value.strip().lower()).strip("-")
    return word if _WORD.fullmatch(word) else None


def read(query: Mapping[str, str] | str, name: str | None = None) -> str | None:
    """The channel a page address's query (or its parsed fields) names: the parameter `name`
    first, then `via` and `utm_source`; None when none of them names one."""
    fields = dict(parse_qsl(query, keep_blank_values=True)) if isinstance(query, str) else query
    for key in dict.fromkeys([*([name] if name else []), *ALSO_READ]):
        if found := clean(fields.get(key)):
            return found
    return None


def marked(url: str, channel: str, name: str | None) -> str:
    """`url` with the channel's marker (`name`=`channel`) in its query, replacing one already
    there; `url` unchanged when markers are off (`name` None). The fragment stays last."""
    if not name:
        return url
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(key, value) for key, value in query if key != name] + [(name, channel)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def label(channel: str | None) -> str:
    """How reports name a channel: `poster-library` is "Poster: library"."""
    if channel is None:
        return NOT_RECORDED
    if channel in LABELS:
        return LABELS[channel]
    kind, _, rest = channel.partition("-")
    if kind in LABELS and rest:
        return f"{LABELS[kind]}: {rest.replace('-', ' ')}"
    return channel
