"""Fixed wordings of the built-in questions: the Friends and Family Test, "Other, please say",
rating scales and the equality-monitoring block. Changing one changes every questionnaire."""

from __future__ import annotations

# The NHS Friends and Family Test question, wording and answers as NHS England has set them
# since 2020. Only the service name may be filled in.
FFT_LABEL = "Overall, how was your experience of {service}?"
FFT_DEFAULT_SERVICE = "our service"
FFT_OPTIONS = (
    ("very_good", "Very good"),
    ("good", "Good"),
    ("neither", "Neither good nor poor"),
    ("poor", "Poor"),
    ("very_poor", "Very poor"),
    ("dont_know", "Don't know"),
)

# "Other, please say" on a multiple-choice question: one more answer, and a text box for it.
OTHER_VALUE = "other"
OTHER_LABEL = "Other"
OTHER_TEXT_MAX_LENGTH = 200  # the `<id>_other` free text, as a short text question

SCALE_DEFAULT = (1, 5)
SCALE_MOST_POINTS = 11

# Equality monitoring, worded as the ONS 2021 census asks (age in NHS survey bands). Every part
# offers "Prefer not to say" and is never required.
PREFER_NOT = ("prefer_not_to_say", "Prefer not to say")
YES_NO = (("yes", "Yes"), ("no", "No"))
EQUALITY_PARTS: dict[str, tuple[str, str | None, tuple[tuple[str, str], ...]]] = {
    "age": (
        "What is your age?",
        None,
        (
            ("under_16", "Under 16"),
            ("16-24", "16 to 24"),
            ("25-34", "25 to 34"),
            ("35-44", "35 to 44"),
            ("45-54", "45 to 54"),
            ("55-64", "55 to 64"),
            ("65-74", "65 to 74"),
            ("75_plus", "75 or over"),
        ),
    ),
    "sex": ("What is your sex?", None, (("female", "Female"), ("male", "Male"))),
    "ethnicity": (
        "What is your ethnic group?",
        None,
        (
            ("asian", "Asian, Asian British or Asian Welsh"),
            ("black", "Black, Black British, Black Welsh, Caribbean or African"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("white", "White"),
            ("other", "Other ethnic group"),
        ),
    ),
    "disability": (
        "Do you have any physical or mental health conditions or illnesses lasting or "
        "expected to last 12 months or more?",
        None,
        YES_NO,
    ),
    "carer": (
        "Do you look after, or give any help or support to, anyone because they have long-term "
        "physical or mental health conditions or illnesses, or problems related to old age?",
        "Do not count anything you do as part of your paid work.",
        YES_NO,
    ),
}
EQUALITY_DEFAULT_ID = "equality"


def scale_options(question: dict) -> list[dict]:
    """The answers of a rating scale: its numbers, the ends labelled when the editor named them."""
    low, high = question.get("min", SCALE_DEFAULT[0]), question.get("max", SCALE_DEFAULT[1])
    named = {low: question.get("min_label"), high: question.get("max_label")}
    return [
        {"value": str(n), "label": f"{n} - {named[n].strip()}" if named.get(n) else str(n)}
        for n in range(low, high + 1)
    ]
