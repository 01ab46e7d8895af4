"""YAML data files read with line numbers, so a problem can point at the line to fix."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from engagement.problems import shown_path


class Mapping(dict):
    """A YAML mapping that remembers the line it starts on."""

    line: int = 0


class LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings carry `.line` (1-based)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Mapping:
        mapping = Mapping(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, LineLoader.construct_mapping
)


def _timestamp(loader: LineLoader, node: yaml.ScalarNode) -> Any:
    """A date YAML cannot make (2026-13-10) stays text, so the file's check can name the field
    instead of the parser stopping the build with a traceback."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class YamlProblem(ValueError):
    """The file is not valid YAML; `line` says where the parser gave up."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def load(path: Path) -> Any:
    """Parse a YAML file safely; syntax errors become a sentence and a line number."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or "the file is not valid YAML"
        raise YamlProblem(
            f"this is not valid YAML ({problem}); check the indentation and that text "
            "containing ':' or '#' is in quotes.",
            line,
        ) from error
    except UnicodeDecodeError as error:
        raise YamlProblem("the file is not UTF-8 text: save it as UTF-8.", None) from error


def load_folder(
    folder: Path,
    display_root: Path,
    check: Callable[[str, Any], Iterable[tuple]],
    normalise: Callable[[str, Any], Any],
) -> tuple[dict[str, Any], list[tuple[str, tuple]]]:
    """Every `<name>.yaml` (or `.yml`) in `folder`, checked: the good files normalised, by file
    name, and the faults of the rest as (file as shown, fault); a file with a fault contributes
    nothing, so nothing half-checked shows. `check(name, data)` yields a file's faults,
    `normalise(name, data)` makes a good file's value."""
    found: dict[str, Any] = {}
    faults: list[tuple[str, tuple]] = []
    if not folder.is_dir():
        return found, faults
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        shown = shown_path(path, display_root)
        try:
            data = load(path)
        except YamlProblem as problem:
            faults.append((shown, (problem.line, "", str(problem))))
            continue
        problems = list(check(path.stem, data))
        faults.extend((shown, fault) for fault in problems)
        if not problems:
            found[path.stem] = normalise(path.stem, data)
    return found, faults
