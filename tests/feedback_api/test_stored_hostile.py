"""Rows written before the input checks existed, or straight into the database, cannot break
what staff and readers fetch: every page, feed and export built from them answers 200 with text
that is valid UTF-8 (and valid XML in the feeds).

The rows are written with SQL, past the API: half surrogate pairs, NUL, vertical tab, U+FFFE and
C1 controls in comment authors, bodies and HTML, in questionnaire answers, and in the JSON columns
(held reasons, answers, the audit log's before and after). Each database stores what it can:
SQLite any TEXT bytes (also bytes that are not UTF-8), PostgreSQL no NUL in text; both keep JSON
escapes such as "\\ud800" in json columns (PostgreSQL's json, unlike jsonb, stores them as sent).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest

from feedback_api.accounts import service as accounts
from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.models import AuditEntry, Comment, QuestionnaireResponse, db
from fixtures.surveys import CONSULTATION, survey_app

PAGE = "/blog/winter-vaccines/"
EMAIL = "writer@example.com"
# As JSON escapes: what a json column can hold on both databases.
JSON_HOSTILE = "A\\ud800B\\udfffC\\u0000D\\u000bE\\ufffeF\\u0085G\\u009fH\\u001bI"
# XML 1.0 refuses all of these; UTF-8 cannot encode the surrogates.
FORBIDDEN = ["\ud800", "\udfff", "\x00", "\x0b", "\ufffe", "\x85", "\x9f", "\x1b"]


def sql_text(dialect: str) -> str:
    """An SQL expression for text holding the characters each database can store in TEXT."""
    if dialect == "sqlite":
        # CAST(X'EDA080' AS TEXT) is U+D800 encoded as if it were a character: not UTF-8.
        return (
            "('A' || char(0) || 'B' || char(11) || 'C' || char(65534) || 'D' || char(133) || 'E'"
            " || CAST(X'EDA080' AS TEXT) || 'F')"
        )
    return "('A' || chr(11) || 'B' || chr(65534) || 'C' || chr(133) || 'D' || chr(27) || 'E')"


def json_param(dialect: str, name: str) -> str:
    return f"CAST(:{name} AS json)" if dialect == "postgresql" else f":{name}"


@pytest.fixture
def staff_app(tmp_path, built_site, make_app):
    """The `staff` fixture's app, reading a manifest with the test survey open today."""
    return survey_app(make_app, tmp_path, built_site)


@pytest.fixture
def hostile(staff_app) -> dict[str, object]:
    """A pending and an approved comment, a response and an audit entry, then made hostile."""
    app = staff_app
    client = app.test_client()
    answers = {"experience": "good", "travel": "bus", "bus_route": "X5", "why": "Fine"}
    sent = client.post("/api/responses", json={"questionnaire": "test-survey", "answers": answers})
    assert sent.status_code == 201, sent.json
    ids = {}
    with app.app_context():
        for status in ("pending", "approved"):
            with transaction():
                comment = storage.add_comment(
                    page=PAGE,
                    body="Clean",
                    html="<p>Clean</p>",
                    status="pending",
                    held_reasons=[],
                    edit_token_hash="x" * 64,
                    author="Sam",
                    email=EMAIL,
                )
                if status == "approved":
                    storage.set_status(comment, "approved")
            ids[status] = comment.id
        user = accounts.create("feeds@example.nhs.uk", "moderator", "a long password here")
        token = accounts.new_feed_token(user)
        dialect = db.engine.dialect.name
        text = sql_text(dialect)
        reasons = json.dumps(
            [{"kind": "phone", "match": "x", "start": 0, "end": 1}, {"kind": "w", "start": "?"}]
        ).replace('"x"', f'"{JSON_HOSTILE}"')
        db.session.execute(
            db.text(
                f"UPDATE comments SET author = {text}, body = {text} || ' body',"
                f" html = '<p>' || {text} || '</p>', reject_reason = {text},"
                f" held_reasons = {json_param(dialect, 'reasons')}"
            ),
            {"reasons": reasons},
        )
        stored_answers = (
            f'{{"experience": "good", "travel": "bus", "bus_route": "{JSON_HOSTILE}",'
            f' "why": "Call 07700 900123 {JSON_HOSTILE}", "used_other": "{JSON_HOSTILE}",'
            f' "{JSON_HOSTILE}": ["{JSON_HOSTILE}"]}}'
        )
        held = f'{{"why": [{{"kind": "phone", "match": "{JSON_HOSTILE}", "start": 5, "end": 17}}]}}'
        db.session.execute(
            db.text(
                f"UPDATE responses SET answers = {json_param(dialect, 'answers')},"
                f" held_reasons = {json_param(dialect, 'held')}"
            ),
            {"answers": stored_answers, "held": held},
        )
        entry = AuditEntry(action="comment approved", target=f"comment {ids['approved']}")
        db.session.add(entry)
        db.session.flush()
        db.session.execute(
            db.text(
                f"UPDATE audit_log SET detail = {text}, before = {json_param(dialect, 'before')},"
                f" after = {json_param(dialect, 'after')} WHERE id = :id"
            ),
            {
                "id": entry.id,
                "before": f'{{"body": "{JSON_HOSTILE}"}}',
                "after": f'{{"{JSON_HOSTILE}": "{JSON_HOSTILE}"}}',
            },
        )
        db.session.commit()
    return {"app": app, "ids": ids, "token": token}


