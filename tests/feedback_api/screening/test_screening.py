"""Screening: personal data and other risks are held for a moderator; ordinary numbers are not."""

from __future__ import annotations

import pytest

from feedback_api.screening import KINDS, Hold, nhs_check_digit_ok, screen

HELD = [
    # NHS numbers, however they are spaced, when the check digit is right
    ("My NHS number is 943 476 5919.", "nhs_number", "943 476 5919"),
    ("nhs no 943-476-5919 thanks", "nhs_number", "943-476-5919"),
    ("NHS:9434765919", "nhs_number", "9434765919"),
    ("it is 943 4765 919 I think", "nhs_number", "943 4765 919"),
    ("number 401 023 2137", "nhs_number", "401 023 2137"),
    # UK phone numbers
    ("Ring me on 07700 900123 after six", "phone", "07700 900123"),
    ("mobile 07700900123", "phone", "07700900123"),
    ("Tel:07700900123", "phone", "07700900123"),
    ("from abroad +44 7700 900123", "phone", "+44 7700 900123"),
    ("office +44 (0)20 7946 0000 ext 2", "phone", "+44 (0)20 7946 0000"),
    ("London 020 7946 0000", "phone", "020 7946 0000"),
    ("Manchester 0161 496 0000.", "phone", "0161 496 0000"),
    ("call 01632 960123", "phone", "01632 960123"),
    ("call (01632) 960123", "phone", "(01632) 960123"),
    ("freephone 0800 123 4567", "phone", "0800 123 4567"),
    ("the 0300 123 4567 line", "phone", "0300 123 4567"),
    ("ring 07700 900123 2 times", "phone", "07700 900123"),
    # email addresses
    ("write to sam.jones@example.com.", "email", "sam.jones@example.com"),
    ("a+b@nhs.net is mine", "email", "a+b@nhs.net"),
    # full postcodes, any case, space optional
    ("London SW1A 1AA", "postcode", "SW1A 1AA"),
    ("near M1 1AE", "postcode", "M1 1AE"),
    ("B33 8TH", "postcode", "B33 8TH"),
    ("Croydon CR2 6XH.", "postcode", "CR2 6XH"),
    ("DN55 1PT", "postcode", "DN55 1PT"),
    ("mine is rv3 4ab", "postcode", "rv3 4ab"),
    ("EC1A1BB", "postcode", "EC1A1BB"),
    # street addresses
    ("I live at 12 Station Road, Leeds", "address", "12 Station Road"),
    ("4a High Street", "address", "4a High Street"),
    ("221B Baker Street", "address", "221B Baker Street"),
    ("Flat 3, 14 Mill Lane", "address", "Flat 3, 14 Mill Lane"),
    ("at 7 Elm Close.", "address", "7 Elm Close"),
    ("10 Downing St", "address", "10 Downing St"),
    ("12 St Mary's Road", "address", "12 St Mary's Road"),
    ("we are at 12 station road now", "address", "12 station road"),
    # Welsh street addresses: the street word first
    ("Rydw i'n byw yn 12 Heol y Frenhines, Caerdydd", "address", "12 Heol y Frenhines"),
    ("3 Stryd Fawr", "address", "3 Stryd Fawr"),
    ("dewch i 5 Ffordd Caerdydd heno", "address", "5 Ffordd Caerdydd"),
    ("7a L\u00f4n Goch.", "address", "7a L\u00f4n Goch"),
    ("Fflat 2, 14 Heol yr Eglwys", "address", "Fflat 2, 14 Heol yr Eglwys"),
    ("12 Heol \u0174yn", "address", "12 Heol \u0174yn"),
    # dates of birth
    ("I was born on 3 March 1958", "date_of_birth", "3 March 1958"),
    ("DOB 03/03/1958", "date_of_birth", "03/03/1958"),
    ("date of birth: 1958-03-03", "date_of_birth", "1958-03-03"),
    ("D.O.B 3.3.58", "date_of_birth", "3.3.58"),
    ("born on the 3rd of March", "date_of_birth", "3rd of March"),
    ("my son was born 25/11/2026", "date_of_birth", "25/11/2026"),
    ("her birthday is March 3, 1958", "date_of_birth", "March 3, 1958"),
    ("Mum (03/03/1958) was seen", "date_of_birth", "03/03/1958"),
    # configured words, as written
    ("That nurse is an IDIOT.", "word", "IDIOT"),
    ("Hay  Fever season", "word", "Hay  Fever"),
]


@pytest.mark.parametrize(("text", "kind", "match"), HELD)
def test_held(text: str, kind: str, match: str) -> None:
    holds = screen(text, words=["idiot", "hay fever"])
    assert [(hold.kind, hold.match) for hold in holds] == [(kind, match)]
    (hold,) = holds
    assert text[hold.start : hold.end] == match


NOT_HELD = [
    # emergency and service numbers, years, prices, times, references
    "If it is urgent call NHS 111, or 999 in an emergency.",
    "Ring 111 or 119 for the vaccine",
    "The plan runs from 2026 to 2030.",
    "Parking went up to £1,250.00 a year, or £30 a month.",
    "My appointment is at 10:30, or 9am on Tuesdays.",
    "My appointment is on 25/11/2026.",
    "The clinic reopens on 3 March 2026.",
    "Your reference is REF 123456.",
    "Order number 4736219.",
    # ten digits that fail the check digit, and are not phone-shaped
    "My NHS number is 943 476 5918",
    "Reference 9434765960",
    "1234567890",
    # NHS-shaped digits inside a longer run
    "94347659190",
    "12345943476591",
    # not emails
    "Thanks @sam_jones, and user@ alone is not an address",
    # outward postcodes alone: people share their area
    "I live in RV3, near SW1A and the M1.",
    # numbers that count things, not houses
    "I waited 2 days, then 3 times a week.",
    "It is a 10 minutes walk from the bus.",
    "There were 5 people in the street.",
    "We had 3 great days at the park.",
    "It is a 4 lane road now.",
    "In 2019 Hyde Park was busy.",
    # Welsh words that are streets only with a name: "ffordd" is also "way"
    "Mae 5 ffordd o deithio i'r ysbyty.",
    "Roedd 3 heol ar gau.",
    "Yn 2019 Heol y Frenhines oedd yn brysur.",
    "Mae 2 Stryd yn y dref.",
    # years alone and far-away birth keywords
    "I was born in 1958 and on 25/11/2026 I have an appointment.",
    # two links are fine
    "See https://www.nhs.uk/conditions and www.example.org for more.",
    # configured words only as whole words
    "Hayfever and idiotic are not on the list.",
]


