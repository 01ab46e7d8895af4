"""The storage layer: the tables (`models`), and the queries by table or aggregate: `pages`,
`comments`, `queue` (the moderation queue), `retention`, `responses`, `users`, `sessions` and
`audit`.

Views and commands call these; they never build SQL themselves. Storage functions add to the
current transaction and never commit: the view or command that handles one request or one action
owns its transaction, through `transaction()`, so a change and its audit entry are committed
together or not at all, and the answer is sent only after the commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

# The learning tables and the answer index join the metadata (migrations and tests compare it)
# wherever storage is used.
from feedback_api.storage.answers import models as _answer_models  # noqa: F401
from feedback_api.storage.learning import models as _learning_models  # noqa: F401
from feedback_api.storage.models import db

_DEPTH = "engage_transaction_depth"
_FAILED = "engage_transaction_failed"


class TransactionAborted(RuntimeError):
    """A block inside the transaction failed and was rolled back: the outer block, which went on
    as though nothing happened, is refused its commit rather than saving half an action."""


@contextlib.contextmanager
def transaction(*, alone: bool = False) -> Iterator[None]:
    """One unit of work: committed when the outermost block ends, rolled back if it raises.

    A block inside another joins it and commits nothing itself, so a function that needs a
    transaction may open one whoever calls it. `alone=True` is for what must be committed by
    itself, now (a sign-in attempt claimed before the slow password check): it refuses to run
    inside another transaction, where its commit would silently wait for the outer one.
    """
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    if alone and depth:
        raise RuntimeError("This must be committed on its own, outside any other transaction.")
    info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            if info.pop(_FAILED, False):
                raise TransactionAborted("Part of this transaction failed and was rolled back.")
            db.session.commit()
    except BaseException:
        # The error raised in the block is the one to report: a connection already lost (an
        # outage) may fail the rollback too, and has nothing left to roll back.
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        if depth:
            info[_FAILED] = True
        raise
    finally:
        info[_DEPTH] = depth
        if depth == 0:
            info.pop(_FAILED, None)


def in_transaction() -> bool:
    """Whether a `transaction()` block is open."""
    return db.session.info.get(_DEPTH, 0) > 0


def rollback() -> None:
    """Forget whatever the current transaction holds (an error is being answered)."""
    db.session.rollback()


def release() -> None:
    """Give this thread's connection back to the pool (a long-running command between passes)."""
    db.session.remove()


def sqlite_file() -> str | None:
    """The SQLite database file, when that is the database (None for PostgreSQL or memory)."""
    url = db.engine.url
    return url.database or None if url.get_backend_name() == "sqlite" else None


def database_ok() -> bool:
    """Whether the database answers a trivial query."""
    db.session.execute(select(1))
    return True
