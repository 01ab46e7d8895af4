"""Text that is safe to store and to write anywhere: pages, Atom/XML feeds, CSV, JSON.

Two moments use it. At the input boundary `clean` removes the control characters people paste
from word processors (NUL, vertical tab, form feed...) and `lone_surrogate` finds text that is
not valid Unicode, which is refused. On the way out `scrub` makes any stored value writable,
so a row stored before these checks existed cannot take a page, a feed or an export down.
"""

from __future__ import annotations

import re

# C0 controls other than tab, newline and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Not characters at all, and not allowed in XML 1.0.
_NONCHARACTER = re.compile(r"[\ufffe\uffff]")


def clean(text: str) -> str:
    """Line breaks as newlines; control characters other than tab and newline removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def lone_surrogate(text: str) -> bool:
    """True when the text holds half of a UTF-16 pair: it cannot be written as UTF-8."""
    return _SURROGATE.search(text) is not None


def scrub(text: str) -> str:
    """Any text as it can always be written: `clean`, with invalid characters as U+FFFD.

    Text printable apart from tabs and line feeds holds nothing to change (controls, surrogates
    and noncharacters are all unprintable), and nearly all stored text is such text: that check
    costs a quarter of the regular expressions, which matters on a list of hundreds of comments.
    """
    if "\r" not in text and text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return _NONCHARACTER.sub("\ufffd", _SURROGATE.sub("\ufffd", clean(text)))


def scrub_value(value: object) -> object:
    """`scrub` every string in a JSON-like value (dicts, lists, strings), keys included."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub_value(key): scrub_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_value(item) for item in value]
    return value
