"""E-mail to people who asked to hear back, when a "You said, we did" commitment of the
consultation they commented on changes status.

The build writes each consultation's commitments, with their history, into the manifest; the
`commitment_notices` table records which changes have been announced. `announce` compares the
two: each change not yet recorded is recorded and its e-mails are queued to the outbox in the
same transaction, one message per address (whoever commented several times hears once), so a
change is announced once however often, and however many at once, it runs. It runs after each
publish (the workspace's publish job, `invoke publish` and so the daily rebuild) and as
`flask --app feedback_api notify commitments`.

What counts as a change: a history entry whose status differs from the entry before it (an
entry with the same status only adds a note). A commitment's first entry is how it started,
not a change: it is recorded without mail. So is everything on a page the first time the page
is seen (nothing recorded for it yet): turning this on never mails people the whole history. A
commitment removed from the content is simply no longer looked at. When a run finds several
new changes to one commitment, one e-mail tells its status now.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app

from contract.vocabulary import COMMITMENT_STATUSES, CommitmentStatus
from contract.wordings import N_
from feedback_api import signals
from feedback_api.manifest import Manifest, read
from feedback_api.notices.notifications import MAIL, mailer, notify_cli, queue_mail
from feedback_api.storage import transaction
from feedback_api.storage.learning import commitments as storage
from feedback_api.textsafe import scrub
from theme import i18n
from theme.i18n import gettext as _

# The status as the e-mail's subject ends ("... is now in progress") and as its body says it.
# Marked for the readers' catalogue: each e-mail is in the language of the page it is about.
STATUS_WORDS = {
    CommitmentStatus.PLANNED: N_("planned"),
    CommitmentStatus.IN_PROGRESS: N_("in progress"),
    CommitmentStatus.DONE: N_("done"),
    CommitmentStatus.NOT_GOING_AHEAD: N_("not going ahead"),
}
STATUS_SENTENCES = {
    CommitmentStatus.PLANNED: N_("We plan to do this."),
    CommitmentStatus.IN_PROGRESS: N_("We have started doing this."),
    CommitmentStatus.DONE: N_("We have done this."),
    CommitmentStatus.NOT_GOING_AHEAD: N_("We are not going ahead with this."),
}
# What we said we would do, as much of it as a subject line has room for.
SUBJECT_WORDS = 60
# The longest commitment id the table holds (CommitmentNotice.commitment).
ID_LENGTH = 100


@dataclasses.dataclass
class Announced:
    """What one run did: changes mailed, e-mails queued, and pages seen for the first time
    (their changes so far recorded without mail)."""

    changes: int = 0
    mails: int = 0
    silent: int = 0
    first_pages: list[str] = dataclasses.field(default_factory=list)


def init_app(app: Flask) -> None:
    signals.site_published.connect(on_site_published, sender=app)


def transitions(commitment: dict[str, Any]) -> Iterator[tuple[storage.Change, dict, bool]]:
    """Each (change, history entry, whether it is the commitment's first entry), oldest first;
    an entry with the status of the one before is a note, not a change."""
    before = None
    for entry in commitment.get("history") or []:
        if not isinstance(entry, dict):
            continue
        status, day = entry.get("status"), entry.get("date")
        if status not in COMMITMENT_STATUSES or not is_day(day):
            continue
        if status != before:
            yield (commitment["id"], status, day), entry, before is None
        before = status


def is_day(value: Any) -> bool:
    """A history entry's day as the schema writes it (YYYY-MM-DD)."""
    if not isinstance(value, str) or len(value) != len("2026-01-01"):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def commitments_of(page: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's commitments that can be told apart: an id the table can hold."""
    found = page.get("commitments") or []
    return [
        c
        for c in found
        if isinstance(c, dict) and isinstance(c.get("id"), str) and 0 < len(c["id"]) <= ID_LENGTH
    ]


def announce(manifest: Manifest) -> Announced:
    """Record every change in the manifest not yet recorded and queue its e-mails, in one
    transaction (see the module's docstring)."""
    done = Announced()
    with transaction():
        for url, page in manifest.pages.items():
            found = commitments_of(page)
            if not found:
                continue
            recorded = storage.announced(url)
            first_run = not recorded
            if first_run:
                done.first_pages.append(url)
            readers: list[str] | None = None
            for commitment in found:
                newest = None
                for change, entry, first in transitions(commitment):
                    if change in recorded:
                        continue
                    row = storage.record(url, change)
                    if row is None:  # another run recorded it, and announces it
                        continue
                    if first_run or first:
                        done.silent += 1
                    else:
                        newest = (row, entry)
                if newest is None:
                    continue
                if readers is None:
                    readers = storage.subscribers(url)
                row, entry = newest
                row.mailed = _queue(manifest, url, commitment, entry, readers, row.id)
                done.changes += 1
                done.mails += row.mailed
    return done


def _queue(
    manifest: Manifest,
    url: str,
    commitment: dict[str, Any],
    entry: dict[str, Any],
    readers: list[str],
    change_id: int,
) -> int:
    if not readers:
        return 0
    site = manifest.site
    title = one_line(manifest.pages[url].get("title") or url)
    status = CommitmentStatus(entry["status"])
    seed = f"{url}|{commitment['id']}|{status}|{entry['date']}|{change_id}"
    key = "commitment:" + hashlib.sha256(seed.encode()).hexdigest()[:24]
    with i18n.rendering_in(manifest.pages[url].get("lang")):
        subject = _("Update: %(title)s — %(commitment)s is now %(status)s") % {
            "title": title,
            "commitment": shortened(one_line(commitment.get("will_do") or "")),
            "status": _(STATUS_WORDS[status]),
        }
        said = body(site, url, title, commitment, entry)
    return queue_mail(MAIL, key, readers, subject, said)


def body(
    site: dict[str, Any], url: str, title: str, commitment: dict[str, Any], entry: dict[str, Any]
) -> str:
    """The e-mail's plain text: what we heard, what we said we would do, where it stands now
    and why, where to see it, and why the reader is getting it."""
    status = CommitmentStatus(entry["status"])
    base = str(site.get("url", "")).rstrip("/")
    lines = [
        _("There is news about something we said we would do after ‘%(title)s’.")  # noqa: RUF001
        % {"title": title},
        "",
        _("You said: %(heard)s") % {"heard": text(commitment.get("heard"))},
        _("We said we would: %(will_do)s") % {"will_do": text(commitment.get("will_do"))},
        "",
        _("%(status)s (Updated %(day)s.)")
        % {"status": _(STATUS_SENTENCES[status]), "day": day(entry["date"])},
    ]
    if note := text(entry.get("note")):
        lines.append(note)
    if status == CommitmentStatus.NOT_GOING_AHEAD and (reason := text(commitment.get("reason"))):
        lines.append(_("Why: %(reason)s") % {"reason": reason})
    evidence = commitment.get("evidence")
    if isinstance(evidence, str) and evidence.strip():
        evidence = one_line(evidence)
        where = base + evidence if evidence.startswith("/") else evidence
        lines.append(_("See it for yourself: %(where)s") % {"where": where})
    lines += [
        "",
        _("Read every update: %(address)s")
        % {"address": f"{base}{url}#commitment-{commitment['id']}"},
        "",
        _(
            "Why you are getting this: you asked us to email you when you commented on "
            "‘%(title)s’. To stop these e-mails, reply to this one and tell us: "  # noqa: RUF001
            "we will remove your address."
        )
        % {"title": title},
        one_line(site.get("name") or ""),
    ]
    return "\n".join(lines) + "\n"


def text(value: Any) -> str:
    """Content text as a body may hold it (no control characters; its own line breaks kept)."""
    if not value:
        return ""
    return scrub(str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()


def one_line(value: Any) -> str:
    """Content text for a header or a link: one line, so it cannot start another header."""
    return " ".join(scrub(str(value)).split())


def shortened(words: str, limit: int = SUBJECT_WORDS) -> str:
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0] or words[:limit]
    return cut.rstrip(" ,.;:") + "…"


def day(iso: str) -> str:
    """5 October 2026, in the language being written ("5 Hydref 2026")."""
    return i18n.date_text(iso)


def summary(done: Announced) -> list[str]:
    """What a run did, in sentences for the command line and the publish job's log."""
    said = [
        f"First run for {url}: its commitments' changes so far are recorded without e-mail; "
        "only changes from now on are sent."
        for url in done.first_pages
    ]
    said.append(
        f"Commitment updates: {done.changes} change(s) announced, {done.mails} e-mail(s) queued."
    )
    return said


def on_site_published(app: Flask, manifest: Path, **_: Any) -> list[str]:
    """The site just published: announce what changed in it."""
    return summary(announce(read(manifest)))


@notify_cli.command("commitments")
@click.option(
    "--manifest",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The built engagement.json to read (default: the one the API reads, ENGAGE_MANIFEST).",
)
def commitments_command(path: Path | None) -> None:
    """E-mail people who asked to hear back when a "You said, we did" commitment of the
    consultation they commented on changes status (runs after each publish too)."""
    source = path or current_app.extensions["engage_manifest"].path
    manifest = read(source)  # a ManifestError says what to fix, as a click error does
    if not mailer().enabled:
        click.echo(
            "No mail server is set (ENGAGE_SMTP_HOST): changes are recorded, no e-mail queued.",
            err=True,
        )
    for line in summary(announce(manifest)):
        click.echo(line)
