"""The channel a comment or questionnaire response came through, through the real API and
database: the form's hidden `via` field, the same-origin Referer (JavaScript off), a foreign or
hostile marker (ignored, the comment kept), the form sent back with errors (the channel kept for
the next post), and the setting's other parameter name."""

from __future__ import annotations

import pytest

from feedback_api import config
from feedback_api.config import SettingsError
from feedback_api.storage.models import Comment, QuestionnaireResponse, db
from fixtures.surveys import survey_app

PAGE = "/blog/winter-vaccines/"
ANSWERS = {"experience": "good", "travel": "car"}


def comment_channels(app) -> list[str | None]:
    with app.app_context():
        return list(db.session.scalars(db.select(Comment.channel).order_by(Comment.id)))


def response_channels(app) -> list[str | None]:
    with app.app_context():
        query = db.select(QuestionnaireResponse.channel).order_by(QuestionnaireResponse.id)
        return list(db.session.scalars(query))


@pytest.fixture
def answering(make_app, tmp_path, built_site):
    return survey_app(make_app, tmp_path, built_site)


def test_the_hidden_field_names_the_channel_of_a_json_comment(app, client) -> None:
    for via in ("mastodon", "Poster Library", "newsletter_march"):
        body = {"page": PAGE, "body": f"Came by {via}.", "via": via}
        assert client.post("/api/comments", json=body).status_code == 202
    assert client.post("/api/comments", json={"page": PAGE, "body": "Typed it."}).status_code == 202
    assert comment_channels(app) == [
        "mastodon",
        "poster-library",
        "newsletter-march",
        "site",
    ]


def test_without_javascript_the_same_origin_referer_tells_the_channel(app, client) -> None:
    sent = [
        ("http://localhost/blog/winter-vaccines/?via=bluesky", "bluesky"),
        ("http://localhost/blog/winter-vaccines/?utm_source=Mailchimp&x=1", "mailchimp"),
        ("http://localhost/blog/winter-vaccines/?via=poster-library#comments", "poster-library"),
        ("http://localhost/blog/winter-vaccines/", "site"),
        # Another site's address says nothing about how the reader came to ours.
        ("https://evil.example/?via=mastodon", "site"),
        ("http://localhost:9/blog/?via=mastodon", "site"),
        ("not a url at all ?via=mastodon", "site"),
    ]
    for referer, _ in sent:
        form = {"page": PAGE, "body": "From the form.", "website": ""}
        answer = client.post("/api/comments", data=form, headers={"Referer": referer})
        assert answer.status_code == 303
    assert comment_channels(app) == [channel for _, channel in sent]


def test_the_site_address_in_the_manifest_is_the_same_origin_too(app, client) -> None:
    site = app.extensions["engage_manifest"].get().site["url"]
    form = {"page": PAGE, "body": "From the published site.", "website": ""}
    headers = {"Referer": f"{site}{PAGE}?via=linkedin"}
    assert client.post("/api/comments", data=form, headers=headers).status_code == 303
    assert comment_channels(app) == ["linkedin"]


@pytest.mark.parametrize(
    "via",
    [
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "a" * 200,
        "é-accent",
        "",
        " ",
        "../../etc",
        ["mastodon"],
        {"x": 1},
        7,
        True,
    ],
)
def test_a_marker_that_is_not_a_channel_is_no_marker_and_the_comment_is_kept(
    app, client, via
) -> None:
    answer = client.post("/api/comments", json={"page": PAGE, "body": "Kept.", "via": via})
    assert answer.status_code == 202
    assert comment_channels(app) == ["site"]


def test_a_form_sent_back_with_errors_keeps_the_channel_for_the_next_post(app, client) -> None:
    referer = {"Referer": f"http://localhost{PAGE}?via=facebook"}
    form = {"page": PAGE, "body": "", "website": ""}
    again = client.post("/api/comments", data=form, headers=referer)
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert '<input type="hidden" name="via" value="facebook">' in html
    # The reader puts it right on the API's page: that page is now the Referer.
    form = {"page": PAGE, "body": "Now with words.", "website": "", "via": "facebook"}
    headers = {"Referer": "http://localhost/api/comments"}
    assert client.post("/api/comments", data=form, headers=headers).status_code == 303
    assert comment_channels(app) == ["facebook"]


def test_a_response_records_its_channel_from_the_field_or_the_referer(answering) -> None:
    client = answering.test_client()
    body = {"questionnaire": "test-survey", "answers": ANSWERS, "via": "x"}
    assert client.post("/api/responses", json=body).status_code == 201
    form = {"questionnaire": "test-survey", **ANSWERS}
    referer = {"Referer": "http://localhost/consultations/urgent-care-vale-cross/?via=sms-march"}
    assert client.post("/api/responses", data=form, headers=referer).status_code == 303
    assert client.post("/api/responses", data=form).status_code == 303
    assert response_channels(answering) == ["x", "sms-march", "site"]


def test_a_questionnaire_sent_back_with_errors_keeps_the_channel(answering) -> None:
    client = answering.test_client()
    referer = {"Referer": "http://localhost/consultations/urgent-care-vale-cross/?via=poster-gp"}
    again = client.post(
        "/api/responses", data={"questionnaire": "test-survey", "travel": "car"}, headers=referer
    )
    assert again.status_code == 422
    assert 'name="via" value="poster-gp"' in again.get_data(as_text=True)
    assert response_channels(answering) == []


def test_another_parameter_name_is_read_and_via_still_is(make_app) -> None:
    app = make_app(ENGAGE_CROSSPOST_VIA="src")
    client = app.test_client()
    for query in ("src=event-fair", "via=poster-hall", "src=bad%20%3Cvalue%3E&via=qr-bus"):
        headers = {"Referer": f"http://localhost{PAGE}?{query}"}
        form = {"page": PAGE, "body": "Hello.", "website": ""}
        assert client.post("/api/comments", data=form, headers=headers).status_code == 303
    assert comment_channels(app) == ["event-fair", "poster-hall", "qr-bus"]


def test_the_setting_refuses_a_parameter_name_no_link_could_carry(tmp_path) -> None:
    with pytest.raises(SettingsError, match="ENGAGE_CROSSPOST_VIA='two words' is not valid"):
        config.load(tmp_path, {"ENGAGE_CROSSPOST_VIA": "two words"}, {})
    loaded = config.load(tmp_path, {"ENGAGE_CROSSPOST_VIA": "off"}, {})
    assert loaded["ENGAGE_CROSSPOST_VIA"] is None
