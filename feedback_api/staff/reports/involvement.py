"""The year's involvement report: what an integrated care board says in its annual report about
how it involved people (NHS Act 2006 s.14Z45, reported under s.14Z58), figures from the data
and words from `content/involvement/` (the manifest's `involvement`).

Every number comes from the functions the staff reports use (figures.summary / by_channel /
fft_scores, representation.across, themes.figures, responsiveness.figures), so the annual
report and the report pages can never disagree. The page (HTML) and the Word file are two
renderings of the one `report()` dictionary.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from flask import current_app

from contract import channels
from contract.manifest import local_day, utc_midnight
from contract.vocabulary import QuestionType
from feedback_api.manifest import is_translation, versions_of
from feedback_api.staff import responsiveness
from feedback_api.staff.reports import figures as reports
from feedback_api.staff.reports import representation
from feedback_api.staff.reports import themes as report_themes
from feedback_api.storage.answers import counts
from feedback_api.storage.answers.counts import Selection
from feedback_api.storage.comments import SaidCount, said_counts

STATUS_WORDS = {
    "planned": "Planned",
    "in-progress": "In progress",
    "done": "Done",
    "not-going-ahead": "Not going ahead",
}
THEMES_PER_CONSULTATION = 5
ONE_DAY = datetime.timedelta(days=1)


def year_label(since: datetime.date, until: datetime.date) -> str:
    """The reporting year as annual reports write it: 2026-27 (April to March), else the span."""
    if (since.month, since.day, until.month, until.day) == (4, 1, 3, 31) and (
        until.year == since.year + 1
    ):
        return f"{since.year}-{str(until.year)[2:]}"
    return f"{since.isoformat()} to {until.isoformat()}"


def _overlaps(page: dict[str, Any], since: datetime.date, until: datetime.date) -> bool:
    opens = datetime.date.fromisoformat(page["opens"]) if page.get("opens") else None
    closes = datetime.date.fromisoformat(page["closes"]) if page.get("closes") else None
    return (opens is None or opens <= until) and (closes is None or closes >= since)


def _in_year(day: datetime.date, since: datetime.date, until: datetime.date) -> bool:
    return since <= day <= until


def _said(since: datetime.date, until: datetime.date) -> list[SaidCount]:
    """What people said on the site and on social media in the period (not our replies, not
    spam, rejected comments or items deleted upstream), counted by page and channel."""
    start, end = utc_midnight(since), utc_midnight(until + ONE_DAY)
    return [
        row
        for row in said_counts(start=start, end=end)
        if not row.official and row.status not in ("spam", "rejected") and not row.gone
    ]


def _channel_rows(sizes: Counter, said: list[SaidCount]) -> list[dict[str, Any]]:
    """Responses, comments and social items per channel, responses' channels first."""
    rows = {
        row["value"]: {**row, "comments": 0, "social": 0} for row in reports.channel_rows(sizes)
    }
    for told in said:
        row = rows.setdefault(
            told.channel,
            {**reports.channel_group(told.channel), "responses": 0, "share_pct": None},
        )
        row.setdefault("comments", 0)
        row.setdefault("social", 0)
        row["social" if told.social else "comments"] += told.count
    return list(rows.values())


def _told(said: list[SaidCount], social: bool) -> int:
    return sum(row.count for row in said if row.social == social)


def _commitments(page: dict[str, Any], since: datetime.date, until: datetime.date) -> list:
    """The page's commitments with any history in the period, as the report lists them."""
    found = []
    for item in page.get("commitments") or []:
        history = [
            entry
            for entry in item.get("history", [])
            if _in_year(datetime.date.fromisoformat(entry["date"]), since, until)
        ]
        if history:
            found.append(
                {
                    **item,
                    "status_text": STATUS_WORDS.get(item["status"], item["status"]),
                    "history_in_year": history,
                }
            )
    return found


def report(since: datetime.date, until: datetime.date) -> dict[str, Any]:
    """Everything the involvement report says for the period (days in the site's zone)."""
    manifest = current_app.extensions["engage_manifest"].get()
    config = current_app.config
    small = config["ENGAGE_REPORT_SMALL_GROUP"]
    consultations, summaries, sizes = [], [], Counter()
    fft = {"answered": 0, "counts": Counter()}
    said = _said(since, until)
    for page in sorted(manifest.pages.values(), key=lambda p: p.get("opens") or ""):
        qid = page.get("questionnaire")
        if page.get("kind") != "consultation" and not qid:
            continue
        if is_translation(manifest, page):  # counted with its original, once
            continue
        if not _overlaps(page, since, until):
            continue
        definition = manifest.questionnaires.get(qid) if qid else None
        figures = None
        if definition:
            chosen = Selection(qid, since, until)
            figures = reports.summary(definition, counts.tally(chosen))
            sizes.update(counts.per_channel(chosen))
            summaries.append((definition, figures))
            for question in definition["questions"]:
                if question["type"] == QuestionType.FFT:
                    entry = figures["questions"][question["id"]]
                    fft["answered"] += entry["answered"]
                    fft["counts"].update(entry["counts"])
        urls = versions_of(page)
        on_page = [row for row in said if row.page in urls]
        themes = report_themes.figures(page["url"], definition, small_group=small)
        consultations.append(
            {
                "page": page,
                "responses": figures["responses"] if figures else 0,
                "comments": _told(on_page, social=False),
                "social": _told(on_page, social=True),
                "themes": themes["rows"][:THEMES_PER_CONSULTATION],
                "commitments": _commitments(page, since, until),
            }
        )
    overall, _ = responsiveness.figures(
        config["ENGAGE_RESPONSE_TARGET_DAYS"],
        counted=lambda c: _in_year(local_day(c.created), since, until),
    )
    positive, negative = reports.fft_scores(fft["counts"], fft["answered"])
    involvement = getattr(manifest, "involvement", None) or {}
    label = year_label(since, until)

    def of_year(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [e for e in entries if not e.get("year") or e.get("year") == label]

    return {
        "since": since,
        "until": until,
        "year": label,
        "organisation": manifest.site.get("name") or "",
        "site_url": manifest.site.get("url") or "",
        "consultations": consultations,
        "totals": {
            "consultations": len(consultations),
            "responses": sum(sizes.values()),
            "comments": _told(said, social=False),
            "social": _told(said, social=True),
        },
        "channels": _channel_rows(sizes, said),
        "representation": representation.across(
            summaries, manifest.population, small, manifest.population_sources
        ),
        "responsiveness": overall,
        "target_days": config["ENGAGE_RESPONSE_TARGET_DAYS"],
        "fft": {"answered": fft["answered"], "positive_pct": positive, "negative_pct": negative},
        "sections": of_year(involvement.get("sections", [])),
        "case_studies": of_year(involvement.get("case_studies", [])),
        "channel_label": channels.label,
    }
