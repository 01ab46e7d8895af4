"""The report on a bilingual consultation, through the real API and database: answers broken
down by the language of the page they were given on (English tags pooled, answers from before
languages counted in the site's), free text shown as written with its language (`lang`, and
`dir` for right to left), frequent words without each answer's own language's stop words, the
moderation queue's comments with their language, and hostile language values, in the manifest
or written past the API, never breaking the page."""

from __future__ import annotations

import re

import pytest

from feedback_api.storage import transaction
from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.models import QuestionnaireResponse, db
from feedback_api.storage.responses import add_response
from fixtures.bilingual import WELSH, bilingual_manifest
from fixtures.staff import signed_in
from fixtures.surveys import CONSULTATION

REPORT = "/admin/reports/test-survey"
# (page, experience, why): "pan" is "when" in Welsh and a pan in English; "iawn" is "very".
PEOPLE = [
    (WELSH, "very_good", "Roedd y staff yn garedig iawn pan gyrhaeddais."),
    (WELSH, "good", "Staff caredig iawn, aros hir pan oedd prysur."),
    (CONSULTATION, "poor", "The bed pan was cold, the staff slow."),
    (CONSULTATION, "very_good", "A bed pan came quickly."),
]


def bilingual_report_app(make_app, tmp_path, built_site, **languages):
    return make_app(
        ENGAGE_SECURE_COOKIES=False,
        ENGAGE_MANIFEST=bilingual_manifest(tmp_path, built_site, **languages),
        ENGAGE_RATELIMIT_RESPONSES="1000/minute",
        ENGAGE_REPORT_SMALL_GROUP=1,
    )


def answer(app, page: str, experience: str, why: str) -> None:
    sent = {
        "questionnaire": "test-survey",
        "answers": {"experience": experience, "travel": "car", "why": why},
    }
    headers = {"Referer": f"http://localhost{page}"}
    posted = app.test_client().post("/api/responses", json=sent, headers=headers)
    assert posted.status_code == 201, posted.json


@pytest.fixture
def bilingual(make_app, tmp_path, built_site):
    app = bilingual_report_app(make_app, tmp_path, built_site)
    for person in PEOPLE:
        answer(app, *person)
    with app.app_context(), transaction():  # a response from before languages were recorded
        add_response(
            questionnaire="test-survey",
            reference="OLD1-0000",
            answers={"experience": "very_good", "travel": "car"},
            held_reasons={},
            spam=False,
            ip_hash=None,
        )
    return app


def section(html: str, start: str, end: str) -> str:
    return html[html.index(f'id="{start}"') : html.index(f'id="{end}"', html.index(start))]


def rows(table: str) -> dict[str, str]:
    """A table's body rows by their header cell's text."""
    found = {}
    for row in table.split("<tr")[2:]:
        header = re.search(r'scope="row"[^>]*>(.*?)</th>', row, re.S)
        if header:
            found[re.sub(r"<[^>]+>", "", header.group(1)).strip()] = row
    return found


def test_the_breakdown_by_language_pools_each_languages_answers(bilingual) -> None:
    moderator = signed_in(bilingual, "moderator")
    html = moderator.get(f"{REPORT}?by=language&question=experience").get_data(as_text=True)
    breakdown = section(html, "breakdown", "representation")
    assert '<option value="language" selected>Language</option>' in breakdown
    by_language = rows(breakdown)
    assert set(by_language) == {"English", "Welsh"}
    cells = {k: re.findall(r'numeric">([^<]*)</td>', row) for k, row in by_language.items()}
    # English: en-GB's two and the one from before languages (the site's, en-GB): very good 2,
    # poor 1. Welsh: very good 1, good 1. Cells: people, then each option's count (percent).
    assert cells["English"][:3] == ["3", "2 (66.7%)", "0 (0.0%)"]
    assert cells["English"][4] == "1 (33.3%)"
    assert cells["Welsh"][:3] == ["2", "1 (50.0%)", "1 (50.0%)"]


