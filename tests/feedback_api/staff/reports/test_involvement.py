"""The involvement report from the seven seeded people (conftest), page and Word file: the
figures worked out by hand here, the same in both, from the same functions as the staff
report, and the command that writes either file."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from docx import Document

from feedback_api.manifest import SITE_ZONE
from feedback_api.staff.reports.involvement_pages import reporting_year
from fixtures.nu import nu_errors
from fixtures.surveys import CONSULTATION

TODAY = datetime.datetime.now(SITE_ZONE).date()
# The seven: very good twice, good, neither, poor, very poor, don't know: 3 of 7 positive.
FFT = (
    "In the Friends and Family Test 7 people answered: 42.9% said their experience was good or "
    "very good, 28.6% poor or very poor."
)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def html_rows(html: str, caption: str) -> list[list[str]]:
    table = html.split(caption, 1)[1].split("</table>", 1)[0].split("<tbody", 1)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in table.split("<tr")[1:]
    ]


def docx_tables(body: bytes) -> list[list[list[str]]]:
    document = Document(io.BytesIO(body))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_reporting_year_runs_april_to_march() -> None:
    assert reporting_year(datetime.date(2026, 12, 2)) == (
        datetime.date(2026, 4, 1),
        datetime.date(2027, 3, 31),
    )
    assert reporting_year(datetime.date(2027, 3, 31))[0] == datetime.date(2026, 4, 1)
    assert reporting_year(datetime.date(2027, 4, 1))[0] == datetime.date(2027, 4, 1)


@pytest.fixture
def year() -> dict[str, str]:
    since, until = reporting_year(TODAY)
    return {"from": since.isoformat(), "to": until.isoformat()}


def test_the_page_and_the_word_file_hold_the_same_figures(seeded, staff, year) -> None:
    moderator = staff("moderator")
    html = moderator.get("/admin/reports/involvement", query_string=year).get_data(as_text=True)
    assert FFT in text_of(html)
    consultations = html_rows(html, "Consultations")
    [urgent] = [row for row in consultations if row[0].startswith("Urgent care in Vale Cross")]
    assert urgent[2:] == ["7", "0", "0"], "seven responses, no comments, no social items"
    channels = html_rows(html, "Responses, comments and social media items by channel")
    # Three straight to the site, two from Mastodon, one poster, one text message (conftest).
    assert [row[:3] for row in channels] == [
        ["Direct to the website", "3", "42.9%"],
        ["Mastodon", "2", "28.6%"],
        ["Poster: library", "1", "14.3%"],
        ["Text message", "1", "14.3%"],
    ]
    answer = moderator.get("/admin/reports/involvement.docx", query_string=year)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    tables = docx_tables(answer.data)
    headers = [table[0] for table in tables]
    assert ["Consultation", "Dates", "Responses", "Comments", "Social media"] in headers
    word_consultations = tables[
        headers.index(["Consultation", "Dates", "Responses", "Comments", "Social media"])
    ][1:]
    assert word_consultations == consultations
    word_channels = tables[
        headers.index(["Channel", "Responses", "Share of responses", "Comments", "Social media"])
    ][1:]
    assert word_channels == channels
    paragraphs = [p.text for p in Document(io.BytesIO(answer.data)).paragraphs]
    assert FFT in paragraphs
    assert nu_errors(html) == []


def test_the_outline_is_there_with_what_the_comms_team_must_write(seeded, staff, year) -> None:
    html = (
        staff("moderator")
        .get("/admin/reports/involvement", query_string=year)
        .get_data(as_text=True)
    )
    for heading in (
        "Our duty to involve people",
        "How we involved people and communities",
        "Who we heard from",
        "What people told us",
        "How we responded",
        "What changed as a result",
        "In people's own words",
    ):
        assert f">{heading}</h2>" in html.replace("&#39;", "'")


def test_a_period_without_anything_has_noughts(seeded, staff) -> None:
    html = (
        staff("moderator")
        .get("/admin/reports/involvement", query_string={"from": "2020-04-01", "to": "2021-03-31"})
        .get_data(as_text=True)
    )
    assert "Working with people and communities 2020-21" in html
    assert "in questionnaires" in text_of(html) and FFT not in text_of(html)


def test_the_command_writes_the_word_file_and_the_page(seeded, tmp_path, year) -> None:
    runner = seeded.test_cli_runner()
    target = tmp_path / "report.docx"
    result = runner.invoke(
        args=[
            "reports",
            "involvement",
            "--from",
            year["from"],
            "--to",
            year["to"],
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert FFT in [p.text for p in Document(str(target)).paragraphs]
    page = tmp_path / "report.html"
    result = runner.invoke(args=["reports", "involvement", "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert FFT in text_of(page.read_text(encoding="utf-8"))
    bad = runner.invoke(args=["reports", "involvement", "--from", "April", "-o", str(page)])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    assert runner.invoke(args=["reports", "involvement", "-o", str(tmp_path / "x.pdf")]).exit_code


def test_the_consultation_page_is_counted_once(seeded) -> None:
    with seeded.app_context():
        from feedback_api.staff.reports.involvement import report

        since, until = reporting_year(TODAY)
        found = report(since, until)
    pages = [item["page"]["url"] for item in found["consultations"]]
    assert pages.count(CONSULTATION) == 1
    assert found["totals"]["responses"] == 7


def test_the_comms_teams_words_are_in_the_page_and_the_word_file(seeded, staff) -> None:
    import html as markup

    sample = {"from": "2026-04-01", "to": "2027-03-31"}  # the sample content's year, 2026-27
    involvement = seeded.extensions["engage_manifest"].get().involvement
    duty = next(entry for entry in involvement["sections"] if entry["id"] == "duty")
    first = duty["blocks"][0]["runs"][0]["text"]
    moderator = staff("moderator")
    page = markup.unescape(
        text_of(
            moderator.get("/admin/reports/involvement", query_string=sample).get_data(as_text=True)
        )
    )
    assert " ".join(first.split()) in page
    document = Document(
        io.BytesIO(moderator.get("/admin/reports/involvement.docx", query_string=sample).data)
    )
    paragraphs = [p.text for p in document.paragraphs]
    assert any(p.startswith(first) for p in paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for study in involvement["case_studies"]:
        assert study["title"] in headings and study["title"] in page
    # A link to the site's own page is written out whole in the Word file.
    site = seeded.extensions["engage_manifest"].get().site["url"]
    assert not any("(/" in p for p in paragraphs)
    assert any(f"({site}/" in p for p in paragraphs) or not any(
        run.get("link", "") and run["link"].startswith("/")
        for entry in involvement["sections"] + involvement["case_studies"]
        for block in entry["blocks"]
        for run in block.get("runs", [])
    )
