"""One owner for every transaction: an action and its audit entry are committed together or not
at all. Each test makes one part of an action fail after the change was made (the audit entry,
or a later item) and checks, from a fresh session, that nothing of the action was stored."""

from __future__ import annotations

import pytest

from contract.vocabulary import AuditAction
from feedback_api.accounts import service as accounts
from feedback_api.privacy import service as privacy
from feedback_api.storage import audit, transaction
from feedback_api.storage.models import AuditEntry, Comment, db
from fixtures.moderation_helpers import PAGE, act, counts, get, seed
from fixtures.staff import PASSWORD


class AuditRefused(RuntimeError):
    """The audit entry could not be written."""


def refuse_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every audit entry fails, after the action's own change has been made."""

    def record(*_args: object, **_kwargs: object) -> None:
        raise AuditRefused("the audit log is unavailable")

    monkeypatch.setattr(audit, "record", record)


def stored_comments(app) -> list[tuple[int, str]]:
    with app.app_context():
        found = db.session.scalars(db.select(Comment).order_by(Comment.id)).all()
        return [(comment.id, comment.status) for comment in found]


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


# --- The unit of work itself ----------------------------------------------------------------


def committed_count(app) -> int:
    """Comments another connection can see: only what has been committed."""
    with app.app_context(), db.engine.connect() as other:
        return other.scalar(db.select(db.func.count()).select_from(Comment))


def test_a_transaction_commits_at_the_end_and_a_nested_one_joins_it(app) -> None:
    with app.app_context():
        with transaction():
            _add_comment("Outer")
            with transaction():
                _add_comment("Inner")
            assert committed_count(app) == 0, "the inner block committed nothing"
        assert committed_count(app) == 2


def test_an_error_in_the_block_rolls_everything_back(app) -> None:
    with app.app_context(), pytest.raises(ZeroDivisionError), transaction():
        _add_comment("Lost")
        _ = 1 / 0
    assert stored_comments(app) == []


def test_an_outer_block_that_swallows_an_inner_failure_is_refused_its_commit(app) -> None:
    from feedback_api.storage import TransactionAborted

    with app.app_context():
        with pytest.raises(TransactionAborted), transaction():
            _add_comment("Half")
            with pytest.raises(ZeroDivisionError), transaction():
                _ = 1 / 0
            _add_comment("The other half")
        with transaction():  # the next transaction starts clean
            _add_comment("Later")
    assert len(stored_comments(app)) == 1


def test_what_must_commit_alone_refuses_to_run_inside_another_transaction(app) -> None:
    """A sign-in attempt is claimed and committed before the slow password check: inside a
    transaction its commit would wait for the outer one, so it refuses."""
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", PASSWORD)
        with pytest.raises(RuntimeError, match="on its own"), transaction():
            accounts.authenticate("mod@example.nhs.uk", PASSWORD)
        assert accounts.authenticate("mod@example.nhs.uk", PASSWORD).ok


def test_an_audit_entry_is_only_recorded_inside_its_actions_transaction(app) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError, match="inside the transaction"):
            audit.record(AuditAction.PURGE, user=None)
        with pytest.raises(ValueError), transaction():
            audit.record("not an action", user=None)  # a misspelt action fails where written
    assert audit_actions(app) == []


def _add_comment(body: str) -> int:
    from feedback_api.storage.comments import add_comment

    return add_comment(
        page=PAGE,
        body=body,
        html=f"<p>{body}</p>",
        status="pending",
        held_reasons=[],
        edit_token_hash="x" * 64,
    ).id


# --- Actions and their audit entries ---------------------------------------------------------


def test_a_moderators_approval_is_not_stored_when_its_audit_entry_fails(
    staff_app, staff, monkeypatch
) -> None:
    moderator = staff("moderator")
    comment_id = seed(staff_app, "Please approve me")
    refuse_audit(monkeypatch)
    answer = act(moderator, f"/admin/comments/{comment_id}/approve")
    assert answer.status_code == 500
    assert get(staff_app, comment_id).status == "pending"
    assert counts(moderator) == 0, "the page's count and version are unchanged too"
    assert AuditAction.APPROVE not in audit_actions(staff_app)


