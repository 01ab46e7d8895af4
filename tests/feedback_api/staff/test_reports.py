"""Staff reports through the real API and database: figures for a seeded set of responses checked
against values worked out by hand, filters, breakdowns, exports read back with the csv module,
who may see what, and the report pages in Chromium with axe-core."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

from feedback_api.storage.models import AuditEntry, QuestionnaireResponse, db
from fixtures.browser import assert_accessible, assert_fits_320_px
from fixtures.nu import nu_errors
from fixtures.servers import serving
from fixtures.staff import PASSWORD, sign_in_with_form
from fixtures.surveys import CONSULTATION, survey_app

PHONE = "07700 900123"
# (experience, travel, why, used, equality_age): seven people, worked out by hand below.
PEOPLE = [
    ("very_good", "car", "Friendly staff and a short wait.", ["gp"], "16_24"),
    ("very_good", "bus", f"Call me on {PHONE} about the long wait.", ["gp", "pharmacy"], "16_24"),
    ("good", "car", "The long wait was worth it.", [], "16_24"),
    ("neither", "car", "", ["pharmacy"], "prefer_not_to_say"),
    ("poor", "car", '=HYPERLINK("http://evil.example") long wait', [], None),
    ("very_poor", "car", "Rude reception, long wait.", [], None),
    ("dont_know", "car", "", ["gp"], "16_24"),
]


@pytest.fixture
def staff_app(tmp_path, built_site, make_app):
    """The `staff` fixture's app, reading a manifest with the test survey open today."""
    return survey_app(make_app, tmp_path, built_site, ENGAGE_REPORT_SMALL_GROUP=2)


@pytest.fixture
def seeded(staff_app):
    """The seven people's answers, sent through the API, plus one honeypot response."""
    client = staff_app.test_client()
    for experience, travel, why, used, age in PEOPLE:
        answers = {"experience": experience, "travel": travel, "used": used}
        if travel == "bus":
            answers["bus_route"] = "X5"
        if why:
            answers["why"] = why
        if age:
            answers["equality_age"] = age
        answer = client.post(
            "/api/responses", json={"questionnaire": "test-survey", "answers": answers}
        )
        assert answer.status_code == 201, answer.json
    client.post(
        "/api/responses",
        json={
            "questionnaire": "test-survey",
            "answers": {"experience": "good", "travel": "car"},
            "website": "spam",
        },
    )
    return staff_app


def set_days(app, days: list[datetime.date]) -> None:
    """Move each stored response (oldest first) to noon on the given day."""
    with app.app_context():
        found = db.session.scalars(
            db.select(QuestionnaireResponse).order_by(QuestionnaireResponse.id)
        ).all()
        for response, day in zip(found, days, strict=False):
            response.created = datetime.datetime.combine(
                day, datetime.time(12), tzinfo=datetime.UTC
            )
        db.session.commit()


def test_reports_need_a_signed_in_member_of_staff(seeded) -> None:
    client = seeded.test_client()
    for path in (
        "/admin/reports/",
        "/admin/reports/test-survey",
        "/admin/reports/test-survey/responses.csv",
        "/admin/reports/test-survey/responses.json",
    ):
        answer = client.get(path)
        assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"], path


def test_index_lists_every_questionnaire_with_its_responses(seeded, staff) -> None:
    html = staff("moderator").get("/admin/reports/").get_data(as_text=True)
    assert 'href="/admin/reports/test-survey">Test survey</a>' in html
    assert f'href="{CONSULTATION}"' in html
    row = html[html.index("/admin/reports/test-survey") :]
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">7</td>' in row[:800]
    assert "Closed" in html[html.index("/admin/reports/closed-survey") :][:800]


def test_report_figures_match_hand_computed_values(seeded, staff) -> None:
    html = staff("moderator").get("/admin/reports/test-survey").get_data(as_text=True)
    assert '<dd class="nhsuk-summary-list__value">7</dd>' in html, "honeypot left out"
    experience = html[html.index('id="question-experience"') :]
    # Positive: 2 very good + 1 good of 7 = 42.9%; negative: 1 poor + 1 very poor = 28.6%.
    assert "42.9%" in experience[:1500] and "28.6%" in experience[:1500]
    used = html[html.index('id="question-used"') :]
    # gp 3 of the 4 who answered (75.0%), pharmacy 2 (50.0%).
    assert ">3</td>" in used[:2500] and "75.0%" in used[:2500] and "50.0%" in used[:2500]
    assert "4 of 7 answered; people could choose more than one answer" in used


