"""Who answered against the area's population, on the report pages: ten people answer the sample
questionnaire through the real API (five came from Mastodon), and the report and the reports
index set their age and sex beside the sample's content/population.csv, figures worked out by
hand here from the file's numbers."""

from __future__ import annotations

import datetime
import json
import re

import pytest

from fixtures.nu import nu_errors
from fixtures.site import ROOT
from fixtures.staff import signed_in

QUESTIONNAIRE = "urgent-care-vale-cross"
TODAY = datetime.date.today()
# (sex, age, via): seven women and three men; six aged 16 to 24, two 65 to 74, two who would
# rather not say; the first five came from a Mastodon post.
PEOPLE = [
    *[("female", "16-24", "mastodon")] * 5,
    ("female", "16-24", None),
    ("female", "65-74", None),
    ("male", "65-74", None),
    ("male", "prefer_not_to_say", None),
    ("male", "prefer_not_to_say", None),
]


def population(part: str) -> dict[str, int]:
    rows = (ROOT / "content" / "population.csv").read_text(encoding="utf-8").splitlines()[1:]
    return {
        value: int(people)
        for question, value, people, *_ in (row.split(",") for row in rows)
        if question == part
    }


@pytest.fixture
def answered(tmp_path, built_site, make_app):
    manifest = json.loads((built_site / "engagement.json").read_text(encoding="utf-8"))
    window = {
        "opens": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "closes": (TODAY + datetime.timedelta(days=10)).isoformat(),
    }
    manifest["questionnaires"][QUESTIONNAIRE].update(window)
    path = tmp_path / "engagement.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    app = make_app(
        ENGAGE_MANIFEST=str(path),
        ENGAGE_SECURE_COOKIES=False,
        ENGAGE_RATELIMIT_RESPONSES="1000/minute",
        ENGAGE_REPORT_SMALL_GROUP=2,
    )
    client = app.test_client()
    for sex, age, via in PEOPLE:
        answers = {
            "experience": "good",
            "support_proposal": "support",
            "equality_sex": sex,
            "equality_age": age,
        }
        sent = {"questionnaire": QUESTIONNAIRE, "answers": answers, **({"via": via} if via else {})}
        assert client.post("/api/responses", json=sent).status_code == 201
    return app


def rows_of(html: str, caption: str) -> dict[str, list[str]]:
    """The table with this caption, each row's cells by its heading's text."""
    table = html.split(caption, 1)[1].split("</table>", 1)[0].split("<tbody", 1)[1]
    found = {}
    for row in table.split("<tr")[1:]:
        cells = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        found[cells[0]] = cells[1:]
    return found


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%"


def test_the_report_sets_respondents_beside_the_population(answered) -> None:
    html = (
        signed_in(answered, "moderator")
        .get(f"/admin/reports/{QUESTIONNAIRE}")
        .get_data(as_text=True)
    )
    sexes, ages = population("sex"), population("age")
    women, area = sexes["female"], sum(sexes.values())
    sex = rows_of(html, "What is your sex?: people who answered and the area's population")
    # 7 of 10 women against the area's share: ratio 0.7 / share, over 1.25 is over-represented.
    assert sex["Female"] == [
        "7",
        "70.0%",
        pct(women, area),
        f"{0.7 / (women / area):.2f}",
        "Over-represented",
    ]
    assert sex["Male"][:2] == ["3", "30.0%"] and sex["Male"][-1] == "Under-represented"
    age = rows_of(html, "What is your age?: people who answered and the area's population")
    everyone = sum(ages.values())
    # Eight answered with an age group (two preferred not to say): 6 of 8 are 16 to 24.
    assert age["16 to 24"][:3] == ["6", "75.0%", pct(ages["16-24"], everyone)]
    assert age["16 to 24"][-1] == "Over-represented"
    assert age["Under 16"][:2] == ["0", "0.0%"] and age["Under 16"][-1] == "Under-represented"
    assert age["Prefer not to say"] == ["2", "Not compared"]
    assert "8 of 10 people (80.0%) answered with one of the groups" in html
    # Per channel: Mastodon's five were all women aged 16 to 24.
    per_channel = rows_of(html, "Groups each channel reached less or more than their share")
    assert per_channel["Mastodon"][0] == "5"
    assert "What is your sex?: Male" in per_channel["Mastodon"][1]
    assert "What is your sex?: Female" in per_channel["Mastodon"][2]
    assert nu_errors(html) == []


def test_a_channel_chosen_shows_its_people_against_the_population(answered) -> None:
    html = (
        signed_in(answered, "moderator")
        .get(f"/admin/reports/{QUESTIONNAIRE}?channel=mastodon")
        .get_data(as_text=True)
    )
    sex = rows_of(html, "What is your sex?: people who answered and the area's population")
    assert sex["Female"][:2] == ["5", "100.0%"] and sex["Male"][:2] == ["0", "0.0%"]
    assert "Groups each channel reached" not in html


def test_the_reports_index_adds_every_questionnaire_up(answered) -> None:
    html = signed_in(answered, "moderator").get("/admin/reports/").get_data(as_text=True)
    sex = rows_of(html, "What is your sex?: people who answered and the area's population")
    assert sex["Female"][:2] == ["7", "70.0%"]
    assert nu_errors(html) == []


def test_without_a_population_file_the_report_says_how_to_add_one(
    tmp_path, built_site, make_app
) -> None:
    manifest = json.loads((built_site / "engagement.json").read_text(encoding="utf-8"))
    manifest["population"], manifest["population_sources"] = {}, {}
    path = tmp_path / "engagement.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    app = make_app(ENGAGE_MANIFEST=str(path), ENGAGE_SECURE_COOKIES=False)
    for address in (f"/admin/reports/{QUESTIONNAIRE}", "/admin/reports/"):
        html = signed_in(app, "moderator").get(address).get_data(as_text=True)
        assert "The site has no population figures to compare with yet." in html
