"""Personal data in disguise, built programmatically, for the screening tests
(tests/test_screening_disguised.py; the near misses are in screening_near_misses.py).

Each case is one kind of data (NHS number, phone, email, postcode, address, date of birth) in one
disguise, inside an ordinary sentence. A disguise is what a writer might type, deliberately or
by pasting: markup that vanishes on rendering, character entities, other separators between
digit groups, invisible or full-width characters, "at"/"dot" words, or the data carried in a
link's address. `markdown_only` disguises are markup in a comment but plain characters in a
name or a questionnaire answer, so they are only tried in comment bodies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

# The data, in plain forms the rules have always held; a date of birth also as digits.
VALUES = {
    "nhs_number": ["943 476 5919", "401 023 2137", "450 557 7104"],
    "phone": ["07700 900123", "020 7946 0000", "0161 496 0000", "+44 7700 900123"],
    "email": ["jo.bloggs@example.com", "sam_jones@nhs.net"],
    "postcode": ["SW1A 1AA", "M1 1AE", "B33 8TH"],
    "address": ["12 Station Road", "4a High Street", "Flat 3, 14 Mill Lane"],
    "date_of_birth": ["3 March 1958", "25 December 1961"],
}
NUMERIC_DATES = {"3 March 1958": "03/03/1958", "25 December 1961": "25/12/1961"}

SENTENCES = {
    "nhs_number": ("My NHS number is ", ", if that helps."),
    "phone": ("Please ring me on ", " after six."),
    "email": ("You can write to ", " any time."),
    "postcode": ("We live near ", " now."),
    "address": ("I live at ", ", Leeds."),
    "date_of_birth": ("Mum was born on ", " in Leeds."),
}


@dataclass(frozen=True)
class Case:
    """One disguised datum in a sentence: `data` is the disguised part, `text` the sentence."""

    disguise: str
    kind: str
    data: str

    @property
    def text(self) -> str:
        before, after = SENTENCES[self.kind]
        return f"{before}{self.data}{after}"

    @property
    def where(self) -> tuple[int, int]:
        """The span of the disguised data in `text`."""
        start = len(SENTENCES[self.kind][0])
        return start, start + len(self.data)


Make = Callable[[str, str], list[str]]


def _digits_of(kind: str, value: str) -> str:
    """The value with digits to disguise: a date of birth as 03/03/1958."""
    return NUMERIC_DATES.get(value, value) if kind == "date_of_birth" else value


def _spaces(sep: str) -> Make:
    """Every space becomes `sep`."""

    def make(kind: str, value: str) -> list[str]:
        return [] if kind == "email" else [value.replace(" ", sep)]

    return make


def _digit_groups(sep: str) -> Make:
    """Digit groups split by `sep` instead of a space (numbers and numeric dates only)."""

    def make(kind: str, value: str) -> list[str]:
        if kind in ("nhs_number", "phone"):
            return [value.replace(" ", sep)]
        if kind == "date_of_birth" and sep in ".-\u2013\u2212":
            return [_digits_of(kind, value).replace("/", sep)]
        return []

    return make


def _inserted(mark: str) -> Make:
    """`mark` inside the data, twice: after its third character and before its last three."""

    def make(kind: str, value: str) -> list[str]:
        value = _digits_of(kind, value)
        return [value[:3] + mark + value[3:-3] + mark + value[-3:]]

    return make


def _wrapped(left: str, right: str) -> Make:
    """Markup around a stretch inside the data: 943*4*765919, SW1*A 1*AA."""

    def make(kind: str, value: str) -> list[str]:
        return [value[:3] + left + value[3:5] + right + value[5:]]

    return make


def _escaped(kind: str, value: str) -> list[str]:
    """Markdown backslash escapes on punctuation: 943\\-476\\-5919, jo\\.bloggs\\@example\\.com."""
    if kind in ("nhs_number", "phone"):
        return [value.replace(" ", "\\-").replace("+", "\\+")]
    if kind == "email":
        return [value.replace(".", "\\.").replace("@", "\\@").replace("_", "\\_")]
    if kind == "date_of_birth":
        return [_digits_of(kind, value).replace("/", "\\/")]
    if kind == "address" and "," in value:
        return [value.replace(",", "\\,")]
    return []


def _entities(kind: str, value: str) -> list[str]:
    """The first character as a decimal entity, the second as hexadecimal; named ones too."""
    value = _digits_of(kind, value)
    alnum = [i for i, char in enumerate(value) if char.isalnum()]
    first, second = alnum[0], alnum[1]
    found = [
        value[:first] + f"&#{ord(value[first])};" + value[first + 1 :],
        value[:second] + f"&#x{ord(value[second]):x};" + value[second + 1 :],
    ]
    if " " in value:
        found.append(value.replace(" ", "&nbsp;"))
    if "/" in value:
        found.append(value.replace("/", "&sol;"))
    if "@" in value:
        found.append(value.replace("@", "&#64;").replace(".", "&period;"))
    return found


_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def wide(text: str) -> str:
    """The text in full-width forms, as East Asian keyboards type it."""
    return text.translate(_FULL_WIDTH).replace(" ", "\u3000")


def _full_width(kind: str, value: str) -> list[str]:
    return [wide(_digits_of(kind, value))]


def in_script(text: str, zero: int) -> str:
    """The text's digits in another script, whose zero is `zero`."""
    return text.translate({ord(d): zero + int(d) for d in "0123456789"})


