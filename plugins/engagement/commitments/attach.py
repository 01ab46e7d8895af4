"""Commitments joined to their consultations, with the checks that need the whole site: the file
must name a consultation that exists, and evidence on this site must be one of its pages."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engagement.problems import missing_page

# (commitments file stem, field, message)
SiteFault = tuple[str, str | None, str]


def attach(
    consultations: list[Any], found: dict[str, list[dict]], addresses: set[str], content: Path
) -> Iterator[SiteFault]:
    """Give every consultation its `commitments` (file order); yield what cannot be joined."""
    by_slug = {item.slug: item for item in consultations}
    for item in consultations:
        item.commitments = found.get(item.slug, [])
    for stem in sorted(found):
        if stem not in by_slug:
            close = difflib.get_close_matches(stem, sorted(by_slug), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}.yaml? " if close else ""
            yield (
                stem,
                None,
                f"there is no consultation '{stem}': {hint}Name the file after the "
                "consultation's file in content/consultations/ (its address), e.g. "
                "millbrook-maternity-services.yaml.",
            )
            continue
        for commitment in found[stem]:
            evidence = commitment["evidence"]
            if not evidence or not evidence.startswith("/"):
                continue
            missing = missing_page(evidence, addresses, content)
            if missing:
                yield (
                    stem,
                    f"commitment '{commitment['id']}'.evidence",
                    f"{missing}Give the address of a page "
                    "(e.g. /millbrook-maternity-summary-report/) or a full https:// address.",
                )


def by_consultation(consultations: list[Any]) -> list[tuple[Any, list[dict]]]:
    """(consultation, its commitments) for those that have any, the latest updated first."""
    groups = [(item, item.commitments) for item in consultations if item.commitments]
    groups.sort(key=lambda group: max(c["updated"] for c in group[1]), reverse=True)
    return groups
