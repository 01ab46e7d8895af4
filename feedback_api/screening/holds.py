"""What screening reports: one Hold per reason, with where it is in the text it was found in."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = (
    "nhs_number",
    "phone",
    "email",
    "postcode",
    "address",
    "date_of_birth",
    "links",
    "word",
    "risk",
)
BODY = "body"


@dataclass(frozen=True)
class Hold:
    """One reason to hold an item, with where it is, so the moderator can see it.

    `start`/`end` are offsets into the text as the writer typed it (the stored body, or the
    author's name when `field` is "author"), so the queue can mark and redact exactly that.
    """

    kind: str
    match: str
    start: int
    end: int
    field: str = BODY

    def as_dict(self) -> dict[str, object]:
        """The hold as stored with the item; `field` only when it is not the body."""
        found: dict[str, object] = {
            "kind": self.kind,
            "match": self.match,
            "start": self.start,
            "end": self.end,
        }
        if self.field != BODY:
            found["field"] = self.field
        return found


def without_overlaps(holds: Iterable[Hold]) -> list[Hold]:
    """One kind per stretch of text: the longest span, then the earlier kind, explains it best."""
    kept: list[Hold] = []
    starts: list[int] = []  # of the kept holds, which never overlap: sorted starts, sorted ends
    for hold in sorted(holds, key=lambda h: (h.start - h.end, KINDS.index(h.kind), h.start)):
        i = bisect.bisect_left(starts, hold.end)
        if i and kept[i - 1].end > hold.start:
            continue
        starts.insert(i, hold.start)
        kept.insert(i, hold)
    return kept


def in_order(holds: Iterable[Hold]) -> list[Hold]:
    """Holds in order of position, as moderators read them."""
    return sorted(holds, key=lambda h: (h.start, h.end, KINDS.index(h.kind)))
