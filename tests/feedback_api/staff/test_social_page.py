"""The Social page's figures against hand-computed values on seeded items (replies, reposts,
likes and quotes per post; time to our first answer; mentions per week; the posts that drew
most replies), what is heard without JavaScript and by a screen reader (axe and the Nu checker
in Chromium), and hostile text from a platform shown as text everywhere staff read it."""

from __future__ import annotations

import datetime
import re

import pytest

from feedback_api.listening import inbox
from feedback_api.staff import social as page
from feedback_api.storage import social, transaction
from feedback_api.storage.comments import add_official_reply
from fixtures.browser import assert_accessible
from fixtures.nu import nu_errors
from fixtures.servers import serving
from fixtures.site import ROOT
from fixtures.staff import PASSWORD, sign_in_by_keyboard, signed_in
from platforms.listening import Heard, HeardKind

NOW = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC)  # a Wednesday
T0 = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)  # this week's Monday, 9am
CORPUS = ROOT / "tests" / "data" / "xss" / "payloadbox-xss-payload-list.txt"


def heard(remote: str, kind: HeardKind, when: datetime.datetime, text: str, **more) -> Heard:
    return Heard(
        platform=more.pop("platform", "mastodon"),
        remote_id=remote,
        url=more.pop("url", f"https://social.example/@someone/{remote}"),
        kind=kind,
        handle=more.pop("handle", "@someone@social.example"),
        name=more.pop("name", "Someone"),
        text=text,
        created=when,
        **more,
    )


def seed(app) -> dict[str, int]:
    """Two followed posts, four items, one reply of ours three hours after the first."""
    with app.app_context(), transaction():
        social.track(
            [
                {
                    "platform": "mastodon",
                    "remote_id": "A",
                    "url": "https://social.example/@us/A",
                    "entry_url": "https://engage.example.nhs.uk/consultations/urgent-care-vale-cross/",
                    "page": "/consultations/urgent-care-vale-cross/",
                    "title": "Urgent care: have your say",
                    "posted": T0 - datetime.timedelta(days=1),
                },
                {
                    "platform": "bluesky",
                    "remote_id": "B",
                    "url": "https://bsky.app/profile/us/post/B",
                    "entry_url": "https://engage.example.nhs.uk/blog/winter-vaccines/",
                    "page": "/blog/winter-vaccines/",
                    "title": "Winter vaccines",
                    "posted": T0 - datetime.timedelta(days=1),
                },
            ]
        )
        a = social.post_by_remote("mastodon", "A")
        b = social.post_by_remote("bluesky", "B")
        a.replies, a.reposts, a.likes, a.quotes = 5, 2, 7, 1
        b.replies = 1
        _, first = inbox.take("mastodon", [heard("i1", HeardKind.REPLY, T0, "When?")], a)
        inbox.take(
            "mastodon", [heard("i2", HeardKind.REPLY, T0 + datetime.timedelta(hours=1), "Why?")], a
        )
        inbox.take(
            "mastodon", [heard("m1", HeardKind.MENTION, T0 + datetime.timedelta(days=1), "Hi")]
        )
        last_week = T0 - datetime.timedelta(days=3)
        inbox.take("mastodon", [heard("t1", HeardKind.TERM, last_week, "#ValeCross queues")])
        reply = add_official_reply(
            first[0],
            body="Soon.",
            html="<p>Soon.</p>",
            author="NHS",
            staff_id=None,
            tag=None,
            edit_token_hash="x",
        )
        reply.created = T0 + datetime.timedelta(hours=3)
        return {"a": a.id, "b": b.id, "i1": first[0].id}


def test_the_figures_are_the_hand_computed_ones(app) -> None:
    seed(app)
    with app.app_context(), transaction():
        found = page.figures(NOW)
    assert found.heard == 4 and found.answered == 1
    assert found.answer_median_hours == 3.0
    by_remote = {row.post.remote_id: row for row in found.posts}
    assert (by_remote["A"].heard, by_remote["A"].answered) == (2, 1)
    assert by_remote["A"].first_answer_hours == 3.0
    assert (by_remote["B"].heard, by_remote["B"].first_answer_hours) == (0, None)
    assert [row.post.remote_id for row in found.most_replied] == ["A", "B"]
    weeks = dict(found.weeks)
    assert len(found.weeks) == page.WEEKS
    assert weeks[datetime.date(2026, 11, 30)] == 1  # m1
    assert weeks[datetime.date(2026, 11, 23)] == 1  # t1
    assert sum(weeks.values()) == 2, "replies in our threads are not mentions"


def test_the_page_shows_them(app) -> None:
    seed(app)
    client = signed_in(app, "moderator")
    shown = client.get("/admin/social").get_data(as_text=True)
    assert "4 items; 1 answered by us there" in shown
    assert re.search(r"Urgent care: have your say</a>.*?<td[^>]*>mastodon</td>", shown, re.S)
    table_row = r'<th scope="row"[^>]*><a href="[^"]*">Urgent care: have your say</a>(.*?)</tr>'
    row = re.search(table_row, shown, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[1:5] == ["5", "2", "7", "1"] and "after 3.0 hours" in cells[5]
    assert nu_errors(shown) == []


def test_hostile_text_from_a_platform_is_shown_as_text(app) -> None:
    attacks = [
        '<script>alert("x")</script>',
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "\x00\ud800 odd",
    ]
    attacks += CORPUS.read_text(encoding="utf-8", errors="replace").splitlines()[:200]
    with app.app_context(), transaction():
        batch = [
            heard(f"x{n}", HeardKind.MENTION, T0, text, url="javascript:alert(1)", name=text[:80])
            for n, text in enumerate(attacks)
        ]
        taken, _ = inbox.take("mastodon", batch)
    assert taken.new == len(attacks)
    client = signed_in(app, "moderator")
    shown = client.get("/admin/?source=mastodon").get_data(as_text=True)
    assert "<script>alert" not in shown and "onerror=alert" not in shown.replace(
        "onerror=alert(1)&gt;", ""
    )
    assert 'href="javascript:' not in shown
    item = re.search(r'id="item-(\d+)-heading"', shown).group(1)
    detail = client.get(f"/admin/comments/{item}").get_data(as_text=True)
    assert 'href="javascript:' not in detail and "<script>alert" not in detail
    listed = app.test_cli_runner().invoke(args=["comments", "list", "--json", "--source", "social"])
    assert listed.exit_code == 0 and "\\u0000" not in listed.output


@pytest.mark.browser
def test_the_social_pages_pass_axe_and_work_by_keyboard(make_app, page) -> None:
    app = make_app(ENGAGE_SECURE_COOKIES=False)
    ids = seed(app)
    with app.app_context():
        from feedback_api.accounts import service as accounts

        accounts.create("moderator@example.nhs.uk", "moderator", PASSWORD, name="Mo")
    with serving(app) as url:
        page.goto(url + "/admin/")
        sign_in_by_keyboard(page, url, "moderator@example.nhs.uk")
        page.goto(url + "/admin/social")
        assert_accessible(page, "/admin/social")
        page.goto(url + "/admin/?source=social")
        assert page.is_visible("text=Mastodon: Reply to our post")
        assert_accessible(page, "the queue, social media only")
        page.goto(url + f"/admin/comments/{ids['i1']}")
        page.fill("#reply-body", "Thank you, we will reply here soon.")
        page.focus("button:has-text('Preview reply')")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=This is what will be posted on Mastodon")
        assert_accessible(page, "a social item's reply preview")
        assert nu_errors(page.content()) == []