ARABIC_INDIC, DEVANAGARI, BENGALI = 0x0660, 0x0966, 0x09E6


def _script_digits(zero: int) -> Make:
    def make(kind: str, value: str) -> list[str]:
        return [] if kind == "email" else [in_script(_digits_of(kind, value), zero)]

    return make


def _combining(mark: str) -> Make:
    """A combining mark after every digit (strike-through, keycap...)."""

    def make(kind: str, value: str) -> list[str]:
        value = _digits_of(kind, value)
        return [] if kind == "email" else ["".join(c + mark if c.isdigit() else c for c in value)]

    return make


def _split_email(value: str) -> tuple[str, str, str]:
    local, domain = value.split("@")
    name, _, tld = domain.rpartition(".")
    return local, name, tld


def _at_dot_words(kind: str, value: str) -> list[str]:
    if kind != "email":
        return []
    local, name, tld = _split_email(value)
    spoken = local.replace(".", " dot ")
    return [
        f"{spoken} at {name} dot {tld}",
        f"{local} at {name} dot {tld}",
        f"{spoken} at {name} dot {tld}".upper(),
        f"{local} at gmail.com",
        f"{local.split('.')[0]} at {name} dot co dot uk",
        f"{local} @ {name}.{tld}",
        f"{local}@{name} dot {tld}",
        f"{spoken} AT {name} DOT {tld}",
    ]


def _at_dot_brackets(kind: str, value: str) -> list[str]:
    if kind != "email":
        return []
    local, name, tld = _split_email(value)
    short = local.split(".")[0]
    return [
        f"{short} [at] {name} [dot] {tld}",
        f"{short}(at){name}(dot)co(dot)uk",
        f"{local} (at) {name} (dot) {tld}",
        f"{short} {{at}} {name} {{dot}} org",
        f"{local} [@] {name} [.] {tld}",
        f"{local}@{name}[.]{tld}",
        f"{short} <at> {name} <dot> {tld}",
        f"{local}[at]{name}.{tld}",
    ]


def _mailto(kind: str, value: str) -> list[str]:
    if kind != "email":
        return []
    encoded = "".join(f"%{ord(c):02x}" for c in value)
    return [
        f"[email me](mailto:{value})",
        f"<mailto:{value}>",
        "mailto:" + value.replace("@", "%40"),
        "[here](mailto:" + value.replace("@", "&#64;") + ")",
        f"[write](mailto:{encoded})",
        f"[x](MAILTO:{value}?subject=hello)",
    ]


def _numbers(value: str) -> tuple[str, str]:
    """A phone number as dialled at home (07700900123) and abroad without + (447700900123)."""
    digits = "".join(c for c in value if c.isdigit())
    national = "0" + digits[2:] if value.startswith("+44") else digits
    return national, "44" + national[1:]


def _tel(kind: str, value: str) -> list[str]:
    if kind != "phone":
        return []
    national, world = _numbers(value)
    return [
        f"[ring me](tel:{national})",
        f"[ring me](tel:+{world})",
        f"tel:+{world[:2]}-{world[2:6]}-{world[6:]}",
        f"[call](tel:%2B{world[:2]}%20{world[2:6]}%20{world[6:]})",
        f"tel:{national[:5]}%20{national[5:]}",
        f"<tel:{national}>",
        f'[x](tel:{national} "call me")',
    ]


def _messaging(kind: str, value: str) -> list[str]:
    if kind != "phone":
        return []
    national, world = _numbers(value)
    return [
        f"https://wa.me/{world}",
        f"[chat](https://wa.me/{world})",
        f"whatsapp://send?phone={world}",
        f"https://api.whatsapp.com/send?phone={world}&text=hi",
        f"sms:+{world}",
        f"sms:{national}?body=hello",
        f"smsto:{national}",
        f"viber://chat?number=%2B{world}",
        f"https://t.me/+{world}",
        f"https://signal.me/#p/+{world}",
        f"skype:+{world}?call",
        f"facetime:{national}",
        f"[text me](sms:00{world})",
    ]


def _query_string(kind: str, value: str) -> list[str]:
    joined = value.replace(" ", "")
    plus = value.replace(" ", "+")
    spaced = value.replace(" ", "%20")
    if kind == "postcode":
        return [
            f"https://maps.example/?q={spaced}",
            f"https://maps.example/?q={plus}",
            f"[map](https://maps.example/search?postcode={joined.lower()}&zoom=15)",
            "https://maps.example/?q=" + value.replace(" ", "%2520"),
        ]
    if kind == "nhs_number":
        return [
            f"https://example.org/lookup?nhs={joined}",
            f"[record](https://e.example/r?id={spaced})",
        ]
    if kind == "phone":
        national, _ = _numbers(value)
        return [f"https://example.org/?phone={national}", f"[x](https://e.example/?t={plus})"]
    if kind == "email":
        return ["https://example.org/?email=" + value.replace("@", "%40")]
    if kind == "address":
        return [f"https://maps.example/?q={plus}", f"[map](https://m.example/?a={spaced})"]
    iso = "-".join(reversed(NUMERIC_DATES[value].split("/")))
    return [f"https://example.org/form?dob={iso}"]


