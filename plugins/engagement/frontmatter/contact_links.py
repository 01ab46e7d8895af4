"""Phone numbers and e-mail addresses in an editor's text become links (tel:, mailto:).

Editors write "call 01632 960123" or "email engage@example.nhs.uk" as plain text; on a phone a
reader should be able to tap them. Text already inside a link, code or preformatted block is
left as written.
"""

from __future__ import annotations

import re

# A UK number as people write it: 0 then 9 or 10 more digits, in groups split by single spaces.
PHONE = re.compile(r"(?<![\w+/.-])0\d{2,4}(?: ?\d{3,4}){1,2}(?!\w|[/.-]\w)")
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_TAG = re.compile(r"(<[^>]*>)")
_SKIP = {"a", "code", "pre", "script", "style", "textarea"}
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")


def _phone_link(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if not 10 <= len(digits) <= 11:
        return match.group(0)
    return f'<a href="tel:{digits}">{match.group(0)}</a>'


def _email_link(match: re.Match[str]) -> str:
    return f'<a href="mailto:{match.group(0)}">{match.group(0)}</a>'


def _link_text(text: str) -> str:
    """One run of text between tags, with its phone numbers and addresses linked."""
    # Phone numbers are looked for only between addresses, so digits in an address stay put.
    pieces = EMAIL.split(text)
    out = [PHONE.sub(_phone_link, pieces[0])]
    for found, piece in zip(EMAIL.finditer(text), pieces[1:], strict=True):
        out += [_email_link(found), PHONE.sub(_phone_link, piece)]
    return "".join(out)


def link_contacts(html: str) -> str:
    """`html` with each phone number and e-mail address outside links made a link."""
    if not ("@" in html or PHONE.search(html)):
        return html
    skipping = 0
    out: list[str] = []
    for part in _TAG.split(html):
        if part.startswith("<"):
            name = _TAG_NAME.match(part)
            if name and name.group(2).lower() in _SKIP and not part.endswith("/>"):
                skipping += -1 if name.group(1) else 1
                skipping = max(skipping, 0)
            out.append(part)
        else:
            out.append(part if skipping else _link_text(part))
    return "".join(out)
