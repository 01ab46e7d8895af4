"""The account_links table: invitation and password-reset links for staff, named by the sha256
of their token. A link is taken in one conditional UPDATE (`take_link`), so two requests with one
link cannot both use it."""

from __future__ import annotations

import datetime

from sqlalchemy import select, update

from feedback_api.storage.models import AccountLink, db, utcnow


def add_link(*, token_hash: str, user_id: int, purpose: str, expires: datetime.datetime) -> None:
    db.session.add(
        AccountLink(token_hash=token_hash, user_id=user_id, purpose=purpose, expires=expires)
    )


def find_link(token_hash: str) -> AccountLink | None:
    return db.session.get(AccountLink, token_hash)


def take_link(token_hash: str) -> bool:
    """Mark the link used, only if it is unused and unexpired; whether this call did."""
    now = utcnow()
    taken = db.session.execute(
        update(AccountLink)
        .where(
            AccountLink.token_hash == token_hash,
            AccountLink.used.is_(None),
            AccountLink.expires > now,
        )
        .values(used=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def end_links_of(user_id: int) -> None:
    """Every unused link of one account stops working (a newer one was sent, or it is disabled)."""
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user_id, AccountLink.used.is_(None))
        .values(used=utcnow())
        .execution_options(synchronize_session=False)
    )


def has_open_link(user_id: int, purpose: str) -> bool:
    """Whether an unused, unexpired link of this purpose is out (an invitation not yet taken)."""
    query = select(AccountLink.token_hash).where(
        AccountLink.user_id == user_id,
        AccountLink.purpose == purpose,
        AccountLink.used.is_(None),
        AccountLink.expires > utcnow(),
    )
    return db.session.scalar(query.limit(1)) is not None
