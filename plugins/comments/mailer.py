"""E-mail to readers who asked for it: composed from the outbox, sent by a background worker with retries.

Everything that sends goes through ``send_mail`` (plain text, German subject, the site's name as
sender name, Message-ID, Date). The intake runs one ``OutboxWorker``: it sends what any process
put into the queue's ``mail_outbox`` (an approval by link, by `invoke comments.approve` or through
the API; `invoke comments.reply`), retries a failed mail a few times, logs one German line per
failure and never holds up a comment. Addresses are read from ``subscribers`` at sending time and
never logged.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from . import subscriptions
from .tokens import CONFIRM, UNSUBSCRIBE, Signer

logger = logging.getLogger(__name__)

RETRY_DELAYS = (10, 60, 300, 1800)  # seconds before the 2nd, 3rd, ... attempt; then the mail is dropped
POLL_SECONDS = 2.0
# Long ASCII headers (List-Unsubscribe) stay one plain line: folded, they became encoded words.
MAIL_POLICY = SMTP.clone(max_line_length=998)
PURGE_SECONDS = 3600


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


@dataclass(frozen=True)
class MailSettings:
    """What the mails say and link to: the site, the intake's path, the secret and the time limits."""

    smtp: SmtpSettings
    site_name: str = ""
    site_url: str = ""  # absolute, without trailing slash
    mount: str = "/kommentare/"
    secret: str | None = None
    moderation_link_days: float = 7
    notify_retention_days: int = 180

    @property
    def signer(self) -> Signer | None:
        """The token signer, or None without COMMENTS_SECRET (then no mail carries a link that acts)."""
        return Signer(self.secret) if self.secret else None

    def link(self, area: str, token: str) -> str:
        """The absolute URL of one of the intake's pages: <SITEURL>/kommentare/<area>/<token>."""
        return f"{self.site_url}{self.mount}{area}/{token}"

    def page_url(self, path: str) -> str:
        """An absolute URL of the site from a manifest path ("beitrag/")."""
        return f"{self.site_url}/{path.lstrip('/')}"


def new_message(mail: MailSettings, to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text mail with the site's name as sender name, Message-ID and Date."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject
    sender = mail.smtp.sender
    message["From"] = str(Address(mail.site_name, addr_spec=sender)) if mail.site_name else sender
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = sender.rpartition("@")[2] or urlsplit(mail.site_url).hostname or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, cte="8bit")  # links stay whole lines in the source (no quoted-printable breaks)
    return message


def send_mail(smtp_settings: SmtpSettings, message: EmailMessage) -> None:
    """Send one message (OSError or smtplib.SMTPException when that fails)."""
    with smtplib.SMTP(smtp_settings.host, smtp_settings.port, timeout=smtp_settings.timeout) as smtp:
        if smtp_settings.starttls:
            smtp.starttls()
        if smtp_settings.user:
            smtp.login(smtp_settings.user, smtp_settings.password or "")
        smtp.send_message(message)


