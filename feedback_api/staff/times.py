"""Moments and durations as staff read them, in one place: UK local time (Europe/London) with
the zone named, UK date order, and short durations in minutes.

The database keeps every moment in UTC; a moderator in Leeds reads "2:05pm BST", never a UTC
time they must convert, on every page and in every export. The filters are registered on the
app's Jinja environment so templates never format a moment themselves.
"""

from __future__ import annotations

import datetime

from flask import Flask

from contract.manifest import SITE_ZONE
from feedback_api.storage.models import as_utc


def local(moment: datetime.datetime) -> datetime.datetime:
    """The moment in Europe/London (a naive moment is UTC, as the database gives it)."""
    return as_utc(moment).astimezone(SITE_ZONE)


def uk_date(value: datetime.datetime | datetime.date | str) -> str:
    """'1 December 2026'; a moment is first put in UK time, so late evening is the right day.
    A string is a day as the manifest and date fields give it (YYYY-MM-DD)."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    day = local(value).date() if isinstance(value, datetime.datetime) else value
    return f"{day.day} {day:%B %Y}"


def uk_clock(moment: datetime.datetime) -> str:
    """'2:05pm GMT' (or BST in summer)."""
    at = local(moment)
    return f"{at.hour % 12 or 12}:{at:%M}{'am' if at.hour < 12 else 'pm'} {at.tzname()}"


def uk_time(moment: datetime.datetime) -> str:
    """'1 December 2026 at 2:05pm GMT'."""
    return f"{uk_date(moment)} at {uk_clock(moment)}"


def uk_iso(moment: datetime.datetime) -> str:
    """ISO 8601 in UK time with its offset, for files tools read: 2026-07-01T14:05:00+01:00."""
    return local(moment).isoformat(timespec="seconds")


def duration(hours: float | None) -> str:
    """A duration given in hours, in the unit a person reads it in: '25 minutes', '3.5 hours',
    '4.0 days'; a dash when there is none."""
    if hours is None:
        return "\N{EN DASH}"
    if hours < 1:
        minutes = round(hours * 60)
        if minutes < 1:
            return "under a minute"
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


def init_app(app: Flask) -> None:
    """Make the formats filters of the app's templates."""
    app.jinja_env.filters.update(
        uk_time=uk_time, uk_date=uk_date, uk_clock=uk_clock, uk_iso=uk_iso, duration=duration
    )
