"""The operators' commands, through Flask's CLI runner on a real database."""

from __future__ import annotations

import csv
import io
import json

from feedback_api.storage import comments as storage

PAGE = "/blog/winter-vaccines/"


def post(client, body: str, **fields: object) -> int:
    return client.post("/api/comments", json={"page": PAGE, "body": body, **fields}).json["id"]


def test_list_json_has_the_documented_fields(client, runner) -> None:
    held = post(client, "Ring me on 07700 900123", author="Sam")
    clean = post(client, "Thank you")
    result = runner.invoke(args=["comments", "list", "--json"])
    assert result.exit_code == 0, result.output
    records = {record["id"]: record for record in json.loads(result.output)}
    assert records[held]["page"] == PAGE and records[held]["status"] == "pending"
    assert records[held]["created"].endswith("Z")
    assert records[held]["held_reasons"] == [{"kind": "phone", "match": "07700 900123"}]
    assert records[clean]["held_reasons"] == []


def test_list_filters_and_reads_as_text(client, runner) -> None:
    post(client, "First")
    result = runner.invoke(args=["comments", "list", "--status", "approved"])
    assert result.output.strip() == "No comments."
    result = runner.invoke(args=["comments", "list", "--status", "pending", "--page", PAGE])
    assert "First" in result.output and "pending" in result.output


def test_approve_publishes_and_reject_unpublishes(app, client, runner) -> None:
    comment_id = post(client, "Publish me")
    result = runner.invoke(args=["comments", "approve", str(comment_id)])
    assert result.exit_code == 0 and "approved" in result.output
    assert client.get(f"/api/comments?page={PAGE}").json["count"] == 1
    result = runner.invoke(args=["comments", "reject", str(comment_id), "--reason", "off topic"])
    assert result.exit_code == 0
    assert client.get(f"/api/comments?page={PAGE}").json["count"] == 0
    with app.app_context():
        comment = storage.get_comment(comment_id)
        assert (comment.status, comment.reject_reason) == ("rejected", "off topic")


def test_unknown_comment_is_a_sentence_and_an_error_exit(runner) -> None:
    result = runner.invoke(args=["comments", "approve", "999"])
    assert result.exit_code != 0
    assert "There is no comment #999." in result.output
    assert "Traceback" not in result.output


def test_export_csv_and_json(client, runner) -> None:
    post(client, "Line one\nline, two", author="Ann")
    as_json = runner.invoke(args=["comments", "export", "--format", "json"])
    assert json.loads(as_json.output)[0]["body"] == "Line one\nline, two"
    as_csv = runner.invoke(args=["comments", "export", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert rows[0]["body"] == "Line one\nline, two" and rows[0]["author"] == "Ann"
    assert "edit_token_hash" not in rows[0] and "ip_hash" not in rows[0]
