"""Personal data in a Reading: every rule over its text and each of its link addresses."""

from __future__ import annotations

from collections.abc import Callable

from .addresses import bare_addresses, decoded
from .dates import dates_of_birth
from .emails import disguised_emails, emails
from .holds import Hold, without_overlaps
from .numbers import nhs_numbers, phones, spaced_numbers
from .places import addresses, postcodes, welsh_addresses
from .reading import Reading

RULES: tuple[Callable[[str], list[Hold]], ...] = (
    nhs_numbers,
    phones,
    spaced_numbers,
    emails,
    disguised_emails,
    postcodes,
    addresses,
    welsh_addresses,
    dates_of_birth,
)


def personal_data(reading: Reading, source: str) -> list[Hold]:
    """Personal data in the reading text and its link addresses, as spans of `source`."""
    holds = []
    found_in = [reading, *(decoded(a) for a in (*reading.addresses, *bare_addresses(reading)))]
    for part in found_in:
        for rule in RULES:
            for hold in rule(part.text):
                start, end = part.source_span(hold.start, hold.end)
                holds.append(Hold(hold.kind, source[start:end], start, end))
    return without_overlaps(holds)
