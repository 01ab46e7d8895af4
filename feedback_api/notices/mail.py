"""Sending one e-mail over SMTP, for the worker: it returns once the server has accepted the
message, and raises otherwise, so the outbox tries again later (or, for an answer that will
never change, such as a refused address, gives up at once)."""

from __future__ import annotations

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from flask import Flask

from feedback_api.outbox import PermanentFailure

# SMTP replies in the 500s are permanent ("mailbox unavailable"): trying again cannot help.
PERMANENT = 500


class Mailer:
    """One app's SMTP settings, and delivery of one message at a time."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.host = config["ENGAGE_SMTP_HOST"]
        self.port = config["ENGAGE_SMTP_PORT"]
        self.user = config["ENGAGE_SMTP_USER"]
        self.password = config["ENGAGE_SMTP_PASSWORD"]
        self.starttls = config["ENGAGE_SMTP_STARTTLS"]
        self.sender = config["ENGAGE_MAIL_FROM"]

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def message(self, to: str, subject: str, body: str, identity: str) -> EmailMessage:
        """A plain-text message to one recipient; its Message-ID comes from the outbox message's
        identity, so a message delivered twice (a worker killed at the wrong moment) is the same
        message to the receiver."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        domain = self.sender.rpartition("@")[2].strip("> ") or "engage.invalid"
        digest = hashlib.sha256(identity.encode()).hexdigest()[:40]
        message["Message-ID"] = f"<{digest}@{domain}>"
        message.set_content(body)
        return message

    def deliver(self, message: EmailMessage) -> None:
        """Hand the message to the server; raises if it was not accepted."""
        try:
            with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if codes and min(codes) >= PERMANENT:
                raise PermanentFailure(f"the server refused the address ({codes[0]})") from error
            raise
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= PERMANENT and not isinstance(
                error, smtplib.SMTPAuthenticationError
            ):
                raise PermanentFailure(
                    f"the server refused the message ({error.smtp_code})"
                ) from error
            raise