def smtp_reason(exc: Exception) -> str:
    """Why sending failed, for the log: never the server's text, which may repeat the reader's address."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "Empfänger abgelehnt"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"Mailserver antwortet {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPException):
        return f"SMTP-Fehler ({type(exc).__name__})"
    return f"Mailserver nicht erreichbar ({getattr(exc, 'strerror', None) or type(exc).__name__})"


def with_unsubscribe(message: EmailMessage, url: str) -> EmailMessage:
    """Add the RFC 8058 one-click unsubscribe headers."""
    message["List-Unsubscribe"] = f"<{url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


class OutboxWorker:
    """Sends the outbox of the queue in a background thread (poll, or wake() after a change)."""

    def __init__(self, queue, manifest, mail: MailSettings) -> None:
        self.queue = queue
        self.manifest = manifest
        self.mail = mail
        self.signer = mail.signer
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._purged = 0.0
        self._thread: threading.Thread | None = None

    def start(self) -> OutboxWorker:
        """Run in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="comments-outbox", daemon=True)
        self._thread.start()
        return self

    def wake(self) -> None:
        """Look into the outbox now."""
        self._wake.set()

    def close(self) -> None:
        """Stop the thread (mails still waiting stay in the outbox for the next start)."""
        self._closing.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._closing.is_set():
            try:
                if time.monotonic() - self._purged > PURGE_SECONDS:
                    self._purged = time.monotonic()
                    self.purge()
                self.send_due()
            except Exception:  # the worker must survive a locked or broken queue file
                logger.exception("comments: Fehler beim Versenden der Benachrichtigungen; nächster Versuch gleich")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    def purge(self) -> int:
        """Delete subscriptions older than notify_retention_days (then empty the WAL)."""
        removed = self.queue.write(lambda db: subscriptions.purge(db, self.mail.notify_retention_days))
        if removed:
            self.queue.checkpoint()
            logger.info("comments: %d abgelaufene Benachrichtigungswünsche gelöscht", removed)
        return removed

    def send_due(self) -> int:
        """Send every mail that is due; returns how many were sent."""
        sent = 0
        stamp = subscriptions.now()
        rows = self.queue.read(
            lambda db: db.execute(
                "SELECT id, kind, comment_id, payload, attempts, due FROM mail_outbox"
                " WHERE due <= ? ORDER BY id LIMIT 50",
                (stamp,),
            ).fetchall()
        )
        for row_id, kind, comment_id, payload, attempts, due in rows:
            if self._closing.is_set():
                break
            claimed = self._claim(row_id, due)
            if not claimed:
                continue  # another intake process took it
            message = self.compose(kind, comment_id, json.loads(payload))
            if message is None:
                self._done(row_id)
                continue
            try:
                send_mail(self.mail.smtp, message)
            except (OSError, smtplib.SMTPException) as exc:
                self._failed(row_id, kind, comment_id, attempts, exc)
                continue
            self._done(row_id)
            sent += 1
        return sent

    def _claim(self, row_id: int, due: str) -> bool:
        later = (datetime.now(UTC) + timedelta(minutes=10)).isoformat(timespec="seconds")
        return bool(
            self.queue.write(
                lambda db: (
                    db.execute("UPDATE mail_outbox SET due = ? WHERE id = ? AND due = ?", (later, row_id, due)).rowcount
                )
            )
        )

    def _done(self, row_id: int) -> None:
        self.queue.write(lambda db: db.execute("DELETE FROM mail_outbox WHERE id = ?", (row_id,)))

    def _failed(self, row_id: int, kind: str, comment_id: str, attempts: int, exc: Exception) -> None:
        what = "Freischaltungs-Mail" if kind == "approved" else "Antwort-Benachrichtigung"
        if attempts >= len(RETRY_DELAYS):
            self._done(row_id)
            logger.error(
                "comments: %s zu Kommentar %s nach %d Versuchen verworfen: %s",
                what, comment_id, attempts + 1, smtp_reason(exc),
            )  # fmt: skip
            return
        delay = RETRY_DELAYS[attempts]
        due = (datetime.now(UTC) + timedelta(seconds=delay)).isoformat(timespec="seconds")
        self.queue.write(
            lambda db: db.execute("UPDATE mail_outbox SET attempts = attempts + 1, due = ? WHERE id = ?", (due, row_id))
        )
        logger.warning(
            "comments: %s zu Kommentar %s nicht gesendet (%s); neuer Versuch in %d s",
            what, comment_id, smtp_reason(exc), delay,
        )  # fmt: skip

    def compose(self, kind: str, comment_id: str, payload: dict) -> EmailMessage | None:
        """The mail for one outbox row, or None when there is nobody to send it to any more."""
        found = self.queue.read(
            lambda db: (
                db.execute(
                    "SELECT email, state, article FROM subscribers WHERE comment_id = ?", (comment_id,)
                ).fetchone(),
                db.execute("SELECT author FROM comments WHERE id = ?", (comment_id,)).fetchone(),
            )
        )
        subscriber, comment = found
        if subscriber is None or self.signer is None:
            return None
        email, state, slug = subscriber
        if kind == "reply" and state != "confirmed":
            return None
        article = self.manifest.articles().get(slug, {})
        title = str(article.get("title") or slug)
        page = self.mail.page_url(str(article.get("url", slug + "/")))
        unsubscribe = self.mail.link("abmelden", self.signer.make(UNSUBSCRIBE, comment_id, None))
        signature = f"\n\nViele Grüße\n{self.mail.site_name}\n{self.mail.site_url}/\n"
        if kind == "approved":
            confirm = self.mail.link(
                "benachrichtigung", self.signer.make(CONFIRM, comment_id, self.mail.notify_retention_days)
            )
            greeting = f"Guten Tag {comment[0]}," if comment else "Guten Tag,"
            text = (
                f"{greeting}\n\n"
                f"Ihr Kommentar zum Beitrag „{title}“ ist freigeschaltet. Sie finden ihn hier\n"
                "(sollte er noch fehlen: die Website wird in Kürze neu veröffentlicht):\n"
                f"{page}#comment-{comment_id}\n\n"
                "Möchten Sie erfahren, wenn jemand antwortet? Dann bestätigen Sie das bitte hier:\n"
                f"{confirm}\n\n"
                "Wenn nicht, müssen Sie nichts tun: Ohne Bestätigung schreiben wir Ihnen nicht wieder, und\n"
                f"Ihre E-Mail-Adresse wird spätestens {self.mail.notify_retention_days} Tage nach Ihrem Kommentar "
                "gelöscht.\nSofort löschen lassen können Sie sie hier:\n"
                f"{unsubscribe}"
                f"{signature}"
            )
            subject = f"Ihr Kommentar zu „{title}“ ist freigeschaltet"
        else:
            text = (
                "Guten Tag,\n\n"
                f"{payload.get('author', '')} hat auf Ihren Kommentar zum Beitrag „{title}“ geantwortet:\n\n"
                f"{payload.get('body', '')}\n\n"
                f"Zur Antwort: {page}#comment-{payload.get('reply_id', '')}\n\n"
                "Sie erhalten diese E-Mail, weil Sie Benachrichtigungen über Antworten bestätigt haben.\n"
                "Keine Benachrichtigungen mehr (Ihre E-Mail-Adresse wird dabei sofort gelöscht):\n"
                f"{unsubscribe}"
                f"{signature}"
            )
            subject = f"Neue Antwort auf Ihren Kommentar zu „{title}“"
        return with_unsubscribe(new_message(self.mail, email, subject, text), unsubscribe)


