"""Comments and questionnaire responses keep the language of the page they were posted on, as
the manifest gives it, through the real API and database: a Welsh page's comment and answers
are "cy", a field claiming another language is ignored, a build from before languages means the
site's, a response whose page cannot be told is the site's, and a hostile tag in the manifest is
never stored."""

from __future__ import annotations

import pytest

from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.models import Comment, QuestionnaireResponse, db
from fixtures.bilingual import WELSH, bilingual_app
from fixtures.surveys import CONSULTATION

ANSWERS = {"experience": "good", "travel": "car", "why": "Roedd y staff yn garedig iawn."}
FORM = {"questionnaire": "test-survey", "experience": "good", "travel": "car"}


def languages(app) -> dict[str, list]:
    """The stored languages: comments', responses' and the answer index's, oldest first."""
    with app.app_context():
        return {
            "comments": list(db.session.scalars(db.select(Comment.language).order_by(Comment.id))),
            "responses": list(
                db.session.scalars(
                    db.select(QuestionnaireResponse.language).order_by(QuestionnaireResponse.id)
                )
            ),
            "index": sorted(
                set(db.session.scalars(db.select(AnswerRow.language))), key=lambda t: t or ""
            ),
        }


@pytest.fixture
def bilingual(make_app, tmp_path, built_site):
    return bilingual_app(make_app, tmp_path, built_site)


def comment(client, page: str, **extra: object) -> None:
    answer = client.post("/api/comments", json={"page": page, "body": "Diolch.", **extra})
    assert answer.status_code == 202, answer.json


def test_a_welsh_pages_comment_is_welsh_whatever_the_reader_sends(bilingual) -> None:
    client = bilingual.test_client()
    comment(client, WELSH)
    comment(client, WELSH, lang="en", language="ur", locale="pl")
    comment(client, CONSULTATION, lang="cy", language="cy")
    assert languages(bilingual)["comments"] == ["cy", "cy", "en-GB"]


def test_a_response_is_in_the_language_of_the_page_it_was_sent_from(bilingual) -> None:
    client = bilingual.test_client()
    welsh = {"Referer": f"http://localhost{WELSH}?via=mastodon"}
    english = {"Referer": f"http://localhost{CONSULTATION}"}
    sent = {"questionnaire": "test-survey", "answers": ANSWERS}
    assert client.post("/api/responses", json=sent, headers=welsh).status_code == 201
    # A field claiming another language is no more than a field the questionnaire lacks.
    claimed = {**sent, "lang": "en", "language": "en-GB"}
    assert client.post("/api/responses", json=claimed, headers=welsh).status_code == 201
    form = {**FORM, "lang": "cy"}
    assert client.post("/api/responses", data=form, headers=english).status_code == 303
    # Two pages carry the questionnaire: without a Referer naming one, the site's language.
    assert client.post("/api/responses", data={**FORM, "lang": "cy"}).status_code == 303
    # A Referer from another site names no page of ours.
    other = {"Referer": f"https://evil.example{WELSH}"}
    assert client.post("/api/responses", json=sent, headers=other).status_code == 201
    stored = languages(bilingual)
    assert stored["responses"] == ["cy", "cy", "en-GB", "en-GB", "en-GB"]
    assert stored["index"] == ["cy", "en-GB"]


def test_one_page_with_the_questionnaire_is_the_page_without_a_referer(
    make_app, tmp_path, built_site
) -> None:
    from fixtures.surveys import survey_app

    app = survey_app(make_app, tmp_path, built_site)
    client = app.test_client()
    assert client.post("/api/responses", data=FORM).status_code == 303
    comment(client, CONSULTATION)
    # The sample site is a build from before languages: its pages have no `lang`, so the site's.
    assert languages(app)["responses"] == ["en-gb"]
    assert languages(app)["comments"] == ["en-gb"]


@pytest.mark.parametrize(
    "hostile",
    [
        "cy" * 5000,
        '"><script>alert(1)</script>',
        "cy\n",
        "en-GB-" + "x" * 40,
        ["cy"],
        42,
    ],
)
def test_a_hostile_tag_in_the_manifest_is_never_stored(
    make_app, tmp_path, built_site, hostile
) -> None:
    app = bilingual_app(make_app, tmp_path, built_site, welsh=hostile)
    client = app.test_client()
    comment(client, WELSH)
    referer = {"Referer": f"http://localhost{WELSH}"}
    sent = {"questionnaire": "test-survey", "answers": ANSWERS}
    assert client.post("/api/responses", json=sent, headers=referer).status_code == 201
    # The page's tag is no tag: the site's language stands for it.
    stored = languages(app)
    assert stored["comments"] == ["en-GB"] and stored["responses"] == ["en-GB"]


