"""The public "How we respond" panels, built from the export's responsiveness figures: on each
consultation page and site-wide on "You said, we did"; counts without percentages under five
questions; an older export without the figures still builds; a damaged or hostile export stops
the build with a sentence, never a traceback, and nothing in it is written into a page as HTML."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from engagement.output import responsiveness
from engagement.problems import ContentError
from fixtures.nu import nu_errors
from fixtures.site import ROOT, run_pelican

OPEN = "/consultations/urgent-care-vale-cross/"
CLOSED = "/consultations/millbrook-maternity-services/"


def figures(questions, within, answered=None, median=48.0, planned=3, made=1) -> dict:
    return {
        "questions": questions,
        "answered": questions if answered is None else answered,
        "answered_within_target": within,
        "answered_within_target_pct": round(100 * within / questions) if questions else None,
        "median_hours_to_first_reply": median,
        "change_planned": planned,
        "change_made": made,
        "period": {"from": "2026-09-01", "to": "2026-11-25"},
    }


EXPORT = {
    "version": 2,
    "pages": {},
    "responsiveness": {
        "computed": "2026-11-25T12:00:00Z",
        "target_working_days": 5.0,
        "site": figures(3, 2, answered=2, median=6.0, planned=0, made=1),
        "pages": {OPEN: figures(12, 9)},
    },
}


def build(tmp_path: Path, document: dict | str) -> tuple[int, str, Path]:
    export = tmp_path / "comments.json"
    text = document if isinstance(document, str) else json.dumps(document)
    export.write_text(text, encoding="utf-8")
    done = run_pelican(
        ROOT / "content",
        tmp_path / "out",
        tmp_path / "cache",
        settings={"ENGAGE_COMMENTS_EXPORT": str(export)},
    )
    return done.returncode, done.log, done.output


def page(output: Path, url: str) -> str:
    html = (output / url.strip("/") / "index.html").read_text(encoding="utf-8")
    return " ".join(html.split())


def test_the_panels_say_the_figures_in_plain_words(tmp_path) -> None:
    status, log, output = build(tmp_path, EXPORT)
    assert status == 0, log
    consultation = page(output, OPEN)
    assert "How we respond</h2>" in consultation
    assert (
        "We answered 9 of 12 questions asked on this page (75%) within 5 working days."
        in consultation
    )
    assert "Median time to first reply: 2 days." in consultation
    assert "3 replies said a change is planned, 1 that a change was made." in consultation
    assert "Questions asked from 1 September 2026." in consultation
    assert "Worked out on 25 November 2026" in consultation
    assert 'href="#how-we-respond-section">How we respond</a>' in consultation
    other = page(output, CLOSED)
    assert "No questions asked yet on this page." in other
    assert "We answered" not in other
    # Site-wide, 3 questions: the counts, and no percentage for so few.
    site = page(output, "/you-said-we-did/")
    assert "We answered 2 of 3 questions asked on this website within 5 working days." in site
    assert "1 is still waiting for an answer." in site
    assert "Median time to first reply: 6 hours." in site
    assert "0 replies said a change is planned, 1 that a change was made." in site
    assert "%" not in site.split("How we respond</h2>")[1].split("</section>")[0]
    for url in (OPEN, CLOSED, "/you-said-we-did/"):
        html = (output / url.strip("/") / "index.html").read_text(encoding="utf-8")
        assert nu_errors(html) == [], url


def test_no_questions_anywhere_says_so(tmp_path) -> None:
    document = copy.deepcopy(EXPORT)
    document["responsiveness"]["site"] = figures(0, 0, median=None, planned=0, made=0)
    document["responsiveness"]["site"]["period"]["from"] = None
    document["responsiveness"]["pages"] = {}
    status, log, output = build(tmp_path, document)
    assert status == 0, log
    assert "No questions asked yet on this website." in page(output, "/you-said-we-did/")
    assert "No questions asked yet on this page." in page(output, OPEN)


def test_an_export_without_the_figures_still_builds(tmp_path) -> None:
    status, log, output = build(tmp_path, {"version": 1, "pages": {}})
    assert status == 0, log
    assert "How we respond" not in page(output, OPEN)
    assert "How we respond" not in page(output, "/you-said-we-did/")


def test_html_in_the_export_is_never_written_into_a_page(tmp_path) -> None:
    document = copy.deepcopy(EXPORT)
    document["responsiveness"]["pages"]["<script>alert(1)</script>"] = figures(5, 5)
    document["responsiveness"]["site"]["extra"] = "<script>alert(2)</script>"
    status, log, output = build(tmp_path, document)
    assert status == 0, log
    for html in output.rglob("*.html"):
        assert "alert(" not in html.read_text(encoding="utf-8"), html


def test_a_damaged_export_stops_the_build_with_a_sentence(tmp_path) -> None:
    document = copy.deepcopy(EXPORT)
    document["responsiveness"]["pages"][OPEN]["questions"] = "<b>twelve</b>"
    status, log, _ = build(tmp_path, document)
    assert status == 1
    flat = " ".join(log.split())
    assert "ENGAGE_COMMENTS_EXPORT" in flat and "questions should be a whole number" in flat
    assert "Traceback" not in log


def hostile(path: list, value) -> dict:
    document = copy.deepcopy(EXPORT)
    where = document["responsiveness"]
    for key in path[:-1]:
        where = where[key]
    where[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (["pages", OPEN, "questions"], "12", "whole number"),
        (["pages", OPEN, "questions"], -1, "whole number"),
        (["pages", OPEN, "questions"], 10**30, "whole number"),
        (["pages", OPEN, "questions"], 12.5, "whole number"),
        (["pages", OPEN, "questions"], True, "whole number"),
        (["pages", OPEN, "answered_within_target"], 13, "more questions answered than asked"),
        (["pages", OPEN, "change_made"], None, "whole number"),
        (["site", "median_hours_to_first_reply"], -3, "should be hours"),
        (["site", "median_hours_to_first_reply"], "<i>2</i>", "should be hours"),
        (["site", "median_hours_to_first_reply"], float("nan"), "should be hours"),
        (["site", "median_hours_to_first_reply"], 1e300, "should be hours"),
        (["site", "period"], "last year", "period"),
        (["site", "period"], {"from": "<script>"}, "should be a date"),
        (["computed"], "<script>alert(1)</script>", "should be a date"),
        (["computed"], 20261125, "should be a date"),
        (["target_working_days"], "5", "working days"),
        (["target_working_days"], -5, "working days"),
        (["target_working_days"], 10**12, "working days"),
        (["site"], "<b>all good</b>", "not the figures"),
        (["site"], None, "not the figures"),
        (["pages"], [], "not the figures"),
    ],
)
def test_hostile_values_are_refused_with_a_sentence(path, value, says) -> None:
    document = json.loads(json.dumps(hostile(path, value)))
    with pytest.raises(ContentError, match=says) as raised:
        responsiveness.load(document, "comments.json")
    assert "ENGAGE_COMMENTS_EXPORT comments.json: responsiveness" in str(raised.value)


def test_the_section_itself_in_the_wrong_shape_is_refused() -> None:
    for section in ("<b>figures</b>", [], 3):
        with pytest.raises(ContentError, match="not the figures"):
            responsiveness.load({"version": 2, "responsiveness": section}, "comments.json")
    assert responsiveness.load({"version": 1, "pages": {}}, "comments.json") is None


def test_durations_read_as_people_say_them() -> None:
    assert [responsiveness.duration(h) for h in (0.2, 1, 1.4, 30, 47.4, 48, 100)] == [
        "less than an hour",
        "1 hour",
        "1 hour",
        "30 hours",
        "47 hours",
        "2 days",
        "4 days",
    ]


def test_from_the_api_to_the_page(app, client, runner, tmp_path) -> None:
    from feedback_api.storage import comments as storage
    from feedback_api.storage import transaction

    asked = client.post(
        "/api/comments", json={"page": OPEN, "body": "Will it open at night?", "question": True}
    )
    assert asked.status_code == 202, asked.json
    with app.app_context(), transaction():
        question = storage.get_comment(asked.json["id"])
        storage.set_status(question, "approved")
        storage.add_official_reply(
            question,
            body="Yes, from May.",
            html="<p>Yes, from May.</p>",
            author="NHS Riverside and Vale ICB",
            staff_id=None,
            tag="change made",
            edit_token_hash="-",
        )
    export = tmp_path / "comments.json"
    assert runner.invoke(args=["comments", "export-site", str(export)]).exit_code == 0
    done = run_pelican(
        ROOT / "content",
        tmp_path / "out",
        tmp_path / "cache",
        settings={"ENGAGE_COMMENTS_EXPORT": str(export)},
    )
    assert done.returncode == 0, done.log
    consultation = page(done.output, OPEN)
    assert "We answered 1 of 1 question asked on this page within 2 working days." in consultation
    assert "Median time to first reply: less than an hour." in consultation
    assert "0 replies said a change is planned, 1 that a change was made." in consultation
    assert "Will it open at night?" in consultation  # the baked comment, as before
    assert "We answered 1 of 1 question asked on this website" in page(
        done.output, "/you-said-we-did/"
    )