def mail_settings(settings: dict) -> MailSettings | None:
    """The e-mail settings (COMMENTS_SMTP_*, COMMENTS_NOTIFY_*, COMMENTS_SECRET; environment first), or
    None without COMMENTS_SMTP_HOST or without a sender (COMMENTS_NOTIFY_FROM, else COMMENTS_NOTIFY_TO)."""
    from plugins.pluginkit import absolute_siteurl

    from .plugin import comment_settings, intake_mount, setting_from_env

    def value(name: str, default=None):
        return setting_from_env(settings, name, default)

    host, recipient = value("COMMENTS_SMTP_HOST"), value("COMMENTS_NOTIFY_TO") or ""
    sender = value("COMMENTS_NOTIFY_FROM") or recipient
    if not (host and sender):
        return None
    options = comment_settings(settings)
    for key in ("moderation_link_days", "notify_retention_days"):
        days = options[key]
        if isinstance(days, bool) or not isinstance(days, int | float) or days <= 0:
            raise ValueError(f'COMMENTS["{key}"] must be a positive number of days, not {days!r}')
    try:
        port = int(value("COMMENTS_SMTP_PORT", 25))
    except ValueError:
        raise ValueError(f"COMMENTS_SMTP_PORT must be a port number, not {value('COMMENTS_SMTP_PORT')!r}") from None
    return MailSettings(
        smtp=SmtpSettings(
            host=host,
            port=port,
            sender=sender,
            recipient=recipient,
            user=value("COMMENTS_SMTP_USER"),
            password=value("COMMENTS_SMTP_PASSWORD"),
            starttls=str(value("COMMENTS_SMTP_STARTTLS", "")).lower() in {"1", "true", "yes", "ja"},
        ),
        site_name=str(settings.get("SITENAME", "")),
        site_url=absolute_siteurl(settings),
        mount=intake_mount(settings),
        secret=value("COMMENTS_SECRET") or None,
        moderation_link_days=options["moderation_link_days"],
        notify_retention_days=options["notify_retention_days"],
    )
