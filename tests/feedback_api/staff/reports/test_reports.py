"""Staff reports through the real API and database: figures for a seeded set of responses checked
against values worked out by hand, filters, breakdowns, exports read back with the csv module,
who may see what (the pages themselves: test_report_pages.py)."""

from __future__ import annotations

import csv
import datetime
import io
import json

from feedback_api.storage.answers.index import reindex
from feedback_api.storage.models import AuditEntry, QuestionnaireResponse, db
from fixtures.surveys import CONSULTATION
from fixtures.surveys import REPORT_PHONE as PHONE


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
        db.session.flush()
        reindex(db.session.connection())  # the answer index and days follow, as a migration does
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
    table = html[
        html.index('id="breakdown"') : html.index(
            'id="representation"', html.index('id="breakdown"')
        )
    ]
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
    assert list(rows[0])[:5] == [
        "Reference",
        "Submitted",
        "Channel",
        "Question experience",
        "Question why",
    ]
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
