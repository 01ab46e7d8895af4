"""Every report figure by channel, against values worked out by hand from the seven seeded people
(conftest: two came from Mastodon, one from a library poster, one by a text message's link,
three straight to the site), two comments and a social media item on the consultation page, and
one response from before channels were recorded."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest

from feedback_api.manifest import SITE_ZONE
from feedback_api.staff.reports import fft_return
from feedback_api.staff.reports import figures as reports
from feedback_api.storage import pages, social, transaction
from feedback_api.storage.answers.counts import Selection
from feedback_api.storage.models import QuestionnaireResponse, db
from feedback_api.storage.responses import add_response, responses_to
from fixtures.surveys import CONSULTATION


@pytest.fixture
def heard(seeded):
    """The seeded responses, with comments on the consultation page through two channels (one
    by its Referer, JavaScript off), a Bluesky item about it, and an old response."""
    for via, referer in (("mastodon", None), (None, f"http://localhost{CONSULTATION}?via=qr-bus")):
        form = {"page": CONSULTATION, "body": "About the plans.", "website": ""}
        form |= {"via": via} if via else {}
        headers = {"Referer": referer} if referer else {}
        assert (
            seeded.test_client().post("/api/comments", data=form, headers=headers).status_code
            == 303
        )
    with seeded.app_context(), transaction():
        pages.ensure_page(CONSULTATION)
        social.add_item(
            page=CONSULTATION,
            body="Seen the plans.",
            html="<p>Seen the plans.</p>",
            source="bluesky",
            remote_id="at://did:plc:someone/app.bsky.feed.post/1",
            author="Someone",
        )
        add_response(
            questionnaire="test-survey",
            reference="OLD0-0001",
            answers={"experience": "good", "travel": "car"},
            held_reasons={},
            spam=False,
            ip_hash=None,
        )
    return seeded


def table_rows(html: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, each cell's text."""
    table = html.split(caption, 1)[1].split("</table>", 1)[0]
    rows = []
    for row in table.split("<tbody", 1)[1].split("<tr")[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


NONE = "\u2013"  # the table's dash for no figure


def words(html: str) -> str:
    """The page's text, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_each_response_keeps_the_channel_it_came_through(heard) -> None:
    with heard.app_context():
        found = {r.reference: r.channel for r in responses_to("test-survey")}
    assert sorted(found.values(), key=str) == sorted(
        ["mastodon", "mastodon", "poster-library", "site", "site", "sms", "site", None], key=str
    )


def test_the_channel_table_counts_responses_comments_and_social_items(heard, staff) -> None:
    html = staff("moderator").get("/admin/reports/test-survey").get_data(as_text=True)
    rows = table_rows(html, "Responses, comments and social media items by channel")
    # 8 responses: site 3, Mastodon 2, poster 1, text message 1, not recorded 1. FFT positive
    # (very good or good) of each channel's answers: site 0 of 3 (neither, poor, don't know),
    # Mastodon 2 of 2, the poster 1 of 1 (good), the text message 0 of 1 (very poor), the old
    # response 1 of 1 (good). Comments: one from Mastodon, one by the bus QR code; Bluesky's item.
    assert rows == [
        ["Direct to the website", "3", "37.5%", "0.0% of 3", "0", "0"],
        ["Mastodon", "2", "25.0%", "100.0% of 2", "1", "0"],
        ["Poster: library", "1", "12.5%", "100.0% of 1", "0", "0"],
        ["Text message", "1", "12.5%", "0.0% of 1", "0", "0"],
        ["Not recorded", "1", "12.5%", "100.0% of 1", "0", "0"],
        ["Bluesky", "0", NONE, NONE, "0", "1"],
        ["QR code: bus", "0", NONE, NONE, "1", "0"],
    ]


def test_choosing_a_channel_filters_every_figure(heard, staff) -> None:
    moderator = staff("moderator")
    html = moderator.get("/admin/reports/test-survey?channel=mastodon").get_data(as_text=True)
    assert "2 through Mastodon (show all)" in words(html)
    assert 'id="period-channel"' in html and '<option value="mastodon" selected>' in html
    # The answers to the FFT question: both very good.
    experience = html.split('<h3 id="question-experience"', 1)[1].split("<h3 ", 1)[0]
    assert ">2 (100.0%)</text>" in experience
    # The page's comments through Mastodon only: one waiting.
    assert "0 published, 1 waiting for moderation" in html
    # Every download and form carries the channel.
    assert "/admin/reports/test-survey/responses.csv?channel=mastodon" in html
    assert '<input type="hidden" name="channel" value="mastodon">' in html
    old = moderator.get("/admin/reports/test-survey?channel=not-recorded").get_data(as_text=True)
    assert "1 through Not recorded (show all)" in words(old)
    # A hostile channel in the address is no filter.
    hostile = moderator.get("/admin/reports/test-survey?channel=%3Cscript%3Ex")
    text = hostile.get_data(as_text=True)
    assert hostile.status_code == 200 and "<script>x" not in text and "&lt;script&gt;x" not in text
    assert "8 (show all)" not in words(text) and "Responses 8" in words(text)


def test_the_breakdown_by_channel_suppresses_small_groups(heard) -> None:
    everyone = Selection("test-survey")
    with heard.app_context():
        definition = heard.extensions["engage_manifest"].get().questionnaires["test-survey"]
        cross = reports.breakdown(definition, everyone, "channel", "experience", small_group=2)
        ages = reports.breakdown(definition, everyone, "channel", "equality_age", small_group=2)
    by = {row["label"]: row for row in cross["rows"]}
    assert list(by) == [
        "Direct to the website",
        "Mastodon",
        "Poster: library",
        "Text message",
        "Not recorded",
    ]
    assert by["Direct to the website"]["counts"] == {
        "very_good": 0,
        "good": 0,
        "neither": 1,
        "poor": 1,
        "very_poor": 0,
        "dont_know": 1,
    }
    assert by["Mastodon"]["counts"]["very_good"] == 2 and by["Mastodon"]["positive_pct"] == 100.0
    assert [row["suppressed"] for row in cross["rows"]] == [False, False, True, True, True]
    # The equality answers per channel: the age question for Mastodon's two people.
    assert ages["rows"][1]["counts"] == {"16_24": 2, "prefer_not_to_say": 0}


def test_the_breakdown_form_offers_the_channel(heard, staff) -> None:
    html = (
        staff("moderator")
        .get("/admin/reports/test-survey?by=channel&question=experience")
        .get_data(as_text=True)
    )
    assert '<option value="channel" selected>The channel they came through</option>' in html
    assert "Question experience, by channel" in html


def test_the_downloads_say_each_responses_channel(heard, staff) -> None:
    moderator = staff("moderator")
    text = moderator.get("/admin/reports/test-survey/responses.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(row["Channel"] for row in rows) == sorted(
        [
            "Mastodon",
            "Mastodon",
            "Poster: library",
            "Direct to the website",
            "Direct to the website",
            "Text message",
            "Direct to the website",
            "Not recorded",
        ]
    )
    document = json.loads(moderator.get("/admin/reports/test-survey/responses.json").data)
    assert sorted(str(r["channel"]) for r in document["responses"]) == sorted(
        ["mastodon", "mastodon", "poster-library", "site", "site", "sms", "site", "None"]
    )
    only = moderator.get("/admin/reports/test-survey/responses.csv?channel=sms").get_data(
        as_text=True
    )
    assert len(list(csv.DictReader(io.StringIO(only.lstrip("\ufeff"))))) == 1


def test_the_fft_return_gives_the_text_message_its_own_mode(heard) -> None:
    with heard.app_context():
        definition = heard.extensions["engage_manifest"].get().questionnaires["test-survey"]
        month = datetime.datetime.now(SITE_ZONE).date().replace(day=1)
        rows = fft_return.fft_return(definition, [month])
    by_mode = {row.mode: row for row in rows}
    assert set(by_mode) == {"Online", "SMS/text", "All modes"}
    assert by_mode["SMS/text"].counts["very_poor"] == 1 and by_mode["SMS/text"].total == 1
    # Online: the seven others (the old response's "good" among them).
    assert by_mode["Online"].total == 7 and by_mode["All modes"].total == 8
    with heard.app_context():
        assert db.session.scalar(db.select(db.func.count(QuestionnaireResponse.id))) == 9
