"""The involvement report as a Word file (python-docx) a comms team pastes into the annual
report: the same `involvement.report()` as the page, in the same order, with real headings
(Word's navigation pane and a screen reader find them), tables with header rows, and every
chart's figures as its table. Nothing is laid out by hand: the annual report's own styles apply
once pasted."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocumentType

from feedback_api.staff.reports import involvement_text as words


def _table(document: DocumentType, caption: str, header: list[str], rows: list[list[Any]]):
    """A captioned table with a repeating header row; cells as text."""
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.rows[0]._tr.get_or_add_trPr().append(_header_flag())
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return table


def _header_flag():
    """<w:tblHeader/>: Word repeats the row on every page and reads it as the header."""
    from docx.oxml import OxmlElement

    return OxmlElement("w:tblHeader")


def _blocks(document: DocumentType, blocks: list[dict[str, Any]], site: str = "") -> None:
    """The comms team's markdown, as the manifest's blocks: headings, paragraphs, lists, quotes;
    a link is written out after its words, a link to the site's own page made whole (`site`)."""
    styles = {"paragraph": None, "bullet": "List Bullet", "number": "List Number", "quote": "Quote"}
    for block in blocks:
        kind = block.get("type")
        if kind == "heading":
            level = min(max(int(block.get("level", 3)), 2), 4)
            document.add_heading(str(block.get("text", "")), level=level)
            continue
        if kind not in styles:
            continue
        paragraph = document.add_paragraph(style=styles[kind])
        for run in block.get("runs", []):
            text = str(run.get("text", ""))
            if link := run.get("link"):
                text = f"{text} ({site + link if link.startswith('/') else link})"
            piece = paragraph.add_run(text)
            piece.bold = bool(run.get("bold"))
            piece.italic = bool(run.get("italic"))


def _narrative(document: DocumentType, report: dict[str, Any], section: str) -> None:
    entry = words.section(report, section)
    if entry:
        _blocks(document, entry.get("blocks", []), report.get("site_url", ""))
    else:
        document.add_paragraph(words.MISSING.format(section=section))


def to_docx(report: dict[str, Any]) -> bytes:
    """The report as .docx bytes."""
    document = Document()
    document.core_properties.title = words.title(report)
    document.add_heading(words.title(report), level=1)
    document.add_paragraph(words.period(report))
    for heading, section in words.OUTLINE:
        document.add_heading(heading, level=2)
        if section:
            _narrative(document, report, section)
        for caption, header, rows in words.tables(report, heading):
            _table(document, caption, header, rows)
        for line in words.lines(report, heading):
            document.add_paragraph(line)
        if heading == words.OWN_WORDS:
            for quote in words.quotes(report):
                document.add_paragraph(f"“{quote['text']}” ({quote['where']})", style="Quote")
            for study in report["case_studies"]:
                document.add_heading(str(study.get("title", "")), level=3)
                _blocks(document, study.get("blocks", []), report.get("site_url", ""))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
