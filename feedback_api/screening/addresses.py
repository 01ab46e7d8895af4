"""Link addresses, read for the personal data they carry.

A postcode in a map link (`?q=SW1A%201AA`), a phone number in a `tel:` or WhatsApp link
(`https://wa.me/447700900123`), an email in `mailto:` are published as surely as text. Each address
(markdown link targets, autolinks and bare URLs) is cut at its delimiters into parts, percent-
decoded (twice, for double encoding), `+` read as a space in a query, and, in messaging links, a
number written internationally without its `+` given one, so the ordinary rules find them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .reading import Builder, Reading

# Bare addresses in the text: web addresses, and the schemes that dial, message or mail someone.
_BARE = re.compile(
    r"(?<![\w@.+-])(?:"
    r"(?:https?|ftp)://|www\.|(?:wa|t|signal|m)\.me/"
    r"|(?:mailto|tel|callto|sms|smsto|mms|whatsapp|viber|signal|sgnl|skype|facetime"
    r"|facetime-audio|tg|imessage|fb-messenger|wtai|line|weixin):"
    r")[^\s<>\"'\[\]{}|\\^`]{1,2000}+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)'\""
_MESSAGING = re.compile(
    r"^(?:tel|callto|sms|smsto|mms|whatsapp|viber|signal|sgnl|skype|facetime|facetime-audio|tg"
    r"|imessage|fb-messenger|wtai):"
    r"|(?:^|[/.])(?:wa\.me|whatsapp\.com|t\.me|telegram\.me|signal\.me|viber\.com|m\.me)(?:/|$)"
    r"|[?&#](?:phone|number|tel|mobile|msisdn|to|recipient|contact)=",
    re.IGNORECASE,
)
# A UK number written internationally without its "+", as messaging links want it.
_BARE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:00)?(?=44[1-9]\d{8,9}(?!\d))")
_PERCENTS = re.compile(r"(?:%[0-9A-Fa-f]{2})++")
_PATH_DELIMITERS = frozenset("/:?#;")
_QUERY_DELIMITERS = frozenset("&=;#")
_PART = ", "  # between parts: no rule reads across a comma and a space


def bare_addresses(reading: Reading) -> list[Reading]:
    """The addresses written out in the text, as parts of it (still mapped to the source)."""
    found = []
    for m in _BARE.finditer(reading.text):
        address = m.group()
        while address and address[-1] in _TRAILING:
            if address[-1] == ")" and address.count("(") >= address.count(")"):
                break
            address = address[:-1]
        found.append(reading.part(m.start(), m.start() + len(address)))
    return found


def decoded(address: Reading) -> Reading:
    """An address as the parts a person would read in it, decoded, mapped to the source."""
    parts = _parts(address)
    for _ in range(2):
        if "%" not in parts.text:
            break
        parts = _percent_decoded(parts)
    if _MESSAGING.search(address.text):
        parts = _with_plus(parts)
    return parts


def _parts(address: Reading) -> Reading:
    """Delimiters become part breaks; in a query `+` is a space (but `+44` stays a number)."""
    text, builder = address.text, Builder()
    in_query = False
    at_part_start = True
    for i, char in enumerate(text):
        start, end = address.starts[i], address.ends[i]
        delimiters = _QUERY_DELIMITERS if in_query else _PATH_DELIMITERS
        if char in delimiters:
            in_query = in_query or char == "?"
            builder.put(_PART, start, end)
            at_part_start = True
            continue
        if char == "+" and not (at_part_start and text[i + 1 : i + 2].isdigit()):
            builder.put(" ", start, end)
        else:
            builder.put(char, start, end)
        at_part_start = False
    return builder.reading()


def _replaced(
    reading: Reading, pattern: re.Pattern[str], put: Callable[[Builder, re.Match[str]], None]
) -> Reading:
    """The reading with each match of `pattern` replaced by what `put` writes; the rest copied
    with its map to where it was typed."""
    builder, cursor = Builder(), 0
    for m in pattern.finditer(reading.text):
        _copy_mapped(builder, reading, cursor, m.start())
        cursor = m.end()
        put(builder, m)
    _copy_mapped(builder, reading, cursor, len(reading.text))
    return builder.reading()


def _percent_decoded(reading: Reading) -> Reading:
    """%XX runs as the UTF-8 text they encode, each run mapped to where it was typed."""

    def put(builder: Builder, m: re.Match[str]) -> None:
        chars = bytes.fromhex(m.group().replace("%", "")).decode("utf-8", "replace")
        builder.stands_for(chars, reading.starts[m.start()], reading.ends[m.end() - 1])

    return _replaced(reading, _PERCENTS, put)


def _with_plus(reading: Reading) -> Reading:
    """Messaging links write +44 7700 900123 as 447700900123: put the "+" back (zero width)."""

    def put(builder: Builder, m: re.Match[str]) -> None:
        if m.group():  # 0044: the "+" stands for the 00
            builder.put("+", reading.starts[m.start()], reading.ends[m.end() - 1])
        else:
            where = reading.starts[m.end()]
            builder.put("+", where, where)

    return _replaced(reading, _BARE_INTERNATIONAL, put)


def _copy_mapped(builder: Builder, reading: Reading, start: int, end: int) -> None:
    if start < end:
        builder.parts.append(reading.text[start:end])
        builder.starts.extend(reading.starts[start:end])
        builder.ends.extend(reading.ends[start:end])
