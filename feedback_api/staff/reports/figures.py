"""Figures from questionnaire responses, for the reports staff act on.

Spam (honeypot) responses are left out. Percentages are of the people who answered that
question, to one decimal place. The Friends and Family Test scores follow NHS England: positive
= (Very good + Good) / all answers to the question, negative = (Poor + Very poor) / all answers,
with "Don't know" in the denominator.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from contract import channels, languages
from contract.vocabulary import QuestionType
from feedback_api.staff.times import uk_date
from feedback_api.storage.answers import counts
from feedback_api.storage.answers.counts import Selection, Tally

FFT_POSITIVE = ("very_good", "good")
FFT_NEGATIVE = ("poor", "very_poor")
NOTHING = Tally(0, {}, {})  # the figures of no responses


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def fft_scores(counts: Mapping[str, int], answered: int) -> tuple[float | None, float | None]:
    """The Friends and Family Test's (positive, negative) percentages of `answered`, the number
    who answered the question ("Don't know" included), to one decimal place; None for none."""
    positive = sum(counts.get(value, 0) for value in FFT_POSITIVE)
    negative = sum(counts.get(value, 0) for value in FFT_NEGATIVE)
    return _pct(positive, answered), _pct(negative, answered)


def over_time(days: Sequence[tuple[datetime.date, int]]) -> dict[str, Any]:
    """Responses per day, or per week (from Monday) once they span more than eight weeks, from
    the responses per day (`counts.per_day`).

    Every period between the first and last response is listed, empty ones too, so a chart of
    the figures shows quiet spells as they were.
    """
    if not days:
        return {"period": "day", "rows": []}
    first, last = min(day for day, _ in days), max(day for day, _ in days)
    weekly = (last - first).days > 56
    step = datetime.timedelta(days=7 if weekly else 1)

    def period_of(day: datetime.date) -> datetime.date:
        return day - datetime.timedelta(days=day.weekday()) if weekly else day

    counts: Counter[datetime.date] = Counter()
    for day, n in days:
        counts[period_of(day)] += n
    rows, cumulative, start = [], 0, period_of(first)
    while start <= last:
        cumulative += counts[start]
        label = uk_date(start)
        rows.append(
            {
                "start": start.isoformat(),
                "label": f"Week of {label}" if weekly else label,
                "count": counts[start],
                "cumulative": cumulative,
            }
        )
        start += step
    return {"period": "week" if weekly else "day", "rows": rows}


def choice_questions(definition: dict[str, Any], *types: str) -> list[dict[str, Any]]:
    """Questions with options (of the given types, or any), in order."""
    return [
        question
        for question in definition["questions"]
        if question.get("options") and (not types or question["type"] in types)
    ]


CHANNEL = "channel"  # `by` for a breakdown by the channel people came through


def channel_group(channel: str | None) -> dict[str, Any]:
    """A channel as a breakdown's group: its stored word and how reports name it."""
    return {"value": channel, "label": channels.label(channel)}


def channels_of(sizes: Mapping[str | None, int]) -> list[str | None]:
    """The channels responses came through (`counts.per_channel`), most used first (then by
    name); None, for responses from before channels were recorded, last."""
    named = sorted((c for c in sizes if c is not None), key=lambda c: (-sizes[c], c))
    return [*named, *([None] if None in sizes else [])]


def channel_rows(sizes: Mapping[str | None, int]) -> list[dict[str, Any]]:
    """Per channel used (most used first): its responses and their share of all."""
    total = sum(sizes.values())
    return [
        {
            **channel_group(channel),
            "responses": sizes[channel],
            "share_pct": _pct(sizes[channel], total),
        }
        for channel in channels_of(sizes)
        if sizes[channel]
    ]


LANGUAGE = "language"  # `by` for a breakdown by the language of the page people answered on


def merged(parts: Iterable[Tally]) -> Tally:
    """Several groups' counted answers as one group's."""
    responses = 0
    answered: Counter[str] = Counter()
    given: dict[str, Counter[str]] = {}
    for part in parts:
        responses += part.responses
        answered.update(part.answered)
        for question, values in part.counts.items():
            given.setdefault(question, Counter()).update(values)
    return Tally(responses, dict(answered), {q: dict(values) for q, values in given.items()})


def by_language(per: Mapping[str | None, Tally], site: str | None) -> dict[str, Tally]:
    """`counts.tally_by(..., BY_LANGUAGE)`'s groups by language, most responses first: "en-GB"
    and "en" are English, and responses from before languages were recorded (None) are the
    site's language's (`site`, its tag), which is all the site had then."""
    pooled: dict[str, list[Tally]] = {}
    for tag, tallied in per.items():
        key = languages.primary(tag or site or "")
        pooled.setdefault(key, []).append(tallied)
    grouped = {key: merged(parts) for key, parts in pooled.items()}
    return dict(sorted(grouped.items(), key=lambda kv: (-kv[1].responses, kv[0])))