def charts_of(html: str) -> dict[str, str]:
    """Each question's chart (its <figure>), by question id."""
    found = {}
    for part in html.split('<h3 id="question-')[1:]:
        qid, rest = part.split('"', 1)
        rest = rest.split("<h3 ", 1)[0].split('<h2 id="free-text"', 1)[0]
        if "<figure" in rest:
            found[qid] = rest[rest.index("<figure") : rest.index("</figure>")]
    return found


def test_each_question_with_answers_to_choose_has_a_chart_beside_its_table(seeded, staff) -> None:
    html = staff("moderator").get("/admin/reports/test-survey").get_data(as_text=True)
    charts = charts_of(html)
    # Free text and dates keep their list; nobody answered "rating", so it has no chart.
    assert set(charts) == {"experience", "used", "travel", "equality_age"}
    experience = charts["experience"]
    assert 'role="img" aria-labelledby="chart-experience-title chart-experience-desc"' in experience
    assert '<title id="chart-experience-title">Question experience</title>' in experience
    said = "7 people answered. The answer chosen most was “Very good”: 2 (28.6%)."
    assert f'<desc id="chart-experience-desc">{said}</desc>' in experience
    assert f'<figcaption class="nhsuk-body-s">{said}' in experience
    assert '<g aria-hidden="true">' in experience
    # One bar per answer chosen, as long as its share: 2 of 7 is 28.6% of the 304 units.
    assert experience.count('class="engage-chart__bar"') == 6
    assert 'width="86.9"' in experience and ">2 (28.6%)</text>" in experience
    used = charts["used"]  # multiple choice: shares of the 4 who answered, not of the answers
    assert used.count('class="engage-chart__bar"') == 2, "no bar for 'Other', chosen by nobody"
    assert 'width="228.0"' in used and ">3 (75.0%)</text>" in used
    assert ">Other</text>" in used and ">0 (0.0%)</text>" in used
    assert "4 people answered. The answer chosen most was “Gp”: 3 (75.0%)." in used
    # The table is still there after the chart, with every figure.
    travel = html[html.index('id="question-travel"') : html.index('id="question-bus_route"')]
    assert travel.index("</figure>") < travel.index("<table")
    assert ">Car</th>" in travel and ">6</td>" in travel and "85.7%" in travel


def test_answer_charts_say_what_they_show() -> None:
    from feedback_api.staff.reports.chart import answer_bars, answers_description

    def rows(*counts: int, answered: int) -> list[dict]:
        return [
            {"label": f"Answer {i}", "count": n, "pct": round(100 * n / answered, 1)}
            for i, n in enumerate(counts, 1)
        ]

    said = answers_description(rows(2, 2, 1, answered=5), 5)
    assert said == (
        "5 people answered. The answers chosen most were “Answer 1” and “Answer 2”: 2 (40.0%) each."
    )
    assert answers_description(rows(1, 1, answered=2), 2) == (
        "2 people answered. Every answer was chosen as often: 1 (50.0%) each."
    )
    assert answers_description(rows(1, 0, answered=1), 1).startswith("1 person answered.")
    long = {"label": "A very long answer " * 5, "count": 0, "pct": None}
    [bar] = answer_bars([long])["bars"]
    assert bar["width"] == 0 and len(bar["text"]) == 50 and bar["text"].endswith("…")
    assert bar["label"] == long["label"], "the table keeps every word"


def test_free_text_is_listed_with_personal_data_marked_and_filtered(seeded, staff) -> None:
    moderator, admin = staff("moderator"), staff("admin")  # only an administrator sees it marked
    html = admin.get("/admin/reports/test-survey").get_data(as_text=True)
    assert "1 answer contains what looks like personal data" in html
    assert "6 answers found." in html, "five answers to 'why' and one bus route"
    assert f"phone number: </span>{PHONE}</mark>" in html
    assert "Contains phone number" in html
    only_flagged = admin.get("/admin/reports/test-survey?flagged=yes").get_data(as_text=True)
    assert "1 answer found." in only_flagged and PHONE in only_flagged
    clean = moderator.get("/admin/reports/test-survey?flagged=no").get_data(as_text=True)
    assert "5 answers found." in clean
    assert PHONE not in clean.split('id="free-text"')[1].split('id="terms"')[0]
    rude = moderator.get("/admin/reports/test-survey?contains=RUDE").get_data(as_text=True)
    assert "1 answer found." in rude and "Rude reception" in rude
    route = moderator.get("/admin/reports/test-survey?field=bus_route").get_data(as_text=True)
    assert "1 answer found." in route and ">X5</p>" in route
    unknown = moderator.get("/admin/reports/test-survey?field=nope").get_data(as_text=True)
    assert "6 answers found." in unknown, "an unknown field shows every answer"


