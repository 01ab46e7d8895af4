"""Issue 16: every word a reader meets goes through the gettext catalogue, and Welsh is complete.

A fresh extraction (what `invoke translations` runs) is compared with the Welsh catalogue; a Welsh
page of a tiny site is built and read; the widget's words reach it as JSON."""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from fixtures.site import ROOT, Build
from tasks import EXTRACT
from theme import i18n

WELSH = ROOT / "theme/locale/cy/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
MESSAGES_JSON = re.compile(
    r'<script type="application/json" id="engage-messages">(.*?)</script>', re.DOTALL
)
POST = "Title: {title}\nDate: 2026-01-05\nCategory: News\nSummary: {title}.\n\n{title}\n"
WELSH_SITE = {
    "pages/about.cy.md": "Title: Amdanom ni\nSummary: Pwy ydym ni.\n\nAmdanom ni.\n",
    "posts/first.cy.md": POST.format(title="Cyntaf"),
}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages as `invoke translations` extracts them now, from the files as they are."""
    output = tmp_path_factory.mktemp("extract") / "messages.pot"
    options = shlex.split(EXTRACT.replace("--mapping-file=babel.cfg", ""))
    mapping = f"--mapping-file={ROOT / 'babel.cfg'}"
    CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", mapping, *options, f"--output-file={output}", str(ROOT)]
    )
    with output.open("rb") as source:
        return read_po(source)


@pytest.fixture(scope="module")
def welsh() -> Catalog:
    with WELSH.open("rb") as source:
        return read_po(source, locale="cy")


def forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple | list) else (message.string,)


def name(message: Message) -> str:
    text = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return f"{message.context} | {text}" if message.context else text


def test_every_message_has_a_welsh_translation(extracted: Catalog, welsh: Catalog) -> None:
    missing = []
    for message in extracted:
        if not message.id:
            continue
        ours = welsh.get(message.id, message.context)
        plural = isinstance(message.id, tuple | list)
        if (
            ours is None
            or ours.fuzzy
            or not all(forms(ours))
            or (plural and len(forms(ours)) != welsh.num_plurals)
        ):
            missing.append(name(message))
    assert len(extracted) > 150, "the extraction found the templates and scripts"
    assert not missing, (
        f"Messages without a Welsh translation in {WELSH.relative_to(ROOT)} (run `invoke "
        "translations`, then translate each; a count needs all five msgstr[] forms):\n  "
        + "\n  ".join(missing)
    )


def test_the_welsh_catalogue_has_nothing_fuzzy_or_left_over(
    extracted: Catalog, welsh: Catalog
) -> None:
    assert not [name(m) for m in welsh if m.id and m.fuzzy], "fuzzy entries: check and unmark them"
    stale = [name(m) for m in welsh if m.id and extracted.get(m.id, m.context) is None]
    assert not stale, "no longer in the templates: run `invoke translations`\n  " + "\n  ".join(
        stale
    )


CATALOGUES = sorted((ROOT / "theme/locale").glob("*/LC_MESSAGES/messages.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_every_catalogue_keeps_every_placeholder(path: Path) -> None:
    """Welsh is complete; every other language's catalogue (Urdu, Polish) is at least right
    where it is translated: a lost %(name)s would break the page in that language."""
    with path.open("rb") as source:
        catalogue = read_po(source, locale=path.parent.parent.name)
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple | list) else message.id
        wanted = Counter(PLACEHOLDER.findall(source))
        for index, text in enumerate(forms(message)):
            if text and Counter(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"{name(message)} [{index}]: {text}")
    assert not wrong, "placeholders (%(name)s, %%) must be kept exactly:\n  " + "\n  ".join(wrong)


def test_widget_messages_are_the_scripts_words_in_welsh(welsh: Catalog) -> None:
    scripts = {
        name(m)
        for m in welsh
        if m.id and any(file.startswith(i18n.WIDGET_SOURCES) for file, _ in m.locations)
    }
    with i18n.rendering_in("cy"):
        messages = i18n.widget_messages()
    assert set(messages) == scripts and "Key dates" not in messages
    assert messages["Thank you for your comment"] == "Diolch am eich sylw"
    counted = messages["%(num)d comment"]
    assert set(counted) == {"zero", "one", "two", "few", "many", "other"}
    assert i18n.widget_messages() == {}, "English pages need none: the scripts are in English"


@pytest.fixture
def site(make_site: Callable[[dict[str, str]], Build]) -> Path:
    build = make_site(WELSH_SITE)
    assert build.returncode == 0, build.log
    return build.output


def test_a_welsh_page_shows_welsh_words(site: Path) -> None:
    post = (site / "cy/blog/first/index.html").read_text(encoding="utf-8")
    for words in ("Cyhoeddwyd", ">Sylwadau</h2>", "Rhoi sylw", "Cyn i chi roi sylw", "Eich sylw"):
        assert words in post, words
    for words in ("Published", ">Comments</h2>", "Leave a comment", "Post comment"):
        assert words not in post, words
    page = (site / "cy/about/index.html").read_text(encoding="utf-8")
    assert "Hafan" in page  # the breadcrumb's "Home"
    english = (site / "blog/first/index.html").read_text(encoding="utf-8")
    assert "Published" in english and "Leave a comment" in english and "Cyhoeddwyd" not in english


def test_a_welsh_page_carries_the_widgets_words_once(site: Path) -> None:
    post = (site / "cy/blog/first/index.html").read_text(encoding="utf-8")
    found = MESSAGES_JSON.findall(post)
    assert len(found) == 1
    messages = json.loads(found[0])
    assert messages["Thank you for your comment"] == "Diolch am eich sylw"
    assert messages["No comments yet. Be the first to comment."].startswith("Dim sylwadau eto")
    assert messages["%(num)d comment"]["two"] == "%(num)d sylw"
    english = (site / "blog/first/index.html").read_text(encoding="utf-8")
    assert MESSAGES_JSON.findall(english) == [], "the scripts are written in the site's language"
