"""The Friends and Family Test return through the real API and database: answers seeded across
UK month boundaries (in summer, when UK midnight is 23:00 UTC, and in winter, when it is not),
every count and percentage checked against values worked out by hand, in the CSV the download
and the command give."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest

from feedback_api.staff.reports import fft_return
from feedback_api.storage.models import AuditEntry, QuestionnaireResponse, db
from fixtures.surveys import SURVEY, survey_app, survey_manifest

UTC = datetime.UTC
HEADER = [
    "Month",
    "Service",
    "Mode of collection",
    "Very good",
    "Good",
    "Neither good nor poor",
    "Poor",
    "Very poor",
    "Don't know",
    "Total",
    "Percentage positive",
    "Percentage negative",
]
# (answer to "experience", when it was received, in UTC), oldest first.
ANSWERS = [
    ("very_good", datetime.datetime(2026, 7, 31, 23, 30, tzinfo=UTC)),  # 1 Aug, 00:30 BST
    ("very_good", datetime.datetime(2026, 8, 10, 12, 0, tzinfo=UTC)),
    ("good", datetime.datetime(2026, 8, 15, 12, 0, tzinfo=UTC)),
    ("poor", datetime.datetime(2026, 8, 20, 12, 0, tzinfo=UTC)),
    ("dont_know", datetime.datetime(2026, 8, 31, 22, 59, tzinfo=UTC)),  # 31 Aug, 23:59 BST
    ("very_poor", datetime.datetime(2026, 8, 31, 23, 30, tzinfo=UTC)),  # 1 Sep, 00:30 BST
    ("good", datetime.datetime(2026, 9, 5, 12, 0, tzinfo=UTC)),
    ("neither", datetime.datetime(2026, 9, 12, 12, 0, tzinfo=UTC)),
    ("good", datetime.datetime(2026, 9, 20, 12, 0, tzinfo=UTC)),
    ("dont_know", datetime.datetime(2026, 9, 25, 12, 0, tzinfo=UTC)),
    ("very_good", datetime.datetime(2026, 9, 30, 22, 30, tzinfo=UTC)),  # 30 Sep, 23:30 BST
    ("very_good", datetime.datetime(2026, 9, 30, 23, 30, tzinfo=UTC)),  # 1 Oct, 00:30 BST
    ("poor", datetime.datetime(2026, 10, 31, 23, 30, tzinfo=UTC)),  # 31 Oct, 23:30 GMT
    ("good", datetime.datetime(2026, 11, 1, 0, 30, tzinfo=UTC)),  # 1 Nov, 00:30 GMT
]
# Worked out by hand from ANSWERS: August 2 very good, 1 good, 1 poor, 1 don't know (5):
# positive 3/5 = 60.0%, negative 1/5 = 20.0%. September 1 very good, 2 good, 1 neither,
# 1 very poor, 1 don't know (6): positive 3/6 = 50.0%, negative 1/6 = 16.7%. October 1 very
# good and 1 poor: 50.0% and 50.0%. November 1 good: 100.0% and 0.0%.
EXPECTED = [
    ["2026-08", "Test survey", "Online", "2", "1", "0", "1", "0", "1", "5", "60.0", "20.0"],
    ["2026-09", "Test survey", "Online", "1", "2", "1", "0", "1", "1", "6", "50.0", "16.7"],
    ["2026-10", "Test survey", "Online", "1", "0", "0", "1", "0", "0", "2", "50.0", "50.0"],
    ["2026-11", "Test survey", "Online", "0", "1", "0", "0", "0", "0", "1", "100.0", "0.0"],
]
SERVICE = "Vale Cross Minor Injuries Unit"


@pytest.fixture
def staff_app(tmp_path: Path, built_site: Path, make_app):
    """The reports' app (the one `staff` signs in to), its manifest also holding a
    questionnaire that names its service and one without the Friends and Family Test question."""
    manifest = json.loads(Path(survey_manifest(tmp_path, built_site)).read_text())
    manifest["questionnaires"]["named-survey"] = {
        **SURVEY,
        "id": "named-survey",
        "service": f"  {SERVICE} ",
    }
    manifest["questionnaires"]["no-fft"] = {
        **SURVEY,
        "id": "no-fft",
        "questions": [q for q in SURVEY["questions"] if q["type"] != "fft"],
    }
    # Beside the one survey_app writes, which it would otherwise write over.
    path = tmp_path / "fft-engagement.json"
    path.write_text(json.dumps(manifest))
    return survey_app(make_app, tmp_path, built_site, ENGAGE_MANIFEST=str(path))


@pytest.fixture
def answered(staff_app):
    """ANSWERS sent through the API, plus a honeypot catch in August, moved to their moments."""
    client = staff_app.test_client()
    for experience, _ in ANSWERS:
        answer = client.post(
            "/api/responses",
            json={
                "questionnaire": "test-survey",
                "answers": {"experience": experience, "travel": "car"},
            },
        )
        assert answer.status_code == 201, answer.json
    client.post(
        "/api/responses",
        json={
            "questionnaire": "test-survey",
            "answers": {"experience": "very_poor", "travel": "car"},
            "website": "spam",
        },
    )
    moments = [moment for _, moment in ANSWERS] + [datetime.datetime(2026, 8, 12, tzinfo=UTC)]
    with staff_app.app_context():
        found = db.session.scalars(
            db.select(QuestionnaireResponse).order_by(QuestionnaireResponse.id)
        ).all()
        assert len(found) == len(moments)
        for response, moment in zip(found, moments, strict=True):
            response.created = moment
        db.session.commit()
    return staff_app


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_counts_and_percentages_per_uk_month_match_hand_computed_values(answered) -> None:
    months = fft_return.months_between(datetime.date(2026, 7, 1), datetime.date(2026, 12, 1))
    with answered.app_context():
        definition = answered.extensions["engage_manifest"].get().questionnaires["test-survey"]
        rows = fft_return.fft_return(definition, months)
    by_month = {row.month: row for row in rows}
    assert list(by_month) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    august = by_month["2026-08"]
    assert august.counts == {
        "very_good": 2,
        "good": 1,
        "neither": 0,
        "poor": 1,
        "very_poor": 0,
        "dont_know": 1,
    }, "31 July 23:30 UTC is August in BST; 31 August 23:30 UTC is not; spam left out"
    assert (august.total, august.positive_pct, august.negative_pct) == (5, 60.0, 20.0)
    september = by_month["2026-09"]
    assert september.counts["very_poor"] == 1 and september.counts["very_good"] == 1
    assert (september.total, september.positive_pct, september.negative_pct) == (6, 50.0, 16.7)
    assert by_month["2026-10"].counts["poor"] == 1, "31 October 23:30 UTC is October in GMT"
    assert by_month["2026-11"].total == 1
    for empty in ("2026-07", "2026-12"):
        row = by_month[empty]
        assert row.mode == "Online" and row.total == 0 and row.positive_pct is None


def test_the_command_writes_the_return_as_csv(answered) -> None:
    runner = answered.test_cli_runner()
    result = runner.invoke(
        args=["reports", "fft-return", "test-survey", "--from", "2026-08", "--to", "2026-11"]
    )
    assert result.exit_code == 0, result.output
    assert read(result.output) == [HEADER, *EXPECTED]
    one = runner.invoke(args=["reports", "fft-return", "test-survey", "--month", "2026-09"])
    assert read(one.output) == [HEADER, EXPECTED[1]]


def test_the_command_names_the_service_and_refuses_what_it_cannot_do(answered) -> None:
    runner = answered.test_cli_runner()
    named = runner.invoke(args=["reports", "fft-return", "named-survey", "--month", "2026-09"])
    assert read(named.output)[1] == [
        "2026-09",
        SERVICE,
        "Online",
        *["0"] * 7,
        "",
        "",
    ], "the manifest's service name, and a month without answers is still there"
    for args, message in (
        (["no-fft"], "does not ask the Friends and Family Test question"),
        (["nope"], "There is no questionnaire 'nope'"),
        (["test-survey", "--month", "November"], "is not a month written as YYYY-MM"),
        (["test-survey", "--month", "2026-13"], "is not a month written as YYYY-MM"),
        (["test-survey", "--from", "2026-11", "--to", "2026-08"], "--to is before --from"),
        (["test-survey", "--month", "2026-11", "--to", "2026-12"], "either --month or --from"),
    ):
        result = runner.invoke(args=["reports", "fft-return", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)


def test_the_download_is_for_staff_and_audited(answered, staff) -> None:
    path = "/admin/reports/test-survey/fft-return.csv?month=2026-08"
    anonymous = answered.test_client().get(path)
    assert anonymous.status_code == 302 and "/admin/sign-in" in anonymous.headers["Location"]
    moderator = staff("moderator")
    answer = moderator.get(path)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert 'filename="test-survey-fft-return-2026-08.csv"' in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a byte-order mark for Excel"
    assert read(text[1:]) == [HEADER, EXPECTED[0]]
    assert moderator.get("/admin/reports/no-fft/fft-return.csv").status_code == 404
    assert moderator.get("/admin/reports/test-survey/fft-return.csv?month=soon").status_code == 400
    with answered.app_context():
        entries = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "responses exported")
        ).all()
        assert [(e.target, e.detail) for e in entries] == [
            ("test-survey", "Friends and Family Test return, 2026-08")
        ]


def test_the_report_page_links_the_last_complete_months(answered, staff) -> None:
    moderator = staff("moderator")
    html = moderator.get("/admin/reports/test-survey").get_data(as_text=True)
    for month in fft_return.last_complete_months(3):
        link = f"/admin/reports/test-survey/fft-return.csv?month={month:%Y-%m}"
        assert link in html and f"Friends and Family Test return for {month:%B %Y}" in html
    without = moderator.get("/admin/reports/no-fft").get_data(as_text=True)
    assert "fft-return.csv" not in without


def test_months_are_read_and_counted_in_uk_time() -> None:
    assert fft_return.last_complete_months(2, datetime.date(2027, 1, 15)) == [
        datetime.date(2026, 12, 1),
        datetime.date(2026, 11, 1),
    ]
    assert fft_return.months_between(datetime.date(2026, 11, 1), datetime.date(2027, 2, 1))[
        -2:
    ] == [datetime.date(2027, 1, 1), datetime.date(2027, 2, 1)]
    assert fft_return.parse_month("2026-11") == datetime.date(2026, 11, 1)
    for wrong in ("2026-1", "26-11", "2026/11", "2026-11-01", ""):
        with pytest.raises(ValueError):
            fft_return.parse_month(wrong)
    assert fft_return.mode_of(None) == "Online"


def test_a_formula_in_a_service_name_is_defused() -> None:
    row = fft_return.ReturnRow(
        "2026-11", "=HYPERLINK(1)", "Online", dict.fromkeys(fft_return.VALUES, 0), 0, None, None
    )
    assert read(fft_return.to_csv([row]))[1][1] == "'=HYPERLINK(1)"