def assert_writable(answer, what: str) -> str:
    """200, and the body is strict UTF-8 without a character XML refuses."""
    assert answer.status_code == 200, (what, answer.status_code, answer.get_data()[:300])
    text = answer.get_data().decode("utf-8")  # strict: raises on anything not UTF-8
    for character in FORBIDDEN:
        assert character not in text, (what, repr(character))
    return text


def test_stored_rows_are_read_back_scrubbed(hostile) -> None:
    with hostile["app"].app_context():
        comment = db.session.get(Comment, hostile["ids"]["approved"])
        response = db.session.scalars(db.select(QuestionnaireResponse)).one()
        values = [comment.author, comment.body, comment.html, comment.reject_reason]
        values += [json.dumps(comment.held_reasons, ensure_ascii=False)]
        values += [json.dumps(response.answers, ensure_ascii=False)]
        values += [json.dumps(response.held_reasons, ensure_ascii=False)]
    for value in values:
        assert not any(character in value for character in FORBIDDEN), repr(value)
        value.encode("utf-8")
        assert "\ufffd" in value, "what could not be kept is marked, not silently dropped"
    assert comment.author.startswith("AB"), "the characters around them are kept"


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_report_page_and_downloads_answer(hostile, staff, role: str) -> None:
    client = staff(role)
    for query in ("", "?flagged=yes", "?contains=call", "?field=bus_route", "?field=used_other"):
        html = assert_writable(client.get("/admin/reports/test-survey" + query), query)
        assert "answer" in html
    assert_writable(client.get("/admin/reports/"), "index")
    downloads = ["", "?personal=include"] if role == "admin" else [""]
    for query in downloads:
        text = assert_writable(
            client.get(f"/admin/reports/test-survey/responses.csv{query}"), "csv"
        )
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert len(rows) == 1 and rows[0]["Question bus_route"].startswith("A\ufffdB")
        document = json.loads(
            assert_writable(client.get(f"/admin/reports/test-survey/responses.json{query}"), "json")
        )
        assert document["responses"][0]["answers"]["bus_route"].startswith("A\ufffdB")
    page = assert_writable(client.get("/admin/reports/test-survey"), "report")
    assert CONSULTATION in page


def test_feeds_answer_and_parse(hostile) -> None:
    client = hostile["app"].test_client()
    for url, entries in (
        (f"/api/feeds/pending.atom?token={hostile['token']}", 1),
        ("/api/feeds/comments.atom", 1),
        (f"/api/feeds/comments.atom?page={PAGE}", 1),
    ):
        body = assert_writable(client.get(url), url)
        ET.fromstring(body.encode("utf-8"))
        feed = feedparser.parse(body.encode("utf-8"))
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        assert len(feed.entries) == entries, url
        assert all(entry.author.startswith("AB") for entry in feed.entries)


