"""The site export's public responsiveness figures (`comments export-site`): the staff's own
figures over what is published on the site, checked against values worked out by hand. What
was said on social media, anything pending, rejected or spam, and a removed reply never count;
no name and no text is in the section."""

from __future__ import annotations

import json

import pytest

from feedback_api.publishing.export import public_figures, write_site_export
from feedback_api.storage.models import db
from fixtures.responsiveness_seed import NOW, add, at

A = "/consultations/urgent-care-vale-cross/"
B = "/blog/winter-vaccines/"
C = "/blog/heatwave-and-hay-fever/"


@pytest.fixture
def seeded(app):
    """Target 2 working days; NOW is Wednesday 25 November 2026 at noon."""
    with app.app_context():
        from feedback_api.storage.pages import ensure_page

        for page in (A, B, C):
            ensure_page(page)
        q1 = add(A, at(16, 9), at(16, 9))
        add(A, at(16, 15), official=True, parent_id=q1.id, reply_tag="change planned")  # 6 h
        q2 = add(A, at(16, 10), at(16, 10), author="Ann Example")
        add(A, at(19, 10), official=True, parent_id=q2.id, reply_tag="change made")  # 3 days
        add(A, at(20, 12), at(20, 13), needs_response=True)  # waiting
        q4 = add(A, at(23, 8), at(23, 8))
        add(A, at(23, 20), official=True, parent_id=q4.id)  # 12 h, untagged
        q5 = add(A, at(18, 12), at(18, 12), needs_response=True)
        add(
            A,
            at(18, 13),
            status="rejected",
            official=True,
            parent_id=q5.id,
            reply_tag="change planned",
        )
        add(A, at(17, 9), at(17, 9))  # a comment, not a question
        add(A, at(24, 9), status="pending", needs_response=True)  # not published
        add(A, at(18, 9), status="rejected", needs_response=True)
        add(A, at(18, 10), status="spam", needs_response=True)
        heard = add(A, at(16, 8), status="reviewed", source="mastodon", handle="@someone")
        add(
            A,
            at(16, 9),
            status="reviewed",
            source="mastodon",
            official=True,
            parent_id=heard.id,
            reply_tag="change made",
        )
        add(None, at(16, 8), status="reviewed", source="x", needs_response=True)
        b1 = add(B, at(24, 8), at(24, 8))
        add(B, at(24, 12), official=True, parent_id=b1.id, reply_tag="change planned")  # 4 h
        add(C, at(17, 9), at(17, 9))  # comments only: no figures for C
        db.session.commit()
    return app


def test_the_figures_match_hand_computed_values(seeded) -> None:
    with seeded.app_context():
        figures = public_figures(NOW)
    assert figures["computed"] == "2026-11-25T12:00:00Z"
    assert figures["target_working_days"] == 2.0
    assert set(figures["pages"]) == {A, B}
    # A: q1 (0.25 working days), q2 (3.0: late), q3 (waiting), q4 (0.5), q5 (its reply removed).
    # First replies 6, 72 and 12 hours: median 12.
    assert figures["pages"][A] == {
        "questions": 5,
        "answered": 3,
        "answered_within_target": 2,
        "answered_within_target_pct": 40,
        "median_hours_to_first_reply": 12.0,
        "change_planned": 1,
        "change_made": 1,
        "period": {"from": "2026-11-16", "to": "2026-11-25"},
    }
    assert figures["pages"][B] == {
        "questions": 1,
        "answered": 1,
        "answered_within_target": 1,
        "answered_within_target_pct": 100,
        "median_hours_to_first_reply": 4.0,
        "change_planned": 1,
        "change_made": 0,
        "period": {"from": "2026-11-24", "to": "2026-11-25"},
    }
    # Site-wide: first replies 4, 6, 12, 72 hours -> median 9.
    assert figures["site"] == {
        "questions": 6,
        "answered": 4,
        "answered_within_target": 3,
        "answered_within_target_pct": 50,
        "median_hours_to_first_reply": 9.0,
        "change_planned": 2,
        "change_made": 1,
        "period": {"from": "2026-11-16", "to": "2026-11-25"},
    }


def test_a_longer_target_counts_the_late_answer(make_app) -> None:
    app = make_app(ENGAGE_RESPONSE_TARGET_DAYS=3)
    with app.app_context():
        from feedback_api.storage.pages import ensure_page

        ensure_page(A)
        q = add(A, at(16, 10), at(16, 10))
        add(A, at(19, 10), official=True, parent_id=q.id)  # exactly 3 working days
        db.session.commit()
        figures = public_figures(NOW)
    assert figures["target_working_days"] == 3
    assert figures["site"]["answered_within_target"] == 1


def test_no_questions_no_figures(app) -> None:
    with app.app_context():
        figures = public_figures(NOW)
    assert figures["pages"] == {}
    assert figures["site"]["questions"] == 0
    assert figures["site"]["answered_within_target_pct"] is None
    assert figures["site"]["median_hours_to_first_reply"] is None
    assert figures["site"]["period"] == {"from": None, "to": "2026-11-25"}


def test_export_site_writes_the_section_with_no_names_or_text(seeded, tmp_path) -> None:
    target = tmp_path / "comments.json"
    done = seeded.test_cli_runner().invoke(args=["comments", "export-site", str(target)])
    assert done.exit_code == 0, done.output
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["version"] == 2
    assert isinstance(document["pages"], dict)  # the baked comments as before
    section = json.dumps(document["responsiveness"])
    assert set(document["responsiveness"]["pages"]) == {A, B}
    for private in ("Ann Example", "@someone", "<p>", "mastodon"):
        assert private not in section
    with seeded.app_context():
        write_site_export(tmp_path / "again.json", now=NOW)
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["responsiveness"]["site"]["questions"] == 6


def test_a_question_asked_through_the_api_counts_once_approved(app, client) -> None:
    from feedback_api.storage import comments as storage
    from feedback_api.storage import transaction

    asked = client.post(
        "/api/comments", json={"page": B, "body": "When does it open?", "question": True}
    )
    assert asked.status_code == 202, asked.json
    with app.app_context():
        assert public_figures()["site"]["questions"] == 0  # pending: not public yet
        with transaction():
            storage.set_status(storage.get_comment(asked.json["id"]), "approved")
        assert public_figures()["site"]["questions"] == 1
        with transaction():
            storage.add_official_reply(
                storage.get_comment(asked.json["id"]),
                body="In May.",
                html="<p>In May.</p>",
                author="NHS Riverside and Vale ICB",
                staff_id=None,
                tag="change planned",
                edit_token_hash="-",
            )
        site = public_figures()["site"]
    assert (site["questions"], site["answered"], site["answered_within_target"]) == (1, 1, 1)
    assert site["change_planned"] == 1
