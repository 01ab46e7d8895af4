"""Themes in the report, against counts worked out by hand: five of the seven seeded people
(conftest) wrote why, coded here with two themes; a published comment and a reviewed social
item are coded too. Counts per theme, kind, channel and age group (a group of one hidden), and
quotes with the phone number removed."""

from __future__ import annotations

import re

import pytest

from feedback_api.staff.reports import themes as report_themes
from feedback_api.storage import comments, pages, social, transaction
from feedback_api.storage.learning import themes as storage
from feedback_api.storage.responses import responses_to
from fixtures.surveys import CONSULTATION, REPORT_PHONE

WAIT, STAFF = "Waiting times", "Staff attitude"
# Who wrote why (1-based, as conftest's REPORT_PEOPLE) and the themes coded.
CODED = {1: (WAIT, STAFF), 2: (WAIT,), 3: (WAIT,), 5: (WAIT,), 6: (WAIT, STAFF)}


@pytest.fixture
def coded(seeded):
    with seeded.app_context(), transaction():
        themes = {name: storage.add_theme(CONSULTATION, name).id for name in (WAIT, STAFF)}
        people = responses_to("test-survey")
        for number, names in CODED.items():
            item = storage.Item(response_id=people[number - 1].id, field="why")
            storage.code(CONSULTATION, item, [themes[n] for n in names], None)
        pages.ensure_page(CONSULTATION)
        comment = comments.add_comment(
            page=CONSULTATION,
            body="The receptionist was kind.",
            html="<p>The receptionist was kind.</p>",
            status="pending",
            held_reasons=[],
            edit_token_hash="x",
            channel="facebook",
        )
        comments.set_status(comment, "approved")
        item = social.add_item(
            page=CONSULTATION,
            body="Waited four hours.",
            html="<p>Waited four hours.</p>",
            source="bluesky",
            remote_id="at://did:plc:a/app.bsky.feed.post/1",
        )
        comments.set_status(item, "reviewed")
        storage.code(CONSULTATION, storage.Item(comment_id=comment.id), [themes[STAFF]], None)
        storage.code(CONSULTATION, storage.Item(comment_id=item.id), [themes[WAIT]], None)
        # Another consultation's theme in the same request is ignored.
        other = storage.add_theme("/consultations/millbrook-maternity-services/", "Parking")
        storage.code(
            CONSULTATION, storage.Item(response_id=people[3].id, field="why"), [other.id], None
        )
    return seeded


def figures(app, **options):
    with app.app_context():
        definition = app.extensions["engage_manifest"].get().questionnaires["test-survey"]
        return report_themes.figures(CONSULTATION, definition, small_group=2, **options)


def test_counts_per_theme_kind_channel_and_group(coded) -> None:
    found = figures(coded, by="equality_age")
    rows = {row["name"]: row for row in found["rows"]}
    assert list(rows) == [WAIT, STAFF], "most used first"
    assert (rows[WAIT]["answer"], rows[WAIT]["comment"], rows[WAIT]["social"]) == (5, 0, 1)
    assert (rows[STAFF]["answer"], rows[STAFF]["comment"], rows[STAFF]["social"]) == (2, 1, 0)
    assert rows[WAIT]["total"] == 6 and rows[STAFF]["total"] == 3
    # People 1 and 2 came from Mastodon, 3 from the library poster, 5 direct, 6 by text message.
    assert rows[WAIT]["channels"] == {
        "Mastodon": 2,
        "Bluesky": 1,
        "Direct to the website": 1,
        "Poster: library": 1,
        "Text message": 1,
    }
    assert rows[STAFF]["channels"] == {"Facebook": 1, "Mastodon": 1, "Text message": 1}
    # Ages: 1, 2 and 3 are 16 to 24; 5 and 6 did not say. Staff attitude has one: hidden.
    assert rows[WAIT]["groups"] == {"16_24": 3, "prefer_not_to_say": 0}
    assert rows[STAFF]["groups"] == {"16_24": None, "prefer_not_to_say": 0}
    assert found["coded"] == 8, "seven answers and comments, and the one coded with no theme"


def test_one_channel_only(coded) -> None:
    rows = {row["name"]: row for row in figures(coded, channel="mastodon")["rows"]}
    assert rows[WAIT]["total"] == 2 and rows[STAFF]["total"] == 1


def test_quotes_have_personal_data_removed(coded) -> None:
    rows = {row["name"]: row for row in figures(coded)["rows"]}
    quoted = [quote["text"] for quote in rows[WAIT]["quotes"]]
    assert len(quoted) == 3
    assert all(REPORT_PHONE not in text for text in quoted)
    everything = " ".join(q["text"] for row in rows.values() for q in row["quotes"])
    assert REPORT_PHONE not in everything


def test_the_report_page_shows_the_themes(coded, staff) -> None:
    html = staff("admin").get("/admin/reports/test-survey").get_data(as_text=True)
    section = html.split('<h2 id="themes">', 1)[1].split('<h2 id="breakdown">', 1)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "Waiting times 5 0 1 6" in text and "Staff attitude 2 1 0 3" in text
    assert REPORT_PHONE not in section, "quotes are redacted, even for an administrator"
    assert "Fewer than 2" in section
