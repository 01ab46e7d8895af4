"""The manifest is the contract with the API and the cross-poster: it validates against its
schema and says the same as the pages do."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from fixtures.site import ROOT

SCHEMA = json.loads((ROOT / "contract/manifest.schema.json").read_text(encoding="utf-8"))


def test_manifest_validates_against_its_schema(manifest: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(manifest), key=lambda error: error.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_schema_rejects_a_broken_manifest(manifest: dict) -> None:
    broken = json.loads(json.dumps(manifest))
    broken["pages"][0]["kind"] = "post"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_every_manifest_page_is_served_at_its_url(built_site: Path, manifest: dict) -> None:
    for entry in manifest["pages"]:
        assert (built_site / entry["url"].lstrip("/") / "index.html").is_file(), entry["url"]


def test_manifest_pages_and_their_settings(manifest: dict) -> None:
    pages = {entry["url"]: entry for entry in manifest["pages"]}
    assert pages["/blog/winter-vaccines/"]["kind"] == "article"
    assert pages["/blog/winter-vaccines/"]["comments"] == "open"
    assert pages["/blog/community-diagnostic-centre-vale-cross/"]["comments"] == "closed"
    assert pages["/ground-rules/"]["kind"] == "page"
    assert pages["/ground-rules/"]["comments"] == "closed"
    open_one = pages["/consultations/urgent-care-vale-cross/"]
    assert open_one["kind"] == "consultation"
    assert (open_one["opens"], open_one["closes"]) == ("2026-11-02", "2027-01-29")
    assert open_one["questionnaire"] == "urgent-care-vale-cross"
    assert open_one["comments"] == "open"
    closed_one = pages["/consultations/millbrook-maternity-services/"]
    assert closed_one["comments"] == "closed"
    assert pages["/blog/winter-vaccines/"]["social"]["text"]["mastodon"].startswith("Flu and")
    assert "#Covid19" in pages["/blog/winter-vaccines/"]["social"]["hashtags"]


def test_questionnaires_carry_their_consultation_dates(manifest: dict) -> None:
    survey = manifest["questionnaires"]["urgent-care-vale-cross"]
    assert (survey["opens"], survey["closes"]) == ("2026-11-02", "2027-01-29")
    fft = [q for q in survey["questions"] if q["type"] == "fft"]
    assert len(fft) == 1
    assert [o["label"] for o in fft[0]["options"]] == [
        "Very good",
        "Good",
        "Neither good nor poor",
        "Poor",
        "Very poor",
        "Don't know",
    ]
    assert manifest["site"]["ground_rules"][0]["id"] == "personal-details"


def test_manifest_is_identical_when_nothing_changed(built_site: Path, tmp_path: Path) -> None:
    from fixtures.site import run_pelican

    again = run_pelican(ROOT / "content", tmp_path / "out", tmp_path / "cache")
    assert again.returncode == 0, again.log
    assert (again.output / "engagement.json").read_bytes() == (
        built_site / "engagement.json"
    ).read_bytes()


def test_manifest_names_the_fingerprinted_theme_files(built_site: Path, manifest: dict) -> None:
    """The API's pages link what the build's pages link: the manifest says which names."""
    assert set(manifest["assets"]) == {
        "css/main.css",
        "css/main.rtl.css",
        "js/comments.js",
        "js/engage.js",
        "js/nhsuk-init.js",
        "js/search.js",
        "nhsuk/nhsuk-frontend.min.js",
        "nhsuk/nhsuk-frontend.min.js.map",
    }
    for hashed in manifest["assets"].values():
        assert (built_site / "theme" / hashed).is_file(), hashed


@pytest.mark.parametrize(
    ("plain", "hashed"),
    [
        ("css/main.css", "css/main.css"),  # not fingerprinted
        ("css/main.css", "css/main.0123abcd.css"),  # a hash too short
        ("../main.css", "main.0123456789ab.css"),  # outside the theme's folder
    ],
)
def test_schema_rejects_an_asset_name_without_its_hash(
    manifest: dict, plain: str, hashed: str
) -> None:
    broken = json.loads(json.dumps(manifest))
    broken["assets"][plain] = hashed
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_a_manifest_from_before_fingerprinting_still_reads(manifest: dict, tmp_path: Path) -> None:
    """`assets` is optional (no version change): without it, pages link the plain names."""
    from contract import manifest as contract

    older = {name: value for name, value in manifest.items() if name != "assets"}
    jsonschema.validate(older, SCHEMA)
    contract.write(tmp_path / "engagement.json", older)
    assert contract.read(tmp_path / "engagement.json").assets == {}
    contract.write(tmp_path / "engagement.json", manifest)
    assert contract.read(tmp_path / "engagement.json").assets == manifest["assets"]
