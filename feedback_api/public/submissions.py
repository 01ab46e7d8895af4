"""Reading what a reader sent: JSON or a plain HTML form, checked field by field.

Both kinds of request go through the same checks and give the same messages; only the answer
differs (JSON errors, or the form again with the NHS error summary and the reader's text kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from flask import request

from contract.wordings import N_
from feedback_api.boundary import record_id
from feedback_api.errors import FeedbackError
from theme.i18n import gettext as _

BODY_MAX = 5000
AUTHOR_MAX = 80
EMAIL_MAX = 254
PAGE_MAX = 300
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRUE = {"1", "true", "on", "yes"}


@dataclass
class Submission:
    """The fields of a request and whether it came from a form (so the answer is a page)."""

    fields: dict[str, Any]
    is_form: bool


def read_submission(what: Literal["comment", "answers"]) -> Submission:
    """The request's fields; 415 for other content types, 400 for JSON that does not parse.

    `what` names what the client sends, for the 415's message: "comment" (a comment or reply),
    "answers" (a questionnaire response).
    """
    if request.mimetype == "application/json":
        data = request.get_json(silent=True)
        if data is None:
            raise FeedbackError("The request body is not valid JSON.", 400)
        if not isinstance(data, dict):
            raise FeedbackError("The request body should be a JSON object of fields.", 400)
        return Submission(data, is_form=False)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return Submission(request.form.to_dict(), is_form=True)
    raise FeedbackError(
        f"Send the {what} as JSON (application/json) or as a form "
        "(application/x-www-form-urlencoded).",
        415,
    )


def text(fields: dict[str, Any], name: str) -> str:
    """A field as stripped text; anything else (numbers, lists, objects) is refused."""
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldProblem(name, "must be text")
    return value.replace("\r\n", "\n").strip()


def flag(fields: dict[str, Any], name: str) -> bool:
    value = fields.get(name)
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUE


def body_problem(body: str) -> str | None:
    """What is wrong with a comment's text, as the form shows it; None when it is fine."""
    if not body:
        return _("Enter your comment.")
    if len(body) > BODY_MAX:
        return _("Your comment must be %(limit)s characters or fewer; it has %(length)s.") % {
            "limit": f"{BODY_MAX:,}",
            "length": f"{len(body):,}",
        }
    return None


class FieldProblem(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class CommentInput:
    page: str
    body: str
    author: str | None
    email: str | None
    notify: bool
    question: bool
    parent: int | None
    honeypot: bool


# What a reader is told when a field is sent as something other than text (a list, a number):
# a whole sentence each, so each language words it its own way.
NOT_TEXT = {
    "page": N_("The page address must be text."),
    "body": N_("Your comment must be text."),
    "author": N_("Your name must be text."),
    "email": N_("Your email address must be text."),
    "website": N_("This field must be text."),
}


def comment_input(fields: dict[str, Any]) -> tuple[CommentInput | None, dict[str, str]]:
    """The comment, or the message for each field that is wrong (as the form will show it, in
    the language being rendered)."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in ("page", "body", "author", "email", "website"):
        try:
            values[name] = text(fields, name)
        except FieldProblem:
            problems[name] = _(NOT_TEXT[name])
            values[name] = ""
    page, body, author, email = values["page"], values["body"], values["author"], values["email"]
    if not page:
        problems["page"] = _("Say which page the comment is for.")
    elif len(page) > PAGE_MAX:
        problems["page"] = _("The page address is too long.")
    if "body" not in problems and (trouble := body_problem(body)):
        problems["body"] = trouble
    if len(author) > AUTHOR_MAX:
        problems["author"] = _("Your name must be %(limit)s characters or fewer.") % {
            "limit": AUTHOR_MAX
        }
    if email and (len(email) > EMAIL_MAX or not EMAIL.match(email)):
        problems["email"] = _(
            "Enter an email address in the correct format, like name@example.com."
        )
    notify = flag(fields, "notify")
    if notify and not email and "email" not in problems:
        problems["email"] = _(
            "Enter your email address so we can tell you about replies, or untick the box."
        )
    parent = fields.get("parent")
    parent_id = None if parent in (None, "") else record_id(parent)
    if parent not in (None, "") and parent_id is None:
        problems["parent"] = _("We could not find the comment you are replying to.")
    if problems:
        return None, problems
    return (
        CommentInput(
            page=page,
            body=body,
            author=author or None,
            email=email or None,
            notify=notify,
            question=flag(fields, "question"),
            parent=parent_id,
            honeypot=bool(values["website"]),
        ),
        {},
    )