def language_group(code: str) -> dict[str, Any]:
    """A language as a breakdown's group: its code and what staff call it ("Welsh"); a code
    of no language (no tag was recorded anywhere) is "Not recorded"."""
    return {"value": code, "label": languages.language(code).english if code else "Not recorded"}


def languages_present(chosen: Selection, site: str | None) -> list[dict[str, Any]]:
    """The languages the chosen responses were given in, as breakdown groups, most used first."""
    sizes = {tag: Tally(n, {}, {}) for tag, n in counts.per_language(chosen).items() if n}
    return [language_group(code) for code in by_language(sizes, site)]


def _fft(definition: dict[str, Any]) -> dict[str, Any] | None:
    return next((q for q in definition["questions"] if q["type"] == QuestionType.FFT), None)


def by_channel(definition: dict[str, Any], chosen: Selection) -> list[dict[str, Any]]:
    """Per channel: responses, their share of all, and the Friends and Family Test scores when
    the questionnaire asks it (a channel's responses, of those who answered it)."""
    fft = _fft(definition)
    per = counts.tally_by(chosen, counts.BY_CHANNEL, [fft["id"]] if fft else [])
    rows = channel_rows(counts.sizes(per))
    if fft:
        only = {**definition, "questions": [fft]}
        for row in rows:
            entry = summary(only, per[row["value"]])["questions"][fft["id"]]
            row["fft"] = {
                "answered": entry["answered"],
                "positive_pct": entry["positive_pct"],
                "negative_pct": entry["negative_pct"],
            }
    return rows


def breakdown(
    definition: dict[str, Any],
    chosen: Selection,
    by: str,
    question: str,
    small_group: int = 0,
    site_language: str | None = None,
) -> dict[str, Any] | None:
    """Answers to `question` for each answer to the equality question `by`, for each channel
    people came through (`by` = "channel") or for each language of the pages they answered on
    (`by` = "language"): a cross-tabulation.

    One row per option of `by` plus "Not answered" (per channel: each channel used, and "Not
    recorded" for responses from before channels; per language: each language used, responses
    from before languages counted in `site_language`'s); each row has the same figures as the
    summary (counts and percentages, FFT scores). A group of fewer than `small_group` people
    shows its size only ("suppressed"), so nobody can be picked out by their answers to
    equality questions. None when either id is not a question of that kind.
    """
    groups = {q["id"]: q for q in choice_questions(definition, QuestionType.EQUALITY)}
    asked = {q["id"]: q for q in choice_questions(definition)}
    if (by not in (CHANNEL, LANGUAGE) and by not in groups) or question not in asked:
        return None
    kinds = {CHANNEL: counts.BY_CHANNEL, LANGUAGE: counts.BY_LANGUAGE}
    per: Mapping[Any, Tally] = counts.tally_by(chosen, kinds.get(by, by), [question])
    if by == CHANNEL:
        grouping = {"id": CHANNEL, "label": "Channel"}
        sizes = counts.sizes(per)
        options = [channel_group(channel) for channel in channels_of(sizes) if sizes[channel]]
    elif by == LANGUAGE:
        grouping = {"id": LANGUAGE, "label": "Language"}
        per = by_language(per, site_language)
        options = [language_group(code) for code, tallied in per.items() if tallied.responses]
    else:
        grouping = groups[by]
        options = [*groups[by]["options"], {"value": None, "label": "Not answered"}]
    only = {**definition, "questions": [asked[question]]}
    rows = []
    for option in options:
        tallied = per.get(option["value"], NOTHING)
        suppressed = 0 < tallied.responses < small_group
        figures = summary(only, NOTHING if suppressed else tallied)["questions"][question]
        rows.append(
            {
                **figures,
                "value": option["value"],
                "label": option["label"],
                "responses": tallied.responses,
                "suppressed": suppressed,
            }
        )
    return {"by": grouping, "question": asked[question], "rows": rows}


def summary(definition: dict[str, Any], tallied: Tally) -> dict[str, Any]:
    """`{"responses": total, "questions": {id: {"answered", "counts", "percentages", ...}}}`
    from the counted answers (`counts.tally`)."""
    questions: dict[str, Any] = {}
    for question in definition["questions"]:
        qid = question["id"]
        given = tallied.counts.get(qid, {})
        answered = tallied.answered.get(qid, 0)
        entry: dict[str, Any] = {
            "type": question["type"],
            "label": question["label"],
            "answered": answered,
        }
        if question.get("options"):
            ordered = {
                option["value"]: given.get(option["value"], 0) for option in question["options"]
            }
            entry["counts"] = ordered
            entry["percentages"] = {value: _pct(n, answered) for value, n in ordered.items()}
        else:
            entry["counts"] = {}
        if question["type"] == QuestionType.FFT:
            entry["positive_pct"], entry["negative_pct"] = fft_scores(given, answered)
        questions[qid] = entry
    return {
        "questionnaire": definition["id"],
        "responses": tallied.responses,
        "questions": questions,
    }
