"""A questionnaire in several languages: `<id>.<lang>.yaml` translates the words of `<id>.yaml`
and must ask the same questions with the same answer values (every language's answers are counted
together); the Welsh consultation's form is in Welsh, the manifest carries each language's words,
and a translation that differs in shape stops the build with the file and the fix."""

from __future__ import annotations

import json

import pytest

from contract.questionnaires import in_language

ORIGINAL = """title: Survey
intro: It takes 2 minutes.
questions:
  - id: experience
    type: fft
  - id: used
    type: single
    label: Which did you use?
    hint: Choose one.
    options:
      - value: gp
        label: My GP surgery
      - value: pharmacy
        label: A pharmacy
  - id: why
    type: long_text
    label: Why?
"""
WELSH = """title: Arolwg
intro: Mae'n cymryd 2 funud.
questions:
  - id: experience
    type: fft
  - id: used
    type: single
    label: Pa un a ddefnyddioch chi?
    hint: Dewiswch un.
    options:
      - value: gp
        label: Fy meddygfa
      - value: pharmacy
        label: Fferyllfa
  - id: why
    type: long_text
    label: Pam?
"""
CONSULTATION = (
    "Title: {title}\nOpens: 2026-11-01\nCloses: 2027-01-29\nQuestionnaire: survey\n"
    "Summary: {title}.\n\n{title}\n"
)


def test_a_translated_consultation_asks_in_its_language(make_site) -> None:
    build = make_site(
        {
            "questionnaires/survey.yaml": ORIGINAL,
            "questionnaires/survey.cy.yaml": WELSH,
            "consultations/care.md": CONSULTATION.format(title="Care"),
            "consultations/care.cy.md": CONSULTATION.format(title="Gofal"),
        }
    )
    assert build.returncode == 0, build.log
    manifest = json.loads((build.output / "engagement.json").read_text(encoding="utf-8"))
    assert list(manifest["questionnaires"]) == ["survey"]  # one questionnaire, not two
    words = manifest["questionnaires"]["survey"]["translations"]["cy"]
    assert words["title"] == "Arolwg"
    assert words["questions"]["used"]["options"] == {"gp": "Fy meddygfa", "pharmacy": "Fferyllfa"}
    welsh = (build.output / "cy/consultations/care/index.html").read_text(encoding="utf-8")
    english = (build.output / "consultations/care/index.html").read_text(encoding="utf-8")
    for text in ("Pa un a ddefnyddioch chi?", "Dewiswch un.", "Fy meddygfa", "Pam?", "Arolwg"):
        assert text in welsh and text not in english
    assert "Which did you use?" in english and "Which did you use?" not in welsh
    # Both forms post the same questionnaire and the same answer values.
    for html in (welsh, english):
        assert 'name="questionnaire" value="survey"' in html or 'value="survey"' in html
        assert 'value="pharmacy"' in html


def test_in_language_lays_the_words_over_the_same_questions(make_site) -> None:
    build = make_site(
        {"questionnaires/survey.yaml": ORIGINAL, "questionnaires/survey.cy.yaml": WELSH}
    )
    assert build.returncode == 0, build.log
    manifest = json.loads((build.output / "engagement.json").read_text(encoding="utf-8"))
    definition = manifest["questionnaires"]["survey"]
    welsh = in_language(definition, "cy")
    assert welsh["language"] == "cy" and "translations" not in welsh
    assert [q["id"] for q in welsh["questions"]] == [q["id"] for q in definition["questions"]]
    used = next(q for q in welsh["questions"] if q["id"] == "used")
    assert [(o["value"], o["label"]) for o in used["options"]] == [
        ("gp", "Fy meddygfa"),
        ("pharmacy", "Fferyllfa"),
    ]
    # The definition itself is untouched, and a language it has no words in gives it back.
    assert next(q for q in definition["questions"] if q["id"] == "used")["label"] == (
        "Which did you use?"
    )
    assert in_language(definition, "ur") is definition
    assert in_language(definition, None) is definition


