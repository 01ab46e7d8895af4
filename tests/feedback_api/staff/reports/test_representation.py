"""Respondents set beside the area's population, worked out by hand on small made-up counts:
shares, ratios, verdicts at the thresholds, small groups hidden (and their complement), a group
with no population, no population at all; the chart's geometry and the partial's table."""

from __future__ import annotations

import re

import pytest
from flask import render_template

from contract.wordings import EQUALITY_PARTS, PREFER_NOT
from feedback_api.staff.reports import representation
from feedback_api.staff.reports.representation import compare
from fixtures.nu import nu_errors


def equality(part: str, block: str = "equality") -> dict:
    """An equality question as the manifest has it."""
    label, hint, options = EQUALITY_PARTS[part]
    return {
        "id": f"{block}_{part}",
        "type": "equality",
        "label": label,
        "hint": hint,
        "required": False,
        "options": [{"value": v, "label": t} for v, t in [*options, PREFER_NOT]],
        "max_length": None,
        "show_if": None,
    }


SEX = equality("sex")
AGE = equality("age")
NONE = "\u2013"  # the reports' dash for no figure
EVEN_SEX = {"sex": {"female": 500, "male": 500}}
EVEN_AGE = {"age": {value: 100 for value, _ in EQUALITY_PARTS["age"][2]}}  # 12.5% each


def rows_of(entry: dict) -> dict[str, dict]:
    return {row["value"]: row for row in entry["rows"]}


def test_shares_ratios_and_verdicts() -> None:
    counts = {"equality_sex": {"female": 30, "male": 10, "prefer_not_to_say": 5}}
    [entry] = compare([SEX], counts, 50, EVEN_SEX, small_group=5, sources={"sex": "TS008 Sex"})
    # 45 answered, 5 did not; the base is the 40 who gave a group, 40/50 = 80%
    assert (entry["answered"], entry["compared"], entry["compared_pct"]) == (45, 40, 80.0)
    assert (entry["prefer_not"], entry["not_answered"], entry["other_answers"]) == (5, 5, 0)
    assert (entry["part"], entry["source"], entry["small_group"]) == ("sex", "TS008 Sex", 5)
    female, male = rows_of(entry)["female"], rows_of(entry)["male"]
    # 30/40 = 75% against 50%: 1.5; 10/40 = 25% against 50%: 0.5
    assert (female["count"], female["respondents_pct"], female["population_pct"]) == (
        30,
        75.0,
        50.0,
    )
    assert (female["ratio"], female["difference"], female["verdict"]) == (
        1.5,
        25.0,
        "over-represented",
    )
    assert (male["ratio"], male["difference"], male["verdict"]) == (0.5, -25.0, "under-represented")
    assert (entry["under"], entry["over"]) == (["Male"], ["Female"])
    assert [row["value"] for row in entry["rows"]] == ["female", "male"]  # no prefer-not row


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.79, "under-represented"),
        (0.8, "in line"),
        (1.0, "in line"),
        (1.25, "in line"),
        (1.26, "over-represented"),
        (None, None),
    ],
)
def test_the_thresholds_are_four_fifths_and_its_reciprocal(ratio, expected) -> None:
    assert representation.verdict(ratio) == expected


