"""Comments seeded through the real storage functions, and the moderator's actions and reads,
for the moderation workspace's tests."""

from __future__ import annotations

import datetime

from feedback_api.public.comments import screened
from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.models import AuditEntry, Comment, db

PAGE = "/blog/winter-vaccines/"
OTHER = "/blog/when-to-use-nhs-111/"
NHS_NUMBER = "943 476 5919"  # a valid check digit


def seed(
    app,
    body: str,
    *,
    page: str = PAGE,
    status: str = "pending",
    minutes_ago: int = 0,
    **extra: object,
) -> int:
    """A comment stored through the real storage function, screened as a reader's would be."""
    with app.app_context(), transaction():
        comment = storage.add_comment(
            page=page,
            body=body,
            html=f"<p>{body}</p>",
            status="pending",
            held_reasons=screened(body),
            edit_token_hash="x" * 64,
            author=extra.pop("author", "Sam"),
            **extra,
        )
        comment.created = datetime.datetime.now(datetime.UTC) - datetime.timedelta(
            minutes=minutes_ago
        )
        if status != "pending":
            storage.set_status(comment, status)
    return comment.id


def get(app, comment_id: int) -> Comment:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        db.session.expunge_all()
        return comment


def audit_entries(app) -> list[AuditEntry]:
    with app.app_context():
        found = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.target.like("comment %")).order_by(AuditEntry.id)
        ).all()
        db.session.expunge_all()
        return list(found)


def public(client, page: str = PAGE) -> dict:
    return client.get(f"/api/comments?page={page}").json


def counts(client, page: str = PAGE) -> int:
    return client.get(f"/api/comments/counts?page={page}").json["counts"][page]


def act(client, path: str, **data: object) -> object:
    return client.post(path, data={"csrf_token": client.token, **data})
