"""Where personal data sits in a text, from the reasons screening stored with it, and the text
with it cut out: shared by the workspace (which marks it) and the reports' answer index (which
searches the text without it), so both read the stored offsets the same careful way."""

from __future__ import annotations

from feedback_api.screening import BODY

KIND_NAMES = {
    "nhs_number": "NHS number",
    "phone": "phone number",
    "email": "email address",
    "postcode": "postcode",
    "address": "address",
    "date_of_birth": "date of birth",
    "links": "links",
    "word": "watched word",
    "risk": "risk of harm",
}


def held_spans(body: str, reasons: list[dict]) -> list[tuple[int, int, str]]:
    """(start, end, kind name) of each held span in the body, in order.

    Offsets come from the database: they are clamped to the text, and a span overlapping one
    already taken (or empty) is skipped rather than trusted. Reasons found in another field
    (the author's name) have offsets into that field, never into the body.
    """
    spans = []
    for reason in reasons or []:
        if not isinstance(reason, dict) or reason.get("field", BODY) != BODY:
            continue
        try:
            start, end = int(reason["start"]), int(reason["end"])
        except (KeyError, TypeError, ValueError):
            continue
        name = KIND_NAMES.get(str(reason.get("kind")), "held text")
        spans.append((max(0, min(start, len(body))), max(0, min(end, len(body))), name))
    kept: list[tuple[int, int, str]] = []
    cursor = 0
    for start, end, name in sorted(spans):
        if start < cursor or end <= start:
            continue
        kept.append((start, end, name))
        cursor = end
    return kept


def redacted(body: str, reasons: list[dict], placeholder: str = "[{} removed]") -> str:
    """The text with each held span replaced by what it was, e.g. '[phone number removed]'.
    Words suggesting a risk of harm are kept: they are why a person reads it, not someone's
    details."""
    pieces: list[str] = []
    cursor = 0
    kept = [r for r in reasons or [] if not (isinstance(r, dict) and r.get("kind") == "risk")]
    for start, end, name in held_spans(body, kept):
        pieces.append(body[cursor:start])
        pieces.append(placeholder.format(name))
        cursor = end
    pieces.append(body[cursor:])
    return "".join(pieces)
