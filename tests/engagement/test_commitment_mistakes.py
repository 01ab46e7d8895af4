"""An editor's mistake in a commitments file stops the build with file, line, field and what to
write instead: never a traceback, and no manifest from the broken build."""

from __future__ import annotations

import pytest

CONSULTATION = "Title: Clinics\nOpens: 2026-01-05\nCloses: 2026-02-27\nSummary: Tell us.\n\nBody.\n"
GOOD = """\
- id: evening-clinics
  heard: Daytime clinics are hard to get to.
  will_do: Hold evening clinics.
  history:
    - date: 2026-03-02
      status: planned
    - date: 2026-04-10
      status: done
"""
FILE = "content/commitments/clinics.yaml"
WHO = "commitment 'evening-clinics'"

CASES = {
    "unknown field": (
        GOOD.replace("  heard:", "  heared:"),
        [
            f"{FILE}:1: {WHO}.heared: is not a field of a commitment: did you mean 'heard'?",
            f"{WHO}.heard: is missing",
        ],
    ),
    "status beside the history": (
        GOOD.replace("  history:", "  status: done\n  history:"),
        [f"{FILE}:1: {WHO}.status: the status is the last entry of history: remove this line"],
    ),
    "unknown status": (
        GOOD.replace("status: done", "status: don"),
        [f"{FILE}:7: {WHO}.history[2].status: 'don' is not a status: did you mean 'done'?"],
    ),
    "status with a space": (
        GOOD.replace("status: done", "status: in progress"),
        [f"{WHO}.history[2].status: 'in progress' is not a status: did you mean 'in-progress'?"],
    ),
    "bad date": (
        GOOD.replace("2026-04-10", "10/04/2026"),
        [f"{FILE}:7: {WHO}.history[2].date: '10/04/2026' is not a date: write it as YYYY-MM-DD"],
    ),
    "impossible date": (
        GOOD.replace("2026-04-10", "2026-13-10"),
        [f"{WHO}.history[2].date: '2026-13-10' is not a date"],
    ),
    "history out of order": (
        GOOD.replace("2026-04-10", "2026-02-01"),
        [
            f"{WHO}.history[2].date: 2026-02-01 is before the entry above it (2026-03-02): "
            "list history oldest first"
        ],
    ),
    "date after build day": (
        GOOD.replace("2026-04-10", "2026-12-25"),
        [f"{WHO}.history[2].date: 2026-12-25 is after today (2026-11-25)", "put a date still"],
    ),
    "no history": (
        "- id: evening-clinics\n  heard: H.\n  will_do: W.\n",
        [f"{FILE}:1: {WHO}.history: is missing: list the status changes, oldest first"],
    ),
    "duplicate ids": (
        GOOD + GOOD,
        [f"{FILE}:9: {WHO}.id: 'evening-clinics' is used twice in this file"],
    ),
    "id not a slug": (
        GOOD.replace("id: evening-clinics", "id: Evening clinics"),
        ["commitment 'Evening clinics'.id: needs lowercase letters, digits and -"],
    ),
    "script link as evidence": (
        GOOD.replace("  history:", "  evidence: javascript:alert(1)\n  history:"),
        [
            f"{FILE}:1: {WHO}.evidence: 'javascript:alert(1)' is not an address: give a page of "
            "this site starting with / (e.g. /millbrook-maternity-summary-report/) or a full "
            "https:// address."
        ],
    ),
    "evidence not a page of the site": (
        GOOD.replace("  history:", "  evidence: /abuot/\n  history:"),
        [f"{FILE}: {WHO}.evidence: /abuot/ is not a page of this site: did you mean /about/?"],
    ),
    "not going ahead without a reason": (
        GOOD.replace("status: done", "status: not-going-ahead"),
        [f"{WHO}.reason: is missing: a commitment that is not going ahead needs 'reason: ...'"],
    ),
    "reason for a commitment going ahead": (
        GOOD.replace("  history:", "  reason: Because.\n  history:"),
        [f"{WHO}.reason: is only for a commitment that is not going ahead"],
    ),
    "script link in the text": (
        GOOD.replace("Hold evening clinics.", "'[Book](javascript:alert(1))'"),
        [f'{WHO}.will_do: <a href="javascript:alert(1)">: script links are not allowed.'],
    ),
    "picture from another host in a note": (
        GOOD.replace(
            "status: done", "status: done\n      note: '![x](https://evil.example/x.png)'"
        ),
        [f'{WHO}.history[2].note: <img src="https://evil.example/x.png">: pictures and media'],
    ),
    "not a list": (
        "id: evening-clinics\n",
        [f"{FILE}: the file should be a list of commitments, each starting '- id: ...'."],
    ),
    "yaml syntax": (
        GOOD.replace("  will_do:", "   will_do:"),
        [f"{FILE}:3: this is not valid YAML"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_commitments_mistake_is_explained_and_stops_the_build(make_site, case: str) -> None:
    text, expected = CASES[case]
    build = make_site({"consultations/clinics.md": CONSULTATION, "commitments/clinics.yaml": text})
    assert build.returncode == 1, build.log
    log = " ".join(build.log.split())  # the console may wrap long lines
    for message in expected:
        assert " ".join(message.split()) in log, f"expected {message!r} in:\n{build.log}"
    assert "Traceback" not in build.log
    assert not (build.output / "engagement.json").exists(), "no manifest from a broken build"


def test_a_file_for_no_consultation_names_the_near_one(make_site) -> None:
    build = make_site({"consultations/clinics.md": CONSULTATION, "commitments/clinic.yaml": GOOD})
    assert build.returncode == 1, build.log
    assert (
        "content/commitments/clinic.yaml: there is no consultation 'clinic': did you mean "
        "clinics.yaml? Name the file after the consultation's file in content/consultations/"
    ) in " ".join(build.log.split())
    assert "Traceback" not in build.log


def test_a_good_file_builds(make_site) -> None:
    build = make_site({"consultations/clinics.md": CONSULTATION, "commitments/clinics.yaml": GOOD})
    assert build.returncode == 0, build.log
    assert 'id="commitment-evening-clinics"' in (
        build.output / "consultations/clinics/index.html"
    ).read_text(encoding="utf-8")
