"""Theme coding in the workspace (/admin/themes) on the reports' seven people: the code frame
(add, rename, remove, suggestions), the queue (order, counts, several themes, "no theme fits",
skip, coding again), who reads what, hostile text shown as text, valid HTML, and coding two
items with the keyboard alone in Chromium."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from feedback_api.storage import transaction
from feedback_api.storage.learning import themes as storage
from feedback_api.storage.models import AuditEntry, Comment, QuestionnaireResponse, db
from fixtures.browser import assert_accessible, assert_fits_320_px
from fixtures.moderation_helpers import seed
from fixtures.nu import nu_errors
from fixtures.servers import serving
from fixtures.site import ROOT
from fixtures.staff import PASSWORD, sign_in_with_form
from fixtures.surveys import CONSULTATION
from fixtures.surveys import REPORT_PHONE as PHONE

OTHER = "/consultations/millbrook-maternity-services/"
FRAME = f"/admin/themes/frame?page={CONSULTATION}"
QUEUE = f"/admin/themes/code?page={CONSULTATION}"
CORPUS = ROOT / "tests" / "data" / "xss" / "payloadbox-xss-payload-list.txt"
# In the browser: whether the queue shows the item keyed `key`, its keys ready.
SHOWN = """key => {
  const form = document.querySelector('form[data-engage-coding][data-engage-ready]')
  return Boolean(form) && form.querySelector('input[name=item]').value === key
}"""


def keys(app) -> list[str]:
    """The seeded answers' items, oldest first: each response's "why" (if any), then its bus
    route."""
    with app.app_context():
        found = db.session.scalars(
            db.select(QuestionnaireResponse)
            .where(QuestionnaireResponse.spam.is_(False))
            .order_by(QuestionnaireResponse.id)
        ).all()
        return [
            f"r{response.id}:{field}"
            for response in found
            for field in ("why", "bus_route")
            if response.answers.get(field)
        ]


def add(client, name: str, page: str = CONSULTATION, **more: str):
    return client.post(
        f"/admin/themes/frame/add?page={page}",
        data={"csrf_token": client.token, "name": name, **more},
    )


def theme_ids(app, page: str = CONSULTATION) -> dict[str, int]:
    with app.app_context():
        return {theme.name: theme.id for theme in storage.frame(page)}


def tags(app, key: str, page: str = CONSULTATION) -> list[str] | None:
    """The names of the themes an item carries; None when it is not coded."""
    with app.app_context():
        found = storage.coded_item(page, storage.Item.from_key(key))
        if found is None:
            return None
        names = {theme.id: theme.name for theme in storage.frame(page)}
        return sorted(names[t] for t in storage.themes_of(found))


def code(client, key: str, *themes: int, action: str = "save"):
    return client.post(
        QUEUE,
        data={"csrf_token": client.token, "item": key, "theme": list(themes), "action": action},
    )


def shown_item(html: str) -> str:
    """The key of the item the queue page shows."""
    return html.split('name="item" value="', 1)[1].split('"', 1)[0]


def test_index_lists_consultations_with_their_counts(seeded, staff) -> None:
    client = staff("moderator")
    html = client.get("/admin/themes/").get_data(as_text=True)
    assert 'href="/admin/themes/" aria-current="page">Themes</a>' in html
    row = html[html.index(f"/admin/themes/frame?page={CONSULTATION}") :].split("</tr>", 1)[0]
    numbers = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">'
    assert f"{numbers}0</td>\n      {numbers}6</td>\n      {numbers}0</td>" in row, row
    assert f"/admin/themes/frame?page={OTHER}" in html, "every consultation is listed"
    add(client, "Waiting")
    code(client, keys(seeded)[0], theme_ids(seeded)["Waiting"])
    html = client.get("/admin/themes/").get_data(as_text=True)
    row = html[html.index(f"/admin/themes/frame?page={CONSULTATION}") :].split("</tr>", 1)[0]
    assert f"{numbers}1</td>\n      {numbers}5</td>\n      {numbers}1</td>" in row, row
    assert f"/admin/themes/code?page={CONSULTATION}" in row and "Code 5 items" in row


def test_frame_adds_renames_and_removes_themes_refusing_bad_names(seeded, staff) -> None:
    client = staff("moderator")
    done = add(client, "  Waiting   times ", description="Any wait, anywhere.")
    assert done.status_code == 303 and "/admin/themes/frame?page=" in done.headers["Location"]
    page = client.get(FRAME).get_data(as_text=True)
    assert "Added the theme \u2018Waiting times\u2019." in page and "Any wait, anywhere." in page
    for name, said in (
        ("waiting TIMES", "There is already a theme called \u2018waiting TIMES\u2019."),
        ("   ", "Enter a name for the theme."),
        ("x" * 81, "A theme&#39;s name must be 80 characters or fewer."),
    ):
        refused = add(client, name, description="Kept")
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400 and said in html, name
        assert 'href="#name"' in html and ">Kept</textarea>" in html, "what was typed stays"
    wordy = add(client, "Parking", description="x" * 501)
    assert wordy.status_code == 400
    assert "A description must be 500 characters or fewer." in wordy.get_data(as_text=True)
    assert list(theme_ids(seeded)) == ["Waiting times"]
    add(client, "Staff")
    ids = theme_ids(seeded)
    code(client, keys(seeded)[0], ids["Waiting times"], ids["Staff"])
    code(client, keys(seeded)[1], ids["Waiting times"])

    rename = "/admin/themes/frame/rename?page=" + CONSULTATION
    clash = client.post(
        rename, data={"csrf_token": client.token, "theme": ids["Staff"], "name": "Waiting Times"}
    )
    assert clash.status_code == 400 and "There is already a theme called" in clash.get_data(
        as_text=True
    )
    assert f'id="theme-{ids["Staff"]}-name-error"' in clash.get_data(as_text=True)
    renamed = client.post(
        rename,
        data={"csrf_token": client.token, "theme": ids["Waiting times"], "name": "Long waits"},
    )
    assert renamed.status_code == 303
    assert tags(seeded, keys(seeded)[0]) == ["Long waits", "Staff"], "renaming keeps the tags"

    remove = "/admin/themes/frame/remove?page=" + CONSULTATION
    asked = client.post(remove, data={"csrf_token": client.token, "theme": ids["Waiting times"]})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Remove the theme &ldquo;Long waits&rdquo;?" in html
    assert "2 items are tagged with it. 2 tags will go" in html
    assert theme_ids(seeded) == {"Long waits": ids["Waiting times"], "Staff": ids["Staff"]}
    gone = client.post(
        remove, data={"csrf_token": client.token, "theme": ids["Waiting times"], "confirm": "yes"}
    )
    assert gone.status_code == 303
    assert "Removed the theme \u2018Long waits\u2019 and its 2 tags." in client.get(FRAME).get_data(
        as_text=True
    )
    assert theme_ids(seeded) == {"Staff": ids["Staff"]}
    assert tags(seeded, keys(seeded)[0]) == ["Staff"] and tags(seeded, keys(seeded)[1]) == []
    with seeded.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("theme") or a == "item coded"] == [
        "theme added",
        "theme added",
        "item coded",
        "item coded",
        "theme renamed",
        "theme removed",
    ]


def test_suggestions_come_from_what_people_wrote(seeded, staff) -> None:
    client = staff("moderator")
    html = client.get(FRAME).get_data(as_text=True)
    suggestions = html[html.index('id="suggestions"') :]
    assert 'value="long wait"' in suggestions and "long wait (4)" in suggestions
    assert "wait (5)" in suggestions and "friendly" not in suggestions, "a word used once is not"
    assert "6 items to code here: 0 coded, 6 left." in html
    assert "07700" not in suggestions, "personal data is never suggested"
    add(client, "Long wait")
    html = client.get(FRAME).get_data(as_text=True)
    assert 'value="long wait"' not in html[html.index('id="suggestions"') :]


def test_pages_that_are_not_consultations_are_not_found(seeded, staff) -> None:
    client = staff("moderator")
    for path in (
        "/admin/themes/frame?page=/blog/winter-vaccines/",
        "/admin/themes/code?page=/nowhere/",
        "/admin/themes/frame",
    ):
        assert client.get(path).status_code == 404, path
    assert add(client, "Waiting", page="/blog/winter-vaccines/").status_code == 404
    with seeded.app_context():
        assert storage.frame("/blog/winter-vaccines/") == []


def test_forms_without_the_csrf_token_are_refused(seeded, staff) -> None:
    client = staff("moderator")
    answer = client.post(f"/admin/themes/frame/add?page={CONSULTATION}", data={"name": "Waiting"})
    assert answer.status_code == 400 and theme_ids(seeded) == {}
    add(client, "Waiting")
    forged = client.post(
        QUEUE, data={"csrf_token": "forged", "item": keys(seeded)[0], "theme": "1"}
    )
    assert forged.status_code == 400 and tags(seeded, keys(seeded)[0]) is None


def test_the_queue_codes_oldest_first_with_several_themes_none_or_skipping(seeded, staff) -> None:
    client = staff("moderator")
    later = seed(seeded, "The car park was full.", page=CONSULTATION, status="approved")
    seed(seeded, "Waiting for a moderator.", page=CONSULTATION)  # not published: not codable
    empty = client.get(QUEUE).get_data(as_text=True)
    assert "has no themes yet" in empty and 'name="item"' not in empty
    add(client, "Waiting")
    add(client, "Staff")
    ids = theme_ids(seeded)
    items = [*keys(seeded), f"c{later}"]
    html = client.get(QUEUE).get_data(as_text=True)
    assert shown_item(html) == items[0] and "7 of 7 items left to code." in html
    assert "Friendly staff and a short wait." in html and "Question why" in html
    assert "through Mastodon" in html
    assert html.count('type="checkbox"') == 2 and 'id="theme-1" name="theme"' in html
    skip = html.split("data-engage-coding-skip", 1)[0].rsplit('<a href="', 1)[1]
    assert unquote(skip).startswith(f"/admin/themes/code?page={CONSULTATION}&amp;after={items[0]}")

    saved = code(client, items[0], ids["Waiting"], ids["Staff"])
    assert saved.status_code == 303 and f"after={items[0]}" in unquote(saved.headers["Location"])
    assert tags(seeded, items[0]) == ["Staff", "Waiting"]
    html = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert shown_item(html) == items[1] and "6 of 7 items left" in html
    again = html.split('">Change the themes of the item before</a>', 1)[0].rsplit('"', 1)[1]
    assert unquote(again).endswith(f"&amp;item={items[0]}")

    assert code(client, items[1], ids["Staff"], action="none").status_code == 303
    assert tags(seeded, items[1]) == [], "no theme fits: coded with none"
    html = client.get(QUEUE).get_data(as_text=True)
    assert shown_item(html) == items[2] and "Question bus_route" in html
    skipped = client.get(f"{QUEUE}&after={items[2]}").get_data(as_text=True)
    assert shown_item(skipped) == items[3] and tags(seeded, items[2]) is None
    assert shown_item(client.get(QUEUE).get_data(as_text=True)) == items[2], "skipped, not coded"

    refused = code(client, items[2])
    assert refused.status_code == 400 and tags(seeded, items[2]) is None
    assert "Tick at least one theme, or choose \u201cNo theme fits\u201d." in refused.get_data(
        as_text=True
    )

    for key in items[2:-1]:
        code(client, key, ids["Waiting"])
    html = client.get(QUEUE).get_data(as_text=True)
    assert shown_item(html) == f"c{later}" and "Comment on the page" in html
    assert "The car park was full." in html and "through Not recorded" in html
    done = code(client, f"c{later}", action="none")
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Everything is coded" in html and "0 of 7 items left" in html
    assert 'href="/admin/reports/test-survey#themes"' in html


def test_an_item_is_coded_again_from_its_link(seeded, staff) -> None:
    client = staff("moderator")
    add(client, "Waiting")
    add(client, "Staff")
    ids = theme_ids(seeded)
    first = keys(seeded)[0]
    code(client, first, ids["Waiting"], ids["Staff"])
    html = client.get(f"{QUEUE}&item={first}").get_data(as_text=True)
    assert shown_item(html) == first and "already coded" in html
    assert html.count(" checked") == 2
    code(client, first, ids["Staff"])
    assert tags(seeded, first) == ["Staff"]
    assert client.get(f"{QUEUE}&item=r999:why").status_code == 404
    assert client.get(f"{QUEUE}&item=nonsense").status_code == 404


def test_another_pages_theme_is_ignored(seeded, staff) -> None:
    client = staff("moderator")
    add(client, "Waiting")
    add(client, "Midwives", page=OTHER)
    mine, theirs = theme_ids(seeded)["Waiting"], theme_ids(seeded, OTHER)["Midwives"]
    first, second = keys(seeded)[:2]
    assert code(client, first, mine, theirs).status_code == 303
    assert tags(seeded, first) == ["Waiting"]
    assert code(client, second, theirs).status_code == 400 and tags(seeded, second) is None
    rename = client.post(
        f"/admin/themes/frame/rename?page={CONSULTATION}",
        data={"csrf_token": client.token, "theme": theirs, "name": "Hijacked"},
    )
    assert rename.status_code == 404 and theme_ids(seeded, OTHER) == {"Midwives": theirs}


def test_moderators_read_personal_data_redacted_and_administrators_marked(seeded, staff) -> None:
    held = keys(seeded)[1]
    moderator = staff("moderator")
    add(moderator, "Waiting")
    html = moderator.get(f"{QUEUE}&item={held}").get_data(as_text=True)
    assert "Call me on [phone number removed] about the long wait." in html
    assert PHONE not in html and "Contains phone number" in html
    html = staff("admin").get(f"{QUEUE}&item={held}").get_data(as_text=True)
    assert (
        '<mark class="engage-held"><span class="nhsuk-u-visually-hidden">phone number: '
        f"</span>{PHONE}</mark>" in html
    )


def test_hostile_text_is_shown_as_text(seeded, staff) -> None:
    client = staff("moderator")
    payloads = [line for line in CORPUS.read_text(errors="replace").splitlines() if "<" in line]
    body = "\n".join(payloads[:40])
    comment = seed(seeded, body, page=CONSULTATION, status="approved")
    with seeded.app_context(), transaction():
        item = db.session.get(Comment, comment)
        item.source, item.status, item.remote_kind = "mastodon", "reviewed", "mention"
    assert add(client, "<script>alert('theme')</script>").status_code == 303
    html = client.get(f"{QUEUE}&item=c{comment}").get_data(as_text=True)
    assert "On Mastodon" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;theme&#39;)" in html
    for payload in payloads[:40]:
        assert payload not in html, payload
    frame = client.get(FRAME).get_data(as_text=True)
    assert "<script>alert" not in frame


def test_the_pages_are_valid_html(seeded, staff) -> None:
    client = staff("admin")
    seed(seeded, "The long wait again.", page=CONSULTATION, status="approved")
    empty = [client.get(QUEUE).get_data(as_text=True)]
    add(client, "Waiting", description="Any wait.")
    add(client, "Staff")
    client.get(FRAME)  # shows (and so forgets) both notices; one is shown below
    add(client, "Parking")
    pages = {
        "index": client.get("/admin/themes/").get_data(as_text=True),
        "frame": client.get(FRAME).get_data(as_text=True),
        "refused": add(client, "").get_data(as_text=True),
        "queue": client.get(QUEUE).get_data(as_text=True),
        "no theme": code(client, keys(seeded)[0]).get_data(as_text=True),
        "held": client.get(f"{QUEUE}&item={keys(seeded)[1]}").get_data(as_text=True),
        "remove": client.post(
            f"/admin/themes/frame/remove?page={CONSULTATION}",
            data={"csrf_token": client.token, "theme": theme_ids(seeded)["Staff"]},
        ).get_data(as_text=True),
        "no themes yet": empty[0],
    }
    for key in keys(seeded):
        code(client, key, action="none")
    with seeded.app_context():
        comment = db.session.scalars(db.select(Comment.id)).first()
    code(client, f"c{comment}", action="none")
    pages["done"] = client.get(QUEUE).get_data(as_text=True)
    assert "Everything is coded" in pages["done"]
    for name, html in pages.items():
        assert nu_errors(html) == [], name


@pytest.mark.browser
def test_coding_by_keyboard_alone_is_accessible(seeded, page) -> None:
    from feedback_api.accounts import service as accounts

    with seeded.app_context(), transaction():
        accounts.create("moderator@example.nhs.uk", "moderator", PASSWORD)
        waiting = storage.add_theme(CONSULTATION, "Waiting")
        storage.add_theme(CONSULTATION, "Staff")
        waiting = waiting.id
    first, second, third, fourth = keys(seeded)[:4]
    page.set_default_timeout(15_000)
    with serving(seeded) as url:
        page.goto(f"{url}/admin/sign-in")
        sign_in_with_form(page, url, "moderator@example.nhs.uk")
        for path in ("/admin/themes/", FRAME, QUEUE):
            page.goto(url + path)
            assert_accessible(page, path)
        page.goto(url + QUEUE)
        page.wait_for_function(SHOWN, arg=first)
        page.keyboard.press("1")
        assert page.is_checked("#theme-1") and not page.is_checked("#theme-2")
        page.keyboard.press("Enter")
        page.wait_for_function(SHOWN, arg=second)
        page.keyboard.press("n")
        page.wait_for_function(SHOWN, arg=third)
        page.keyboard.press("s")
        page.wait_for_function(SHOWN, arg=fourth)
        assert_accessible(page, "the queue after coding two items")
        assert_fits_320_px(page, url + QUEUE)
        assert_fits_320_px(page, url + FRAME)
    assert page.foreign_requests == []
    assert tags(seeded, first) == ["Waiting"] and tags(seeded, second) == []
    assert tags(seeded, third) is None, "skipped, not coded"
    assert waiting