def test_small_groups_are_hidden_and_so_is_their_complement() -> None:
    counts = {
        "equality_age": {
            "under_16": 0,
            "16-24": 3,  # fewer than 5: hidden
            "25-34": 10,
            "35-44": 10,
            "45-54": 12,
            "55-64": 15,
            "65-74": 20,
            "75_plus": 30,
        }
    }
    [entry] = compare([AGE], counts, 100, EVEN_AGE, small_group=5)
    rows = rows_of(entry)
    assert entry["compared"] == 100  # the hidden groups stay in the base
    small = rows["16-24"]
    assert (small["suppressed"], small["count"], small["respondents_pct"]) == ("small", None, None)
    assert (small["ratio"], small["difference"], small["verdict"]) == (None, None, None)
    assert small["population_pct"] == 12.5  # the area's share is never hidden
    # Alone, 3 would be 100 less the groups shown: the smallest shown (0) is hidden too.
    assert (rows["under_16"]["suppressed"], rows["under_16"]["count"]) == ("complement", None)
    assert rows["under_16"]["verdict"] is None
    # 10/100 = 10% against 12.5%: exactly 0.8, in line; 12% 0.96; 15% 1.2; 20% 1.6; 30% 2.4
    assert (rows["25-34"]["ratio"], rows["25-34"]["difference"]) == (0.8, -2.5)
    assert [rows[v]["verdict"] for v in ("25-34", "45-54", "55-64")] == ["in line"] * 3
    assert [rows[v]["ratio"] for v in ("45-54", "55-64", "65-74", "75_plus")] == [
        0.96,
        1.2,
        1.6,
        2.4,
    ]
    assert entry["under"] == []
    assert entry["over"] == ["65 to 74", "75 or over"]


def test_two_small_groups_hide_each_other() -> None:
    counts = {"equality_age": {"16-24": 3, "25-34": 2, "75_plus": 95}}
    [entry] = compare([AGE], counts, 100, EVEN_AGE, small_group=5)
    hidden = {row["value"]: row["suppressed"] for row in entry["rows"] if row["suppressed"]}
    assert hidden == {"16-24": "small", "25-34": "small"}
    # the groups nobody chose are shown, 0% against 12.5%: under-represented
    assert rows_of(entry)["under_16"]["verdict"] == "under-represented"


def test_a_two_group_question_with_one_small_group_shows_neither() -> None:
    counts = {"equality_sex": {"female": 40, "male": 2}}
    [entry] = compare([SEX], counts, 42, EVEN_SEX, small_group=5)
    assert [row["suppressed"] for row in entry["rows"]] == ["complement", "small"]
    assert entry["under"] == entry["over"] == []


def test_no_suppression_when_small_group_is_zero_or_one() -> None:
    counts = {"equality_sex": {"female": 1, "male": 1}}
    for small_group in (0, 1):
        [entry] = compare([SEX], counts, 2, EVEN_SEX, small_group=small_group)
        assert [row["count"] for row in entry["rows"]] == [1, 1]


def test_a_group_with_no_population_is_not_judged() -> None:
    counts = {"equality_sex": {"female": 8, "male": 2}}
    [entry] = compare([SEX], counts, 10, {"sex": {"female": 100, "male": 0}})
    rows = rows_of(entry)
    assert (rows["male"]["population_pct"], rows["male"]["ratio"], rows["male"]["verdict"]) == (
        0.0,
        None,
        None,
    )
    assert (rows["male"]["respondents_pct"], rows["male"]["difference"]) == (20.0, 20.0)
    # 80% against 100%: 0.8, in line
    assert (rows["female"]["ratio"], rows["female"]["verdict"]) == (0.8, "in line")


def test_nobody_answered() -> None:
    [entry] = compare([SEX], {}, 7, EVEN_SEX, small_group=5)
    assert (entry["compared"], entry["compared_pct"], entry["not_answered"]) == (0, 0.0, 7)
    assert all(r["respondents_pct"] is None and r["verdict"] is None for r in entry["rows"])
    assert representation.chart(entry)["description"] == (
        "Nobody has answered this question with one of its groups yet."
    )
    [empty] = compare([SEX], {}, 0, EVEN_SEX)
    assert empty["compared_pct"] is None


def test_answers_no_longer_offered_are_counted_but_not_compared() -> None:
    counts = {"equality_sex": {"female": 5, "male": 5, "intersex": 2}}
    [entry] = compare([SEX], counts, 12, EVEN_SEX)
    assert (entry["answered"], entry["compared"], entry["other_answers"]) == (12, 10, 2)
    assert rows_of(entry)["female"]["respondents_pct"] == 50.0


