"""E-mail to the moderator when a comment arrives (optional; SMTP, sent from a background thread)."""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
from dataclasses import dataclass
from email.message import EmailMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send (COMMENTS_SMTP_* settings or environment variables)."""

    host: str
    port: int
    sender: str
    recipient: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 15


class SmtpNotifier:
    """Sends one short mail per new comment; a slow or broken mail server never delays the intake."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._queue: queue.Queue[dict] = queue.Queue(maxsize=1000)
        threading.Thread(target=self._work, name="comments-mail", daemon=True).start()

    def __call__(self, comment: dict) -> None:
        """Queue the notification for comment (id, article, title, author, body, spam)."""
        try:
            self._queue.put_nowait(comment)
        except queue.Full:
            logger.warning("comments: mail queue full, no notification for %s", comment["id"])

    def wait(self) -> None:
        """Block until every queued notification was sent or failed."""
        self._queue.join()

    def message(self, comment: dict) -> EmailMessage:
        """The mail for one comment: who wrote on which article, the text, and the next step."""
        mail = EmailMessage()
        held = " (als möglicher Spam zurückgehalten)" if comment["spam"] else ""
        mail["Subject"] = f"Neuer Kommentar{held} zu „{comment['title']}“ von {comment['author']}"
        mail["From"] = self.settings.sender
        mail["To"] = self.settings.recipient
        mail.set_content(
            f"{comment['author']} hat den Beitrag „{comment['title']}“ kommentiert{held}:\n\n"
            f"{comment['body']}\n\n"
            f"Ansehen:        invoke comments.show {comment['id']}\n"
            f"Freischalten:   invoke comments.approve {comment['id']}\n"
            f"Ablehnen:       invoke comments.reject {comment['id']}\n"
        )
        return mail

    def _work(self) -> None:
        while True:
            comment = self._queue.get()
            try:
                self._send(self.message(comment))
            except (OSError, smtplib.SMTPException) as exc:
                logger.warning("comments: could not mail the notification for %s: %s", comment["id"], exc)
            finally:
                self._queue.task_done()

    def _send(self, mail: EmailMessage) -> None:
        options = self.settings
        with smtplib.SMTP(options.host, options.port, timeout=options.timeout) as smtp:
            if options.starttls:
                smtp.starttls()
            if options.user:
                smtp.login(options.user, options.password or "")
            smtp.send_message(mail)
