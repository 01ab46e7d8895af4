"""Consultation facts the theme shows: open or closed on build day, and the outcome section."""

from __future__ import annotations

import datetime
import re
from typing import Any

# "## You said, we did" in markdown becomes an <h2> (with an id when the toc extension is on).
OUTCOME_HEADING = re.compile(r"<h2[^>]*>\s*You said,?\s+we did\s*</h2>", re.IGNORECASE)

STATUS_LABELS = {
    "upcoming": "Opens soon",
    "open": "Open",
    "closing-soon": "Closing soon",
    "closed": "Closed",
}


def status(
    opens: datetime.date, closes: datetime.date, today: datetime.date, soon_days: int
) -> str:
    """'upcoming', 'open', 'closing-soon' or 'closed'; a consultation is open all day on Closes."""
    if today < opens:
        return "upcoming"
    if today > closes:
        return "closed"
    return "closing-soon" if (closes - today).days < soon_days else "open"


def split_outcome(html: str) -> tuple[str, str | None]:
    """The body before "You said, we did", and that section (None when there is none yet)."""
    match = OUTCOME_HEADING.search(html)
    if not match:
        return html, None
    return html[: match.start()].rstrip(), html[match.start() :]


def group_by_status(consultations: list[Any]) -> dict[str, list[Any]]:
    """Open (closing soonest first), upcoming (opening soonest first), closed (latest first)."""
    groups: dict[str, list[Any]] = {"open": [], "upcoming": [], "closed": []}
    for item in consultations:
        key = "open" if item.consultation_status == "closing-soon" else item.consultation_status
        groups[key].append(item)
    groups["open"].sort(key=lambda item: item.closes)
    groups["upcoming"].sort(key=lambda item: item.opens)
    groups["closed"].sort(key=lambda item: item.closes, reverse=True)
    return groups