def test_only_equality_questions_with_population_figures() -> None:
    other = {"id": "travel_sex", "type": "single", "label": "How?", "options": SEX["options"]}
    own_block = equality("age", block="about_you")
    questions = [SEX, other, own_block, equality("carer")]
    found = compare(questions, {}, 3, {**EVEN_SEX, **EVEN_AGE})
    assert [(entry["id"], entry["part"]) for entry in found] == [
        ("equality_sex", "sex"),
        ("about_you_age", "age"),
    ]
    assert compare(questions, {}, 3, {}) == []  # no population file: nothing to compare
    assert representation.part_of("age") is None
    assert representation.part_of("equality_ethnicity") == "ethnicity"


def test_the_chart_pairs_each_groups_bars() -> None:
    counts = {"equality_sex": {"female": 30, "male": 10}}
    [entry] = compare([SEX], counts, 40, EVEN_SEX)
    drawn = representation.chart(entry)
    # 304 units for 100% (400 wide, 96 kept for the figures), two rows of 58 under a legend
    assert (drawn["width"], drawn["height"], drawn["bar_height"]) == (400, 158, 14)
    female, male = drawn["bars"]
    assert (female["respondents_width"], female["population_width"]) == (228.0, 152.0)
    assert (male["respondents_width"], male["population_width"]) == (76.0, 152.0)
    assert female["population_y"] == female["respondents_y"] + 16
    assert male["label_y"] == female["label_y"] + 58
    assert drawn["description"] == (
        "40 of 40 people (100.0%) answered with one of the groups. Under-represented: Male, "
        "25.0% of people who answered and 50.0% of the area. Over-represented: Female, 75.0% "
        "of people who answered and 50.0% of the area."
    )


def test_the_partial_shows_a_chart_and_a_table_with_the_verdicts_in_words(make_app) -> None:
    counts = {"equality_sex": {"female": 40, "male": 2, "prefer_not_to_say": 3}}
    counts["equality_age"] = {"16-24": 6, "25-34": 30, "65-74": 14}
    population = {**EVEN_SEX, **EVEN_AGE}
    sex, age = compare([SEX, AGE], counts, 50, population, 5, {"age": "TS007 Age"})
    app = make_app()
    with app.test_request_context():
        html = render_template(
            "admin/_representation.html",
            comparison=age,
            comparison_chart=representation.chart(age),
            comparison_key="overall-age",
        )
        hidden = render_template(
            "admin/_representation.html", comparison=sex, comparison_chart=representation.chart(sex)
        )
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert 'aria-labelledby="representation-overall-age-title representation-overall-age-desc"' in (
        html
    )
    assert "<caption" in html and "What is your age?: people who answered" in html
    assert html.count('<th scope="row"') == 8 + 2  # each group, prefer not to say, not answered
    # 30/50 = 60% against 12.5%: 4.80; 6/50 = 12%: 0.96; nobody under 16: 0.00
    assert "25 to 34 30 60.0% 12.5% 4.80 Over-represented" in text
    assert "16 to 24 6 12.0% 12.5% 0.96 In line" in text
    assert "Under 16 0 0.0% 12.5% 0.00 Under-represented" in text
    assert '<strong class="nhsuk-tag nhsuk-tag--orange">Under-represented</strong>' in html
    assert "Area figures: ONS Census 2021, TS007 Age." in text
    assert "<figure" in html and "<figcaption" in html
    assert html.count('class="engage-chart__bar engage-chart__bar--population"') == 8 + 1
    hidden_text = " ".join(re.sub(r"<[^>]+>", " ", hidden).split())
    assert f"Male Fewer than 5 Not shown 50.0% {NONE} {NONE}" in hidden_text
    assert f"Female Not shown Not shown 50.0% {NONE} {NONE}" in hidden_text
    assert "the next smallest group is not shown either" in hidden_text
    assert "Prefer not to say 3 Not compared" in hidden_text
    assert "Over-represented" not in hidden and "Under-represented" not in hidden
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report</title></head>'
        f"<body><main>{html}{hidden}</main></body></html>"
    )
    assert nu_errors(page) == []