def test_free_text_is_shown_as_written_with_its_language(bilingual) -> None:
    html = signed_in(bilingual, "moderator").get(REPORT).get_data(as_text=True)
    free_text = section(html, "free-text", "terms")
    items = free_text.split("<li>")[1:]
    welsh = [item for item in items if "garedig" in item or "caredig" in item]
    english = [item for item in items if "bed pan" in item]
    assert len(welsh) == 2 and len(english) == 2
    for item in welsh:
        assert " · Welsh" in item and '<p class="engage-answer-text' in item
        assert re.search(r'engage-answer-text[^"]*" lang="cy">', item), item
    for item in english:
        assert "· English" not in item and 'lang="en-GB"' in item and "dir=" not in item


def test_welsh_stop_words_are_left_out_of_welsh_answers_only(bilingual) -> None:
    html = signed_in(bilingual, "moderator").get(REPORT).get_data(as_text=True)
    words = rows(section(html, "terms", "themes").split("Phrases")[0])
    # "pan" is a pan in both English answers; in the Welsh ones it is "when", left out.
    assert '">2</td>' in words["pan"]
    # "iawn" ("very") is in both Welsh answers and is never a term; "staff" is in three.
    assert "iawn" not in words and '">3</td>' in words["staff"]
    # English stop words are left out of English answers, contractions included.
    assert "the" not in words and "was" not in words


def test_right_to_left_answers_say_so(make_app, tmp_path, built_site) -> None:
    app = bilingual_report_app(make_app, tmp_path, built_site, welsh="ur")
    answer(app, WELSH, "good", "عملہ بہت اچھا تھا")
    html = signed_in(app, "moderator").get(REPORT).get_data(as_text=True)
    item = section(html, "free-text", "terms")
    assert " · Urdu" in item and 'lang="ur" dir="rtl">' in item


def test_the_moderation_queue_shows_a_comment_in_its_language(make_app, tmp_path, built_site):
    app = bilingual_report_app(make_app, tmp_path, built_site)
    sent = {"page": WELSH, "body": "Diolch yn fawr am y wybodaeth."}
    assert app.test_client().post("/api/comments", json=sent).status_code == 202
    html = signed_in(app, "moderator").get("/admin/").get_data(as_text=True)
    assert re.search(r'<blockquote class="engage-item__text" lang="cy">\s*Diolch', html)


HOSTILE = ["<script>alert(1)</script>", "cy" * 5000, '" onmouseover="alert(1)', "\u202ecy"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_languages_never_break_the_report(make_app, tmp_path, built_site, hostile):
    app = bilingual_report_app(make_app, tmp_path, built_site, welsh=hostile, site=hostile)
    answer(app, WELSH, "good", "Yn y manifest.")
    answer(app, WELSH, "poor", "Past the API.")
    with app.app_context(), transaction():
        # What a hand-written row may hold (as much as the column takes: PostgreSQL refuses
        # more): the API itself never stores such a value.
        last = db.session.scalar(db.select(db.func.max(QuestionnaireResponse.id)))
        for table in (QuestionnaireResponse, AnswerRow):
            key = table.id if table is QuestionnaireResponse else table.response_id
            db.session.execute(db.update(table).where(key == last).values(language=hostile[:35]))
    moderator = signed_in(app, "moderator")
    for address in (REPORT, f"{REPORT}?by=language&question=experience"):
        page = moderator.get(address)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and '" onmouseover="' not in html
        assert f'lang="{hostile}"' not in html and f'lang="{hostile[:35]}"' not in html


def test_the_involvement_report_counts_a_consultation_once_with_every_version(bilingual) -> None:
    """The English and Welsh pages of one consultation are one consultation: its answers are
    counted once (they are one questionnaire's), and the comments on both pages are its own."""
    import datetime

    from feedback_api.staff.reports import involvement

    client = bilingual.test_client()
    for page in (CONSULTATION, WELSH):
        posted = client.post("/api/comments", json={"page": page, "body": "Diolch, thank you."})
        assert posted.status_code == 202, posted.json
    with bilingual.app_context():
        today = datetime.date.today()
        found = involvement.report(today - datetime.timedelta(days=400), today)
        stored = db.session.scalar(
            db.select(db.func.count()).where(QuestionnaireResponse.questionnaire == "test-survey")
        )
    urls = [row["page"]["url"] for row in found["consultations"]]
    assert urls.count(CONSULTATION) == 1 and WELSH not in urls
    (row,) = [row for row in found["consultations"] if row["page"]["url"] == CONSULTATION]
    assert row["responses"] == stored >= len(PEOPLE), "each answer once, whichever page"
    assert row["comments"] == 2
