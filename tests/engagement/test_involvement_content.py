"""The involvement report's words (content/involvement/): carried into the manifest as safe HTML
and the same words as blocks for a Word writer, never published as pages, and every editor's
mistake explained with file, line, field and fix."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import jsonschema

from engagement.involvement import render
from fixtures.site import ROOT, run_pelican

SCHEMA = json.loads((ROOT / "contract/manifest.schema.json").read_text(encoding="utf-8"))
CONSULTATION = "Title: Clinics\nOpens: 2026-01-05\nCloses: 2026-02-27\nSummary: Tell us.\n\nBody.\n"
SECTION = "Section: {section}\nTitle: {title}\nYear: 2026-27\n\nWhat we did.\n"


def _text_of_html(html: str) -> str:
    """The words of the HTML, spacing aside (blocks and runs split them at different places)."""
    return "".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def _text_of_blocks(blocks: list[dict]) -> str:
    words = [
        block["text"] if block["type"] == "heading" else "".join(r["text"] for r in block["runs"])
        for block in blocks
    ]
    return "".join("".join(words).split())


def _word_count(html: str) -> int:
    return len(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_sample_report_is_carried_in_the_manifest(manifest: dict) -> None:
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(manifest)
    report = manifest["involvement"]
    assert [(s["id"], s["year"]) for s in report["sections"]] == [
        (section, "2026-27") for section in ("duty", "approach", "partners", "changes", "next")
    ]
    cases = {case["slug"]: case for case in report["case_studies"]}
    assert set(cases) == {"millbrook-birth-centre", "young-people-mental-health"}
    birth_centre = cases["millbrook-birth-centre"]
    assert birth_centre["consultation"] == "/consultations/millbrook-maternity-services/"
    assert birth_centre["consultation"] in {page["url"] for page in manifest["pages"]}
    assert cases["young-people-mental-health"]["consultation"] is None
    quotes = [block for block in birth_centre["blocks"] if block["type"] == "quote"]
    assert quotes and quotes[0]["runs"][0]["text"].startswith('"I was in labour')
    assert "<blockquote>" in birth_centre["html"]
    for item in report["sections"] + report["case_studies"]:
        assert 150 <= _word_count(item["html"]) <= 400, item["title"]
        assert _text_of_blocks(item["blocks"]) == _text_of_html(item["html"]), item["title"]


def test_the_folder_writes_no_page(built_site: Path) -> None:
    assert not list(built_site.rglob("*involvement*"))
    assert not list(built_site.rglob("*case-stud*"))
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Reopening Millbrook Birth Centre at night" not in text, page
        assert "What the law asks of us" not in text, page


def test_blocks_say_what_the_html_says() -> None:
    html = render.render(
        "## What we heard\n\n"
        "Most people chose **option A**. Read [the report](/report/) or *ask us*.\n\n"
        "- evening clinics\n- partners **stay** overnight\n\n"
        "1. first\n2. second\n\n"
        '> "Nobody should make that journey."\n'
    )
    assert html == (
        "<h3>What we heard</h3>\n"
        '<p>Most people chose <strong>option A</strong>. Read <a href="/report/">the report</a> '
        "or <em>ask us</em>.</p>\n"
        "<ul>\n<li>evening clinics</li>\n<li>partners <strong>stay</strong> overnight</li>\n</ul>\n"
        "<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
        '<blockquote>\n<p>"Nobody should make that journey."</p>\n</blockquote>'
    )

    def run(text: str, bold: bool = False, italic: bool = False, link: str | None = None) -> dict:
        return {"text": text, "bold": bold, "italic": italic, "link": link}

    assert render.blocks(html) == [
        {"type": "heading", "level": 3, "text": "What we heard"},
        {
            "type": "paragraph",
            "runs": [
                run("Most people chose "),
                run("option A", bold=True),
                run(". Read "),
                run("the report", link="/report/"),
                run(" or "),
                run("ask us", italic=True),
                run("."),
            ],
        },
        {"type": "bullet", "runs": [run("evening clinics")]},
        {"type": "bullet", "runs": [run("partners "), run("stay", bold=True), run(" overnight")]},
        {"type": "number", "runs": [run("first")]},
        {"type": "number", "runs": [run("second")]},
        {"type": "quote", "runs": [run('"Nobody should make that journey."')]},
    ]


def test_hostile_markdown_is_sanitised_in_html_and_blocks() -> None:
    hostile = (
        'Hello <script>alert(1)</script><b onclick="steal()">bold</b>\n\n'
        "[click](javascript:alert(1)) [data](data:text/html,x) [ok](https://example.org/)\n\n"
        '<div style="x"><iframe src="https://evil.example/">frame</iframe>raw</div>\n\n'
        '<a href="&#106;avascript:alert(1)">entity</a> <img src=x onerror="alert(1)">\n'
    )
    html = render.render(hostile)
    for bad in (
        "<script",
        "alert(1)",
        "onclick",
        "javascript",
        "data:",
        "<iframe",
        "<img",
        "onerror",
        "style=",
        "<div",
        "frame",
    ):
        assert bad not in html.lower(), (bad, html)
    assert '<a href="https://example.org/">ok</a>' in html
    blocks = render.blocks(html)
    as_json = json.dumps(blocks).lower()
    for bad in ("<", "alert(1)", "javascript", "data:", "steal"):
        assert bad not in as_json, (bad, blocks)
    links = [r["link"] for b in blocks for r in b["runs"] if r["link"]]
    assert links == ["https://example.org/"]
    assert _text_of_blocks(blocks) == _text_of_html(html)


MISTAKES = {
    "consultations/clinics.md": CONSULTATION,
    "posts/panel.md": "Title: Panel\nDate: 2026-01-05\nCategory: News\nSummary: S.\n\nJoin.\n",
    "involvement/dutie.md": "Section: dutie\nTitle: Our duty\n\nWords.\n",
    "involvement/untitled.md": "Section: approach\n\nWords.\n",
    "involvement/partners.md": "Section: partners\nTitle: P\nYear: 2026/27\n\nWords.\n",
    "involvement/changes-again.md": SECTION.format(section="changes", title="Changed"),
    "involvement/changes.md": SECTION.format(section="changes", title="Changes"),
    "involvement/next.md": "Section: next\nTitle: Next\nYaer: 2026-27\n\nWords.\n",
    "involvement/approach.md": (
        "Section: approach\nTitle: A\nYear: 2027-28\n\n[Panel](/blog/panle/)\n"
    ),
    "involvement/2026-27/duty.md": SECTION.format(section="duty", title="Duty"),
    "involvement/case-studies/clinic.md": "Title: Clinics\nConsultation: clinic\n\nWords.\n",
    "involvement/case-studies/hostile.md": (
        "Title: Hostile\n\nHi <script>alert(1)</script> and <b>raw</b>.\n\n"
        "[Click](javascript:alert(1))\n"
    ),
}
EXPECTED = [
    "content/involvement/dutie.md:1: Section: 'dutie' is not a section of the report: did you "
    "mean 'duty'? The sections are duty (What the law asks of us); approach (How and with whom "
    "we involved people);",
    "content/involvement/untitled.md: Title: is missing: add a line such as 'Title: How and "
    "with whom we involved people' at the top.",
    "content/involvement/partners.md:3: Year: '2026/27' is not a reporting year: write the "
    "financial year as YYYY-YY, e.g. 'Year: 2026-27' for April 2026 to March 2027",
    "content/involvement/changes.md: Section: 'changes' for 2026-27 is also written in "
    "content/involvement/changes-again.md: the report has one of each section a year",
    "content/involvement/next.md:3: Yaer: this is not a field Engage knows: did you mean Year?",
    "content/involvement/approach.md: Text: /blog/panle/ is not a page of this site: did you "
    "mean /blog/panel/?",
    "content/involvement/2026-27/duty.md: this file is not read: put sections of the report in "
    "content/involvement/ and case studies in content/involvement/case-studies/.",
    "content/involvement/case-studies/clinic.md:2: Consultation: there is no consultation "
    "'clinic': did you mean clinics? Use the name of a file in content/consultations/",
    "content/involvement/case-studies/hostile.md: Text: <script>: scripts cannot be added to "
    "content.",
    'content/involvement/case-studies/hostile.md: Text: <a href="javascript:alert(1)">: script '
    "links are not allowed.",
    "content/involvement/case-studies/hostile.md: Text: <b>, <script>: the report's words are "
    "markdown only",
]


def test_each_mistake_names_file_field_and_fix(make_site) -> None:
    build = make_site(MISTAKES)
    assert build.returncode == 1, build.log
    log = " ".join(build.log.split())  # the console may wrap long lines
    for message in EXPECTED:
        assert " ".join(message.split()) in log, f"expected {message!r} in:\n{build.log}"
    assert f"{len(EXPECTED)} content problems to fix" in log
    assert "Traceback" not in build.log
    assert not (build.output / "engagement.json").exists(), "no manifest from a broken build"


def test_the_folder_is_no_page_even_when_pelican_reads_everything(tmp_path: Path) -> None:
    content = tmp_path / "content"
    files = {
        "posts/first.md": "Title: First\nDate: 2026-01-05\nCategory: News\nSummary: S.\n\nHi.\n",
        "involvement/duty.md": SECTION.format(section="duty", title="Our duty to involve"),
        "involvement/case-studies/clinics.md": 'Title: Evening clinics\n\n> "Thank you."\n',
    }
    for relative, text in files.items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text(text, encoding="utf-8")
    build = run_pelican(
        content, tmp_path / "output", tmp_path / "cache", settings={"ARTICLE_PATHS": [""]}
    )
    assert build.returncode == 0, build.log
    for page in build.output.rglob("*.html"):
        assert "Our duty to involve" not in page.read_text(encoding="utf-8"), page
    report = json.loads((build.output / "engagement.json").read_text(encoding="utf-8"))
    assert report["involvement"]["sections"][0]["title"] == "Our duty to involve"
    assert report["involvement"]["case_studies"] == [
        {
            "slug": "clinics",
            "title": "Evening clinics",
            "year": None,
            "consultation": None,
            "html": '<blockquote>\n<p>"Thank you."</p>\n</blockquote>',
            "blocks": [
                {
                    "type": "quote",
                    "runs": [
                        {"text": '"Thank you."', "bold": False, "italic": False, "link": None}
                    ],
                }
            ],
        }
    ]
    assert [p["url"] for p in report["pages"]] == ["/blog/first/"]


def test_files_that_cannot_be_read_or_are_misfiled_are_told(tmp_path: Path) -> None:
    from engagement.involvement.definitions import load_all

    folder = tmp_path / "content" / "involvement"
    (folder / "case-studies").mkdir(parents=True)
    (folder / "latin1.md").write_bytes("Section: duty\nTitle: Caf\xe9\n\nW.\n".encode("latin-1"))
    (folder / "story.md").write_text("Case-study: yes\nTitle: T\n\nW.\n", encoding="utf-8")
    (folder / "case-studies" / "Our Story.md").write_text(
        "Title: T\nSection: approach\n\nW.\n", encoding="utf-8"
    )
    sections, cases, faults = load_all(folder, tmp_path)
    assert sections == [] and cases == []
    told = [f"{source}: {field}: {message}" for source, (_, field, message) in faults]
    assert told == [
        "content/involvement/case-studies/Our Story.md: Section: this is not a field Engage "
        "knows: a case study belongs to no section: remove this line, or move the file out of "
        "case-studies/ if it is a section of the report.",
        "content/involvement/case-studies/Our Story.md: None: 'Our Story.md' cannot name a case "
        "study: the file name is its address in the report, so use lowercase letters, digits "
        "and - (e.g. millbrook-birth-centre.md).",
        "content/involvement/latin1.md: None: this file could not be read: save it as UTF-8 text.",
        "content/involvement/story.md: Case-study: this is not a field Engage knows: a case study "
        "is a file in content/involvement/case-studies/: move it there.",
        "content/involvement/story.md: Section: is missing: add a line such as "
        "'Section: approach' at the top.",
    ]


def test_a_section_for_its_year_comes_before_one_for_any_year(tmp_path: Path) -> None:
    from engagement.involvement.definitions import load_all

    folder = tmp_path / "content" / "involvement"
    folder.mkdir(parents=True)
    (folder / "a-duty.md").write_text("Section: duty\nTitle: Any\n\nW.\n", encoding="utf-8")
    (folder / "b-duty.md").write_text(
        "Section: duty\nTitle: This year\nYear: 2026-27\n\nW.\n", encoding="utf-8"
    )
    (folder / "c-next.md").write_text(SECTION.format(section="next", title="N"), encoding="utf-8")
    sections, _, faults = load_all(folder, tmp_path)
    assert faults == []
    assert [(s["id"], s["year"]) for s in sections] == [
        ("duty", "2026-27"),
        ("duty", None),
        ("next", "2026-27"),
    ]
