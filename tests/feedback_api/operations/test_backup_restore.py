"""`backup` while readers post through a real server and a moderator approves, then `restore`
into a fresh database: everything committed before the backup began is back, the copy is one
moment of the database (no half transaction: every approval with its audit entry, every page's
count true), and the API works on it. On SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect

from contract.vocabulary import AuditAction, CommentStatus
from feedback_api.accounts import service as accounts
from feedback_api.storage import audit, transaction
from feedback_api.storage.comments import get_comment, set_status
from feedback_api.storage.models import AuditEntry, Comment, Page, QuestionnaireResponse, User, db
from fixtures.servers import post_comment, serving
from fixtures.surveys import survey_manifest

PAGE = "/blog/winter-vaccines/"
ANSWERS = {"experience": "good", "travel": "car", "why": "Friendly staff."}


def approve(comment_id: int) -> None:
    """What the moderation screen does: the change and its audit entry in one transaction."""
    with transaction():
        item = get_comment(comment_id)
        before = audit.comment_state(item)
        set_status(item, CommentStatus.APPROVED)
        audit.record(
            AuditAction.APPROVE,
            target=f"comment {comment_id}",
            user=None,
            before=before,
            after=audit.comment_state(item),
        )


def snapshot(app) -> dict:
    """What the database holds, in plain values."""
    with app.app_context():
        db.session.remove()
        comments = {c.id: (c.body, c.status) for c in db.session.scalars(db.select(Comment))}
        approvals = [
            entry.target
            for entry in db.session.scalars(
                db.select(AuditEntry).where(AuditEntry.action == AuditAction.APPROVE.value)
            )
        ]
        pages = {p.url: p.approved_count for p in db.session.scalars(db.select(Page))}
        users = sorted(u.email for u in db.session.scalars(db.select(User)))
        responses = sorted(
            r.reference for r in db.session.scalars(db.select(QuestionnaireResponse))
        )
        db.session.remove()
    return {
        "comments": comments,
        "approvals": approvals,
        "pages": pages,
        "users": users,
        "responses": responses,
    }


def assert_one_moment(state: dict) -> None:
    """No half transaction: each approved comment has its one audit entry and no entry lacks
    its approval; each page's count is its approved comments."""
    approved = {i for i, (_body, status) in state["comments"].items() if status == "approved"}
    assert sorted(state["approvals"]) == sorted(f"comment {i}" for i in approved)
    assert state["pages"] == {PAGE: len(approved)}, "every comment here is on one page"


def seed(app) -> None:
    """Staff, comments (some approved, each with its audit entry) and questionnaire answers."""
    client = app.test_client()
    with app.app_context():
        with transaction():
            user = accounts.create("moderator@example.nhs.uk", "moderator", "a long passphrase 1")
            audit.record(AuditAction.ACCOUNT_CREATED, target=user.email, user=None)
        ids = [
            client.post("/api/comments", json={"page": PAGE, "body": f"seed {n}"}).json["id"]
            for n in range(20)
        ]
        for comment_id in ids[:10]:
            approve(comment_id)
    for _ in range(5):
        answer = client.post(
            "/api/responses", json={"questionnaire": "test-survey", "answers": ANSWERS}
        )
        assert answer.status_code == 201, answer.json


def drop_everything(app) -> None:
    """Every table gone, so the restore is into an empty database."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for name in inspect(connection).get_table_names():
                connection.execute(db.text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
        db.engine.dispose()


def release(app) -> None:
    """Close every pooled connection of the app (a restore refuses while others are open)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("writers", [3])
def test_a_backup_taken_under_load_restores_whole(
    make_app, tmp_path: Path, built_site: Path, database: str, writers: int
) -> None:
    if database == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL's client tools are not installed")
    manifest = survey_manifest(tmp_path, built_site)
    settings = {
        "ENGAGE_MANIFEST": manifest,
        "ENGAGE_RATELIMIT_COMMENTS": "100000/minute",
        "ENGAGE_RATELIMIT_RESPONSES": "100000/minute",
    }
    app = make_app(**settings)
    seed(app)

    acknowledged: list[tuple[float, int]] = []
    approved_live: list[int] = []
    stop = threading.Event()
    backup_path = tmp_path / "backups" / "engage.backup"
    backup_path.parent.mkdir()

    def write(url: str, worker: int) -> None:
        n = 0
        while not stop.is_set():
            made = post_comment(url, f"busy {worker}-{n}")
            if made is not None:
                acknowledged.append((time.monotonic(), made))
            n += 1

    def moderate() -> None:
        with app.app_context():
            while not stop.is_set():
                waiting = [i for _t, i in acknowledged[-50:] if i not in approved_live]
                if waiting:
                    approve(waiting[0])
                    approved_live.append(waiting[0])
                time.sleep(0.005)
            db.session.remove()

    with serving(app) as url:
        threads = [threading.Thread(target=write, args=(url, w)) for w in range(writers)]
        threads.append(threading.Thread(target=moderate))
        for thread in threads:
            thread.start()
        try:
            while len(acknowledged) < 40:
                time.sleep(0.01)
            started = time.monotonic()
            result = app.test_cli_runner().invoke(args=["backup", str(backup_path)])
            finished = time.monotonic()
            time.sleep(0.2)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert "Backed up the" in result.output and "comments" in result.output
    assert stat.S_IMODE(os.stat(backup_path).st_mode) == 0o600
    before = {i for t, i in acknowledged if t < started}
    during = [i for t, i in acknowledged if started <= t <= finished]
    live = snapshot(app)

    release(app)
    if database == "postgresql":
        drop_everything(app)
        restored_app = make_app(**settings)  # the same database, emptied and migrated afresh
    else:
        fresh = tmp_path / "fresh" / "engage.db"
        fresh.parent.mkdir()
        restored_app = make_app(**settings, DATABASE_URL=f"sqlite:///{fresh}")
    release(restored_app)
    assert snapshot(restored_app)["comments"] == {}, "a fresh, empty database"
    release(restored_app)

    done = restored_app.test_cli_runner().invoke(args=["restore", "--yes", str(backup_path)])
    assert done.exit_code == 0, done.output
    assert "Restored in" in done.output
    state = snapshot(restored_app)

    assert before <= set(state["comments"]), "everything acknowledged before the backup is back"
    assert len(state["comments"]) >= 20 + len(before)
    for comment_id, value in state["comments"].items():
        assert live["comments"][comment_id][0] == value[0], "nothing the database never held"
    assert_one_moment(state)
    assert state["users"] == ["moderator@example.nhs.uk"]
    assert len(state["responses"]) == 5
    print(
        f"\n{database}: {len(before)} acknowledged before, {len(during)} during the backup "
        f"({finished - started:.2f} s); {len(state['comments'])} comments and "
        f"{len(state['approvals'])} approvals restored of {len(live['comments'])} and "
        f"{len(live['approvals'])} at the end"
    )

    client = restored_app.test_client()
    listed = client.get(f"/api/comments?page={PAGE}")
    approved = sum(1 for _body, status in state["comments"].values() if status == "approved")
    assert listed.status_code == 200 and listed.json["count"] == approved
    new = client.post("/api/comments", json={"page": PAGE, "body": "After the restore"})
    assert new.status_code == 202
    assert new.json["id"] not in state["comments"], "ids go on from the restored sequence"
    assert client.get("/api/health").status_code == 200