def free_text(html: str) -> str:
    return html.split('id="free-text"')[1].split('id="terms"')[0]


def test_a_moderator_reads_free_text_with_personal_data_removed(seeded, staff) -> None:
    """As in the downloads: personal data in free text is for administrators only."""
    moderator, admin = staff("moderator"), staff("admin")
    html = moderator.get("/admin/reports/test-survey").get_data(as_text=True)
    assert "1 answer contains what looks like personal data" in html
    assert "Call me on [phone number removed] about the long wait." in free_text(html)
    assert "Contains phone number" in html, "the answer is still flagged"
    assert "07700" not in html and "900123" not in html
    flagged = moderator.get("/admin/reports/test-survey?flagged=yes").get_data(as_text=True)
    assert "1 answer found." in flagged and "[phone number removed]" in flagged
    assert PHONE not in flagged
    marked = admin.get("/admin/reports/test-survey?flagged=yes").get_data(as_text=True)
    assert f"phone number: </span>{PHONE}</mark>" in marked
    assert "[phone number removed]" not in free_text(marked)


def test_a_moderator_cannot_find_an_answer_by_its_personal_data(seeded, staff) -> None:
    moderator, admin = staff("moderator"), staff("admin")
    for digits in ("900123", "07700", PHONE, "on 07700 900123 about"):
        query = "/admin/reports/test-survey?contains=" + digits.replace(" ", "+")
        found = moderator.get(query).get_data(as_text=True)
        assert "0 answers found." in found, digits
        assert "900123" not in free_text(found).split('role="status"')[1], digits
        assert "1 answer found." in admin.get(query).get_data(as_text=True), digits
    # The words around it are found; the placeholder's own words are not the person's.
    around = moderator.get("/admin/reports/test-survey?contains=call+me+on").get_data(as_text=True)
    assert "1 answer found." in around and "[phone number removed]" in free_text(around)
    placeholder = moderator.get("/admin/reports/test-survey?contains=number").get_data(as_text=True)
    assert "0 answers found." in placeholder


def test_free_text_is_listed_fifty_at_a_time(seeded, staff) -> None:
    client = seeded.test_client()
    for number in range(60):
        answers = {"experience": "good", "travel": "car", "why": f"Answer number {number}"}
        sent = client.post(
            "/api/responses", json={"questionnaire": "test-survey", "answers": answers}
        )
        assert sent.status_code == 201
    moderator = staff("moderator")
    first = moderator.get("/admin/reports/test-survey?contains=number").get_data(as_text=True)
    assert "60 answers found; showing 1 to 50." in first
    assert first.count('class="engage-answer-text') == 50
    assert "page=2" in first and "Page 2 of 2" in first
    second = moderator.get("/admin/reports/test-survey?contains=number&page=2").get_data(
        as_text=True
    )
    assert "showing 51 to 60." in second and second.count('class="engage-answer-text') == 10
    assert "Answer number 0<" in second, "newest first: the oldest is last"
    beyond = moderator.get("/admin/reports/test-survey?contains=number&page=99")
    assert "showing 51 to 60." in beyond.get_data(as_text=True)


def test_hostile_answers_are_shown_as_text(seeded, staff) -> None:
    payload = '<img src=x onerror=alert(1)>"<script>'
    answers = {"experience": "good", "travel": "car", "why": payload}
    sent = seeded.test_client().post(
        "/api/responses", json={"questionnaire": "test-survey", "answers": answers}
    )
    assert sent.status_code == 201
    moderator = staff("moderator")
    html = moderator.get(
        "/admin/reports/test-survey?contains=" + payload.replace("<", "%3C")
    ).get_data(as_text=True)
    assert "<img src=x" not in html and '"<script>' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    rows = read_csv(moderator.get("/admin/reports/test-survey/responses.csv"))
    assert rows[-1]["Question why"] == payload, "the CSV keeps the text exactly"


def test_frequent_words_and_phrases(seeded, staff) -> None:
    html = staff("moderator").get("/admin/reports/test-survey").get_data(as_text=True)
    terms = html[html.index('id="terms"') : html.index('id="breakdown"')]
    # "wait" is in 5 answers, "long" and "long wait" in 4; the phone number is never a term.
    assert '?contains=wait#free-text">wait</a></th>' in terms
    rows = terms.split("<tr")
    wait = next(row for row in rows if ">wait</a>" in row)
    assert ">5</td>" in wait
    long_wait = next(row for row in rows if ">long wait</a>" in row)
    assert ">4</td>" in long_wait
    assert "07700" not in terms and "900123" not in terms
    assert ">the<" not in terms.replace("</a>", "<"), "stop words left out"


