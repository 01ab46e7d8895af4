"""The public responsiveness figures, from the same export as the baked comments (its
`responsiveness` section, written by the API from the staff's own figures): per consultation
and site-wide, questions asked, how many were answered within the target, the median time to a
first reply and the replies that said a change is planned or made.

The file comes from another program: every value is checked here, and one that is not what the
API writes stops the build with a sentence saying which, never a traceback or a broken page.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from engagement.problems import ContentError

COUNTS = ("questions", "answered", "answered_within_target", "change_planned", "change_made")
# More than any organisation is asked: a larger number is a damaged file, not a figure.
MOST = 10**9
MOST_HOURS = 24 * 366 * 100.0
# Below this many questions a share says little and can point at one person: counts only.
SMALL = 5


def load(document: dict[str, Any], path: str) -> dict[str, Any] | None:
    """{target, computed, site, pages} with checked figures, or None for an export without
    the section (an older API's, or none at all)."""
    section = document.get("responsiveness")
    if section is None:
        return None
    where = f"settings: ENGAGE_COMMENTS_EXPORT {path}: responsiveness"
    if not isinstance(section, dict) or not isinstance(section.get("pages"), dict):
        raise ContentError(f"{where} is not the figures `comments export-site` writes.")
    target = section.get("target_working_days")
    if not _number(target) or not 0 < target <= 365:
        raise ContentError(f"{where}.target_working_days should be a number of working days.")
    return {
        "target": target,
        "computed": _day(section.get("computed"), f"{where}.computed"),
        "site": _figures(section.get("site"), f"{where}.site"),
        "pages": {
            str(url): _figures(entry, f"{where}.pages[{url!r}]")
            for url, entry in section["pages"].items()
        },
    }


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _figures(entry: Any, where: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ContentError(f"{where} is not the figures `comments export-site` writes.")
    figures: dict[str, Any] = {}
    for name in COUNTS:
        value = entry.get(name, 0)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MOST:
            raise ContentError(f"{where}.{name} should be a whole number, 0 or more: {value!r}.")
        figures[name] = value
    if not figures["answered_within_target"] <= figures["answered"] <= figures["questions"]:
        raise ContentError(f"{where}: more questions answered than asked; write the export again.")
    median = entry.get("median_hours_to_first_reply")
    if median is not None and (not _number(median) or not 0 <= median <= MOST_HOURS):
        raise ContentError(f"{where}.median_hours_to_first_reply should be hours: {median!r}.")
    figures["median"] = None if median is None else duration(median)
    asked = figures["questions"]
    figures["share"] = (
        round(100 * figures["answered_within_target"] / asked) if asked >= SMALL else None
    )
    period = entry.get("period") or {}
    if not isinstance(period, dict):
        raise ContentError(f"{where}.period should be its first and last day.")
    figures["since"] = _day(period.get("from"), f"{where}.period.from", optional=True)
    return figures


def _day(value: Any, where: str, optional: bool = False) -> datetime.date | None:
    if value is None and optional:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise ContentError(f"{where} should be a date (YYYY-MM-DD): {value!r}.") from None


def duration(hours: float) -> str:
    """Hours in the words a reader uses: 'less than an hour', '5 hours', '3 days'."""
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        whole = round(hours)
        return f"{whole} hour{'s' if whole != 1 else ''}"
    return f"{round(hours / 24)} days"
