"""Listening: what people say to the organisation on social media, brought into the moderated
inbox beside site comments (`flask --app feedback_api listen`, from a timer), and the
organisation's replies posted back where they asked, through the outbox.

The platforms' clients are the shared ones (platforms.listening); the inbox, its screening and
the cursors are the API's (inbox, poll, storage.social); our posts come from the cross-poster's
ledger, asked as a process (posts). Nothing heard is ever published on the site.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from feedback_api import outbox, signals
from feedback_api.listening import replies
from feedback_api.listening.cli import listen_command
from feedback_api.storage.models import Comment


def init_app(app: Flask) -> None:
    outbox.register(app, replies.KIND, outbox.Handler(replies.deliver, replies.describe))
    signals.official_reply_posted.connect(_on_reply, sender=app)
    app.cli.add_command(listen_command)


def _on_reply(app: Flask, reply: Comment, parent: Comment, **_: Any) -> None:
    """A reply to a social item goes back to its platform (a site reply is published here)."""
    if parent.social:
        replies.queue(reply)
