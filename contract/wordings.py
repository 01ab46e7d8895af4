"""Fixed wordings of the built-in questions: the Friends and Family Test, "Other, please say",
rating scales and the equality-monitoring block. Changing one changes every questionnaire.

Each wording is marked `N_(...)` so `pybabel extract` puts it in the reader's catalogue: a
questionnaire in Welsh gets the Welsh wording from there (the plugin translates them when it
reads a questionnaire's translation), never from the editor's file.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark `text` for the catalogue; it stays as it is here."""
    return text


# The NHS Friends and Family Test question, wording and answers as NHS England has set them
# since 2020. Only the service name may be filled in.
FFT_LABEL = N_("Overall, how was your experience of {service}?")
FFT_DEFAULT_SERVICE = N_("our service")
FFT_OPTIONS = (
    ("very_good", N_("Very good")),
    ("good", N_("Good")),
    ("neither", N_("Neither good nor poor")),
    ("poor", N_("Poor")),
    ("very_poor", N_("Very poor")),
    ("dont_know", N_("Don't know")),
)

# "Other, please say" on a multiple-choice question: one more answer, and a text box for it.
OTHER_VALUE = "other"
OTHER_LABEL = N_("Other")
OTHER_TEXT_MAX_LENGTH = 200  # the `<id>_other` free text, as a short text question

SCALE_DEFAULT = (1, 5)
SCALE_MOST_POINTS = 11

# Equality monitoring, worded as the ONS 2021 census asks (age in NHS survey bands). Every part
# offers "Prefer not to say" and is never required.
PREFER_NOT = ("prefer_not_to_say", N_("Prefer not to say"))
YES_NO = (("yes", N_("Yes")), ("no", N_("No")))
EQUALITY_PARTS: dict[str, tuple[str, str | None, tuple[tuple[str, str], ...]]] = {
    "age": (
        N_("What is your age?"),
        None,
        (
            ("under_16", N_("Under 16")),
            ("16-24", N_("16 to 24")),
            ("25-34", N_("25 to 34")),
            ("35-44", N_("35 to 44")),
            ("45-54", N_("45 to 54")),
            ("55-64", N_("55 to 64")),
            ("65-74", N_("65 to 74")),
            ("75_plus", N_("75 or over")),
        ),
    ),
    "sex": (N_("What is your sex?"), None, (("female", N_("Female")), ("male", N_("Male")))),
    "ethnicity": (
        N_("What is your ethnic group?"),
        None,
        (
            ("asian", N_("Asian, Asian British or Asian Welsh")),
            ("black", N_("Black, Black British, Black Welsh, Caribbean or African")),
            ("mixed", N_("Mixed or multiple ethnic groups")),
            ("white", N_("White")),
            ("other", N_("Other ethnic group")),
        ),
    ),
    "disability": (
        N_(
            "Do you have any physical or mental health conditions or illnesses lasting or "
            "expected to last 12 months or more?"
        ),
        None,
        YES_NO,
    ),
    "carer": (
        N_(
            "Do you look after, or give any help or support to, anyone because they have "
            "long-term physical or mental health conditions or illnesses, or problems related "
            "to old age?"
        ),
        N_("Do not count anything you do as part of your paid work."),
        YES_NO,
    ),
}
EQUALITY_DEFAULT_ID = "equality"

# The consent statement under a questionnaire that gives none of its own.
DEFAULT_CONSENT = N_(
    "By sending your answers you agree that we may use them, without your name, to help us "
    "plan and improve services. Your answers are never published as you wrote them."
)


def scale_options(question: dict) -> list[dict]:
    """The answers of a rating scale: its numbers, the ends labelled when the editor named them."""
    low, high = question.get("min", SCALE_DEFAULT[0]), question.get("max", SCALE_DEFAULT[1])
    named = {low: question.get("min_label"), high: question.get("max_label")}
    return [
        {"value": str(n), "label": f"{n} - {named[n].strip()}" if named.get(n) else str(n)}
        for n in range(low, high + 1)
    ]
