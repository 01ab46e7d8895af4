"""The input boundary: every body, form and query string passes here before a view reads it.

One place decides what hostile input becomes, so no view has to remember: JSON is parsed with a
nesting bound, non-finite numbers and lone surrogates are refused with the field named; every
text value, in JSON, forms and query strings alike, has its control characters removed (tab and
newline stay); ids in addresses and bodies are whole numbers the database can hold; page numbers
and redirect targets are checked. A view then sees only values it can store and render.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, Request, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from .errors import FeedbackError
from .textsafe import clean, lone_surrogate, scrub

MAX_DEPTH = 32  # the deepest body the API takes is {"answers": {"q": {"day": ...}}}
MAX_ID = 2**31 - 1  # the largest id PostgreSQL's integer columns hold
MAX_PAGE_NUMBER = 100_000
# A query string longer than this is no request a page or a client of the API makes (a hundred
# page addresses for the counts endpoint fit in a third of it).
MAX_QUERY_BYTES = 16_384
ASCII_NUMBER = re.compile(r"[0-9]{1,10}")
# A path on this site: no scheme, host, backslash, whitespace or control character.
_LOCAL_PATH = re.compile(r"/[^\s\\\x00-\x1f\x7f]*")


class InputProblem(FeedbackError):
    """Input no view should see: 400, with the field named when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, 400, {field: message} if field else {})


# --- JSON ----------------------------------------------------------------------------------------


def _field_name(path: list[str]) -> str:
    return ".".join(path) or "body"


def checked_json(value: Any) -> Any:
    """The parsed body with every string cleaned; refused when too deep, not valid Unicode, or
    holding a number no column takes (1e400 parses as infinity, NaN as not a number).

    Walks without recursion, so a body nested thousands deep costs a loop, not the stack.
    """
    root: list[Any] = [value]
    stack: list[tuple[Any, Any, list[str]]] = [(root, 0, [])]
    while stack:
        parent, key, path = stack.pop()
        item = parent[key]
        if len(path) > MAX_DEPTH:
            raise InputProblem(f"The request body is nested more than {MAX_DEPTH} levels deep.")
        if isinstance(item, str):
            if lone_surrogate(item):
                raise InputProblem(
                    "This text is not valid Unicode (it holds half of a surrogate pair). "
                    "Send UTF-8 text.",
                    _field_name(path),
                )
            parent[key] = clean(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InputProblem(
                "This number is too large, or not a number (NaN, Infinity). Send a finite number.",
                _field_name(path),
            )
        elif isinstance(item, dict):
            cleaned = {}
            for name, member in item.items():
                if lone_surrogate(name):
                    raise InputProblem("A field name is not valid Unicode.", _field_name(path))
                cleaned[clean(name)] = member
            parent[key] = cleaned
            stack.extend((cleaned, name, [*path, name]) for name in cleaned)
        elif isinstance(item, list):
            stack.extend((item, i, [*path, str(i)]) for i in range(len(item)))
    return root[0]


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies through `checked_json`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise InputProblem(
                f"The request body is nested more than {MAX_DEPTH} levels deep."
            ) from None
        return checked_json(value)


# --- Forms and query strings -----------------------------------------------------------------


class CleanMultiDict(ImmutableMultiDict):
    """Form fields and query parameters with control characters removed (tab, newline kept)."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        super().__init__(
            [
                (scrub(key), scrub(value) if isinstance(value, str) else value)
                for key, value in iter_multi_items(mapping)
            ]
        )


class EngageRequest(Request):
    parameter_storage_class = CleanMultiDict


# --- Numbers and addresses ---------------------------------------------------------------------


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: an id past what the database holds is simply not found (404),
    whichever other route (the site's own pages) the address might otherwise match."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def record_id(value: object) -> int | None:
    """A database id from a body or form: a whole number 1..MAX_ID, or None when it is not one.

    Accepts 12 and "12"; refuses true, 1.5, 1e400, "²" and "١٢" (digits Python's int() would
    take but no form sends).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and ASCII_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def record_ids(values: Iterable[object]) -> list[int]:
    """The ids among `values` (checked boxes), each once, in order."""
    found = (record_id(value) for value in values)
    return list(dict.fromkeys(number for number in found if number is not None))


def page_number(value: object) -> int:
    """A page number from a query string: 1 unless it is a whole number, at most MAX_PAGE_NUMBER."""
    number = record_id(value)
    return min(number, MAX_PAGE_NUMBER) if number else 1


def local_path(target: object, prefix: str = "/") -> str | None:
    """`target` when it is a path on this site under `prefix`; None for anything else.

    Refuses other hosts (`//evil`, `https:`), backslashes browsers read as slashes, and line
    breaks or controls that would split a Location header.
    """
    if not isinstance(target, str) or not _LOCAL_PATH.fullmatch(target):
        return None
    if target.startswith("//") or "//" in target.split("?", 1)[0]:
        return None
    return target if target.startswith(prefix) else None


def _address_not_too_long() -> None:
    if len(request.query_string) > MAX_QUERY_BYTES:
        abort(414)


def init_app(app: Flask) -> None:
    """Put the boundary in front of every view (before blueprints register their routes)."""
    app.request_class = EngageRequest
    app.json = BoundedJSONProvider(app)
    app.json.sort_keys = False
    app.url_map.converters["int"] = IdConverter
    app.before_request(_address_not_too_long)
