"""Sending e-mail over SMTP, off the request path: a failed or slow mail server never delays or
breaks a reader's post or a moderator's action; failures are logged."""

from __future__ import annotations

import logging
import smtplib
from concurrent.futures import Future, ThreadPoolExecutor
from email.message import EmailMessage

from flask import Flask

logger = logging.getLogger(__name__)


class Mailer:
    """One app's outgoing mail, sent one message at a time by a background thread."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.host = config["ENGAGE_SMTP_HOST"]
        self.port = config["ENGAGE_SMTP_PORT"]
        self.user = config["ENGAGE_SMTP_USER"]
        self.password = config["ENGAGE_SMTP_PASSWORD"]
        self.starttls = config["ENGAGE_SMTP_STARTTLS"]
        self.sender = config["ENGAGE_MAIL_FROM"]
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engage-mail")
        self.pending: list[Future] = []

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def send(self, to: list[str], subject: str, body: str) -> None:
        """Queue a plain-text message; nothing happens when no SMTP host is configured."""
        if not self.enabled or not to:
            return
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        message["Subject"] = subject
        message.set_content(body)
        self.pending = [f for f in self.pending if not f.done()]
        self.pending.append(self.pool.submit(self._deliver, message))

    def flush(self, timeout: float = 30) -> None:
        """Wait until every queued message was handed to the server (commands and tests)."""
        for future in list(self.pending):
            future.result(timeout=timeout)

    def _deliver(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException):
            logger.exception("could not send mail %r to %s", message["Subject"], message["To"])