def _path(kind: str, value: str) -> list[str]:
    joined = value.replace(" ", "")
    if kind == "postcode":
        return [
            "https://www.google.com/maps/place/" + value.replace(" ", "+") + "/",
            f"https://example.org/postcode/{joined}",
            "[where](https://maps.example/" + value.lower().replace(" ", "-") + ")",
        ]
    if kind == "nhs_number":
        dashed = value.replace(" ", "-")
        return [f"https://example.org/patients/{joined}", f"[me](https://e.example/{dashed}/)"]
    if kind == "phone":
        return [f"https://example.org/call/{_numbers(value)[0]}"]
    if kind == "email":
        return ["https://example.org/u/" + value.replace("@", "%40") + "/"]
    if kind == "address":
        return ["https://maps.example/place/" + value.replace(" ", "+")]
    return []


def _mixed(kind: str, value: str) -> list[str]:
    """Several disguises at once, none of them markup."""
    value = _digits_of(kind, value)
    if kind == "email":
        local, name, tld = _split_email(value)
        return [f"{local}\u200b&#64;{wide(name)}.{tld}", f"{local} (at) {name} [dot] {tld}"]
    spaced = value.replace(" ", "\u00a0")
    first = f"&#{ord(spaced[0])};" + spaced[1:3] + "\u200b" + spaced[3:]
    return [first, wide(value[:4]) + in_script(value[4:], DEVANAGARI).replace(" ", "\u2009")]


def _mixed_markup(kind: str, value: str) -> list[str]:
    """Several disguises at once, with markup among them."""
    value = _digits_of(kind, value)
    found = [f"&#{ord(value[0])};{value[1:3]}*{value[3:5]}*\u200b{value[5:]}"]
    if kind in ("nhs_number", "phone"):
        found.append("**" + value.replace(" ", "**\\-`", 1).replace(" ", "`\\-", 1))
    return found


# disguise name -> (variants for a kind and a plain value, markdown only?)
DISGUISES: dict[str, tuple[Make, bool]] = {
    "emphasis": (_wrapped("*", "*"), True),
    "strong": (_wrapped("**", "**"), True),
    "code": (_wrapped("`", "`"), True),
    "escapes": (_escaped, True),
    "entities": (_entities, False),
    "dots": (_digit_groups("."), False),
    "slashes": (_digit_groups("/"), False),
    "spaced dots": (_digit_groups(" . "), False),
    "hyphens": (_digit_groups("-"), False),
    "en dashes": (_digit_groups("\u2013"), False),
    "minus signs": (_digit_groups("\u2212"), False),
    "non-breaking hyphens": (_digit_groups("\u2011"), False),
    "no-break spaces": (_spaces("\u00a0"), False),
    "thin spaces": (_spaces("\u2009"), False),
    "narrow no-break spaces": (_spaces("\u202f"), False),
    "tabs": (_spaces("\t"), False),
    "line breaks": (_spaces("\n"), False),
    "line separators": (_spaces("\u2028"), False),
    "double spaces": (_spaces("  "), False),
    "zero-width spaces": (_inserted("\u200b"), False),
    "zero-width joiners": (_inserted("\u200d"), False),
    "word joiners": (_inserted("\u2060"), False),
    "soft hyphens": (_inserted("\u00ad"), False),
    "byte-order marks": (_inserted("\ufeff"), False),
    "combining marks": (_combining("\u0336"), False),
    "full-width": (_full_width, False),
    "Arabic-Indic digits": (_script_digits(ARABIC_INDIC), False),
    "Devanagari digits": (_script_digits(DEVANAGARI), False),
    "Bengali digits": (_script_digits(BENGALI), False),
    "at/dot words": (_at_dot_words, False),
    "at/dot brackets": (_at_dot_brackets, False),
    "mailto links": (_mailto, False),
    "tel links": (_tel, False),
    "messaging links": (_messaging, False),
    "query strings": (_query_string, False),
    "paths": (_path, False),
    "mixed": (_mixed, False),
    "mixed with markup": (_mixed_markup, True),
}


def cases(markdown: bool) -> Iterator[Case]:
    """Every disguise of every kind and value that applies (markup only where it is markup)."""
    seen = set()
    for disguise, (make, markdown_only) in DISGUISES.items():
        if markdown_only and not markdown:
            continue
        for kind, values in VALUES.items():
            for value in values:
                for data in make(kind, value):
                    if (kind, data) not in seen:
                        seen.add((kind, data))
                        yield Case(disguise, kind, data)