def test_a_hostile_page_address_cannot_break_the_feed(hostile, staff) -> None:
    """A page address is a key, read back exactly as stored so it still finds its rows; the
    feed scrubs what it writes of it. (Pages show it as text: harmless there.)"""
    app = hostile["app"]
    with app.app_context():
        with transaction():
            comment = storage.add_comment(
                page="/blog/elsewhere/",
                body="Elsewhere",
                html="<p>Elsewhere</p>",
                status="pending",
                held_reasons=[],
                edit_token_hash="x" * 64,
            )
            storage.set_status(comment, "approved")
        address = f"'/blog/' || {sql_text(db.engine.dialect.name)} || '/'"
        db.session.execute(
            db.text(f"INSERT INTO pages (url, approved_count, version) VALUES ({address}, 1, 1)")
        )
        db.session.execute(
            db.text(f"UPDATE comments SET page = {address} WHERE id = :id"), {"id": comment.id}
        )
        db.session.commit()
    body = assert_writable(app.test_client().get("/api/feeds/comments.atom"), "feed")
    feed = feedparser.parse(body.encode("utf-8"))
    assert not feed.bozo and len(feed.entries) == 2
    assert any(
        entry.link.startswith("http://") and "/blog/AB" in entry.link for entry in feed.entries
    )
    assert staff("moderator").get("/admin/?status=approved").status_code == 200


def test_comment_list_answers(hostile) -> None:
    client = hostile["app"].test_client()
    answer = client.get(f"/api/comments?page={PAGE}")
    document = json.loads(assert_writable(answer, "comment list"))
    [comment] = document["comments"]
    assert comment["author"].startswith("AB") and comment["html"].startswith("<p>AB")


def test_moderation_pages_answer(hostile, staff) -> None:
    moderator = staff("moderator")
    for path in (
        "/admin/",
        "/admin/?status=approved",
        "/admin/?status=all",
        "/admin/?q=body",
        f"/admin/comments/{hostile['ids']['pending']}",
        f"/admin/comments/{hostile['ids']['approved']}",
        "/admin/dashboard",
    ):
        assert_writable(moderator.get(path), path)


def test_people_and_audit_pages_answer(hostile, staff) -> None:
    admin = staff("admin")
    found = assert_writable(admin.get(f"/admin/people?email={EMAIL}"), "people")
    assert "body" in found
    export = json.loads(
        assert_writable(admin.get(f"/admin/people/export.json?email={EMAIL}"), "export")
    )
    assert len(export["comments"]) == 2
    assert all(c["author"].startswith("AB") for c in export["comments"])
    assert_writable(admin.get("/admin/audit"), "audit")
    audit = json.loads(assert_writable(admin.get("/admin/audit.json"), "audit.json"))
    assert audit["entries"]


@pytest.mark.parametrize(
    ("reasons", "held", "answers"),
    [
        ('["x", 5, null, {"kind": 7}]', '["not an object"]', '["a list"]'),
        ('{"kind": "phone"}', '{"why": "not a list"}', '"text"'),
        ("null", '{"why": [1, "x", {"start": null}]}', '{"why": 5, "used": "gp"}'),
    ],
)
def test_stored_reasons_and_answers_of_the_wrong_shape_still_render(
    staff_app, staff, reasons, held, answers
) -> None:
    """A row written by hand or by an older version, with JSON of the wrong shape."""
    client = staff_app.test_client()
    sent = client.post(
        "/api/responses",
        json={"questionnaire": "test-survey", "answers": {"experience": "good", "travel": "car"}},
    )
    assert sent.status_code == 201
    posted = client.post("/api/comments", json={"page": PAGE, "body": "Clean"})
    assert posted.status_code == 202
    with staff_app.app_context():
        dialect = db.engine.dialect.name
        db.session.execute(
            db.text(f"UPDATE comments SET held_reasons = {json_param(dialect, 'reasons')}"),
            {"reasons": reasons},
        )
        db.session.execute(
            db.text(
                f"UPDATE responses SET held_reasons = {json_param(dialect, 'held')},"
                f" answers = {json_param(dialect, 'answers')}"
            ),
            {"held": held, "answers": answers},
        )
        db.session.commit()
    for role in ("moderator", "admin"):
        signed_in = staff(role)
        for path in [
            "/admin/",
            f"/admin/comments/{posted.json['id']}",
            "/admin/reports/",
            "/admin/reports/test-survey",
            "/admin/reports/test-survey?flagged=yes&contains=x",
            "/admin/reports/test-survey/responses.csv",
            "/admin/reports/test-survey/responses.json",
            "/admin/dashboard",
        ]:
            assert_writable(signed_in.get(path), f"{role} {path}")
