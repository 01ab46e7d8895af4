"""Logs as JSON lines (ENGAGE_LOG_FORMAT=json), for a log shipper to read without parsing text.

Each record is one JSON object on one line: `time` (ISO 8601, UTC), `level`, `logger`,
`message`, `process` (the worker's pid: outages are logged once per worker), and `exception`
(the traceback as text) or `stack` when the record has one. Nothing else of the record is
written, so whatever a caller passes in `extra` (a request, a client address, a body) stays out.

The line is ASCII: newlines, U+2028 and every other non-ASCII character are JSON escapes, so a
message can never break the line, and no terminal or encoding can refuse it.

The standard library does this in a few lines; no logging package is needed. The handler goes on
the root logger, so the API's records, its commands' and those of the libraries it uses
(SQLAlchemy, Flask-Limiter) come out alike; the levels are left as they are. Gunicorn's own
error and access logs are written by gunicorn's handlers, in its own format, unless its
configuration file sets `logconfig_dict = gunicorn_logconfig()`.
"""

from __future__ import annotations

import datetime
import json
import logging
import sys

from flask import Flask
from flask.logging import default_handler


class JsonLines(logging.Formatter):
    """One record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
        entry: dict[str, object] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=True, default=str)


def init_app(app: Flask) -> None:
    """With ENGAGE_LOG_FORMAT=json, write every log record to standard error as a JSON line.

    Once per process, however many apps are made; Flask's own text handler is taken off the
    app's logger so its records are not written twice.
    """
    if app.config["ENGAGE_LOG_FORMAT"] != "json":
        return
    root = logging.getLogger()
    if not any(isinstance(handler.formatter, JsonLines) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        root.addHandler(handler)
    app.logger.removeHandler(default_handler)


def gunicorn_logconfig() -> dict:
    """gunicorn's `logconfig_dict` for its own error and access logs as JSON lines too, and the
    handler the app then finds on the root logger (so it adds none of its own):

        from feedback_api.operations.logs import gunicorn_logconfig
        logconfig_dict = gunicorn_logconfig()

    in a gunicorn configuration file. The access log's lines are then the messages: choose an
    `access_log_format` without `%(h)s`, the client's address.
    """
    stream = {"handlers": ["stderr"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonLines"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", **stream},
            "gunicorn.access": {"level": "INFO", **stream},
        },
    }
