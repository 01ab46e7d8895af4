"""One error path: views raise `FeedbackError`; one handler answers JSON or an NHS-styled page.

Unexpected errors are logged with their traceback, the session rolled back, and the reader gets
a plain 500 that says their input was not saved. When the database cannot be reached the answer
is 503 with Retry-After instead, logged once per outage (see `outage`).
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from contract.wordings import N_
from theme import i18n

from . import outage, storage

TITLES = {
    400: N_("There is a problem with what was sent"),
    404: N_("Page not found"),
    405: N_("That cannot be done here"),
    409: N_("This is closed"),
    413: N_("What you sent is too long"),
    414: N_("The address is too long"),
    415: N_("That kind of request is not accepted"),
    422: N_("There is a problem with what was sent"),
    429: N_("Too many attempts"),
    500: N_("Sorry, there is a problem with the service"),
    503: N_("Sorry, the service is unavailable"),
}


class FeedbackError(Exception):
    """An error the reader or client can act on: message, HTTP status and per-field messages."""

    def __init__(
        self,
        message: str,
        status: int = 400,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.headers = headers or {}


def wants_json() -> bool:
    """JSON for API clients; an HTML page for forms and browsers."""
    if request.is_json:
        return True
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" or request.path.startswith("/api/")


def error_response(
    message: str, status: int, fields: dict[str, str] | None = None, headers: Any = None
) -> Response:
    """The response for an error, in the form the client asked for: a page in the language of
    the part of the site the reader came from (the message translated where the catalogue has
    it: a fixed sentence, not one with a value in it), JSON as written."""
    if wants_json():
        response = jsonify({"error": message, "fields": fields or {}})
    else:
        from .public.channel import language_of, referring_language
        from .theme import render_page

        language = language_of(request.path) or referring_language()
        with i18n.rendering_in(language):
            title = i18n.gettext(TITLES.get(status, N_("Sorry, there is a problem")))
            said = i18n.gettext(message)
        response = current_app.make_response(
            render_page(
                "feedback/error.html", language=language, title=title, message=said, status=status
            )
        )
    response.status_code = status
    for name, value in dict(headers or {}).items():
        response.headers[name] = value
    return response


def register(app: Flask) -> None:
    """Install the handlers on the app."""

    @app.errorhandler(FeedbackError)
    def feedback_error(error: FeedbackError) -> Response:
        return error_response(error.message, error.status, error.fields, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        message = {
            404: N_("There is nothing at this address."),
            405: f"{request.method} is not allowed here.",
            413: N_("The request is larger than this service accepts. Shorten it and try again."),
            414: N_("The address is longer than this service accepts."),
            429: N_("You have sent a lot in a short time. Wait a little, then try again."),
        }.get(status, error.description or "The request could not be handled.")
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        headers.pop("Content-Length", None)
        return error_response(message, status, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        storage.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(
            N_(
                "Something went wrong on our side and what you sent was not saved. Please try "
                "again later."
            ),
            500,
        )

    database_down = outage.init_app(app)

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    def database_unavailable(error: sa_exc.SQLAlchemyError) -> Response:
        if not outage.is_outage(error):
            return unexpected(error)
        # The connection may be gone already: there is then nothing to roll back.
        with contextlib.suppress(sa_exc.SQLAlchemyError):
            storage.rollback()
        database_down.failed(error)
        retry = {"Retry-After": str(outage.RETRY_AFTER_SECONDS)}
        return error_response(outage.MESSAGE, 503, headers=retry)
