"""The comments API through a real app and database: every status code, for JSON and for form
posts, and what each leaves in the database."""

from __future__ import annotations

import json

import pytest

from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.models import Comment, db

PAGE = "/blog/winter-vaccines/"
CLOSED = "/blog/community-diagnostic-centre-vale-cross/"


def stored(app) -> list[Comment]:
    with app.app_context():
        comments = db.session.scalars(db.select(Comment).order_by(Comment.id)).all()
        db.session.expunge_all()
        return comments


def approve(app, comment_id: int) -> None:
    with app.app_context(), transaction():
        storage.set_status(storage.get_comment(comment_id), "approved")


def test_json_post_is_stored_pending_and_not_shown(app, client) -> None:
    answer = client.post(
        "/api/comments", json={"page": PAGE, "body": "Good *news*.", "author": "Sam"}
    )
    assert answer.status_code == 202
    assert answer.json["status"] == "pending" and answer.json["edit_token"]
    [comment] = stored(app)
    assert (comment.id, comment.page, comment.status) == (answer.json["id"], PAGE, "pending")
    assert comment.body == "Good *news*." and comment.html == "<p>Good <em>news</em>.</p>"
    assert comment.edit_token_hash != answer.json["edit_token"], "only a hash of the token is kept"
    assert comment.ip_hash and "127.0.0.1" not in comment.ip_hash
    assert client.get(f"/api/comments?page={PAGE}").json["comments"] == []


def test_form_post_redirects_to_the_thank_you_page(app, client) -> None:
    answer = client.post("/api/comments", data={"page": PAGE, "body": "From a form", "website": ""})
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/api/comments/received?page=")
    page = client.get(answer.headers["Location"])
    assert page.status_code == 200
    assert b"will appear once a moderator has checked it" in page.data
    assert f'href="{PAGE}#comments"'.encode() in page.data
    assert [c.body for c in stored(app)] == ["From a form"]


def test_missing_fields_json(app, client) -> None:
    answer = client.post("/api/comments", json={"page": PAGE})
    assert answer.status_code == 400
    assert answer.json["fields"] == {"body": "Enter your comment."}
    assert stored(app) == []


def test_form_with_errors_comes_back_with_the_readers_text(app, client) -> None:
    answer = client.post(
        "/api/comments",
        data={"page": PAGE, "body": "Keep <this> text", "author": "Sam", "email": "not-an-email"},
    )
    assert answer.status_code == 400
    html = answer.data.decode()
    assert 'class="nhsuk-error-summary"' in html
    assert 'href="#comment-email"' in html
    assert "Enter an email address in the correct format" in html
    assert "Keep &lt;this&gt; text</textarea>" in html
    assert 'value="Sam"' in html and 'value="not-an-email"' in html
    assert stored(app) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "x" * 5001}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "ok", "author": "a" * 81}, "author"),
        ({"body": "ok", "email": "a@b"}, "email"),
        ({"body": "ok", "notify": True}, "email"),
        ({"body": "ok", "parent": "abc"}, "parent"),
        ({"body": ["not", "text"]}, "body"),
    ],
)
def test_each_field_is_checked(client, fields: dict, field: str) -> None:
    answer = client.post("/api/comments", json={"page": PAGE, **fields})
    assert answer.status_code == 400
    assert field in answer.json["fields"]


def test_unknown_page_is_404(client) -> None:
    answer = client.post("/api/comments", json={"page": "/blog/no-such-post/", "body": "Hi"})
    assert answer.status_code == 404 and "no page" in answer.json["error"]
    form = client.post("/api/comments", data={"page": "/nope/", "body": "Hi"})
    assert form.status_code == 404 and b"<h1>" in form.data


def test_closed_page_is_409(app, client) -> None:
    answer = client.post("/api/comments", json={"page": CLOSED, "body": "Hi"})
    assert answer.status_code == 409
    assert stored(app) == []


def test_closed_consultation_is_409(client) -> None:
    answer = client.post(
        "/api/comments", json={"page": "/consultations/millbrook-maternity-services/", "body": "Hi"}
    )
    assert answer.status_code == 409


