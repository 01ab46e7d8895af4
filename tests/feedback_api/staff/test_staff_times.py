"""What staff read, as they read it: UK time with the zone named on pages and in exports, UK
dates, short durations in minutes, the organisation's replies left out of counts, and no bare
instruction to "edit the front matter"."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from contract.manifest import SITE_ZONE
from feedback_api.staff.times import duration, uk_date, uk_iso, uk_time
from feedback_api.storage import comments as storage
from feedback_api.storage.models import QuestionnaireResponse, db
from fixtures.moderation_helpers import act, seed
from fixtures.surveys import CONSULTATION, survey_app

WINTER = datetime.datetime(2026, 12, 1, 14, 5, tzinfo=datetime.UTC)
SUMMER = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 2 July in London


def test_times_are_uk_local_with_the_zone_named() -> None:
    assert uk_time(WINTER) == "1 December 2026 at 2:05pm GMT"
    assert uk_time(SUMMER) == "2 July 2026 at 12:30am BST"
    assert uk_time(WINTER.replace(tzinfo=None)) == "1 December 2026 at 2:05pm GMT", "naive is UTC"
    assert uk_date(SUMMER) == "2 July 2026" and uk_date("2026-12-01") == "1 December 2026"
    assert uk_iso(SUMMER) == "2026-07-02T00:30:00+01:00"


@pytest.mark.parametrize(
    ("hours", "shown"),
    [
        (None, "\N{EN DASH}"),
        (0.004, "under a minute"),
        (1 / 60, "1 minute"),
        (0.5, "30 minutes"),
        (0.99, "59 minutes"),
        (1.0, "1.0 hours"),
        (30, "30.0 hours"),
        (72, "3.0 days"),
    ],
)
def test_durations_under_an_hour_are_in_minutes(hours, shown) -> None:
    assert duration(hours) == shown


def test_queue_comment_and_dashboard_name_the_zone(staff_app, staff) -> None:
    comment_id = seed(staff_app, "Thank you", minutes_ago=30)
    moderator = staff("moderator")
    zone = datetime.datetime.now(SITE_ZONE).tzname()
    assert f"{zone})" in moderator.get("/admin/").get_data(as_text=True)
    assert f"{zone})" in moderator.get(f"/admin/comments/{comment_id}").get_data(as_text=True)
    act(moderator, f"/admin/comments/{comment_id}/approve")
    html = moderator.get("/admin/dashboard").get_data(as_text=True)
    assert "median 30 minutes" in html and "0.5 hours" not in html


@pytest.fixture
def staff_app(tmp_path, built_site, make_app):
    """The `staff` fixture's app, reading a manifest with the test survey open today."""
    return survey_app(make_app, tmp_path, built_site)


@pytest.fixture
def survey(staff_app):
    """The app with two responses, one sent in winter and one on a summer night."""
    app = staff_app
    client = app.test_client()
    for why in ("Winter one", "Summer one"):
        answers = {"experience": "good", "travel": "car", "why": why}
        sent = client.post(
            "/api/responses", json={"questionnaire": "test-survey", "answers": answers}
        )
        assert sent.status_code == 201
    with app.app_context():
        winter, summer = db.session.scalars(
            db.select(QuestionnaireResponse).order_by(QuestionnaireResponse.id)
        ).all()
        winter.created, summer.created = WINTER, SUMMER
        db.session.commit()
    return app


def test_exports_give_uk_time(survey, staff) -> None:
    moderator = staff("moderator")
    text = moderator.get("/admin/reports/test-survey/responses.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [row["Submitted"] for row in rows] == [
        "2 July 2026 at 12:30am BST",
        "1 December 2026 at 2:05pm GMT",
    ]
    exported = moderator.get("/admin/reports/test-survey/responses.json").json
    assert exported["time_zone"].startswith("Europe/London")
    assert [r["submitted"] for r in exported["responses"]] == [
        "2026-07-02T00:30:00+01:00",
        "2026-12-01T14:05:00+00:00",
    ]
    assert exported["exported"].endswith(("+00:00", "+01:00"))
    html = moderator.get("/admin/reports/test-survey?from=2026-07-02").get_data(as_text=True)
    assert "from 2 July 2026" in html and "front matter" not in html
    assert "content/consultations/" in html


def test_official_replies_are_not_counted_as_comments(survey, staff) -> None:
    client = survey.test_client()
    posted = client.post("/api/comments", json={"page": CONSULTATION, "body": "Keep it open"})
    moderator = staff("moderator")
    act(moderator, f"/admin/comments/{posted.json['id']}/approve")
    act(moderator, f"/admin/comments/{posted.json['id']}/reply", body="Thank you, we will.")
    with survey.app_context():
        assert sum(c.official for c in storage.find_comments(page=CONSULTATION)) == 1
    html = moderator.get("/admin/reports/test-survey").get_data(as_text=True)
    section = html[html.index('id="comments"') :]
    assert "1 published (and 1 reply from us, not counted)" in section