@pytest.mark.parametrize("text", NOT_HELD)
def test_not_held(text: str) -> None:
    assert screen(text, words=["idiot", "hay fever"]) == []


PLAIN = (
    "The new clinic on the high street opened in 2026 and the staff were kind and patient with "
    "my father, who is hard of hearing. We waited about 20 minutes, then a nurse explained the "
    "changes to his medication and wrote them down for us. Parking cost £3.50 for two hours, "
    "which felt like too much for people who have to come every week. The signs in the car park "
    "were hard to read, and the lift was out of order on Tuesday, so we used the stairs slowly. "
    "When the pharmacy is busy it would help to have a seat near the counter. I rang NHS 111 "
    "once at night and they were helpful, and the out of hours doctor called back within the "
    "hour. Please keep the evening appointments, because many carers work during the day and "
    "cannot get away. The booking website worked well on my phone, although the text was small "
    "and I had to zoom in to read the times. Overall we were pleased, and I would like to thank "
    "the receptionist who found us a quiet room when my father became upset. It would be good "
    "to hear what changes after this consultation ends."
)


def test_plain_comment_is_not_held() -> None:
    assert len(PLAIN.split()) == 200
    assert screen(PLAIN, words=["idiot"]) == []


THREE_LINKS = "See https://a.example/x, www.b.example and [the leaflet](https://c.example/l.pdf)."


def test_more_links_than_allowed_are_one_hold() -> None:
    (hold,) = screen(THREE_LINKS)
    assert hold.kind == "links"
    assert hold.match == "https://a.example/x www.b.example https://c.example/l.pdf"
    assert (hold.start, hold.end) == (4, len(THREE_LINKS) - 1)


@pytest.mark.parametrize(
    ("text", "max_links", "held"),
    [
        ("https://a.example and https://b.example", 2, False),
        ("[https://a.example](https://a.example) and https://b.example", 2, False),
        ("https://a.example https://b.example https://c.example", 2, True),
        ("https://a.example https://b.example https://c.example", 3, False),
        ("https://a.example", 0, True),
        ("email sam@www.example.org, sam@www.example.net, sam@www.example.com", 2, False),
    ],
)
def test_link_limit(text: str, max_links: int, held: bool) -> None:
    kinds = {hold.kind for hold in screen(text, max_links=max_links)}
    assert ("links" in kinds) is held


def test_words_match_phrases_any_case_every_time() -> None:
    text = "Waiting LISTS are long. Waiting\nlists! And the waiting-list word too: list"
    holds = screen(text, words=["waiting lists", "List", "  "])
    assert [(hold.kind, hold.match) for hold in holds] == [
        ("word", "Waiting LISTS"),
        ("word", "Waiting\nlists"),
        ("word", "list"),
        ("word", "list"),
    ]


def test_no_words_configured() -> None:
    assert screen("anything at all", words=[]) == []


@pytest.mark.parametrize(
    ("text", "kind", "match"),
    [
        # a valid NHS number after +44 is dialled as a phone number
        ("+44 943 476 5919", "phone", "+44 943 476 5919"),
        # a number starting 0 that passes the check digit is still a phone number
        ("01632 96006", "phone", "01632 96006"),
        ("0163296006", "phone", "0163296006"),
        # a postcode-shaped local part is part of the email
        ("sw1a1aa@example.com", "email", "sw1a1aa@example.com"),
    ],
)
def test_one_kind_per_span(text: str, kind: str, match: str) -> None:
    assert [(hold.kind, hold.match) for hold in screen(text)] == [(kind, match)]


def test_holds_in_order_of_position() -> None:
    text = (
        "Contact sam@example.com or 07700 900123. I live at 12 Station Road, RV3 4AB, "
        "DOB 03/03/1958, NHS 943 476 5919. Rude word: idiot. "
        "Links: https://a.example https://b.example https://c.example"
    )
    holds = screen(text, words=["idiot", "contact"])
    assert [hold.kind for hold in holds] == [
        "word",
        "email",
        "phone",
        "address",
        "postcode",
        "date_of_birth",
        "nhs_number",
        "word",
        "links",
    ]
    assert [hold.start for hold in holds] == sorted(hold.start for hold in holds)
    assert all(text[hold.start : hold.end] == hold.match for hold in holds if hold.kind != "links")


def test_hold_as_dict() -> None:
    hold = Hold("phone", "07700 900123", 3, 15)
    assert hold.as_dict() == {"kind": "phone", "match": "07700 900123", "start": 3, "end": 15}
    assert hold.kind in KINDS


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),
        ("9434765918", False),
        ("4010232137", True),
        ("9434765960", False),  # the check works out as 10: never issued
        ("4505577104", True),
    ],
)
def test_nhs_check_digit(digits: str, valid: bool) -> None:
    assert nhs_check_digit_ok(digits) is valid