MISTAKES = {
    "an answer value changed": (
        {"questionnaires/survey.cy.yaml": WELSH.replace("value: pharmacy", "value: fferyllfa")},
        "content/questionnaires/survey.cy.yaml: question 'used'.options: the answers' values "
        "differ: a translation asks the same questions, with the same answers, as "
        "content/questionnaires/survey.yaml",
    ),
    "a question left out": (
        {"questionnaires/survey.cy.yaml": WELSH.split("  - id: why")[0]},
        "content/questionnaires/survey.cy.yaml: questions: 'why' is missing",
    ),
    "a question's type changed": (
        {"questionnaires/survey.cy.yaml": WELSH.replace("type: long_text", "type: text")},
        "question 'why'.type: differs from the original",
    ),
    "a translation of no questionnaire": (
        {"questionnaires/other.cy.yaml": WELSH},
        "content/questionnaires/other.cy.yaml: there is no questionnaire 'other' to translate",
    ),
    "a consultation translated without its questionnaire": (
        {
            "consultations/care.md": CONSULTATION.format(title="Care"),
            "consultations/care.cy.md": CONSULTATION.format(title="Gofal"),
        },
        "content/consultations/care.cy.md:4: Questionnaire: 'survey' has no version in this "
        "page's language (cy): add content/questionnaires/survey.cy.yaml",
    ),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_translation_mistakes_stop_the_build(make_site, case: str) -> None:
    files, expected = MISTAKES[case]
    build = make_site({"questionnaires/survey.yaml": ORIGINAL, **files})
    log = " ".join(build.log.split())
    assert build.returncode == 1, build.log
    assert " ".join(expected.split()) in log, build.log
    assert "Traceback" not in build.log


COMMITMENTS = """- id: more-appointments
  heard: You wanted more evening appointments.
  will_do: Open the surgery until 8pm on Tuesdays.
  history:
    - date: 2026-11-10
      status: planned
      note: The board agreed it.
"""
WELSH_COMMITMENTS = """- id: more-appointments
  heard: Roeddech chi eisiau mwy o apwyntiadau gyda'r nos.
  will_do: Agor y feddygfa tan 8pm ar ddydd Mawrth.
  history:
    - date: 2026-11-10
      status: planned
      note: Cytunodd y bwrdd.
"""


def test_a_consultations_commitments_in_its_language(make_site) -> None:
    files = {
        "questionnaires/survey.yaml": ORIGINAL,
        "questionnaires/survey.cy.yaml": WELSH,
        "consultations/care.md": CONSULTATION.format(title="Care"),
        "consultations/care.cy.md": CONSULTATION.format(title="Gofal"),
        "commitments/care.yaml": COMMITMENTS,
    }
    # Without a Welsh file, the Welsh page shows the staff's words marked as English.
    build = make_site(files)
    assert build.returncode == 0, build.log
    page = (build.output / "cy/consultations/care/index.html").read_text(encoding="utf-8")
    assert '<div class="engage-commitments__value" lang="en-gb">You wanted more evening' in page
    # With one, in Welsh, and the manifest's Welsh page carries the Welsh words.
    build = make_site({**files, "commitments/care.cy.yaml": WELSH_COMMITMENTS})
    assert build.returncode == 0, build.log
    page = (build.output / "cy/consultations/care/index.html").read_text(encoding="utf-8")
    assert '<div class="engage-commitments__value">Roeddech chi eisiau mwy' in page
    assert "You wanted more evening" not in page
    manifest = json.loads((build.output / "engagement.json").read_text(encoding="utf-8"))
    pages = {entry["url"]: entry for entry in manifest["pages"]}
    assert pages["/cy/consultations/care/"]["commitments"][0]["heard"].startswith("Roeddech")
    assert pages["/consultations/care/"]["commitments"][0]["heard"].startswith("You wanted")
    # A translation that tells another story is refused.
    changed = WELSH_COMMITMENTS.replace("status: planned", "status: done")
    build = make_site({**files, "commitments/care.cy.yaml": changed})
    assert build.returncode == 1
    wanted = "content/commitments/care.cy.yaml: commitment 'more-appointments': differs from"
    assert wanted in " ".join(build.log.split())
