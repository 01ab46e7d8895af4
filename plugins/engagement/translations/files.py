"""A content file's language: its `Lang:`, or the language its name ends with
(`winter-vaccines.cy.md` is the Welsh version of `winter-vaccines.md`, with the same slug), or
the site's own.

Pelican joins versions by slug; naming a translation after its original is all an editor needs
to do. A `Lang:` the site does not have is refused with the languages it does have, since a page
in an unlisted language would have no switcher, feed or folder of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engagement.translations import site


def fill(path: Path, metadata: dict[str, Any], settings: dict[str, Any]) -> str | None:
    """Set `lang` (the site's spelling) and, for a named translation, `slug`; return a fault
    sentence for the Lang field, or None."""
    named = _named_language(path, settings)
    given = metadata.get("lang")
    if given is None:
        metadata["lang"] = named or site.codes(settings)[0]
    else:
        code = site.code_of(str(given).strip(), settings)
        if code is None:
            offered = ", ".join(site.codes(settings))
            return (
                f"'{given}' is not one of this site's languages ({offered}): write one of "
                "those, or add the language to ENGAGE_LANGUAGES in pelicanconf.py."
            )
        if named and code != named:
            return (
                f"'{given}' is not the language the file name gives ({named}): rename the file "
                f"or write 'Lang: {named}'."
            )
        metadata["lang"] = code
    if named and "slug" not in metadata:
        metadata["slug"] = path.name.split(".", 1)[0]
    return None


def _named_language(path: Path, settings: dict[str, Any]) -> str | None:
    """The language a name such as `x.cy.md` gives, when the site has it."""
    parts = path.name.split(".")
    if len(parts) < 3:
        return None
    code = site.code_of(parts[-2], settings)
    return code if code != site.codes(settings)[0] else None


def split_name(stem: str, codes: list[str]) -> tuple[str, str | None]:
    """("urgent-care", "cy") for a data file named "urgent-care.cy" when `codes` (the site's
    other languages) has Welsh; (stem, None) for a file in the site's language."""
    base, _, suffix = stem.rpartition(".")
    return (base, suffix) if base and suffix in codes else (stem, None)
