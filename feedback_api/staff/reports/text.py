"""Free-text answers for staff: each with personal data flagged, filtered as asked, and the
words and phrases people use most, so hundreds of answers can be read for what matters.

Counts of words and phrases are of the answers that use them (an answer repeating a word counts
once), taken from the text with personal data removed, so a phone number never tops the list.

Personal data found in an answer is shown, marked, to administrators only; moderators read (and
search) the text with it replaced by what it was, as in the downloads they may take.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from contract import languages
from contract.vocabulary import TEXT_TYPES
from feedback_api.manifest import language_tag
from feedback_api.staff.moderation_view import highlighted, reason_names, redacted
from feedback_api.staff.reports.stop_words import stop_words
from feedback_api.storage.answers import texts
from feedback_api.storage.answers.counts import Selection

APOSTROPHE = "\u2019"  # typographic apostrophe, as phones type it
WORD = re.compile(rf"[^\W\d_]+(?:['{APOSTROPHE}][^\W\d_]+)*")


@dataclass(frozen=True)
class TextAnswer:
    """One free-text answer as the report lists it."""

    reference: str
    created: datetime.datetime
    field: str  # question id, or '<id>_other' for "Other, please say"
    label: str
    text: str
    reasons: list[dict]
    personal: bool = False  # the reader may see personal data (an administrator)
    # The tag of the page it was written on (None: before languages), and the site's.
    language: str | None = None
    site_language: str | None = None

    @property
    def lang(self) -> str | None:
        """Its language tag for a `lang` attribute: its own, else (from before languages) the
        site's; None when neither is a tag (a row or manifest written by hand)."""
        return language_tag(self.language) or language_tag(self.site_language)

    @property
    def dir(self) -> str:
        return languages.direction(self.lang) if self.lang else "ltr"

    @property
    def language_name(self) -> str | None:
        """What staff call its language ("Welsh"), when it is not the site's own."""
        if not self.lang or languages.same(self.lang, self.site_language):
            return None
        return languages.language(self.lang).english

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)

    @property
    def marked(self) -> Markup:
        """The text, escaped, with personal data in <mark>."""
        return highlighted(self.text, self.reasons)

    @property
    def redacted(self) -> str:
        """The text with personal data replaced by what it was: "[phone number removed]"."""
        return redacted(self.text, self.reasons)

    @property
    def shown(self) -> Markup:
        """What the report shows: marked for an administrator, redacted for anyone else."""
        return self.marked if self.personal else escape(self.redacted)

    @property
    def reason_names(self) -> list[str]:
        return reason_names(self.reasons)


def text_fields(definition: dict[str, Any]) -> dict[str, str]:
    """Every field that holds free text, with what staff call it, in question order."""
    fields = {}
    for question in definition["questions"]:
        if question["type"] in TEXT_TYPES:
            fields[question["id"]] = question["label"]
        if question.get("other"):
            fields[f"{question['id']}_other"] = f"{question['label']} (other, please say)"
    return fields


class TextPage(NamedTuple):
    """One page of the free-text answers that match: `first` is the index of its first."""

    total: int
    number: int
    pages: int
    first: int
    answers: list[TextAnswer]


TERMS_FROM = 2000  # frequent terms are counted in the latest answers, this many at most


def _wanted(definition: dict[str, Any], field: str) -> tuple[dict[str, str], list[str]]:
    fields = text_fields(definition)
    return fields, [field] if field in fields else list(fields)


def _answer(
    found: texts.Typed, fields: dict[str, str], personal: bool, site: str | None
) -> TextAnswer:
    label = fields[found.field]
    return TextAnswer(
        found.reference,
        found.created,
        found.field,
        label,
        found.text,
        found.reasons,
        personal,
        found.language,
        site,
    )


def text_answers(
    definition: dict[str, Any],
    chosen: Selection,
    *,
    field: str = "",
    flagged: str = "",
    contains: str = "",
    personal: bool = False,
    limit: int = 50,
    page: int = 1,
    site_language: str | None = None,
) -> TextPage:
    """How many free-text answers match, and page `page` of them (`limit` a page, newest first;
    past the last page, the last); `flagged` is "" (all), "yes" or "no". Counted once, filtered
    and paged by the database. Each answer is in its page's language, those from before
    languages were recorded in `site_language`.

    Without `personal`, `contains` searches the text with personal data cut out: searching for
    a phone number's digits must not find the answer that holds it.
    """
    fields, wanted = _wanted(definition, field)
    asked = texts.Asked(wanted, flagged, contains[:100], personal)
    total = texts.count_typed(chosen, asked) if wanted else 0
    pages = max(1, -(-total // limit))
    number = min(max(page, 1), pages)
    found = texts.typed(chosen, asked, limit, (number - 1) * limit) if total else []
    answers = [_answer(answer, fields, personal, site_language) for answer in found]
    return TextPage(total, number, pages, (number - 1) * limit, answers)


def flagged_count(definition: dict[str, Any], chosen: Selection) -> int:
    """How many free-text answers hold what looks like personal data."""
    _, wanted = _wanted(definition, "")
    return texts.count_typed(chosen, texts.Asked(wanted, flagged="yes")) if wanted else 0


def latest_terms(
    definition: dict[str, Any], chosen: Selection, site_language: str | None = None
) -> dict[str, Any]:
    """`frequent_terms` of the latest TERMS_FROM free-text answers, with how many were read
    ("read") of how many there are ("of")."""
    latest = text_answers(definition, chosen, limit=TERMS_FROM, site_language=site_language)
    return {**frequent_terms(latest.answers), "read": len(latest.answers), "of": latest.total}


def _words(text: str) -> list[str]:
    return [word.replace(APOSTROPHE, "'") for word in WORD.findall(text.casefold())]


def frequent_terms(answers: Iterable[TextAnswer], top: int = 20) -> dict[str, list[tuple]]:
    """{"words": [(word, answers)], "phrases": [(phrase, answers)]}, most used first.

    Phrases are runs of two or three words that neither start nor end with a stop word and are
    used in at least two answers. Each answer's stop words are its own language's (a Welsh
    answer's "pan" is "when"; an English answer's is a pan).
    """
    words: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    for answer in answers:
        stop = stop_words(answer.lang)
        # Personal data is cut out, and no phrase runs across the cut.
        pieces = [
            _words(piece) for piece in redacted(answer.text, answer.reasons, "\0").split("\0")
        ]
        words.update({t for tokens in pieces for t in tokens if t not in stop and len(t) > 2})
        grams = set()
        for tokens in pieces:
            for size in (2, 3):
                for i in range(len(tokens) - size + 1):
                    gram = tokens[i : i + size]
                    if gram[0] not in stop and gram[-1] not in stop:
                        grams.add(" ".join(gram))
        phrases.update(grams)
    ranked = sorted(
        ((phrase, n) for phrase, n in phrases.items() if n >= 2), key=lambda pn: (-pn[1], pn[0])
    )
    return {
        "words": sorted(words.items(), key=lambda wn: (-wn[1], wn[0]))[:top],
        "phrases": ranked[:top],
    }
