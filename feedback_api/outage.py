"""Database outages: every request that needs the database answers 503 with Retry-After, and the
log says so once per outage rather than with a traceback per request.

While the database is down every request fails the same way; hundreds of identical tracebacks
would bury the one line an operator needs. So the first failure is logged with its cause, the
repeats only at debug level, and the first statement that succeeds again logs that the database
is back. Nothing has to be restarted: a failed connection is not kept, PostgreSQL connections are
pinged before use, so the next request after the database returns simply works.

The state is per process: with four gunicorn workers an outage is logged at most four times.
Outages are numbered in the process, so each line is distinct: Pelican, imported with the shared
layer, installs a filter that drops any warning identical to one logged before.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from contract.wordings import N_
from feedback_api.storage.models import db

RETRY_AFTER_SECONDS = 30
MESSAGE = N_(
    "The service cannot reach its database just now, so nothing was saved. "
    "Please try again in a few minutes."
)
# PostgreSQL reports some faults of the statement itself (class 54, "program limit exceeded",
# such as a NUL character in text) as OperationalError: those are errors, not outages.
_STATEMENT_FAULTS = ("54",)
_numbers = itertools.count(1)


def is_outage(error: BaseException) -> bool:
    """Whether the error means the database cannot be used now (rather than a fault in a query):
    a refused or lost connection, a server shutting down, or no free connection in the pool."""
    if isinstance(error, sa_exc.TimeoutError):
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return not sqlstate.startswith(_STATEMENT_FAULTS)


def cause(error: BaseException) -> str:
    """The driver's own message on one line. Not SQLAlchemy's, which adds the statement and its
    parameters: those may hold what a reader wrote."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())[:300]
    return f"{type(original).__name__}: {text}" if text else type(original).__name__


class Outage:
    """Whether this process last found the database unavailable, and since when."""

    def __init__(self, app: Flask) -> None:
        self.logger = app.logger
        self.since: float | None = None
        self.number = 0
        self._lock = threading.Lock()

    def failed(self, error: BaseException) -> None:
        """Note a failure: logged when it starts an outage, at debug level when it repeats."""
        with self._lock:
            starts = self.since is None
            if starts:
                self.since = time.monotonic()
                self.number = next(_numbers)
        if starts:
            self.logger.error(
                "Database unavailable (%s); answering 503 until it is back (outage %d)",
                cause(error),
                self.number,
            )
        else:
            self.logger.debug("Database still unavailable (%s)", cause(error))

    def succeeded(self) -> None:
        """Note that a statement ran: ends an outage, if there was one."""
        if self.since is None:  # the usual case, on every statement: no lock taken
            return
        with self._lock:
            since, self.since = self.since, None
        if since is not None:
            self.logger.warning(
                "Database available again after %.1f seconds (outage %d)",
                time.monotonic() - since,
                self.number,
            )


def init_app(app: Flask) -> Outage:
    """Keep the app's outage state, ended by the first statement that succeeds on its engine."""
    outage = Outage(app)
    app.extensions["engage_outage"] = outage
    with app.app_context():
        engine = db.engine

    def statement_ran(*_args: Any) -> None:
        outage.succeeded()

    event.listen(engine, "after_cursor_execute", statement_ran)
    return outage


def current(app: Flask) -> Outage:
    """The app's outage state."""
    return app.extensions["engage_outage"]
