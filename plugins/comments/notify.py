"""E-mail to the moderator when a comment arrives (optional; SMTP, sent from a background thread).

With COMMENTS_SECRET set, the mail carries signed one-tap links to the intake's moderation pages
("Freischalten", "Ohne Links freischalten", "Ablehnen"); without it, only the commands.
Never the commenter's e-mail or IP address.
"""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
from email.message import EmailMessage

from .mailer import MailSettings, SmtpSettings, new_message, send_mail, smtp_reason

logger = logging.getLogger(__name__)

__all__ = ["SmtpNotifier", "SmtpSettings"]

ATTEMPTS = 3
RETRY_SECONDS = (5.0, 30.0)
ACTIONS = (("f", "Freischalten"), ("o", "Ohne Links freischalten"), ("r", "Ablehnen"))  # tokens.MODERATE


class SmtpNotifier:
    """Sends one short mail per new comment; a slow or broken mail server never delays the intake."""

    def __init__(self, settings: SmtpSettings, mail: MailSettings | None = None) -> None:
        self.settings = settings
        self.mail = mail or MailSettings(smtp=settings)
        self._warned = False
        self._queue: queue.Queue[tuple[dict, int]] = queue.Queue(maxsize=1000)
        threading.Thread(target=self._work, name="comments-mail", daemon=True).start()

    def __call__(self, comment: dict) -> None:
        """Queue the notification for comment (id, article, title, author, body, spam)."""
        self._put(comment, 1)

    def _put(self, comment: dict, attempt: int) -> None:
        try:
            self._queue.put_nowait((comment, attempt))
        except queue.Full:
            logger.warning("comments: Mail-Warteschlange voll, keine Benachrichtigung zu Kommentar %s", comment["id"])

    def wait(self) -> None:
        """Block until every queued notification was sent or failed."""
        self._queue.join()

    def links(self, comment_id: str) -> list[tuple[str, str]]:
        """(label, URL) of the one-tap moderation links, none without a secret."""
        signer = self.mail.signer
        if signer is None:
            if not self._warned:
                self._warned = True
                logger.warning(
                    "comments: COMMENTS_SECRET fehlt: die Mail an die Moderation enthält keine Freischalt-Links, "
                    "nur die Befehle"
                )
            return []
        return [
            (label, self.mail.link("moderation", signer.make(purpose, comment_id, self.mail.moderation_link_days)))
            for purpose, label in ACTIONS
        ]

    def message(self, comment: dict) -> EmailMessage:
        """The mail for one comment: who wrote on which article, the text, and the next step."""
        held = " (als möglicher Spam zurückgehalten)" if comment["spam"] else ""
        links = self.links(comment["id"])
        tap = ""
        if links:
            width = max(len(label) for label, _ in links) + 2
            tap = "Mit einem Klick (öffnet eine Seite mit Knöpfen; erst der Knopf handelt):\n" + "".join(
                f"{label + ':':<{width}}{url}\n" for label, url in links
            )
            tap += f"Die Links gelten {self.mail.moderation_link_days:g} Tage und nur einmal.\n\n"
        text = (
            f"{comment['author']} hat den Beitrag „{comment['title']}“ kommentiert{held}:\n\n"
            f"{comment['body']}\n\n"
            f"{tap}"
            "Oder im Projektordner:\n"
            f"Ansehen:        invoke comments.show {comment['id']}\n"
            f"Freischalten:   invoke comments.approve {comment['id']}\n"
            f"Ablehnen:       invoke comments.reject {comment['id']}\n"
        )
        subject = f"Neuer Kommentar{held} zu „{comment['title']}“ von {comment['author']}"
        return new_message(self.mail, self.settings.recipient, subject, text)

    def _work(self) -> None:
        while True:
            comment, attempt = self._queue.get()
            try:
                send_mail(self.settings, self.message(comment))
            except (OSError, smtplib.SMTPException) as exc:
                if attempt < ATTEMPTS:
                    retry = threading.Timer(RETRY_SECONDS[attempt - 1], self._put, (comment, attempt + 1))
                    retry.daemon = True
                    retry.start()
                logger.warning(
                    "comments: Mail an die Moderation zu Kommentar %s nicht gesendet (Versuch %d von %d): %s",
                    comment["id"], attempt, ATTEMPTS, smtp_reason(exc),
                )  # fmt: skip
            finally:
                self._queue.task_done()
