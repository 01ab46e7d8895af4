"""Commitments, "You said, we did": shown on the consultation page and /you-said-we-did/, each
status change an entry of the consultations feed, and carried in the manifest with its history; an
editor's text is shown as written, never run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import jsonschema
import pytest

from fixtures.site import ROOT, run_pelican

SITE = "http://127.0.0.1:8000"
SCHEMA = json.loads((ROOT / "contract/manifest.schema.json").read_text(encoding="utf-8"))
MILLBROOK = "consultations/millbrook-maternity-services/"

CONSULTATION = "Title: {title}\nOpens: 2026-01-05\nCloses: 2026-02-27\nSummary: Tell us.\n\nBody.\n"
HOSTILE = """\
- id: hostile-text
  heard: "<script>alert(1)</script> & **bold** words"
  will_do: 'Say <b onclick="x()">hi</b> to [the team](/about/)'
  due: 2026-12-01
  evidence: /about/
  history:
    - date: 2026-03-02
      status: planned
    - date: 2026-03-02
      status: planned
      note: Only a note, <img src=x onerror=alert(1)>
    - date: 2026-04-10
      status: in-progress
- id: stopped
  heard: Open on Sundays.
  will_do: Open the clinic on Sundays.
  reason: There are not enough staff <em>yet</em>.
  history:
    - date: 2026-05-01
      status: not-going-ahead
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site: one consultation with hostile commitments, one with none."""
    base = tmp_path_factory.mktemp("commitments")
    files = {
        "posts/first.md": "Title: First\nDate: 2026-01-05\nCategory: News\nSummary: S.\n\nHello.\n",
        "pages/about.md": "Title: About\nSummary: About us.\n\nAbout.\n",
        "consultations/clinics.md": CONSULTATION.format(title="Clinic hours"),
        "consultations/quiet.md": CONSULTATION.format(title="Quiet one"),
        "commitments/clinics.yaml": HOSTILE,
    }
    for relative, text in files.items():
        path = base / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    build = run_pelican(base / "content", base / "output", base / "cache")
    assert build.returncode == 0, build.log
    return build.output


def _html(output: Path, url: str) -> str:
    return (output / url / "index.html").read_text(encoding="utf-8")


def _row(html: str, commitment: str) -> str:
    match = re.search(rf'<tr [^>]*id="commitment-{commitment}".*?</tr>', html, re.DOTALL)
    assert match, f"no row for {commitment}"
    return match.group(0)


def test_the_consultation_page_shows_each_commitment_with_its_status(built_site: Path) -> None:
    html = _html(built_site, MILLBROOK)
    assert 'id="commitments"' in html and 'id="outcome"' in html, "both sections are shown"
    row = _row(html, "births-24-hours")
    assert "nhsuk-tag--green" in row and "Done" in row
    assert 'Updated <time datetime="2026-10-05">5 October 2026</time>' in row
    assert 'Due <time datetime="2026-10-31">31 October 2026</time>' in row
    assert 'href="/millbrook-maternity-summary-report/"' in row
    assert "How this has changed" in row and "16 July 2026" in row
    assert "nhsuk-tag--blue" in _row(html, "same-midwife-teams")
    assert "nhsuk-tag--grey" in _row(html, "perinatal-mental-health-midwife")
    stopped = _row(html, "consultant-labour-ward")
    assert "nhsuk-tag--red" in stopped and "Why not:" in stopped
    assert 'href="#commitments"' in html, "listed in 'On this page'"
    assert "<caption" in html and "nhsuk-table--responsive" in html


def test_an_open_consultation_shows_its_commitments_after_the_proposal(built_site: Path) -> None:
    html = _html(built_site, "consultations/urgent-care-vale-cross/")
    assert html.index('id="commitments"') > html.index("What we propose")
    assert "nhsuk-tag--blue" in _row(html, "easy-read-version")


def test_the_site_wide_page_counts_and_groups_every_commitment(built_site: Path) -> None:
    html = _html(built_site, "you-said-we-did/")
    counts = re.findall(
        r"(Planned|In progress|Done|Not going ahead)\s*</strong> <span[^>]*>(\d+)", html
    )
    assert dict(counts) == {"Planned": "1", "In progress": "2", "Done": "3", "Not going ahead": "1"}
    assert f'href="/{MILLBROOK}#commitments"' in html
    assert 'href="/consultations/urgent-care-vale-cross/#commitments"' in html
    assert 'id="commitment-' not in html, "row anchors belong to the consultation page"
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/you-said-we-did/"' in _html(built_site, "consultations/")
    assert f"<loc>{SITE}/you-said-we-did/</loc>" in (built_site / "sitemap.xml").read_text()


def test_each_status_change_is_a_feed_entry(built_site: Path) -> None:
    feed = feedparser.parse((built_site / "feeds/consultations.atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    changes = [e for e in feed.entries if "#commitment-" in e.link]
    births = [e for e in changes if e.link.endswith("#commitment-births-24-hours")]
    assert [e.title.rsplit(" is now ", 1)[1] for e in births] == ["done", "in progress", "planned"]
    done = births[0]
    assert done.link == f"{SITE}/{MILLBROOK}#commitment-births-24-hours"
    assert done.title.startswith("Maternity services in Millbrook: 'Reopen Millbrook Birth Centre")
    assert done.published.startswith("2026-10-05")
    assert done.id == (
        "tag:127.0.0.1,2026-10-05:/consultations/millbrook-maternity-services/commitments/"
        "births-24-hours/done"
    )
    assert "Now: Done." in done.summary and done.get("tags")
    # The perinatal midwife's second entry only adds a note: not a change of status.
    assert len([e for e in changes if "perinatal" in e.link]) == 1
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_the_manifest_carries_commitments_with_their_history(manifest: dict) -> None:
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = list(validator.iter_errors(manifest))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    pages = {entry["url"]: entry for entry in manifest["pages"]}
    listed = {c["id"]: c for c in pages[f"/{MILLBROOK}"]["commitments"]}
    assert listed["births-24-hours"] == {
        "id": "births-24-hours",
        "heard": "You wanted to be able to give birth at Millbrook at any time of day or night "
        "(81% of survey responses).",
        "will_do": "Reopen Millbrook Birth Centre for births 24 hours a day, with a new team of "
        "midwives.",
        "status": "done",
        "updated": "2026-10-05",
        "history": [
            {
                "date": "2026-07-16",
                "status": "planned",
                "note": "Our board agreed option A at its meeting in public.",
            },
            {
                "date": "2026-08-03",
                "status": "in-progress",
                "note": "We started recruiting 14 new midwives.",
            },
            {
                "date": "2026-10-05",
                "status": "done",
                "note": "The birth centre has been open for births 24 hours a day since 5 October.",
            },
        ],
        "due": "2026-10-31",
        "evidence": "/millbrook-maternity-summary-report/",
        "reason": None,
    }
    assert listed["consultant-labour-ward"]["reason"].startswith("A labour ward needs")
    assert "commitments" not in pages["/about/"], "only consultations have commitments"


def test_editor_text_is_shown_as_written_never_run(tiny: Path) -> None:
    html = _html(tiny, "consultations/clinics/")
    row = _row(html, "hostile-text")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <strong>bold</strong> words" in row
    assert "<script>alert" not in html and "<b onclick" not in html and "<img src=x" not in html
    assert '<a href="/about/">the team</a>' in row, "markdown links to the site still work"
    assert "Only a note, &lt;img src=x onerror=alert(1)&gt;" in row
    assert "There are not enough staff &lt;em&gt;yet&lt;/em&gt;." in _row(html, "stopped")
    assert "&lt;script&gt;alert(1)" in _html(tiny, "you-said-we-did/")


def test_a_tiny_sites_manifest_and_feed(tiny: Path) -> None:
    manifest = json.loads((tiny / "engagement.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, SCHEMA)
    pages = {entry["url"]: entry for entry in manifest["pages"]}
    assert pages["/consultations/quiet/"]["commitments"] == []
    hostile = pages["/consultations/clinics/"]["commitments"][0]
    assert hostile["heard"] == "<script>alert(1)</script> & bold words", "plain text for notices"
    assert [h["status"] for h in hostile["history"]] == ["planned", "planned", "in-progress"]
    assert hostile["status"] == "in-progress" and hostile["updated"] == "2026-04-10"
    feed = feedparser.parse((tiny / "feeds/consultations.atom.xml").read_bytes())
    assert not feed.bozo
    titles = [e.title for e in feed.entries if "#commitment-" in e.link]
    assert titles == [
        "Clinic hours: 'Open the clinic on Sundays' is now not going ahead",
        "Clinic hours: 'Say <b onclick=\"x()\">hi</b> to the team' is now in progress",
        "Clinic hours: 'Say <b onclick=\"x()\">hi</b> to the team' is now planned",
    ]
    assert "Why: There are not enough staff &lt;em&gt;yet&lt;/em&gt;." in feed.entries[0].summary
    raw = (tiny / "feeds/consultations.atom.xml").read_text(encoding="utf-8")
    assert "<b onclick" not in raw, "the feed's XML escapes the text"
