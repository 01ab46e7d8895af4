"""The reader's language in every template: gettext catalogues, dates, and the language being
rendered, the same for the Pelican build and the API's pages.

Each page is rendered in one language: the build's writer sets it per file (the page's `Lang:`,
or the folder it is written in), the API per request (the language of the page a form belongs
to, from the manifest). `_()`, `ngettext()` and the `date_text` filter read it, so macros,
partials and fragments rendered once need no language passed to them.

Catalogues are the standard gettext files, `theme/locale/<lang>/LC_MESSAGES/messages.po`,
written with Babel's tools (`pybabel extract/update`, see the README); they are compiled in
memory when first used, so a translator's edit to a `.po` file is all a release needs.

The widget's scripts (theme/static/js) mark their words with `gettext('...')` too; the pages
that load them carry `widget_messages()`, those words in the page's language, as JSON.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import io
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment

from contract import languages

LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
DEFAULT = "en-GB"
# Numbers far enough to meet every plural category of a language (Welsh: 0, 1, 2, 3, 6, other).
PLURAL_SAMPLES = range(0, 201)
# Where the widget's messages come from, as the catalogue's locations name them.
WIDGET_SOURCES = "theme/static/js/"
# "1 December 2026" in English, "1 Rhagfyr 2026" in Welsh: day, month name, year.
DATE_PATTERN = "d MMMM y"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("engage_language", default=DEFAULT)


def current() -> str:
    """The language being rendered (a tag such as "cy" or "en-GB")."""
    return _current.get()


@contextlib.contextmanager
def rendering_in(tag: str | None) -> Iterator[None]:
    """Render in `tag` (the site's default when None) within the block."""
    token = _current.set(tag or DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def folder_name(tag: str) -> str:
    """The catalogue folder of a tag: "cy" for cy, "en_GB" for en-GB (gettext's spelling)."""
    parts = tag.replace("-", "_").split("_")
    return "_".join([parts[0].lower(), *(part.upper() for part in parts[1:])])


def _catalogue_file(tag: str) -> Path | None:
    """The .po file for `tag`: its own, else its language's ("cy" for cy-GB), else none."""
    for name in dict.fromkeys((folder_name(tag), languages.primary(tag))):
        path = LOCALE / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=32)
def catalogue(tag: str) -> NullTranslations:
    """The translations for `tag`: its own catalogue, else its language's ("cy" for cy-GB),
    else none (the English the templates are written in)."""
    path = _catalogue_file(tag)
    return _compiled(_parsed(path)) if path else NullTranslations()


@lru_cache(maxsize=32)
def _parsed(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=path.parent.parent.name)


def _compiled(parsed: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def gettext(message: str) -> str:
    return catalogue(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return catalogue(current()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return catalogue(current()).npgettext(context, singular, plural, n)


def plural_texts(singular: str, plural: str) -> dict[str, str]:
    """A message with a count in each plural category of the current language, for scripts that
    choose with `Intl.PluralRules` (the widget, NHS.UK's character count): {"one": ..., "other":
    ...}; Welsh has zero, one, two, few, many and other. `%(count)s` becomes the NHS.UK scripts'
    `%{count}`, which they fill in."""
    rule, translations = _locale(current()).plural_form, catalogue(current())
    forms: dict[str, str] = {}
    for n in PLURAL_SAMPLES:
        forms.setdefault(rule(n), translations.ngettext(singular, plural, n))
    return {category: text.replace("%(count)s", "%{count}") for category, text in forms.items()}


@lru_cache(maxsize=32)
def _widget_messages(tag: str) -> dict[str, str | dict[str, str]]:
    path = _catalogue_file(tag)
    if path is None:
        return {}
    messages: dict[str, str | dict[str, str]] = {}
    with rendering_in(tag):
        for message in _parsed(path):
            if not message.id or not any(
                file.startswith(WIDGET_SOURCES) for file, _line in message.locations
            ):
                continue
            if isinstance(message.id, tuple | list):
                messages[message.id[0]] = plural_texts(*message.id[:2])
            else:
                messages[message.id] = gettext(message.id)
    return messages


def widget_messages() -> dict[str, str | dict[str, str]]:
    """The widget's messages in the current language, {msgid: translation} (a message with a
    count: {msgid: {plural category: translation}}), for the page's `#engage-messages` JSON.

    Only the messages the catalogue finds in theme/static/js (its locations, written by
    `pybabel extract --add-location=file`); none in a language without a catalogue, where the
    scripts keep their English."""
    return _widget_messages(current())


@lru_cache(maxsize=32)
def _locale(tag: str) -> Locale:
    try:
        return Locale.parse(folder_name(tag))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def date_text(value: datetime.date | datetime.datetime | str) -> str:
    """A day as readers of the current language write it: "1 December 2026", "1 Rhagfyr 2026".
    A string is a day as the manifest gives it (YYYY-MM-DD)."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return format_date(value, DATE_PATTERN, locale=_locale(current()))


def install(env: Environment) -> None:
    """Give `env` Jinja's i18n extension, gettext in the current language and `date_text`."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    env.filters["date_text"] = date_text
    env.globals["current_language"] = current
    env.globals["widget_messages"] = widget_messages
    env.globals["plural_texts"] = plural_texts