def test_breakdown_by_equality_answer_with_small_groups_hidden(seeded, staff) -> None:
    html = (
        staff("moderator")
        .get("/admin/reports/test-survey?by=equality_age&question=experience")
        .get_data(as_text=True)
    )
    table = html[html.index('id="breakdown"') : html.index('id="comments"')]
    rows = {row.split("</th>")[0].rsplit(">", 1)[-1]: row for row in table.split("<tr")[2:]}
    # 16-24: four people (very good twice, good, don't know): positive 3 of 4 = 75.0%.
    assert ">4</td>" in rows["16 24"] and "75.0%" in rows["16 24"]
    # Prefer not to say: one person, fewer than ENGAGE_REPORT_SMALL_GROUP (2): size only.
    assert "Fewer than 2 people: not shown" in rows["Prefer not to say"]
    assert "Neither" not in rows["Prefer not to say"]
    # Not answered: poor and very poor: negative 100.0%.
    assert ">2</td>" in rows["Not answered"] and "100.0%" in rows["Not answered"]


def test_responses_over_time_by_day_then_by_week(seeded, staff) -> None:
    moderator = staff("moderator")
    start = datetime.date(2026, 11, 2)
    set_days(seeded, [start, start, start + datetime.timedelta(days=2)] + [start] * 4)
    html = moderator.get("/admin/reports/test-survey").get_data(as_text=True)
    assert "7 responses from 2 November 2026 to 4 November 2026, by day." in html
    assert "The most in one day was 6, on 2 November 2026." in html
    table = html[html.index("Responses by day</caption>") :]
    table = table[table.index("<tbody") :]
    # Three days, the quiet one included: 6, 0, 1; running total 6, 6, 7.
    cells = [c.split("<")[0] for c in table.split('numeric">')[1:7]]
    assert cells == ["6", "6", "0", "6", "1", "7"]
    over_time = html[html.index('id="over-time"') : html.index('id="questions"')]
    assert over_time.count('class="engage-chart__bar"') == 3
    set_days(seeded, [start, start + datetime.timedelta(days=70)] + [start] * 5)
    weekly = moderator.get("/admin/reports/test-survey").get_data(as_text=True)
    assert "by week" in weekly and "Week of 2 November 2026" in weekly
    over_time = weekly[weekly.index('id="over-time"') : weekly.index('id="questions"')]
    assert over_time.count('class="engage-chart__bar"') == 11


def test_a_period_narrows_every_figure_and_export(seeded, staff) -> None:
    moderator = staff("moderator")
    start = datetime.date(2026, 11, 2)
    set_days(seeded, [start, start, start + datetime.timedelta(days=2)] + [start] * 4)
    html = moderator.get("/admin/reports/test-survey?from=2026-11-03&to=2026-11-04").get_data(
        as_text=True
    )
    # Only the third person (good, car, "The long wait was worth it.") answered then.
    assert "1 received from 3 November 2026 to 4 November 2026" in html
    assert "1 answer found." in html and "The long wait was worth it." in html
    assert 'name="from" value="2026-11-03"' in html, "the other filters keep the period"
    assert "responses.csv?from=2026-11-03&amp;to=2026-11-04" in html
    rows = read_csv(moderator.get("/admin/reports/test-survey/responses.csv?from=2026-11-03"))
    assert [row["Question experience"] for row in rows] == ["Good"]
    reversed_days = moderator.get("/admin/reports/test-survey?from=2026-11-04&to=2026-11-03")
    assert "1 received from 3 November 2026 to 4 November 2026" in reversed_days.get_data(
        as_text=True
    )
    nonsense = moderator.get("/admin/reports/test-survey?from=yesterday").get_data(as_text=True)
    assert '<dd class="nhsuk-summary-list__value">7</dd>' in nonsense, "ignored, not an error"
    with seeded.app_context():
        [entry] = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "responses exported")
        ).all()
    assert entry.detail == "csv, personal data removed, 2026-11-03 to now"