def test_no_language_anywhere_in_the_manifest_stores_none(make_app, tmp_path, built_site) -> None:
    app = bilingual_app(make_app, tmp_path, built_site, welsh=None, english=None, site="<b>")
    client = app.test_client()
    comment(client, WELSH)
    sent = {"questionnaire": "test-survey", "answers": ANSWERS}
    headers = {"Referer": f"http://localhost{WELSH}"}
    assert client.post("/api/responses", json=sent, headers=headers).status_code == 201
    stored = languages(app)
    assert stored["comments"] == [None] and stored["responses"] == [None]


def test_the_forms_sent_back_with_errors_are_in_the_pages_language(bilingual) -> None:
    """A reader without JavaScript who made a mistake gets the form again in their page's
    language: the layout, the error summary and each message (the questionnaire's own words
    stay as the manifest gives them: this survey has no Welsh version)."""
    client = bilingual.test_client()
    answer = client.post("/api/comments", data={"page": WELSH, "body": ""})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert '<html lang="cy"' in html
    assert "Rhowch eich sylw." in html and "Enter your comment." not in html
    assert "Neidio i&#39;r prif gynnwys" in html or "Neidio i'r prif gynnwys" in html
    english = client.post("/api/comments", data={"page": CONSULTATION, "body": ""})
    assert "Enter your comment." in english.get_data(as_text=True)

    sent = client.post("/api/responses", data={"questionnaire": "test-survey", "page": WELSH})
    assert sent.status_code == 422
    html = sent.get_data(as_text=True)
    assert '<html lang="cy"' in html
    assert "Dewiswch ateb ar gyfer" in html and "Select an answer for" not in html
    assert f'name="page" value="{WELSH}"' in html, "the next post says its page again"
    # A page that does not carry the questionnaire is no page of it: the site's language.
    elsewhere = client.post(
        "/api/responses", data={"questionnaire": "test-survey", "page": "/cy/about/"}
    )
    assert "Select an answer for" in elsewhere.get_data(as_text=True)


def test_search_without_javascript_answers_in_the_readers_language(bilingual) -> None:
    """The header's search form posts to the API from any page: the results page is in the
    language of the part of the site it was sent from, a result in another language marked."""
    client = bilingual.test_client()
    welsh = client.get("/api/search?q=brechlyn", headers={"Referer": "http://localhost/cy/blog/"})
    html = welsh.get_data(as_text=True)
    assert welsh.status_code == 200 and '<html lang="cy"' in html
    english = client.get("/api/search?q=vaccine", headers={"Referer": "http://localhost/blog/"})
    assert '<html lang="en-GB"' in english.get_data(as_text=True)
    # From elsewhere, or a page under no language's folder: the site's language.
    other = client.get("/api/search?q=vaccine", headers={"Referer": "https://example.com/cy/"})
    assert '<html lang="en-GB"' in other.get_data(as_text=True)


def test_error_pages_are_in_the_readers_language(bilingual) -> None:
    """A missing Welsh page, or a form sent from a Welsh page that cannot be taken, answers with
    the error page in Welsh; the same from an English page, in English; JSON stays as written."""
    client = bilingual.test_client()
    missing = client.get("/cy/dim-yma/", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert '<html lang="cy"' in html and "Heb ddod o hyd i’r dudalen" in html  # noqa: RUF001 (cy/404.html)
    english = client.get("/nowhere/", headers={"Accept": "text/html"})
    assert '<html lang="en-gb"' in english.get_data(as_text=True)
    closed = client.post(
        "/api/responses",
        data={"questionnaire": "no-such-survey"},
        headers={"Referer": f"http://localhost{WELSH}"},
    )
    assert closed.status_code == 404 and '<html lang="cy"' in closed.get_data(as_text=True)
    answer = client.get("/api/comments?page=/nowhere/")
    assert answer.status_code == 404 and answer.json["error"].startswith("There is no page")
