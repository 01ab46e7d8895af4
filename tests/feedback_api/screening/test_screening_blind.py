"""Blind, independently written disguised-personal-data cases for the screener.

Written without reading the screening implementation or its other tests.
Each case is put in a comment body (markdown); the non-markup cases are also put
in the author field and screened as plain questionnaire text.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedback_api.screening import screen, screen_comment

PERSONAL = {"nhs_number", "phone", "email", "postcode", "address", "date_of_birth"}

NBSP = "\u00a0"
THIN = "\u2009"
NNBSP = "\u202f"
ZWSP = "\u200b"
ZWJ = "\u200d"
WJ = "\u2060"
SHY = "\u00ad"
EN = "\u2013"
EM = "\u2014"
FIG = "\u2007"  # figure space
NBHY = "\u2011"  # non-breaking hyphen
MINUS = "\u2212"
FW_AT = "\uff20"
SMALL_AT = "\ufe6b"
FW_DOT = "\uff0e"


def _digits(text: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


def fw(text: str) -> str:
    """Full-width digits (U+FF10...)."""
    return _digits(text, 0xFF10)


def arabic(text: str) -> str:
    """Arabic-Indic digits (U+0660...)."""
    return _digits(text, 0x0660)


def persian(text: str) -> str:
    """Extended Arabic-Indic digits (U+06F0...)."""
    return _digits(text, 0x06F0)


def deva(text: str) -> str:
    """Devanagari digits (U+0966...)."""
    return _digits(text, 0x0966)


def bengali(text: str) -> str:
    """Bengali digits (U+09E6...)."""
    return _digits(text, 0x09E6)


def mathbold(text: str) -> str:
    """Mathematical bold digits (U+1D7CE...)."""
    return _digits(text, 0x1D7CE)


def interleave(text: str, sep: str) -> str:
    return sep.join(text)


@dataclass(frozen=True)
class Case:
    kind: str
    text: str
    markup: bool = False  # True: only meaningful as markdown (body only)


def M(kind: str, text: str) -> Case:
    return Case(kind, text, True)


def P(kind: str, text: str) -> Case:
    return Case(kind, text, False)


# Valid Modulus-11 NHS numbers used below:
# 943 476 5919, 401 023 2137, 485 777 3457, 450 557 7104, 640 118 2903,
# 719 283 7466, 320 111 2224, 555 123 4568
CASES: list[Case] = [
    # ---------------- NHS numbers ----------------
    P("nhs_number", "My NHS number is 943 476 5919 if you need to look me up."),
    P("nhs_number", "nhs no 4010232137, please check my records"),
    M("nhs_number", "My number is 943 *476* 5919, the nurse wrote it down wrong."),
    M("nhs_number", "Ref **401** 023 **2137** for my mum's appointment."),
    M("nhs_number", "It's `485` `777` `3457` on the letter."),
    M("nhs_number", "number: 450\\ 557\\ 7104 (sorry about the slashes)"),
    M("nhs_number", "NHS: &#57;43 476 5919 please"),
    M("nhs_number", "my id &#x34;01 023 21&#51;7 thanks"),
    M("nhs_number", "patient &#52;&#56;&#53; &#55;&#55;&#55; &#51;&#52;&#53;&#55; here"),
    P("nhs_number", "Number is 943.476.5919 on my card"),
    P("nhs_number", "it was 401/023/2137 on the referral"),
    P("nhs_number", "NHS number 485-777-3457, can someone ring me"),
    P("nhs_number", f"NHS number 640{EN}118{EN}2903 thanks"),
    P("nhs_number", f"NHS no. 719{EM}283{EM}7466 is my dad's"),
    P("nhs_number", f"My NHS number is 320{NBSP}111{NBSP}2224."),
    P("nhs_number", f"My NHS number is 555{THIN}123{THIN}4568."),
    P("nhs_number", f"My NHS number is 943{NNBSP}476{NNBSP}5919."),
    P("nhs_number", "My NHS number is 943\n476\n5919 by the way"),
    P("nhs_number", f"number {interleave('9434765919', ZWSP)} on the form"),
    P("nhs_number", f"number 401{ZWJ}023{ZWJ}2137 on the form"),
    P("nhs_number", f"number 485{WJ}777{WJ}3457 on the form"),
    P("nhs_number", f"number 450{SHY}557{SHY}7104 on the form"),
    P("nhs_number", f"My NHS number is {fw('943 476 5919')} ok"),
    P("nhs_number", f"My NHS number is {fw('4010232137')}"),
    P("nhs_number", f"NHS number {arabic('943 476 5919')} for my grandmother"),
    P("nhs_number", f"NHS number {persian('640 118 2903')}"),
    P("nhs_number", f"NHS number {deva('7192837466')}"),
    P("nhs_number", f"NHS number {bengali('320 111 2224')}"),
    P("nhs_number", f"NHS number {mathbold('555 123 4568')}"),
    P("nhs_number", "NHS number 94 34 76 59 19 (wrote it in pairs)"),
    P("nhs_number", "NHS number 9 4 3 4 7 6 5 9 1 9 spaced out"),
    P("nhs_number", f"nhs {FIG.join(['943', '476', '5919'])} ta"),
    P("nhs_number", f"NHS number 401{NBHY}023{NBHY}2137"),
    P("nhs_number", "(9434765919) was on my wristband"),
    P("nhs_number", "NHS#4857773457"),
    M("nhs_number", "my number is 943_476_5919"),
    M("nhs_number", "my number is 9434\\-765919"),
    M("nhs_number", "NHS <span>943</span> 476 5919"),
    # ---------------- phones ----------------
    P("phone", "Please call me on 07700 900123 after six."),
    P("phone", "Landline 01632 960001, ask for Pat."),
    P("phone", "I'm abroad, ring +44 20 7946 0958"),
    P("phone", "work number 0113 496 0000"),
    M("phone", "text me on `07700` 900123 please"),
    M("phone", "call *07700* *900123* any time"),
    M("phone", "my mobile is 07700 9\\00123"),
    M("phone", "ring 0&#55;700 900123 thanks"),
    M("phone", "ring &#48;&#49;&#54;&#51;&#50; 960001"),
    M("phone", "ring &#x30;1632 960001"),
    P("phone", "phone 07700.900.123"),
    P("phone", "phone 07700-900-123"),
    P("phone", "phone 0113/496/0000"),
    P("phone", f"mobile 07700{EN}900123"),
    P("phone", f"mobile 07700{EM}900{EM}123"),
    P("phone", f"mobile 07700{NBSP}900123"),
    P("phone", f"mobile 07700{THIN}900{THIN}123"),
    P("phone", f"mobile 07700{NNBSP}900123"),
    P("phone", "mobile 07700\n900123"),
    P("phone", f"mobile {interleave('07700900123', ZWSP)}"),
    P("phone", f"mobile 07700{ZWJ}900123"),
    P("phone", f"mobile 0770{WJ}0900{WJ}123"),
    P("phone", f"mobile 07700{SHY}900123"),
    P("phone", f"mobile {fw('07700 900123')}"),
    P("phone", f"mobile {arabic('07700900123')}"),
    P("phone", f"mobile {persian('07700 900 123')}"),
    P("phone", f"mobile {deva('01632 960001')}"),
    P("phone", f"mobile {mathbold('07700 900123')}"),
    P("phone", "call (01632) 960001"),
    P("phone", "call +44 (0)7700 900123"),
    P("phone", "call 0044 7700 900123"),
    P("phone", "call +447700900123"),
    P("phone", "call 07 700 900 123"),
    P("phone", "call 0 7 7 0 0 9 0 0 1 2 3"),
    P("phone", "call oh seven seven oh oh 900123"),
    P("phone", f"call +44{MINUS}20{MINUS}7946{MINUS}0958"),
    P("phone", f"ring 020{NBHY}7946{NBHY}0958"),
    P("phone", "ring 020 7946 0958 ext 12"),
    P("phone", "tel:07700900123"),
    P("phone", "sms:+447700900123"),
    M("phone", "[call me](tel:+447700900123)"),
    M("phone", "[text me](sms:07700900123)"),
    M("phone", "[ring](tel:+44-20-7946-0958) the office"),
    M("phone", "[chat](tel:%2B447700900123)"),
    P("phone", "WhatsApp me https://wa.me/447700900123"),
    M("phone", "[WhatsApp](https://wa.me/447700900123) is easiest"),
    P("phone", "https://api.whatsapp.com/send?phone=447700900123 message me"),
    M("phone", "[msg](https://api.whatsapp.com/send?phone=447700900123&text=hi)"),
    P("phone", "whatsapp://send?phone=447700900123"),
    P("phone", "I'm on WhatsApp: wa.me/447700900123"),
    # ---------------- e-mails ----------------
    P("email", "email me at jane.doe@example.com"),
    P("email", "jane dot doe at example dot com"),
    P("email", "write to jane at example dot com please"),
    P("email", "jane [at] example [dot] co [dot] uk"),
    P("email", "jane(at)example(dot)org"),
    P("email", "JANE AT EXAMPLE DOT NHS DOT NET"),
    P("email", "jsmith AT nhs DOT net"),
    P("email", "jane {at} example {dot} com"),
    P("email", "jane <at> example <dot> com"),
    P("email", "jane @ example . com"),
    P("email", "jane@example dot com"),
    P("email", "jane at example.com"),
    P("email", f"jane{FW_AT}example.com"),
    P("email", f"jane{SMALL_AT}example.com"),
    P("email", f"jane@example{FW_DOT}com"),
    P("email", f"jane{ZWSP}@{ZWSP}example.com"),
    P("email", f"ja{SHY}ne@exam{SHY}ple.com"),
    P("email", "jane@\nexample.com"),
    P("email", "mailto:jane@example.com"),
    M("email", "[email me](mailto:jane@example.com)"),
    M("email", "[email me](mailto:jane%40example.com)"),
    M("email", "[email me](mailto:%6A%61%6E%65%40%65%78%61%6D%70%6C%65%2E%63%6F%6D)"),
    M("email", "<jane@example.com>"),
    M("email", "jane&#64;example.com"),
    M("email", "jane&commat;example.com"),
    M("email", "jane&#x40;example&period;com"),
    M("email", "jane\\@example.com"),
    M("email", "jane*@*example.com"),
    M("email", "`jane`@`example.com`"),
    M("email", "**jane**@example.com"),
    M("email", "jane@example\\.com"),
    P("email", "jane.doe+nhs@example.co.uk"),
    P("email", "j a n e @ e x a m p l e . c o m"),
    # ---------------- postcodes ----------------
    P("postcode", "I live in SW1A 1AA near the park"),
    P("postcode", "postcode m1 1ae"),
    P("postcode", "we're in B338TH"),
    P("postcode", "CR2 6XH is where the surgery is, I live next door"),
    P("postcode", "my postcode DN55 1PT"),
    M("postcode", "postcode *SW1A* 1AA"),
    M("postcode", "postcode `M1` `1AE`"),
    M("postcode", "postcode B33\\ 8TH"),
    M("postcode", "postcode &#66;33 8TH"),
    P("postcode", f"postcode SW1A{NBSP}1AA"),
    P("postcode", f"postcode CR2{THIN}6XH"),
    P("postcode", f"postcode DN55{NNBSP}1PT"),
    P("postcode", f"postcode SW1A{ZWSP}1AA"),
    P("postcode", f"postcode M1{ZWJ}1AE"),
    P("postcode", f"postcode B33{WJ}8TH"),
    P("postcode", f"postcode CR2{SHY}6XH"),
    P("postcode", "postcode SW1A-1AA"),
    P("postcode", "postcode SW1A.1AA"),
    P("postcode", "postcode S W 1 A 1 A A"),
    P("postcode", "postcode SW1A\n1AA"),
    P("postcode", f"postcode {fw('M1 1AE')}"),
    P("postcode", "postcode \uff33\uff37\uff11\uff21 \uff11\uff21\uff21"),
    P("postcode", "postcode B33 8 TH"),
    P("postcode", "https://maps.example.com/?q=SW1A+1AA"),
    P("postcode", "see https://www.example.com/search/SW1A1AA for directions"),
    P("postcode", "https://maps.example.com/?q=CR2%206XH"),
    P("postcode", "https://maps.example.com/place/DN55-1PT"),
    M("postcode", "[my house](https://maps.example.com/?q=M1+1AE)"),
    M("postcode", "[here](https://maps.example.com/?q=b33%208th)"),
    # ---------------- addresses ----------------
    P("address", "I live at 12 Acacia Avenue, Leeds"),
    P("address", "come round to 27 Church Road and knock"),
    P("address", "Flat 3, 45 High Street, Croydon"),
    M("address", "I'm at **12** Acacia Avenue"),
    P("address", f"I live at 12{NBSP}Acacia Avenue"),
    P("address", "address: 221B Baker Street"),
    P("address", "my house is number 8 Elm Close, next to the surgery"),
    P("address", "12 acacia ave, leeds"),
    P("address", f"we are at {fw('14')} Station Road"),
    # ---------------- dates of birth ----------------
    P("date_of_birth", "I was born 3 March 1956 and have been with the practice ever since"),
    P("date_of_birth", "DOB 03/03/1956"),
    P("date_of_birth", "D.O.B. 03.03.1956"),
    P("date_of_birth", "date of birth: 3rd March 1956"),
    P("date_of_birth", "dob 3-3-56"),
    P("date_of_birth", "born on 1956-03-03"),
    P("date_of_birth", "born March 3, 1956"),
    M("date_of_birth", "DOB *03/03/1956*"),
    M("date_of_birth", "DOB 03\\/03\\/1956"),
    P("date_of_birth", f"DOB 03{EN}03{EN}1956"),
    P("date_of_birth", f"DOB 03{NBSP}03{NBSP}1956"),
    P("date_of_birth", f"DOB {fw('03/03/1956')}"),
    P("date_of_birth", f"DOB 03/{ZWSP}03/{ZWSP}1956"),
    P("date_of_birth", "my birthday is 3rd of March 1956"),
    P("date_of_birth", "d.o.b 3 mar 56"),
]

NEAR_MISSES: list[str] = [
    "If it's urgent call NHS 111 or 999.",
    "The parking cost \u00a31,234.56 over the year.",
    "The surgery is open 08.30\u201318.00 on weekdays.",
    "I was seen in 2019/2020 and again in 2021-22.",
    "The app said version 1.2.3.4 was required.",
    "My appointment on 12/03/2025 was cancelled.",
    "We agreed to meet at the clinic dot on the map.",
    "Look at nhs.uk for more information.",
    "I was on ward 10, bed 4 for a week.",
    "I rated the service 4.5/5.",
    "I caught the 10:30 bus to the hospital.",
    "See https://www.nhs.uk/conditions/?page=2 for the list.",
    "https://www.nhs.uk/service-search/find-a-gp?page=3&sort=distance",
    "There were 5 people in the street waiting for the ambulance.",
    "The trust has 1,000,000 patients on its list.",
    "My order reference was 6102938471.",
    "The form number 9434765918 was printed at the top.",
    "Batch 1234567890 of the vaccine was recalled.",
    "Blood pressure was 120/80 and BMI 27.4.",
    "Take 2 x 500mg tablets 3 times a day.",
    "The wait was 4-6 weeks, then 3 hours 20 minutes in A&E.",
    "Temperature was 38.5 degrees at 2 a.m.",
    "The service is for ages 18-65.",
    "We drove up the M1 and then the A1 to get there.",
    "The clinic is somewhere in the SW1 area.",
    "Section 136 of the Mental Health Act was used.",
    "I scored the nurse 10/10.",
    "Chapter 11 of the leaflet explains it.",
    "Follow @NHSEngland on social media for updates.",
    "Email the practice through the NHS App instead.",
    "I'm at the end of my tether... dot dot dot.",
    "Room 0.12 on level 3, bay 2.",
    "Open 9am to 5pm, Mon\u2013Fri, closed 12:30\u201313:30.",
    "I had my Covid-19 booster and flu jab on 1st March.",
    "The prescription form is an FP10 and costs \u00a39.90.",
    "Queue number 47 of 120.",
    "It took 45 minutes at 3.15 pm on 14.02.2024.",
    "The GP surgery on Main Street is lovely.",
    "My son is in Year 7 and my daughter in Year 10.",
    "Lot AB1234 expires 2026-01-31.",
    "I waited from 10.00 until 14.45, 4 hrs 45 min.",
    "The score went from 3/10 to 8/10 in 2 weeks.",
    "Call 111, press 2, then option 1.",
    "Up to 20% of the 3,500 patients were affected.",
    "The phone line was engaged 15 times.",
    "Postcode lottery is the best way to describe it.",
    "Page 12 of 30 in the 2023 annual report.",
]


def _kinds(holds) -> set[str]:
    return {h.kind for h in holds}


def _run_case(case: Case):
    results = [("body", _kinds(screen_comment(case.text, None)))]
    if not case.markup:
        results.append(("author", _kinds(screen_comment("Thanks", author=case.text))))
        results.append(("questionnaire", _kinds(screen(case.text, (), 2))))
    return results


def test_case_set_sizes():
    assert len(CASES) >= 150
    assert len(NEAR_MISSES) >= 40


def test_disguised_recall():
    per_field: dict[str, list[int]] = {}
    strict_per_field: dict[str, list[int]] = {}
    misses: list[tuple[str, str, str, set[str]]] = []
    wrong_kind: list[tuple[str, str, str, set[str]]] = []
    for case in CASES:
        for field, kinds in _run_case(case):
            held = bool(kinds & PERSONAL)
            strict = case.kind in kinds
            per_field.setdefault(field, [0, 0])
            strict_per_field.setdefault(field, [0, 0])
            per_field[field][0] += held
            per_field[field][1] += 1
            strict_per_field[field][0] += strict
            strict_per_field[field][1] += 1
            if not held:
                misses.append((field, case.kind, case.text, kinds))
            elif not strict:
                wrong_kind.append((field, case.kind, case.text, kinds))
    hit = sum(v[0] for v in per_field.values())
    total = sum(v[1] for v in per_field.values())
    strict_hit = sum(v[0] for v in strict_per_field.values())
    print()
    print(f"{'field':<14}{'held':>6}{'total':>7}{'recall':>9}{'strict':>9}")
    for field, (h, t) in per_field.items():
        s = strict_per_field[field][0]
        print(f"{field:<14}{h:>6}{t:>7}{h / t:>9.3f}{s / t:>9.3f}")
    print(f"{'overall':<14}{hit:>6}{total:>7}{hit / total:>9.3f}{strict_hit / total:>9.3f}")
    if misses:
        print(f"\nMISSES ({len(misses)}):")
        for field, kind, text, kinds in misses:
            print(f"  [{field}] expected {kind}: {text!r} -> {sorted(kinds)}")
    if wrong_kind:
        print(f"\nHELD AS A DIFFERENT KIND ({len(wrong_kind)}):")
        for field, kind, text, kinds in wrong_kind:
            print(f"  [{field}] expected {kind}: {text!r} -> {sorted(kinds)}")
    assert hit / total >= 0.95, f"recall {hit / total:.3f} < 0.95 ({len(misses)} misses)"


def test_near_misses_not_held():
    false_holds: list[tuple[str, str, list]] = []
    for text in NEAR_MISSES:
        for field, holds in (
            ("body", screen_comment(text, None)),
            ("author", screen_comment("Thanks", author=text)),
            ("questionnaire", screen(text, (), 2)),
        ):
            bad = [h for h in holds if h.kind in PERSONAL]
            if bad:
                false_holds.append((field, text, bad))
    print(f"\nFALSE HOLDS ({len(false_holds)}):")
    for field, text, bad in false_holds:
        print(f"  [{field}] {text!r} -> {[(h.kind, h.match) for h in bad]}")
    assert len(false_holds) <= 2, f"{len(false_holds)} false holds"
