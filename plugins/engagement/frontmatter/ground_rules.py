"""The ground rules for taking part (`content/ground_rules.yaml`).

One list serves three readers: it is summarised beside every comment form, written into the
ground-rules page, and carried in the manifest so moderators reject items against the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engagement import yamlfile

RULE_ID = re.compile(r"^[a-z][a-z0-9-]*$")
KEYS = ("id", "title", "summary")

Fault = tuple[int | None, str, str]


def load(path: Path) -> tuple[list[dict[str, str]], list[Fault]]:
    """The rules, and any faults; a missing file means no rules (the page says nothing extra)."""
    if not path.is_file():
        return [], []
    try:
        data = yamlfile.load(path)
    except yamlfile.YamlProblem as problem:
        return [], [(problem.line, "", str(problem))]
    faults = list(check(data))
    if faults:
        return [], faults
    return [{key: rule[key].strip() for key in KEYS} for rule in data], []


def check(data: Any) -> Iterator[Fault]:
    """Yield every fault: each rule needs a stable id, a title and a one-sentence summary."""
    if not isinstance(data, list):
        yield (None, "", "the file should be a list of rules, each starting with '- id: ...'.")
        return
    seen: set[str] = set()
    for number, rule in enumerate(data, start=1):
        line = getattr(rule, "line", None)
        if not isinstance(rule, dict):
            yield (None, f"rule {number}", "should be a set of fields: id, title, summary.")
            continue
        for key in rule:
            if key not in KEYS:
                yield (
                    line,
                    f"rule {number}.{key}",
                    "is not a field Engage knows: use id, title, summary.",
                )
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
            yield (
                line,
                f"rule {number}.id",
                "needs lowercase letters, digits and - (e.g. personal-details).",
            )
        elif rule_id in seen:
            yield (line, f"rule {number}.id", f"'{rule_id}' is used twice: ids must differ.")
        else:
            seen.add(rule_id)
        for key in ("title", "summary"):
            if not isinstance(rule.get(key), str) or not rule[key].strip():
                yield (
                    line,
                    f"rule {number}.{key}",
                    "is missing: every rule needs a title and a summary.",
                )