def test_a_bulk_action_changes_every_item_or_none(staff_app, staff, monkeypatch) -> None:
    moderator = staff("moderator")
    first, second = seed(staff_app, "One"), seed(staff_app, "Two")
    real = audit.record
    calls = []

    def second_fails(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 2:
            raise AuditRefused("the audit log is unavailable")
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", second_fails)
    answer = act(moderator, "/admin/bulk", action="approve", ids=[first, second])
    assert answer.status_code == 500 and len(calls) == 2
    assert [get(staff_app, i).status for i in (first, second)] == ["pending", "pending"]
    assert audit_actions(staff_app).count(AuditAction.APPROVE) == 0


def test_an_official_reply_is_not_published_when_its_audit_entry_fails(
    staff_app, staff, monkeypatch
) -> None:
    moderator = staff("moderator")
    question = seed(staff_app, "When does it open?", status="approved")
    refuse_audit(monkeypatch)
    answer = act(moderator, f"/admin/comments/{question}/reply", body="In March.")
    assert answer.status_code == 500
    assert [cid for cid, _ in stored_comments(staff_app)] == [question]
    assert counts(moderator) == 1


def test_an_erasure_is_one_transaction_a_failure_on_a_later_item_keeps_the_first(
    app, client, monkeypatch
) -> None:
    for body in ("First", "Second"):
        client.post("/api/comments", json={"page": PAGE, "body": body, "email": "sam@example.com"})
    real = privacy.delete_comment
    deleted = []

    def second_fails(comment: Comment) -> None:
        if deleted:
            raise RuntimeError("the database refused the second deletion")
        real(comment)
        deleted.append(comment.id)

    monkeypatch.setattr(privacy, "delete_comment", second_fails)
    with app.app_context(), pytest.raises(RuntimeError, match="second deletion"):
        privacy.erase("sam@example.com")
    assert len(deleted) == 1, "the first item was deleted before the second failed"
    assert len(stored_comments(app)) == 2, "and its deletion was rolled back with the rest"
    assert AuditAction.PERSONAL_DATA_ERASED not in audit_actions(app)


def test_an_erasure_is_not_done_when_its_audit_entry_fails(staff_app, staff, monkeypatch) -> None:
    admin = staff("admin")
    admin.post("/api/comments", json={"page": PAGE, "body": "Mine", "email": "sam@example.com"})
    refuse_audit(monkeypatch)
    answer = admin.post(
        "/admin/people/erase",
        data={"email": "sam@example.com", "confirm": "yes", "csrf_token": admin.token},
    )
    assert answer.status_code == 500
    assert len(stored_comments(staff_app)) == 1


def test_an_erasure_takes_a_persons_reply_with_the_comment_it_answers(app, client) -> None:
    """The person's reply goes with their comment; erasing it again as an item of its own is
    no error."""
    email = "sam@example.com"
    first = client.post("/api/comments", json={"page": PAGE, "body": "Top", "email": email})
    with app.app_context(), transaction():
        from feedback_api.storage.comments import get_comment, set_status

        set_status(get_comment(first.json["id"]), "approved")
    reply = {"page": PAGE, "body": "Me again", "email": email, "parent": first.json["id"]}
    assert client.post("/api/comments", json=reply).status_code == 202
    with app.app_context():
        assert privacy.erase(email) == 2
    assert stored_comments(app) == []
    assert client.get(f"/api/comments/counts?page={PAGE}").json["counts"][PAGE] == 0


def test_users_totp_stores_no_secret_when_its_audit_entry_fails(app, runner, monkeypatch) -> None:
    with app.app_context():
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
    refuse_audit(monkeypatch)
    result = runner.invoke(args=["users", "totp", "admin@example.nhs.uk"])
    assert result.exit_code != 0 and isinstance(result.exception, AuditRefused)
    assert "Secret for" not in result.output
    with app.app_context():
        assert accounts.find("admin@example.nhs.uk").totp_secret is None


def test_users_totp_stores_the_secret_with_its_audit_entry(app, runner) -> None:
    with app.app_context():
        accounts.create("admin@example.nhs.uk", "admin", PASSWORD)
    result = runner.invoke(args=["users", "totp", "admin@example.nhs.uk"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        secret = accounts.find("admin@example.nhs.uk").totp_secret
    assert secret and f"Secret for admin@example.nhs.uk: {secret}" in result.output
    assert audit_actions(app) == [AuditAction.SECOND_FACTOR_SET]


@pytest.mark.parametrize(
    ("command", "action"),
    [
        (["users", "disable", "mod@example.nhs.uk"], "disabled"),
        (["users", "sign-out", "mod@example.nhs.uk"], "signed out"),
        (["users", "feed-token", "mod@example.nhs.uk"], "feed token"),
    ],
)
def test_account_commands_change_nothing_when_their_audit_entry_fails(
    app, runner, monkeypatch, command, action
) -> None:
    with app.app_context():
        accounts.create("mod@example.nhs.uk", "moderator", PASSWORD)
    with app.app_context(), transaction():
        user = accounts.find("mod@example.nhs.uk")
        token = accounts.open_session(user)
    refuse_audit(monkeypatch)
    result = runner.invoke(args=command)
    assert isinstance(result.exception, AuditRefused), action
    with app.app_context():
        user = accounts.find("mod@example.nhs.uk")
        assert not user.disabled and user.feed_token_hash is None
        assert accounts.find_session(token) is not None, "the session was not ended"
