"""Approved comments baked into the static pages from the API's export, so readers without
JavaScript and search engines see them."""

from __future__ import annotations

import json

from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from fixtures.site import ROOT, run_pelican

PAGE = "/blog/winter-vaccines/"


def test_approved_comments_are_in_the_built_page(app, client, runner, tmp_path) -> None:
    first = client.post(
        "/api/comments", json={"page": PAGE, "body": "Booked *mine*.", "author": "<b>Ann</b>"}
    ).json["id"]
    client.post("/api/comments", json={"page": PAGE, "body": "Still pending"})
    with app.app_context(), transaction():
        storage.set_status(storage.get_comment(first), "approved")
        storage.add_official_reply(
            storage.get_comment(first),
            body="Thank you.",
            html="<p>Thank you.</p>",
            author="NHS Riverside and Vale ICB",
            staff_id=None,
            tag=None,
            edit_token_hash="-",
        )
    export = tmp_path / "comments.json"
    result = runner.invoke(args=["comments", "export-site", str(export)])
    assert result.exit_code == 0 and "1 page(s)" in result.output
    assert json.loads(export.read_text())["pages"][PAGE]["count"] == 2  # with the reply

    build = run_pelican(
        ROOT / "content",
        tmp_path / "out",
        tmp_path / "cache",
        "-e",
        f"ENGAGE_COMMENTS_EXPORT={json.dumps(str(export))}",
    )
    assert build.returncode == 0, build.log
    html = (build.output / "blog/winter-vaccines/index.html").read_text(encoding="utf-8")
    assert f'id="comment-{first}"' in html
    assert "<p>Booked <em>mine</em>.</p>" in html
    assert "&lt;b&gt;Ann&lt;/b&gt;" in html and "<b>Ann</b>" not in html
    assert "Still pending" not in html
    assert "engage-comment--reply engage-comment--official" in html
    other = (build.output / "blog/heatwave-and-hay-fever/index.html").read_text(encoding="utf-8")
    assert "Comments appear here once a moderator has checked them." in other


def test_an_unreadable_export_stops_the_build(tmp_path) -> None:
    build = run_pelican(
        ROOT / "content",
        tmp_path / "out",
        tmp_path / "cache",
        "-e",
        f"ENGAGE_COMMENTS_EXPORT={json.dumps(str(tmp_path / 'none.json'))}",
    )
    assert build.returncode == 1
    assert "ENGAGE_COMMENTS_EXPORT" in build.log and "export-site" in " ".join(build.log.split())
    assert "Traceback" not in build.log
