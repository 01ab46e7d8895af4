"""The comment API's messages read as a person would say them (issue 13), under the same JSON
keys, and a form sent without JavaScript comes back with them in the NHS error summary."""

from __future__ import annotations

import re

import pytest

PAGE = "/blog/winter-vaccines/"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": ["not", "text"]}, "body", "Your comment must be text."),
        ({"body": "ok", "author": 7}, "author", "Your name must be text."),
        ({"body": "ok", "email": 7}, "email", "Your email address must be text."),
        (
            {"body": "ok", "notify": True},
            "email",
            "Enter your email address so we can tell you about replies, or untick the box.",
        ),
        (
            {"body": "ok", "parent": "abc"},
            "parent",
            "We could not find the comment you are replying to.",
        ),
    ],
)
def test_field_messages_name_the_field_as_the_reader_sees_it(
    client, fields: dict, field: str, message: str
) -> None:
    answer = client.post("/api/comments", json={"page": PAGE, **fields})
    assert answer.status_code == 400
    assert answer.json["fields"][field] == message


def test_unknown_page_and_missing_page_say_what_is_wrong(client) -> None:
    unknown = client.post("/api/comments", json={"page": "/no-such/", "body": "Hello"})
    assert unknown.status_code == 404
    assert unknown.json["fields"] == {"page": "There is no such page on this site."}
    missing = client.get("/api/comments")
    assert missing.status_code == 400
    assert missing.json["fields"] == {"page": "Say which page you want comments for."}


def test_form_again_is_checked_by_the_server_not_the_browser(client) -> None:
    """With JavaScript off the reader meets the NHS error summary, never a browser bubble."""
    answer = client.post("/api/comments", data={"page": PAGE, "body": ""})
    assert answer.status_code == 400
    html = answer.data.decode()
    form = re.search(r'<form[^>]*action="/api/comments"[^>]*>', html)
    assert form and "novalidate" in form.group(0)
    summary = html[html.index('class="nhsuk-error-summary"') :]
    assert re.search(r'<a href="#comment-body">\s*Enter your comment\.\s*</a>', summary)
