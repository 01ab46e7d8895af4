"""The readers' side of the built site (issue 13): the consultation's main action first, no
repeated or empty sections, forms that answer with the NHS error summary rather than browser
bubbles, contact details that can be tapped, and addresses that name the port served."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import tasks
from engagement.frontmatter.contact_links import link_contacts
from fixtures.site import ROOT

OPEN = "consultations/urgent-care-vale-cross/index.html"
CLOSED = "consultations/millbrook-maternity-services/index.html"


def read(built_site: Path, relative: str) -> str:
    return (built_site / relative).read_text(encoding="utf-8")


def test_comment_form_leaves_checking_to_the_server(built_site: Path) -> None:
    """With JavaScript off, a browser's `required` bubble would stand in for the error summary."""
    html = read(built_site, "blog/winter-vaccines/index.html")
    form = re.search(r'<form[^>]*action="/api/comments"[^>]*>', html)
    assert form and "novalidate" in form.group(0)


def test_open_consultation_puts_respond_now_first(built_site: Path) -> None:
    html = read(built_site, OPEN)
    button = html.index("Respond now")
    assert button < html.index('class="engage-content"'), "the action comes before the text"
    assert re.search(r'<a class="nhsuk-button[^"]*"[^>]*href="#questionnaire"', html)
    respond = html[button : html.index("</div>", button)]
    assert "Closes on" in respond and 'datetime="2027-01-29"' in respond
    assert '<section id="questionnaire"' in html
    assert '<a href="#questionnaire">Answer the questionnaire</a>' in html, "How to take part"
    sidebar = html[html.index("engage-sidebar") :]
    assert "Key dates" in sidebar and 'aria-label="On this page"' in sidebar
    assert 'href="#questionnaire"' in sidebar and 'href="#comments"' in sidebar


def test_closed_consultation_says_it_closed_once_and_has_no_empty_comments(
    built_site: Path,
) -> None:
    html = read(built_site, CLOSED)
    assert html.count("This consultation closed on") == 1
    assert html.index("This consultation closed on") < html.index('<section id="outcome"')
    assert "Respond now" not in html
    assert 'id="comments"' not in html, "closed, with no comments to read"
    assert 'href="#outcome"' in html and '<section id="outcome"' in html


def test_consultations_list_shows_only_groups_with_consultations(built_site: Path) -> None:
    html = read(built_site, "consultations/index.html")
    assert "Open consultations" in html and "Closed consultations" in html
    assert "Opening soon" not in html and "There are no" not in html
    assert re.search(
        r'<a class="engage-card__outcome-link" href="/consultations/millbrook-maternity-services/'
        r'#outcome">Read what we did',
        html,
    )


def test_consultations_lead_the_menu(built_site: Path) -> None:
    """On a phone the header shows its first items and puts the rest under "More"."""
    html = read(built_site, "index.html")
    menu = html[html.index("nhsuk-header__navigation-list") :]
    assert menu.index("Consultations") < menu.index("News and advice")


def test_ground_rules_say_personal_details_are_removed(built_site: Path) -> None:
    """The workspace's "Redact then approve" must be what the published rules promise."""
    html = read(built_site, "ground-rules/index.html")
    assert "We do not edit comments" not in html
    assert "we remove them before we publish it" in html


def test_each_ground_rule_is_listed_once_under_its_own_name(
    built_site: Path, manifest: dict
) -> None:
    """The comment forms link to #rule-<id>; the page's own headings are those anchors."""
    html = read(built_site, "ground-rules/index.html")
    assert "Our ground rules" not in html, "the text already lists every rule"
    for rule in manifest["site"]["ground_rules"]:
        anchor = f'id="rule-{rule["id"]}"'
        assert html.count(anchor) == 1, anchor
        heading = html[html.index(anchor) : html.index("</h3>", html.index(anchor))]
        assert heading.endswith(f">{rule['title']}"), heading


def test_phone_numbers_and_addresses_in_content_are_links(built_site: Path) -> None:
    html = read(built_site, "contact/index.html")
    assert '<a href="tel:01632960123">01632 960123</a>' in html
    assert '<a href="mailto:engage@example.nhs.uk">engage@example.nhs.uk</a>' in html


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Call 0800 123 4567.</p>", '<p>Call <a href="tel:08001234567">0800 123 4567</a>.</p>'),
        ("<p>a@b.nhs.uk</p>", '<p><a href="mailto:a@b.nhs.uk">a@b.nhs.uk</a></p>'),
        ('<p><a href="mailto:a@b.uk">a@b.uk</a></p>', '<p><a href="mailto:a@b.uk">a@b.uk</a></p>'),
        ("<pre>01632 960123</pre>", "<pre>01632 960123</pre>"),
        (
            "<p>In 2026, 412 people; 1.01632 960123</p>",
            "<p>In 2026, 412 people; 1.01632 960123</p>",
        ),
        (
            '<p><img alt="01632 960123" src="/x.png"></p>',
            '<p><img alt="01632 960123" src="/x.png"></p>',
        ),
    ],
)
def test_contact_links(html: str, expected: str) -> None:
    assert link_contacts(html) == expected


def test_make_run_builds_for_the_port_it_serves() -> None:
    done = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "ENGAGE_SITE_URL='http://127.0.0.1:8123'" in done.stdout
    assert "--port 8123" in done.stdout


def test_canonical_links_and_feeds_use_the_site_url_from_the_environment(
    make_site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGE_SITE_URL", "http://127.0.0.1:8123")
    build = make_site({})
    assert build.returncode == 0, build.log
    page = (build.output / "blog/first/index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="http://127.0.0.1:8123/blog/first/">' in page
    feeds = "".join(p.read_text(encoding="utf-8") for p in (build.output / "feeds").glob("*.xml"))
    assert "http://127.0.0.1:8123/blog/first/" in feeds and "127.0.0.1:8000" not in feeds


@pytest.mark.browser
def test_scale_is_on_one_line_at_desktop_width(page, site_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "/consultations/urgent-care-vale-cross/")
    tops = page.eval_on_selector_all(
        ".engage-scale .nhsuk-radios__item", "items => items.map(i => i.offsetTop)"
    )
    assert len(tops) == 5 and len(set(tops)) == 1, tops


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 375])
def test_consultations_are_in_the_visible_menu_on_a_phone(page, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site_url + "/")
    top_level = ".nhsuk-header__navigation-list > li.nhsuk-header__navigation-item > a"
    link = page.locator(top_level, has_text="Consultations")
    link.first.wait_for()
    assert link.first.is_visible()


def test_serving_on_another_port_than_built_for_says_so(tmp_path: Path) -> None:
    manifest = tmp_path / "engagement.json"
    manifest.write_text('{"site": {"url": "http://127.0.0.1:8000"}}', encoding="utf-8")
    warning = tasks.built_for_elsewhere(tmp_path, 8123)
    assert warning and "make run PORT=8123" in warning and "port 8000" in warning
    assert tasks.built_for_elsewhere(tmp_path, 8000) is None
    manifest.write_text('{"site": {"url": "https://engage.example.nhs.uk"}}', encoding="utf-8")
    assert tasks.built_for_elsewhere(tmp_path, 8123) is None, "a production preview"
    assert tasks.built_for_elsewhere(tmp_path / "nothing-built", 8123) is None
