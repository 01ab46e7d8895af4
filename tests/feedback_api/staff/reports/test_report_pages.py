"""The report pages as staff see them: a chart beside each table of answers, saying what it
shows, valid HTML, and the pages in Chromium with axe-core and at 320 px."""

from __future__ import annotations

import pytest

from fixtures.browser import assert_accessible, assert_fits_320_px
from fixtures.nu import nu_errors
from fixtures.servers import serving
from fixtures.staff import PASSWORD, sign_in_with_form


def charts_of(html: str) -> dict[str, str]:
    """Each question's chart (its <figure>), by question id."""
    found = {}
    for part in html.split('<h3 id="question-')[1:]:
        qid, rest = part.split('"', 1)
        rest = rest.split("<h3 ", 1)[0].split('<h2 id="free-text"', 1)[0]
        if "<figure" in rest:
            found[qid] = rest[rest.index("<figure") : rest.index("</figure>")]
    return found


def test_each_question_with_answers_to_choose_has_a_chart_beside_its_table(seeded, staff) -> None:
    html = staff("moderator").get("/admin/reports/test-survey").get_data(as_text=True)
    charts = charts_of(html)
    # Free text and dates keep their list; nobody answered "rating", so it has no chart.
    assert set(charts) == {"experience", "used", "travel", "equality_age"}
    experience = charts["experience"]
    assert 'role="img" aria-labelledby="chart-experience-title chart-experience-desc"' in experience
    assert '<title id="chart-experience-title">Question experience</title>' in experience
    said = "7 people answered. The answer chosen most was “Very good”: 2 (28.6%)."
    assert f'<desc id="chart-experience-desc">{said}</desc>' in experience
    assert f'<figcaption class="nhsuk-body-s">{said}' in experience
    assert '<g aria-hidden="true">' in experience
    # One bar per answer chosen, as long as its share: 2 of 7 is 28.6% of the 304 units.
    assert experience.count('class="engage-chart__bar"') == 6
    assert 'width="86.9"' in experience and ">2 (28.6%)</text>" in experience
    used = charts["used"]  # multiple choice: shares of the 4 who answered, not of the answers
    assert used.count('class="engage-chart__bar"') == 2, "no bar for 'Other', chosen by nobody"
    assert 'width="228.0"' in used and ">3 (75.0%)</text>" in used
    assert ">Other</text>" in used and ">0 (0.0%)</text>" in used
    assert "4 people answered. The answer chosen most was “Gp”: 3 (75.0%)." in used
    # The table is still there after the chart, with every figure.
    travel = html[html.index('id="question-travel"') : html.index('id="question-bus_route"')]
    assert travel.index("</figure>") < travel.index("<table")
    assert ">Car</th>" in travel and ">6</td>" in travel and "85.7%" in travel


def test_answer_charts_say_what_they_show() -> None:
    from feedback_api.staff.reports.chart import answer_bars, answers_description

    def rows(*counts: int, answered: int) -> list[dict]:
        return [
            {"label": f"Answer {i}", "count": n, "pct": round(100 * n / answered, 1)}
            for i, n in enumerate(counts, 1)
        ]

    said = answers_description(rows(2, 2, 1, answered=5), 5)
    assert said == (
        "5 people answered. The answers chosen most were “Answer 1” and “Answer 2”: 2 (40.0%) each."
    )
    assert answers_description(rows(1, 1, answered=2), 2) == (
        "2 people answered. Every answer was chosen as often: 1 (50.0%) each."
    )
    assert answers_description(rows(1, 0, answered=1), 1).startswith("1 person answered.")
    long = {"label": "A very long answer " * 5, "count": 0, "pct": None}
    [bar] = answer_bars([long])["bars"]
    assert bar["width"] == 0 and len(bar["text"]) == 50 and bar["text"].endswith("…")
    assert bar["label"] == long["label"], "the table keeps every word"


def test_report_pages_are_valid_html(seeded, staff) -> None:
    moderator = staff("moderator")
    for path in (
        "/admin/reports/",
        "/admin/reports/test-survey",
        "/admin/reports/test-survey?by=equality_age&question=used",
        "/admin/reports/test-survey?by=channel&question=experience",
        "/admin/reports/test-survey?channel=mastodon",
    ):
        html = moderator.get(path).get_data(as_text=True)
        assert nu_errors(html) == [], path


@pytest.mark.browser
def test_report_pages_are_accessible(seeded, page) -> None:
    from feedback_api.accounts import service as accounts

    with seeded.app_context():
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
    page.set_default_timeout(15_000)
    with serving(seeded) as url:
        page.goto(f"{url}/admin/sign-in")
        sign_in_with_form(page, url, "admin@example.nhs.uk")
        for path in (
            "/admin/reports/",
            "/admin/reports/test-survey",
            "/admin/reports/test-survey?flagged=yes&by=equality_age&question=used",
            "/admin/reports/test-survey?channel=mastodon&by=channel&question=experience",
        ):
            page.goto(url + path)
            assert_accessible(page, path)
        assert_fits_320_px(page, url + "/admin/reports/test-survey")
    assert page.foreign_requests == []