def read_csv(answer) -> list[dict[str, str]]:
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_has_one_row_per_response_with_personal_data_removed(seeded, staff) -> None:
    answer = staff("moderator").get("/admin/reports/test-survey/responses.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = read_csv(answer)
    assert len(rows) == 7
    assert list(rows[0])[:4] == ["Reference", "Submitted", "Question experience", "Question why"]
    assert "Question used (other, please say)" in rows[0]
    second = rows[1]
    assert second["Question why"] == "Call me on [phone number removed] about the long wait."
    assert second["Question used"] == "Gp; Pharmacy", "answers in words, several joined"
    assert second["Question experience"] == "Very good"
    assert second["Question bus_route"] == "X5"
    assert rows[0]["Question bus_route"] == "", "a question not shown is empty"
    assert rows[4]["Question why"].startswith("'="), "a formula is defused"
    with seeded.app_context():
        references = [
            r.reference for r in db.session.scalars(db.select(QuestionnaireResponse)).all()
        ]
    assert [row["Reference"] for row in rows] == references[:7]


def test_json_export_has_figures_and_stored_values(seeded, staff) -> None:
    answer = staff("moderator").get("/admin/reports/test-survey/responses.json")
    document = json.loads(answer.get_data(as_text=True))
    assert document["personal_data"] == "removed"
    assert document["summary"]["responses"] == 7
    assert document["summary"]["questions"]["experience"]["positive_pct"] == 42.9
    second = document["responses"][1]["answers"]
    assert second["why"] == "Call me on [phone number removed] about the long wait."
    assert second["used"] == ["gp", "pharmacy"]


def test_only_an_administrator_may_export_personal_data_and_it_is_audited(seeded, staff) -> None:
    moderator = staff("moderator")
    path = "/admin/reports/test-survey/responses.csv?personal=include"
    assert moderator.get(path).status_code == 403
    assert "Responses as CSV with personal data" not in moderator.get(
        "/admin/reports/test-survey"
    ).get_data(as_text=True)
    admin = staff("admin")
    assert "Responses as CSV with personal data" in admin.get(
        "/admin/reports/test-survey"
    ).get_data(as_text=True)
    rows = read_csv(admin.get(path))
    assert PHONE in rows[1]["Question why"]
    with seeded.app_context():
        entries = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "responses exported")
        ).all()
        assert [e.detail for e in entries] == ["csv, personal data included"]
        assert entries[0].target == "test-survey"


def test_comments_on_the_consultation_page_are_in_the_report(seeded, staff) -> None:
    moderator = staff("moderator")
    posted = seeded.test_client().post(
        "/api/comments", json={"page": CONSULTATION, "body": "Please keep the X-ray open late."}
    )
    assert posted.status_code == 202
    seeded.test_client().post("/api/comments", json={"page": CONSULTATION, "body": "Waiting one"})
    approve = moderator.post(
        f"/admin/comments/{posted.json['id']}/approve", data={"csrf_token": moderator.token}
    )
    assert approve.status_code in (302, 303)
    html = moderator.get("/admin/reports/test-survey").get_data(as_text=True)
    section = html[html.index('id="comments"') :]
    assert "1 published, 1 waiting for moderation, 0 rejected" in section
    assert "Please keep the X-ray open late." in section
    assert "Waiting one" not in section


def test_unknown_questionnaire_and_format(seeded, staff) -> None:
    moderator = staff("moderator")
    assert moderator.get("/admin/reports/nope").status_code == 404
    assert moderator.get("/admin/reports/test-survey/responses.xlsx").status_code == 404


def test_closed_consultation_links_its_published_summary(built_site, manifest) -> None:
    page = (built_site / "consultations/millbrook-maternity-services/index.html").read_text()
    outcome = page[page.index('aria-label="You said, we did"') :]
    assert 'href="/millbrook-maternity-summary-report/">Read the full summary report' in outcome
    assert (built_site / "millbrook-maternity-summary-report/index.html").exists()
    entry = next(p for p in manifest["pages"] if p["url"].endswith("millbrook-maternity-services/"))
    assert entry["report"] == "/millbrook-maternity-summary-report/"


def test_report_pages_are_valid_html(seeded, staff) -> None:
    moderator = staff("moderator")
    for path in (
        "/admin/reports/",
        "/admin/reports/test-survey",
        "/admin/reports/test-survey?by=equality_age&question=used",
    ):
        html = moderator.get(path).get_data(as_text=True)
        assert nu_errors(html) == [], path


@pytest.mark.browser
def test_report_pages_are_accessible(seeded, page) -> None:
    from feedback_api.accounts import service as accounts

    with seeded.app_context():
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
    page.set_default_timeout(15_000)
    with serving(seeded) as url:
        page.goto(f"{url}/admin/sign-in")
        sign_in_with_form(page, url, "admin@example.nhs.uk")
        for path in (
            "/admin/reports/",
            "/admin/reports/test-survey",
            "/admin/reports/test-survey?flagged=yes&by=equality_age&question=used",
        ):
            page.goto(url + path)
            assert_accessible(page, path)
        assert_fits_320_px(page, url + "/admin/reports/test-survey")
    assert page.foreign_requests == []
