"""Working days for the response target: Monday to Friday in UK time, less bank holidays."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from feedback_api import config, settings
from feedback_api.config import SettingsError
from feedback_api.staff import responsiveness
from feedback_api.staff.responsiveness import is_working_day, working_days_between
from feedback_api.storage.models import Comment, db

LONDON = datetime.timezone(datetime.timedelta(hours=1), "BST")  # summer time, for readability
UTC = datetime.UTC


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def bst(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_easter_skips_good_friday_and_easter_monday_in_england() -> None:
    # 2026: Good Friday 3 April, Easter Monday 6 April. Thursday noon to Tuesday noon (BST):
    # half of Thursday and half of Tuesday; Friday to Monday are all holiday or weekend.
    start, end = bst(2026, 4, 2), bst(2026, 4, 7)
    assert working_days_between(start, end) == 1.0
    assert working_days_between(start, end, "wales") == 1.0
    assert working_days_between(start, end, "northern_ireland") == 1.0
    # Easter Monday is a working day in Scotland.
    assert working_days_between(start, end, "scotland") == 2.0


def test_scotland_has_2_january_and_st_andrews_day() -> None:
    # New Year's Eve noon (a Wednesday) to Monday 5 January 2026 noon; 1 January is everyone's,
    # Friday 2 January only Scotland's.
    start, end = utc(2025, 12, 31), utc(2026, 1, 5)
    assert working_days_between(start, end, "england") == 2.0
    assert working_days_between(start, end, "scotland") == 1.0
    # St Andrew's Day, Monday 30 November 2026: Friday noon to Tuesday noon.
    start, end = utc(2026, 11, 27), utc(2026, 12, 1)
    assert working_days_between(start, end, "england") == 2.0
    assert working_days_between(start, end, "scotland") == 1.0
    # On a Sunday (2025) it moves to the Monday, in Scotland only.
    assert not is_working_day(datetime.date(2025, 12, 1), "scotland")
    assert is_working_day(datetime.date(2025, 12, 1), "england")
    assert not is_working_day(datetime.date(2026, 1, 2), "scotland")
    assert is_working_day(datetime.date(2026, 1, 2), "england")


def test_the_day_is_taken_in_london_not_utc() -> None:
    # 23:30 UTC on Sunday 5 July 2026 is 00:30 on Monday in London: it counts from then, so to
    # 12:30 on Monday is half a working day (counted in UTC it would be 11.5 hours).
    sunday_night = utc(2026, 7, 5, 23, 30)
    assert working_days_between(sunday_night, bst(2026, 7, 6, 12, 30)) == 0.5
    # 23:30 UTC on a Friday is already Saturday in London: nothing counts until Monday, which
    # starts at 23:00 UTC on the Sunday.
    friday_night = utc(2026, 7, 3, 23, 30)
    assert working_days_between(friday_night, utc(2026, 7, 5, 23, 0)) == 0.0
    assert working_days_between(friday_night, sunday_night) == 0.5 / 24
    assert working_days_between(friday_night, bst(2026, 7, 6, 12)) == 0.5
    # In winter London is on UTC, and Sunday 23:30 UTC is still Sunday.
    assert working_days_between(utc(2026, 1, 11, 23, 30), utc(2026, 1, 12, 12)) == 0.5


def test_a_week_across_the_clock_change_is_five_days() -> None:
    # The clocks go back at 02:00 on Sunday 25 October 2026 (a 25-hour day, not a working day).
    london = responsiveness.SITE_ZONE
    start = datetime.datetime(2026, 10, 19, tzinfo=london)
    end = datetime.datetime(2026, 10, 26, tzinfo=london)
    assert working_days_between(start, end) == 5.0
    # Monday midnight to Monday 12:00 after the change: half a day, not 11 or 13 hours.
    assert working_days_between(end, datetime.datetime(2026, 10, 26, 12, tzinfo=london)) == 0.5


def test_christmas_and_boxing_day_move_off_the_weekend() -> None:
    # 2026: Christmas on a Friday, Boxing Day on a Saturday, so Monday 28 December is off.
    assert working_days_between(utc(2026, 12, 24), utc(2026, 12, 29)) == 1.0
    assert not is_working_day(datetime.date(2026, 12, 28))
    # 2027: both on the weekend, so Monday 27 and Tuesday 28 December are off.
    assert working_days_between(utc(2027, 12, 24), utc(2027, 12, 29)) == 1.0
    assert not is_working_day(datetime.date(2027, 12, 27))
    assert not is_working_day(datetime.date(2027, 12, 28))
    assert is_working_day(datetime.date(2027, 12, 29))
    for nation in settings.BANK_HOLIDAY_NATIONS:
        assert not is_working_day(datetime.date(2027, 12, 28), nation)


def test_naive_moments_are_utc() -> None:
    naive = datetime.datetime(2026, 7, 5, 23, 30)
    assert working_days_between(naive, bst(2026, 7, 6, 12, 30)) == 0.5


@pytest.fixture
def easter(app):
    """A comment pending since Thursday noon before Easter 2026; now is Wednesday noon after."""
    with app.app_context():
        from feedback_api.storage.pages import ensure_page

        page = "/blog/winter-vaccines/"
        ensure_page(page)
        created = bst(2026, 4, 2)
        db.session.add(
            Comment(
                page=page,
                body="x",
                html="<p>x</p>",
                status="pending",
                held_reasons=[],
                edit_token_hash="-",
                created=created,
                updated=created,
            )
        )
        db.session.commit()
    return app


def test_the_target_skips_the_chosen_nations_bank_holidays(easter) -> None:
    now = bst(2026, 4, 8)  # England: 0.5 + 1 + 0.5 = 2.0 days; Scotland: 3.0 (Easter Monday)
    with easter.app_context():
        assert easter.config["ENGAGE_BANK_HOLIDAYS"] == "england"
        england, _ = responsiveness.figures(2, now=now)
        scotland, _ = responsiveness.figures(2, now=now, nation="scotland")
        easter.config["ENGAGE_BANK_HOLIDAYS"] = "scotland"
        by_setting, _ = responsiveness.figures(2, now=now)
    assert england.waiting_over_target == 0
    assert scotland.waiting_over_target == 1
    assert by_setting.waiting_over_target == 1


def test_the_bank_holidays_setting(tmp_path) -> None:
    assert config.load(tmp_path, {}, {})["ENGAGE_BANK_HOLIDAYS"] == "england"
    values = config.load(tmp_path, {"ENGAGE_BANK_HOLIDAYS": "Northern_Ireland"}, {})
    assert values["ENGAGE_BANK_HOLIDAYS"] == "northern_ireland"
    assert set(settings.BANK_HOLIDAY_NATIONS) == set(responsiveness.SUBDIVISIONS)
    expected = r"ENGAGE_BANK_HOLIDAYS='uk' is not valid \(use england, wales, scotland or northern_"
    with pytest.raises(SettingsError, match=expected):
        config.load(tmp_path, {"ENGAGE_BANK_HOLIDAYS": "uk"}, {})


def _working_days_day_by_day(
    start: datetime.datetime, end: datetime.datetime, nation: str
) -> float:
    """The reckoning as first written: day by day in UK time, each working day's share."""
    total = datetime.timedelta()
    cursor = start.astimezone(UTC)
    end = end.astimezone(UTC)
    while cursor < end:
        day = cursor.astimezone(responsiveness.SITE_ZONE).date()
        midnight = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(), tzinfo=responsiveness.SITE_ZONE
        ).astimezone(UTC)
        step = min(end, midnight)
        if is_working_day(day, nation):
            total += step - cursor
        cursor = step
    return total / datetime.timedelta(days=1)


@settings_hypothesis(max_examples=300, deadline=None)
@given(
    start=st.datetimes(datetime.datetime(2024, 1, 1), datetime.datetime(2028, 12, 31)),
    minutes=st.integers(0, 60 * 24 * 800),
    nation=st.sampled_from(sorted(responsiveness.SUBDIVISIONS)),
)
def test_the_quick_reckoning_agrees_with_counting_day_by_day(start, minutes, nation) -> None:
    # Whole weeks at once, across clock changes, bank holidays and years, gives what walking
    # through every day gives.
    begin = start.replace(tzinfo=UTC)
    end = begin + datetime.timedelta(minutes=minutes)
    quick = working_days_between(begin, end, nation)
    assert quick == pytest.approx(_working_days_day_by_day(begin, end, nation), abs=1e-9)
