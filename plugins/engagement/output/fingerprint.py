"""Content-hashed names for the theme's CSS and JavaScript, so a server may keep them a year.

Each file is also written as `name.<hash>.ext`, the hash being the first 12 hex digits of the
SHA-256 of the bytes written (`css/main.css` -> `css/main.1a2b3c4d5e6f.css`): new content is a
new name, so a browser never holds a stale copy, and unchanged content keeps its name from build
to build. What a file points at by a relative address (its source map, the modules it imports)
is rewritten to the hashed name first, so a file's hash covers what it loads too.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from engagement.problems import ContentError

HASH_LENGTH = 12
# `//# sourceMappingURL=x.js.map` at the end of a script (`/*# … */` in a stylesheet).
SOURCE_MAP = re.compile(r"(?P<lead>/[/*][#@]\s*sourceMappingURL=)(?P<address>[^\s*'\"]+)")
# `import … from './x.js'`, `import './x.js'`, `import('./x.js')`, and CSS's `@import "./x.css"`.
IMPORT = re.compile(
    r"""(?P<lead>\b(?:from|import)\s*\(?\s*(?P<quote>['"]))"""
    r"""(?P<address>\.\.?/[^'"\s]+)(?=(?P=quote))"""
)
REWRITTEN = (".css", ".js")


@dataclass(frozen=True)
class Fingerprinted:
    """One build's fingerprinted files, by theme-relative names (`css/main.css`)."""

    names: dict[str, str]  # plain name -> hashed name
    files: dict[str, bytes]  # hashed name -> content

    def write(self, folder: Path) -> None:
        """Write each hashed file under `folder` (the output's theme/) unless it is there already,
        and remove the hashed copies earlier builds left beside it."""
        for plain, hashed in self.names.items():
            target = folder / hashed
            data = self.files[hashed]
            if not (target.is_file() and target.read_bytes() == data):
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".tmp")
                partial.write_bytes(data)
                partial.replace(target)  # a server never sees half a file
            for stale in _earlier_copies(folder / plain, target.name):
                stale.unlink(missing_ok=True)


def fingerprint(sources: Mapping[str, Path]) -> Fingerprinted:
    """Name every file of `sources` (theme-relative name -> file to read) by its content, files
    it refers to first."""
    names: dict[str, str] = {}
    files: dict[str, bytes] = {}
    pending: list[str] = []

    def named(key: str) -> str:
        if key in names:
            return names[key]
        if key in pending:
            cycle = " -> ".join([*pending[pending.index(key) :], key])
            raise ContentError(
                f"theme: {cycle} import each other in a circle, so they cannot be named by their "
                "content: break the circle (move what both need into a third module)."
            )
        pending.append(key)
        data = _rewritten(key, sources[key].read_bytes(), sources, named)
        pending.pop()
        names[key] = hashed_name(key, data)
        files[names[key]] = data
        return names[key]

    for key in sorted(sources):
        named(key)
    return Fingerprinted(names, files)


def hashed_name(name: str, data: bytes) -> str:
    """`nhsuk/x.min.js` -> `nhsuk/x.min.<hash>.js`; a source map keeps its `.js.map` ending."""
    folder, base = posixpath.split(name)
    stem, suffix = split_suffix(base)
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return posixpath.join(folder, f"{stem}.{digest}{suffix}")


def split_suffix(name: str) -> tuple[str, str]:
    """`main.css` -> (`main`, `.css`); `x.min.js.map` -> (`x.min`, `.js.map`)."""
    stem, _, extension = name.rpartition(".")
    if extension == "map" and "." in stem:
        stem, _, mapped = stem.rpartition(".")
        return stem, f".{mapped}.map"
    return stem, f".{extension}"


def _rewritten(
    key: str, data: bytes, sources: Mapping[str, Path], named: Callable[[str], str]
) -> bytes:
    """`data` with its relative references to other `sources` changed to their hashed names."""
    if not key.endswith(REWRITTEN):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    folder = posixpath.dirname(key)

    def replace(match: re.Match[str]) -> str:
        address = match["address"]
        if ":" in address or address.startswith("/"):
            return match[0]  # a data: URL or another host's file
        target = posixpath.normpath(posixpath.join(folder, address))
        if target not in sources:
            return match[0]
        # The hashed file is beside the plain one: only the last part of the address changes.
        kept = address.removesuffix(posixpath.basename(target))
        return match["lead"] + kept + posixpath.basename(named(target))

    changed = IMPORT.sub(replace, SOURCE_MAP.sub(replace, text))
    return data if changed == text else changed.encode("utf-8")


def _earlier_copies(plain: Path, current: str) -> list[Path]:
    """Hashed copies of `plain` beside it, other than `current`."""
    if not plain.parent.is_dir():
        return []
    stem, suffix = split_suffix(plain.name)
    copy = re.compile(re.escape(stem) + rf"\.[0-9a-f]{{{HASH_LENGTH}}}" + re.escape(suffix))
    return [
        candidate
        for candidate in plain.parent.iterdir()
        if candidate.name != current and copy.fullmatch(candidate.name)
    ]
