"""The area's population file (`content/population.csv`): the sample's figures reach the manifest
by equality part and answer value, and each mistake a comms officer can make in a spreadsheet is
named with file, line, column and the fix, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract import manifest as contract
from contract.wordings import EQUALITY_PARTS
from engagement.questionnaires import population
from fixtures.site import ROOT

HEADER = "question,value,people,source\n"
SEX = "sex,female,5100,TS008 Sex\nsex,male,4900,TS008 Sex\n"


def written(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "population.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def test_the_sample_population_is_in_the_manifest(manifest: dict) -> None:
    figures = manifest["population"]
    assert list(figures) == list(EQUALITY_PARTS)
    for part, groups in figures.items():
        # every group of the built-in question, in its order, and no "prefer not to say"
        assert list(groups) == [value for value, _ in EQUALITY_PARTS[part][2]]
    everyone = sum(figures["age"].values())
    assert 550_000 < everyone < 650_000
    assert sum(figures["sex"].values()) == everyone
    assert sum(figures["ethnicity"].values()) == everyone
    assert sum(figures["disability"].values()) == everyone
    assert sum(figures["carer"].values()) < everyone  # TS039 counts people aged 5 and over
    assert 0.80 < figures["ethnicity"]["white"] / everyone < 0.90
    assert manifest["population_sources"]["ethnicity"] == "TS021 Ethnic group"
    assert manifest["population_sources"]["carer"] == "TS039 Provision of unpaid care"


def test_the_manifest_reader_exposes_the_population(built_site: Path, tmp_path: Path) -> None:
    read = contract.read(built_site / "engagement.json")
    assert read.population["sex"] == {"female": 311347, "male": 301090}
    assert read.population_sources["age"] == "TS007 Age by single year of age"
    older = json.loads((built_site / "engagement.json").read_text(encoding="utf-8"))
    del older["population"], older["population_sources"]
    (tmp_path / "engagement.json").write_text(json.dumps(older), encoding="utf-8")
    assert contract.read(tmp_path / "engagement.json").population == {}


def test_no_file_means_no_population_and_no_problem(tmp_path: Path) -> None:
    assert population.load(tmp_path / "population.csv") == ({}, {}, [])


def test_a_file_from_excel_reads(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8": a byte-order mark, CRLF line ends, capitalised headings, blank rows
    and an empty column at the end; numbers shown with thousands separators, in quotes."""
    text = 'Question,Value,People,\r\nSex,Female,"5,100",\r\n,,,\r\nsex,male,4900,\r\n'
    path = written(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert population.load(path) == ({"sex": {"female": 5100, "male": 4900}}, {}, [])


def test_sources_are_kept_once_per_part(tmp_path: Path) -> None:
    path = written(tmp_path, HEADER + "sex,female,5100,TS008 Sex\nsex,male,4900,RM121\n")
    assert population.load(path)[1] == {"sex": "TS008 Sex; RM121"}
    path = written(tmp_path, "question,value,people\n" + "sex,female,1\nsex,male,0\n")
    assert population.load(path) == ({"sex": {"female": 1, "male": 0}}, {}, [])


MISTAKES = {
    "unknown question": (
        HEADER + "ages,16-24,100,\n",
        2,
        "question",
        "'ages' is not an equality-monitoring question: did you mean 'age'?",
    ),
    "whole question id": (
        HEADER + "equality_age,16-24,100,\n",
        2,
        "question",
        "here write only its part, 'age'",
    ),
    "empty question": (HEADER + ",16-24,100,\n", 2, "question", "is empty: write one of age"),
    "unknown value": (
        HEADER + SEX.replace("female", "femal", 1),
        2,
        "value",
        "'femal' is not an answer to sex: did you mean 'female'? use female, male",
    ),
    "age band written as words": (
        HEADER + "age,16 to 24,100,\n",
        2,
        "value",
        "'16 to 24' is not an answer to age",
    ),
    "prefer not to say": (
        HEADER + SEX + "sex,prefer_not_to_say,10,\n",
        4,
        "value",
        "'Prefer not to say' has no population: remove the row",
    ),
    "not a number": (
        HEADER + SEX.replace("4900", "lots"),
        3,
        "people",
        "'lots' is not a whole number",
    ),
    "decimal": (HEADER + SEX.replace("4900", "4900.5"), 3, "people", "not a whole number"),
    "negative": (HEADER + SEX.replace("4900", "-4900"), 3, "people", "-4900 is below zero"),
    "empty people": (HEADER + SEX.replace("4900", ""), 3, "people", "is empty"),
    "too many": (
        HEADER + SEX.replace("4900", "4900000000"),
        3,
        "people",
        "more people than live in the UK",
    ),
    "duplicate": (
        HEADER + SEX + "sex,male,4800,\n",
        4,
        "value",
        "sex male is given twice (first on line 3): keep one row.",
    ),
    "missing group": (
        HEADER + "sex,female,5100,\n",
        2,
        "value",
        "sex has no row for male: add it",
    ),
    "every group empty": (
        HEADER + "sex,female,0,\nsex,male,0,\n",
        2,
        "people",
        "every group of sex has 0 people",
    ),
    "unquoted thousands": (
        "question,value,people\nsex,female,5,100\n",
        2,
        "",
        "more cells than the first line has columns",
    ),
    "unknown column": (
        "question,value,poeple\n" + SEX,
        1,
        "",
        "'poeple' is not a column: did you mean 'people'?",
    ),
    "missing column": (
        "question,value\nsex,female\n",
        1,
        "",
        "missing: people",
    ),
    "semicolons": (
        "question;value;people\nsex;female;5100\n",
        1,
        "",
        "separated by ';'",
    ),
    "only a header": (HEADER, None, "", "there are no figures after the first line"),
    "empty file": ("", None, "", "the file is empty"),
    "formula as source": (
        HEADER + SEX.replace("TS008 Sex", '=HYPERLINK("http://x")', 1),
        2,
        "source",
        "plain text",
    ),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_each_mistake_names_line_column_and_fix(tmp_path: Path, case: str) -> None:
    text, line, field, message = MISTAKES[case]
    figures, sources, faults = population.load(written(tmp_path, text))
    assert (figures, sources) == ({}, {}), "no figures from a file with a mistake"
    assert any(
        (found_line, found_field) == (line, field) and message in found_message
        for found_line, found_field, found_message in faults
    ), faults


HOSTILE = {
    "markup": "<script>alert(1)</script>",
    "null byte": "sex\x00",
    "very long": "a" * 5000,
    "other digits": "١٢٣",  # Arabic-Indic digits: int() would take them
    "full-width digits": "\uff11\uff12\uff13",
    "exponent": "1e6",
    "hex": "0x10",
    "right-to-left override": "\u202emale",
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_cells_are_refused_in_a_short_printable_sentence(tmp_path: Path, case: str) -> None:
    nasty = HOSTILE[case]
    for row in (f"{nasty},female,1,\n", f"sex,{nasty},1,\n", f"sex,female,{nasty},\n"):
        _, _, faults = population.load(written(tmp_path, HEADER + row + "sex,male,1,\n"))
        assert faults, row
        for _, _, message in faults:
            assert message.isprintable()
            assert len(message) < 300  # what was written is quoted shortened


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = written(tmp_path, (HEADER + "sex,f\xe9male,1,\n").encode("cp1252"))
    assert population.load(path) == (
        {},
        {},
        [(None, "", "the file is not UTF-8 text: in Excel, save it as 'CSV UTF-8'.")],
    )


def test_a_mistake_stops_the_build_with_file_and_line(make_site) -> None:
    build = make_site({"population.csv": HEADER + SEX.replace("4900", "49OO")})
    log = " ".join(build.log.split())
    assert build.returncode == 1, build.log
    assert "content/population.csv:3: people: '49OO' is not a whole number" in log
    assert "1 content problem to fix" in log  # no knock-on "sex has no row for male"
    assert "Traceback" not in build.log
    assert not (build.output / "engagement.json").exists()


def test_the_sample_file_has_every_group_and_no_other() -> None:
    figures, sources, faults = population.load(ROOT / "content" / "population.csv")
    assert faults == []
    assert set(figures) == set(sources) == set(EQUALITY_PARTS)
