"""The languages contract: tags checked and written one way for the build, the API and the
cross-poster."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract import languages


@pytest.mark.parametrize(
    ("value", "expected"),
    [("cy", "cy"), ("EN-gb", "en-GB"), ("en_GB", "en-GB"), ("zh-hant-tw", "zh-Hant-TW")],
)
def test_canonical_writes_a_tag_as_bcp47_does(value: str, expected: str) -> None:
    assert languages.canonical(value) == expected


@pytest.mark.parametrize(
    "value", ["", "<b>", "c", "cy-", "x" * 3 + "-" + "a" * 40, 7, None, ["cy"]]
)
def test_anything_else_is_no_tag(value: object) -> None:
    assert languages.valid(value) is None
    assert languages.canonical(value) is None


@given(st.text(max_size=60))
def test_a_valid_tag_is_short_and_plain(value: str) -> None:
    found = languages.valid(value)
    if found is not None:
        assert found == value and len(found) <= languages.TAG_MAX_LENGTH
        assert all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in found)


def test_names_and_directions() -> None:
    assert languages.language("cy").name == "Cymraeg"
    assert languages.language("en-GB").english == "English"
    assert languages.direction("ur") == "rtl" and languages.direction("pl") == "ltr"
    assert languages.same("en-GB", "en") and not languages.same("cy", None)
    assert languages.language("xx").name == "xx"