def test_over_the_size_cap_is_413(app, client) -> None:
    body = json.dumps({"page": PAGE, "body": "x" * 70_000})
    answer = client.post("/api/comments", data=body, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json["error"]
    assert stored(app) == []


def test_other_content_types_are_415(client) -> None:
    answer = client.post("/api/comments", data="page=/x/", content_type="text/plain")
    assert answer.status_code == 415
    assert "JSON" in answer.json["error"]
    assert answer.json["error"].startswith("Send the comment as JSON")


def test_malformed_json_is_400(client) -> None:
    answer = client.post("/api/comments", data="{not json", content_type="application/json")
    assert (
        answer.status_code == 400 and answer.json["error"] == "The request body is not valid JSON."
    )
    listed = client.post("/api/comments", data="[1, 2]", content_type="application/json")
    assert listed.status_code == 400


def test_rate_limit_is_429_with_retry_after(make_app) -> None:
    app = make_app(ENGAGE_RATELIMIT_COMMENTS="2/minute")
    client = app.test_client()
    codes = [
        client.post("/api/comments", json={"page": PAGE, "body": f"n{i}"}).status_code
        for i in range(3)
    ]
    assert codes == [202, 202, 429]
    limited = client.post("/api/comments", json={"page": PAGE, "body": "again"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert len(stored(app)) == 2


def test_honeypot_is_accepted_silently_and_stored_as_spam(app, client) -> None:
    answer = client.post(
        "/api/comments", json={"page": PAGE, "body": "Buy now", "website": "http://spam"}
    )
    assert answer.status_code == 202 and answer.json["status"] == "pending"
    assert [c.status for c in stored(app)] == ["spam"]


def test_screening_reasons_are_stored(app, client) -> None:
    client.post("/api/comments", json={"page": PAGE, "body": "My NHS number is 943 476 5919."})
    [comment] = stored(app)
    assert comment.status == "pending"
    assert comment.held_reasons[0]["kind"] == "nhs_number"
    assert comment.held_reasons[0]["match"] == "943 476 5919"


def test_approved_comments_are_listed_with_replies_nested(app, client) -> None:
    first = client.post("/api/comments", json={"page": PAGE, "body": "First", "author": "A"}).json
    second = client.post("/api/comments", json={"page": PAGE, "body": "Second"}).json
    approve(app, first["id"])
    approve(app, second["id"])
    reply = client.post(
        "/api/comments", json={"page": PAGE, "body": "Reply", "parent": first["id"]}
    )
    assert reply.status_code == 202
    approve(app, reply.json["id"])
    listing = client.get(f"/api/comments?page={PAGE}")
    assert listing.status_code == 200
    comments = listing.json["comments"]
    assert [c["id"] for c in comments] == [first["id"], second["id"]]
    assert comments[0]["author"] == "A" and comments[1]["author"] is None
    assert [r["html"] for r in comments[0]["replies"]] == ["<p>Reply</p>"]
    assert comments[0]["created"].endswith("Z")
    assert listing.json["count"] == 3


def test_a_reply_needs_an_approved_comment_on_the_same_page(app, client) -> None:
    pending = client.post("/api/comments", json={"page": PAGE, "body": "Not yet"}).json
    answer = client.post(
        "/api/comments", json={"page": PAGE, "body": "Re", "parent": pending["id"]}
    )
    assert answer.status_code == 400 and "parent" in answer.json["fields"]
    approve(app, pending["id"])
    other = client.post(
        "/api/comments", json={"page": "/about/", "body": "x", "parent": pending["id"]}
    )
    assert other.status_code == 409  # plain pages take no comments at all


def test_etag_and_304(app, client) -> None:
    first = client.post("/api/comments", json={"page": PAGE, "body": "One"}).json
    approve(app, first["id"])
    listing = client.get(f"/api/comments?page={PAGE}")
    etag = listing.headers["ETag"]
    assert "max-age" in listing.headers["Cache-Control"]
    assert (
        client.get(f"/api/comments?page={PAGE}", headers={"If-None-Match": etag}).status_code == 304
    )
    second = client.post("/api/comments", json={"page": PAGE, "body": "Two"}).json
    assert (
        client.get(f"/api/comments?page={PAGE}", headers={"If-None-Match": etag}).status_code == 304
    )
    approve(app, second["id"])
    changed = client.get(f"/api/comments?page={PAGE}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json["count"] == 2


def test_list_needs_a_known_page(client) -> None:
    assert client.get("/api/comments").status_code == 400
    assert client.get("/api/comments?page=/nope/").status_code == 404


def test_counts(app, client) -> None:
    ids = [
        client.post("/api/comments", json={"page": PAGE, "body": f"c{i}"}).json["id"]
        for i in range(3)
    ]
    for comment_id in ids[:2]:
        approve(app, comment_id)
    answer = client.get(f"/api/comments/counts?page={PAGE}&page=/about/&page=/never/")
    assert answer.status_code == 200
    assert answer.json == {"counts": {PAGE: 2, "/about/": 0, "/never/": 0}}
    assert client.get("/api/comments/counts").status_code == 400


def test_writer_edits_and_deletes_their_pending_comment(app, client) -> None:
    posted = client.post("/api/comments", json={"page": PAGE, "body": "Typo hre"}).json
    edited = client.patch(
        f"/api/comments/{posted['id']}",
        json={"edit_token": posted["edit_token"], "body": "Typo here"},
    )
    assert edited.status_code == 200
    assert stored(app)[0].body == "Typo here"
    wrong = client.delete(f"/api/comments/{posted['id']}", headers={"X-Edit-Token": "guess"})
    assert wrong.status_code == 403
    gone = client.delete(
        f"/api/comments/{posted['id']}", headers={"X-Edit-Token": posted["edit_token"]}
    )
    assert gone.status_code == 204
    assert stored(app) == []
    assert (
        client.delete(f"/api/comments/{posted['id']}", headers={"X-Edit-Token": "x"}).status_code
        == 404
    )


def test_editing_an_approved_comment_sends_it_back_to_moderation(app, client) -> None:
    posted = client.post("/api/comments", json={"page": PAGE, "body": "Fine"}).json
    approve(app, posted["id"])
    assert client.get(f"/api/comments/counts?page={PAGE}").json["counts"][PAGE] == 1
    client.patch(
        f"/api/comments/{posted['id']}",
        json={"edit_token": posted["edit_token"], "body": "Changed"},
    )
    assert stored(app)[0].status == "pending"
    assert client.get(f"/api/comments?page={PAGE}").json["comments"] == []
    assert client.get(f"/api/comments/counts?page={PAGE}").json["counts"][PAGE] == 0


def test_an_approved_comment_cannot_be_changed_after_the_window(make_app) -> None:
    app = make_app(ENGAGE_EDIT_MINUTES=0)
    client = app.test_client()
    posted = client.post("/api/comments", json={"page": PAGE, "body": "Fine"}).json
    approve(app, posted["id"])
    late = client.patch(
        f"/api/comments/{posted['id']}", json={"edit_token": posted["edit_token"], "body": "x"}
    )
    assert late.status_code == 409
    assert stored(app)[0].body == "Fine"


def test_health(client) -> None:
    answer = client.get("/api/health").json
    assert answer.pop("manifest")["ok"] is True, "the sample site was just built"
    assert answer == {
        "status": "ok",
        "database": "ok",
        "rate_limits": {"storage": "memory", "ok": True},
        "outbox": {"waiting": 0, "failed": 0, "oldest_waiting_seconds": None},
    }


def test_health_is_503_without_a_database(tmp_path, built_site) -> None:
    from feedback_api import create_app
    from fixtures.api import api_config

    config = api_config(tmp_path, built_site, "sqlite", DATABASE_URL="sqlite:////no/such/dir/x.db")
    answer = create_app(config).test_client().get("/api/health")
    assert answer.status_code == 503
    assert answer.json["database"] == "unavailable"


def test_openapi_documents_every_api_route(app, client) -> None:
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = rule.rule.replace("<int:comment_id>", "{id}")
        assert path in document["paths"], f"{rule.rule} is not in openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], f"{method} {rule.rule} undocumented"


def test_the_site_is_served_with_its_404_page(client) -> None:
    def fetch(path: str) -> tuple[int, bytes]:
        with client.get(path) as answer:
            return answer.status_code, answer.get_data()

    assert fetch("/")[0] == 200
    assert b"<h1" in fetch("/blog/winter-vaccines/")[1]
    status, body = fetch("/blog/none/")
    assert status == 404 and b"Page not found" in body
    assert fetch("/blog")[0] == 308
    assert fetch("/../pyproject.toml")[0] == 404
    with client.get("/theme/css/main.css") as first:
        etag = first.headers["ETag"]
        assert first.mimetype == "text/css"
    with client.get("/theme/css/main.css", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304 and again.get_data() == b""


@pytest.mark.parametrize(("proxies", "separate"), [(0, False), (1, True)])
def test_forwarded_for_is_trusted_only_behind_declared_proxies(make_app, proxies, separate) -> None:
    app = make_app(ENGAGE_TRUSTED_PROXIES=proxies, ENGAGE_RATELIMIT_COMMENTS="1/minute")
    client = app.test_client()
    first = client.post(
        "/api/comments",
        json={"page": PAGE, "body": "a"},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    second = client.post(
        "/api/comments",
        json={"page": PAGE, "body": "b"},
        headers={"X-Forwarded-For": "198.51.100.9"},
    )
    assert first.status_code == 202
    # Behind a declared proxy the two clients are told apart; otherwise a forged header is ignored
    # and both requests count against the one address they really came from.
    assert second.status_code == (202 if separate else 429)
    hashes = {c.ip_hash for c in stored(app)}
    assert len(hashes) == (2 if separate else 1)


def test_a_reader_can_ask_for_an_answer(app, client) -> None:
    client.post("/api/comments", json={"page": PAGE, "body": "When?", "question": True})
    client.post("/api/comments", data={"page": PAGE, "body": "Why?", "question": "1"})
    client.post("/api/comments", json={"page": PAGE, "body": "Thanks"})
    assert [c.needs_response for c in stored(app)] == [True, True, False]
