"""E-mail when a "You said, we did" commitment changes status: to the people who asked to hear
back about their comment on that consultation, one message per address, through the outbox and
the real worker to a loopback SMTP server; once per change however often (and however many at
once) the command runs; never on a page's first run, for a note, or to someone erased."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pytest

from feedback_api import signals
from feedback_api.privacy import service as privacy
from feedback_api.storage import comments as storage
from feedback_api.storage import transaction
from feedback_api.storage.learning.models import CommitmentNotice
from feedback_api.storage.models import OutboxMessage, db
from fixtures.api import api_config
from fixtures.outbox import backlog, deliver
from fixtures.site import ROOT
from fixtures.smtp import SMTPServer

MILLBROOK = "/consultations/millbrook-maternity-services/"
OTHER = "/consultations/urgent-care-vale-cross/"
TEAMS = "same-midwife-teams"
TODAY = "2026-11-30"


class Site:
    """A copy of the sample manifest the app reads, whose commitments a test edits."""

    def __init__(self, built_site: Path, folder: Path) -> None:
        self.data = json.loads((built_site / "engagement.json").read_text(encoding="utf-8"))
        self.path = folder / "engagement.json"
        self.save()

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data), encoding="utf-8")

    def page(self, url: str) -> dict:
        return next(page for page in self.data["pages"] if page["url"] == url)

    def commitment(self, cid: str, url: str = MILLBROOK) -> dict:
        return next(c for c in self.page(url)["commitments"] if c["id"] == cid)

    def change(self, cid: str, status: str, note: str | None, day: str = TODAY, **fields) -> None:
        """A new history entry, as an editor adds one to the YAML and the build writes it."""
        commitment = self.commitment(cid)
        commitment["history"].append({"date": day, "status": status, "note": note})
        commitment.update(status=status, updated=day, **fields)
        self.save()

    @property
    def url(self) -> str:
        return self.data["site"]["url"]


@pytest.fixture
def site(built_site: Path, tmp_path: Path) -> Site:
    folder = tmp_path / "published"
    folder.mkdir()
    return Site(built_site, folder)


@pytest.fixture
def mail_app(make_app, smtp_server: SMTPServer, site: Site):
    return make_app(**smtp_server.settings, ENGAGE_DIGEST="off", ENGAGE_MANIFEST=str(site.path))


def comment(page: str, email: str | None, *, notify: bool = True, status: str = "approved"):
    with transaction():
        return storage.add_comment(
            page=page,
            body="A comment",
            html="<p>A comment</p>",
            status=status,
            held_reasons=[],
            edit_token_hash="-",
            email=email,
            notify=notify,
        )


@pytest.fixture
def readers(mail_app) -> None:
    """Who commented where: only sam (twice, in two spellings) and pat (still waiting for a
    moderator) asked to hear back about Millbrook and may be told."""
    with mail_app.app_context():
        comment(MILLBROOK, "sam@example.com")
        comment(MILLBROOK, "Sam@Example.com")
        comment(MILLBROOK, "pat@example.com", status="pending")
        comment(MILLBROOK, "kim@example.com", notify=False)
        comment(MILLBROOK, "rex@example.com", status="rejected")
        comment(MILLBROOK, "sid@example.com", status="spam")
        comment(MILLBROOK, None)
        comment(OTHER, "olly@example.com")


def notify(app) -> str:
    result = app.test_cli_runner().invoke(args=["notify", "commitments"])
    assert result.exit_code == 0, result.output
    return result.output


def text(message: Message) -> str:
    return message.get_payload(decode=True).decode().replace("\r\n", "\n")


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_the_first_run_records_the_history_without_mail(mail_app, readers, site) -> None:
    said = notify(mail_app)
    assert f"First run for {MILLBROOK}" in said and f"First run for {OTHER}" in said
    assert "only changes from now on are sent" in said
    assert "0 change(s) announced, 0 e-mail(s) queued" in said
    assert backlog(mail_app)["undelivered"] == 0
    with mail_app.app_context():
        recorded = db.session.scalars(db.select(CommitmentNotice)).all()
        teams = {(r.status, r.changed) for r in recorded if r.commitment == TEAMS}
        assert teams == {("planned", "2026-07-16"), ("in-progress", "2026-10-19")}
        assert all(r.mailed == 0 for r in recorded)
    assert "First run" not in notify(mail_app), "a page is seen for the first time once"


def test_a_status_change_mails_each_reader_who_asked_once(
    mail_app, readers, site, smtp_server: SMTPServer
) -> None:
    notify(mail_app)
    site.change(TEAMS, "done", "Every family in Millbrook now has a team.", evidence="/about/")
    said = notify(mail_app)
    assert "1 change(s) announced, 2 e-mail(s) queued" in said
    assert "First run" not in said
    deliver(mail_app)
    messages = smtp_server.inbox.messages
    assert sorted(m["To"] for m in messages) == ["pat@example.com", "sam@example.com"]
    title = site.page(MILLBROOK)["title"]
    for message in messages:
        assert subject(message) == (
            f"Update: {title} — Set up small teams of midwives who care for you from… is now done"
        )
        assert message.get_content_type() == "text/plain"
        body = text(message)
        assert "You said: You wanted to see the same midwife, or a small team" in body
        assert "We said we would: Set up small teams of midwives" in body
        assert "We have done this. (Updated 30 November 2026.)" in body
        assert "Every family in Millbrook now has a team." in body
        assert f"See it for yourself: {site.url}/about/\n" in body
        assert f"Read every update: {site.url}{MILLBROOK}#commitment-{TEAMS}\n" in body
        assert "Why you are getting this: you asked us to email you" in body
        assert "To stop these e-mails, reply to this one" in body
    with mail_app.app_context():
        row = db.session.scalars(
            db.select(CommitmentNotice).where(
                CommitmentNotice.commitment == TEAMS, CommitmentNotice.status == "done"
            )
        ).one()
        assert (row.page, row.commitment, row.changed, row.mailed) == (MILLBROOK, TEAMS, TODAY, 2)

    assert "0 change(s) announced" in notify(mail_app), "running again sends nothing"
    site.change(TEAMS, "done", "A note only: the teams are settling in.", day="2026-12-01")
    assert "0 change(s) announced" in notify(mail_app), "a note is not a change of status"
    deliver(mail_app)
    assert len(smtp_server.inbox.messages) == 2


def test_several_changes_at_once_are_one_mail_of_where_it_stands(
    mail_app, readers, site, smtp_server
) -> None:
    notify(mail_app)
    site.change("perinatal-mental-health-midwife", "in-progress", "Interviews this week.")
    site.change(
        "perinatal-mental-health-midwife",
        "not-going-ahead",
        None,
        day="2026-12-01",
        reason="The post could not be funded this year.",
    )
    assert "1 change(s) announced, 2 e-mail(s) queued" in notify(mail_app)
    deliver(mail_app)
    subjects = {subject(m) for m in smtp_server.inbox.messages}
    assert len(subjects) == 1 and subjects.pop().endswith("is now not going ahead")
    body = text(smtp_server.inbox.messages[0])
    assert "We are not going ahead with this." in body
    assert "Why: The post could not be funded this year." in body


def test_a_commitment_removed_from_the_content_is_left_alone(mail_app, readers, site) -> None:
    notify(mail_app)
    page = site.page(MILLBROOK)
    page["commitments"] = [c for c in page["commitments"] if c["id"] != TEAMS]
    site.save()
    assert "0 change(s) announced" in notify(mail_app)


def test_an_erased_person_is_not_told(mail_app, readers, site, smtp_server) -> None:
    notify(mail_app)
    with mail_app.app_context():
        privacy.erase("pat@example.com")
    site.change(TEAMS, "done", None)
    assert "1 change(s) announced, 1 e-mail(s) queued" in notify(mail_app)
    with mail_app.app_context():
        privacy.erase("sam@example.com")  # after the notice was queued, before it was sent
    deliver(mail_app)
    assert smtp_server.inbox.messages == []


def test_hostile_text_in_the_content_cannot_add_headers(mail_app, readers, site, smtp_server):
    notify(mail_app)
    site.change(
        TEAMS,
        "done",
        "Done.\r\nBcc: note@evil.example\r\n\r\n<script>alert(3)</script>",
        heard="You said\r\nBcc: heard@evil.example",
        will_do="<script>alert(1)</script>\r\nX-Injected: yes\nBcc: will@evil.example",
        evidence="/about/\r\nBcc: link@evil.example",
    )
    assert "2 e-mail(s) queued" in notify(mail_app)
    deliver(mail_app)
    messages = smtp_server.inbox.messages
    assert sorted(m["To"] for m in messages) == ["pat@example.com", "sam@example.com"]
    for message in messages:
        assert message["Bcc"] is None and message["X-Injected"] is None
        assert subject(message).startswith("Update: ") and "\n" not in subject(message)
        assert "<script>alert(1)</script> X-Injected: yes Bcc…" in subject(message)
        assert not message.is_multipart() and message.get_content_type() == "text/plain"
        body = text(message)
        assert "See it for yourself: " + site.url + "/about/ Bcc: link@evil.example\n" in body
        assert "<script>alert(3)</script>" in body, "plain text, shown as written"


def test_two_runs_at_once_announce_a_change_once(
    mail_app, readers, site, smtp_server, tmp_path: Path, built_site: Path, database: str
) -> None:
    notify(mail_app)
    site.change(TEAMS, "done", None)
    config = api_config(
        tmp_path, built_site, database, **smtp_server.settings, ENGAGE_MANIFEST=str(site.path)
    )
    env = {**os.environ, **{k: str(v) for k, v in config.items()}}
    env.pop("FLASK_APP", None)
    command = [sys.executable, "-m", "flask", "--app", "feedback_api", "notify", "commitments"]
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    said = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], said
    assert sorted("1 change(s) announced" in out for out in said) == [False, True], said
    with mail_app.app_context():
        db.session.remove()
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 2
    deliver(mail_app)
    assert sorted(smtp_server.inbox.to()) == ["pat@example.com", "sam@example.com"]


def test_publishing_announces_what_changed_in_the_published_site(mail_app, readers, site):
    """The publish job sends `site_published` with the site it put in place."""
    notify(mail_app)
    site.change(TEAMS, "done", None)
    with mail_app.app_context():
        said = signals.site_published.send(mail_app, manifest=site.path)
    lines = [line for _, result in said for line in result or []]
    assert lines == ["Commitment updates: 1 change(s) announced, 2 e-mail(s) queued."]
    assert backlog(mail_app)["undelivered"] == 2


def test_no_mail_server_records_and_says_so(make_app, site) -> None:
    app = make_app(ENGAGE_MANIFEST=str(site.path))
    result = app.test_cli_runner().invoke(args=["notify", "commitments"])
    assert result.exit_code == 0
    assert "No mail server is set (ENGAGE_SMTP_HOST)" in result.output


def test_entries_the_table_cannot_hold_are_passed_over(mail_app, readers, site) -> None:
    """A manifest written by hand: a day that is not one, an id longer than the table's."""
    notify(mail_app)
    site.change(TEAMS, "done", None, day="30/11/2026\r\nBcc: x@evil.example")
    page = site.page(MILLBROOK)
    page["commitments"].append({**site.commitment(TEAMS), "id": "x" * 300})
    site.save()
    assert "0 change(s) announced" in notify(mail_app)
