"""An editor's mistake stops the build with file, field, what is wrong and how to fix it: never a
traceback, always a non-zero exit, and every problem in one run."""

from __future__ import annotations

import pytest

GOOD_QUESTIONNAIRE = """title: Survey
questions:
  - id: experience
    type: fft
  - id: why
    type: long_text
    label: Why?
"""
CONSULTATION = """Title: Have your say
Opens: {opens}
Closes: {closes}
Questionnaire: {questionnaire}
Summary: Tell us.

Body.
"""

POST = "Title: T\nDate: 2026-01-01\nCategory: News\nSummary: S.\n{extra}\nX\n"

CASES = {
    "bad date": (
        {"posts/late.md": "Title: Late\nDate: 2026-13-45\nCategory: News\nSummary: S.\n\nX\n"},
        ["content/posts/late.md:2: Date: '2026-13-45' is not a date", "YYYY-MM-DD"],
    ),
    "unknown questionnaire": (
        {
            "consultations/c.md": CONSULTATION.format(
                opens="2026-01-01", closes="2026-02-01", questionnaire="nope"
            ),
        },
        ["content/consultations/c.md:4: Questionnaire: there is no questionnaire 'nope'"],
    ),
    "closes before opens": (
        {
            "questionnaires/survey.yaml": GOOD_QUESTIONNAIRE,
            "consultations/c.md": CONSULTATION.format(
                opens="2026-03-01", closes="2026-02-01", questionnaire="survey"
            ),
        },
        ["content/consultations/c.md:3: Closes: 2026-02-01 is before Opens (2026-03-01)"],
    ),
    "unknown question type": (
        {"questionnaires/survey.yaml": GOOD_QUESTIONNAIRE.replace("long_text", "long_txt")},
        [
            "content/questionnaires/survey.yaml:5: question 'why'.type: 'long_txt' is not a "
            "question type: did you mean 'long_text'?"
        ],
    ),
    "duplicate question ids": (
        {"questionnaires/survey.yaml": GOOD_QUESTIONNAIRE.replace("id: why", "id: experience")},
        ["content/questionnaires/survey.yaml:5: question 'experience'.id: is used twice"],
    ),
    "report not an address": (
        {
            "questionnaires/survey.yaml": GOOD_QUESTIONNAIRE,
            "consultations/c.md": CONSULTATION.format(
                opens="2026-01-01", closes="2026-02-01", questionnaire="survey"
            ).replace("Summary:", "Report: the summary report\nSummary:"),
        },
        [
            "content/consultations/c.md:5: Report: 'the summary report' is not an address",
            "full https:// address",
        ],
    ),
    "report not a page of the site": (
        {
            "questionnaires/survey.yaml": GOOD_QUESTIONNAIRE,
            "pages/summary-report.md": "Title: Summary report\n\nWhat you told us.\n",
            "consultations/c.md": CONSULTATION.format(
                opens="2026-01-01", closes="2026-02-01", questionnaire="survey"
            ).replace("Summary:", "Report: /sumary-report/\nSummary:"),
        },
        [
            "content/consultations/c.md:5: Report: /sumary-report/ is not a page of this site: "
            "did you mean /summary-report/?"
        ],
    ),
    "misspelt field": (
        {"posts/typo.md": "Title: T\nDate: 2026-01-01\nCatgory: News\nSummary: S.\n\nX\n"},
        [
            "content/posts/typo.md:3: Catgory: this is not a field Engage knows: "
            "did you mean Category?",
            "content/posts/typo.md: Category: is missing",
        ],
    ),
    "unknown category": (
        {"posts/cat.md": "Title: T\nDate: 2026-01-01\nCategory: Helth advice\nSummary: S.\n\nX\n"},
        [
            "content/posts/cat.md:3: Category: 'Helth advice' is not one of the site's categories: "
            "did you mean 'Health advice'?"
        ],
    ),
    "missing title": (
        {"pages/untitled.md": "Summary: S.\n\nX\n"},
        ["content/pages/untitled.md: Title: is missing: add a line such as 'Title: "],
    ),
    "yaml syntax": (
        {"questionnaires/survey.yaml": "title: Survey\nquestions:\n  - id: a\n   type: text\n"},
        ["content/questionnaires/survey.yaml:4: this is not valid YAML"],
    ),
    "question without label": (
        {"questionnaires/survey.yaml": "title: S\nquestions:\n  - id: a\n    type: text\n"},
        ["content/questionnaires/survey.yaml:3: question 'a'.label: is missing"],
    ),
    "choice with one answer": (
        {
            "questionnaires/survey.yaml": (
                "title: S\nquestions:\n  - id: a\n    type: single\n    label: Pick\n"
                "    options: [Only]\n"
            )
        },
        ["question 'a'.options: needs at least two answers"],
    ),
    "unquoted yes": (
        {
            "questionnaires/survey.yaml": (
                "title: S\nquestions:\n  - id: a\n    type: single\n    label: Agree?\n"
                "    options:\n      - value: yes\n        label: 'Yes'\n"
                "      - value: 'no'\n        label: 'No'\n"
            )
        },
        ["survey.yaml:7: question 'a'.options[1].value: YAML read this as true/false"],
    ),
    "condition on a later question": (
        {
            "questionnaires/survey.yaml": (
                "title: S\nquestions:\n  - id: why\n    type: text\n    label: Why?\n"
                "    show_if:\n      question: used\n      value: never\n"
                "  - id: used\n    type: single\n    label: Used?\n    options: [Often, Never]\n"
            )
        },
        [
            "content/questionnaires/survey.yaml:7: question 'why'.show_if.question: 'used' comes "
            "after this question: move this question below it."
        ],
    ),
    "equality required": (
        {
            "questionnaires/survey.yaml": (
                "title: S\npages:\n  - title: About you\n    questions:\n"
                "      - type: equality\n        required: true\n"
            )
        },
        [
            "content/questionnaires/survey.yaml:5: question 'equality'.required: equality "
            "monitoring questions are never required"
        ],
    ),
    "script in the text": (
        {"posts/s.md": POST.replace("\nX\n", "\n<script>alert(1)</script>\n")},
        ["content/posts/s.md: Text: <script>: scripts cannot be added to content."],
    ),
    "embed code pasted": (
        {
            "posts/e.md": POST.replace(
                "\nX\n", '\n<iframe src="https://www.youtube.com/embed/x"></iframe>\n'
            )
        },
        ["Text: <iframe>: embedded frames load another site: for a video use the !!! youtube"],
    ),
    "picture from another host": (
        {"posts/i.md": POST.replace("\nX\n", "\n![A chart](https://cdn.example.com/chart.png)\n")},
        ['Text: <img src="https://cdn.example.com/chart.png">: pictures and media must be stored'],
    ),
    "event handler and script link": (
        {
            "posts/h.md": POST.replace(
                "\nX\n", '\n<a href="javascript:alert(1)" onclick="x()">go</a>\n'
            )
        },
        [
            "<a onclick=...>: event handlers run scripts",
            '<a href="javascript:alert(1)">: script links',
        ],
    ),
    "picture without a description": (
        {"posts/a.md": POST.replace("\nX\n", "\n![](/images/chart.png)\n")},
        ["content/posts/a.md: Text: a picture has no description"],
    ),
    "video without transcript": (
        {
            "posts/video.md": (
                "Title: T\nDate: 2026-01-01\nCategory: News\nSummary: S.\n\nIntro.\n\n"
                '!!! youtube aBcD3fGh1jK "A film"\n\nAfter.\n'
            )
        },
        ["content/posts/video.md:8: Video: 'A film' has no transcript"],
    ),
    "comments value": (
        {"posts/c.md": POST.format(extra="Comments: off\n")},
        ["content/posts/c.md:5: Comments: 'off' is not allowed: write 'Comments: closed'"],
    ),
    "same address twice": (
        {"posts/about.md": POST.format(extra="Slug: first\n")},
        ["it would be published at /blog/first/, like content/posts/first.md"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_content_error_is_explained_and_stops_the_build(make_site, case: str) -> None:
    files, expected = CASES[case]
    build = make_site(files)
    assert build.returncode == 1, build.log
    log = " ".join(build.log.split())  # the console may wrap long lines
    for message in expected:
        assert " ".join(message.split()) in log, f"expected {message!r} in:\n{build.log}"
    assert "Traceback" not in build.log
    assert "the build stopped" in log
    assert not (build.output / "engagement.json").exists(), "no manifest from a broken build"


def test_all_problems_are_listed_in_one_run(make_site) -> None:
    build = make_site(
        {
            "posts/a.md": "Title: A\nDate: someday\nCategory: News\nSummary: S.\n\nX\n",
            "posts/b.md": "Title: B\nDate: 2026-01-01\nCategory: Sport\nSummary: S.\n\nX\n",
        }
    )
    assert build.returncode == 1
    assert "2 content problems to fix" in " ".join(build.log.split())


def test_a_mistyped_setting_is_named(make_site, tmp_path) -> None:
    from fixtures.site import ROOT, run_pelican

    build = run_pelican(
        ROOT / "content", tmp_path / "out", tmp_path / "cache", "-e", 'ENGAGE_CATEGORYS=["A"]'
    )
    assert build.returncode == 1
    assert "ENGAGE_CATEGORYS is not an Engage setting. Did you mean ENGAGE_CATEGORIES?" in " ".join(
        build.log.split()
    )
    assert "Traceback" not in build.log


def test_a_valid_tiny_site_builds(make_site) -> None:
    build = make_site({"questionnaires/survey.yaml": GOOD_QUESTIONNAIRE})
    assert build.returncode == 0, build.log
    assert (build.output / "engagement.json").is_file()
