"""The comment intake: a small WSGI app behind `/kommentare/` that validates a form post and queues it.

Answers (DESIGN.md): accepted -> 303 to the article with the "wartet auf Freischaltung" notice, or
202 JSON; bad input -> 400 naming the field; unknown article -> 404; closed -> 403; too large ->
413; too many posts -> 429. Nothing unexpected becomes a 500: it is logged and answered with 503.
A Webmention is answered 202 at once and verified by MentionWorkers in the background (503 when
their queue is full). HEAD answers carry the headers of GET and no body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from plugins.pluginkit import output_file

from . import subscriptions
from .answers import SHELL, AnswerPages, plain_page
from .cleaning import WebsiteError, check_website, clean_text
from .mailer import MailSettings, OutboxWorker, mail_settings
from .model import SLUG_RE
from .moderation_pages import MailPages
from .queue import CommentQueue, QueueError
from .webmention import (
    FetchLimits,
    MentionWorkers,
    WebmentionError,
    check_source_address,
    check_url,
    normalize,
    verify,
)

logger = logging.getLogger(__name__)

FIELDS = ("article", "author", "email", "url", "body", "reply_to", "consent")
HONEYPOT = "firma"
LABELS = {
    "article": "Artikel",
    "author": "Name",
    "email": "E-Mail",
    "url": "Website",
    "body": "Kommentar",
    "reply_to": "Antwort auf",
    "consent": "Einwilligung",
    "source": "source (Quelle der Webmention)",
    "target": "target (Ziel der Webmention)",
    HONEYPOT: "Firma",
}
DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"\A[^@\s<>()\[\],;:\"\\]{{1,64}}@{DOMAIN_LABEL}(?:\.{DOMAIN_LABEL})+\Z")
LINK_RE = re.compile(r"(?:https?://|www\.)[^\s)\]>]+", re.IGNORECASE)
MAX_AUTHOR = 100
MAX_EMAIL = 254
MAX_URL = 300
STATUS_TEXT = {
    200: "200 OK",
    202: "202 Accepted",
    303: "303 See Other",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    410: "410 Gone",
    413: "413 Content Too Large",
    429: "429 Too Many Requests",
    503: "503 Service Unavailable",
}
# waitress when no nginx is in front (the preview, a direct setup): silent connections are dropped
# after 30 s (waitress: 120), room for 250 of them (waitress: 100), bodies over 1 MB refused before
# they reach a thread. A connection that trickles bytes still holds its slot: in production nginx
# buffers whole requests in front of the intake (README, Production).
WAITRESS_OPTIONS = {
    "threads": 8,
    "connection_limit": 250,
    "channel_timeout": 30,
    "cleanup_interval": 10,
    "max_request_body_size": 1_048_576,
}
UNAVAILABLE = "Der Kommentar konnte gerade nicht gespeichert werden. Bitte versuchen Sie es in einigen Minuten erneut."
BUSY = "Gerade warten zu viele Webmentions auf ihre Prüfung. Bitte senden Sie sie in einigen Minuten erneut."
FORM_TYPE = "application/x-www-form-urlencoded"
NOTICE_QUERY = "?kommentar=wartet#kommentar-wartet"
PURGE_INTERVAL = 3600  # seconds


class Rejection(Exception):
    """A post the intake refuses: HTTP status, the field at fault and a German message for the reader."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@dataclass
class IntakeConfig:
    """Everything the intake reads once at start."""

    db_path: Path
    manifest_path: Path
    rate_limit: int = 5
    rate_window_seconds: int = 600
    max_body_chars: int = 5000
    max_request_bytes: int = 65536
    max_links: int = 2
    token: str | None = None
    retention_days: int = 30
    webmention: FetchLimits | None = field(default_factory=FetchLimits)
    webmention_workers: int = 2  # threads that verify mentions, off the request path
    webmention_queue: int = 20  # mentions waiting for them; more get 503
    mount: str = "/kommentare/"
    notify: Callable[[dict], None] | None = field(default=None, repr=False)
    mail: MailSettings | None = field(default=None, repr=False)  # reader mails and one-tap links (mailer.py)


class RateLimiter:
    """Accepted posts per client in a sliding window, keyed by a salted hash kept only in memory."""

    def __init__(self, limit: int, window_seconds: int) -> None:
        self.limit = limit
        self.window = window_seconds
        self._salt = secrets.token_bytes(16)  # new on every start: the keys cannot be linked to addresses
        self._hits: dict[bytes, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _key(self, address: str) -> bytes:
        return hmac.new(self._salt, address.encode(), hashlib.sha256).digest()

    def allow(self, address: str) -> bool:
        """Count one accepted post for address; False (and nothing counted) when over the limit."""
        if self.limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits[self._key(address)]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10000:  # drop idle clients now and then
                for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                    del self._hits[key]
            return True


class Manifest:
    """The build's list of articles (open or closed, with their comment ids), re-read when it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._data: dict = {"site": "", "articles": {}}
        self._lock = threading.Lock()

    def data(self) -> dict:
        """{"site": public URL, "articles": {slug: {"url", "title", "open", "comments"}}} of the last build."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {"site": "", "articles": {}}
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    self._data = {"site": str(data.get("site", "")), "articles": dict(data["articles"])}
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    logger.error("comments: cannot read the manifest %s (%s); build the site again", self.path, exc)
                    return self._data
                self._stamp = stamp
            return self._data

    def articles(self) -> dict[str, dict]:
        """Slug -> {"url", "title", "open", "comments"} of the last build."""
        return self.data()["articles"]

    def article_at(self, url: str) -> tuple[str, dict] | None:
        """The (slug, article) whose page is at the absolute url, or None."""
        data = self.data()
        site = normalize(data["site"]).rstrip("/") if data["site"] else ""
        wanted = normalize(url)
        if site and not wanted.startswith(site + "/"):
            return None
        path = urlsplit(wanted).path.strip("/") if not site else wanted[len(site) :].strip("/")
        return next(((slug, a) for slug, a in data["articles"].items() if a["url"].strip("/") == path), None)


def count_links(text: str) -> int:
    """How many links a comment text holds (URLs and Markdown links)."""
    return len(LINK_RE.findall(text))


class IntakeApp:
    """The WSGI app: POST /kommentare/ queues a comment; the moderation API lives below /kommentare/api/."""

    def __init__(self, config: IntakeConfig) -> None:
        self.config = config
        self.queue = CommentQueue(config.db_path)
        self.manifest = Manifest(config.manifest_path)
        self.limiter = RateLimiter(config.rate_limit, config.rate_window_seconds)
        self.answers = AnswerPages(config.manifest_path.parent / SHELL, config.mount, config.max_body_chars)
        # Mentions count apart: a burst of them never locks a reader at the same address out.
        self.mention_limiter = RateLimiter(config.rate_limit, config.rate_window_seconds)
        self.mentions = (
            MentionWorkers(self._verify_mention, config.webmention_workers, config.webmention_queue)
            if config.webmention
            else None
        )
        self._closing = threading.Event()
        self.purge()
        threading.Thread(target=self._purge_hourly, name="comments-purge", daemon=True).start()
        self.api = None
        if config.token:
            from .api import ModerationApi

            self.api = ModerationApi(self.queue, config.token)
        self.outbox = OutboxWorker(self.queue, self.manifest, config.mail).start() if config.mail else None
        wake = self.outbox.wake if self.outbox else lambda: None
        pages_dir = config.manifest_path.parent
        self.mail_pages = MailPages(self.queue, self.manifest, config.mail, pages_dir, config.mount, wake)

    def purge(self) -> None:
        """Delete queue entries older than the retention time (at start, then hourly)."""
        removed = sum(self.queue.purge(self.config.retention_days).values())
        if removed:
            logger.info("comments: purged %d queue entries older than %d days", removed, self.config.retention_days)

    def _purge_hourly(self) -> None:
        while not self._closing.wait(PURGE_INTERVAL):
            try:
                self.purge()
            except QueueError as exc:
                logger.error("comments: purge failed: %s", exc)

    def close(self) -> None:
        """Stop the hourly purge and the Webmention workers (mentions still waiting are dropped)."""
        self._closing.set()
        if self.mentions:
            self.mentions.close()
        if self.outbox:
            self.outbox.close()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Answer one request; never raises and never answers 500."""
        try:
            status, headers, body = self.route(environ)
        except QueueError as exc:
            logger.error("comments: %s", exc)
            status, headers, body = self._answer(environ, Rejection(503, UNAVAILABLE))
        except Exception:
            logger.exception("comments: unexpected error in the intake")
            status, headers, body = self._answer(environ, Rejection(503, UNAVAILABLE))
        start_response(STATUS_TEXT[status], [*headers, ("Content-Length", str(len(body)))])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def route(self, environ: dict) -> tuple[int, list[tuple[str, str]], bytes]:
        """Dispatch by path and method."""
        path = environ.get("PATH_INFO", "") or "/"
        mount = self.config.mount
        if self.api and path.startswith(mount + "api/"):
            return self.api(environ, path[len(mount + "api/") :])
        if path.startswith(mount) and self.mail_pages.handles(path[len(mount) :]):
            return self.mail_pages(environ, path[len(mount) :])
        if path not in (mount, mount.rstrip("/")):
            return self._answer(environ, Rejection(404, "Diese Adresse gibt es nicht."))
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            return self._intake_page()
        if method != "POST":
            status, headers, body = self._answer(environ, Rejection(405, "Kommentare werden per Formular gesendet."))
            return status, [*headers, ("Allow", "GET, HEAD, POST")], body
        try:
            return self._accept(environ)
        except Rejection as rejection:
            return self._answer(environ, rejection)

    def _intake_page(self) -> tuple[int, list[tuple[str, str]], bytes]:
        page = self.config.manifest_path.parent / "index.html"
        body = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>Kommentare</title>"
        return 200, [("Content-Type", "text/html; charset=utf-8")], body

    def _read_form(self, environ: dict) -> dict[str, str]:
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != FORM_TYPE:
            raise Rejection(400, f"Bitte senden Sie den Kommentar über das Formular ({FORM_TYPE}).")
        limit = self.config.max_request_bytes
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise Rejection(400, "Die Anfrage hat eine ungültige Länge.") from None
        if length > limit:
            raise Rejection(413, f"Der Kommentar ist zu groß (höchstens {limit // 1024} KB).", "body")
        raw = environ["wsgi.input"].read(min(length, limit + 1) if length else limit + 1)
        if len(raw) > limit:
            raise Rejection(413, f"Der Kommentar ist zu groß (höchstens {limit // 1024} KB).", "body")
        try:
            text = raw.decode("utf-8")
            pairs = parse_qsl(
                text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=20, errors="strict"
            )
        except (UnicodeDecodeError, ValueError):
            raise Rejection(400, "Das Formular ist nicht lesbar (UTF-8 erwartet).") from None
        form: dict[str, str] = {}
        for name, value in pairs:
            known = name if name in LABELS else None
            label = LABELS.get(name, "unbekannt")
            if name in form:
                raise Rejection(400, f"Das Feld „{label}“ kommt mehrfach vor.", known)
            if "\x00" in value or "\x00" in name:
                raise Rejection(400, f"Das Feld „{label}“ enthält unzulässige Zeichen.", known)
            form[name] = value
        return form

    def _accept(self, environ: dict) -> tuple[int, list[tuple[str, str]], bytes]:
        form = self._read_form(environ)
        environ["kommentare.form"] = form  # an HTML refusal shows the reader's entries again
        if "source" in form and "target" in form and "article" not in form and self.config.webmention:
            return self._accept_webmention(environ, form)
        slug = form.get("article", "").strip()
        if not slug:
            raise Rejection(400, "Es fehlt der Artikel, zu dem der Kommentar gehört.", "article")
        article = self.manifest.articles().get(slug) if SLUG_RE.match(slug) else None
        if article is None:
            raise Rejection(404, "Diesen Artikel gibt es nicht (mehr).", "article")
        if not article.get("open"):
            raise Rejection(403, "Die Kommentare zu diesem Artikel sind geschlossen.", "article")
        if form.get(HONEYPOT, "").strip():
            raise Rejection(400, "Das Feld „Firma“ muss leer bleiben.", HONEYPOT)
        author = clean_text(form.get("author", ""))
        if not author:
            raise Rejection(400, "Bitte geben Sie einen Namen an (ein Pseudonym genügt).", "author")
        if len(author) > MAX_AUTHOR:
            raise Rejection(400, f"Der Name ist zu lang (höchstens {MAX_AUTHOR} Zeichen).", "author")
        email = form.get("email", "").strip()
        if not email:
            raise Rejection(400, "Bitte geben Sie Ihre E-Mail-Adresse an; sie wird nicht veröffentlicht.", "email")
        if len(email) > MAX_EMAIL or not EMAIL_RE.match(email):
            raise Rejection(400, "Die E-Mail-Adresse sieht nicht gültig aus.", "email")
        url = form.get("url", "").strip() or None
        if url:
            try:
                url = check_website(url, MAX_URL)  # the same rule as the build's for the Url: line
            except WebsiteError as exc:
                raise Rejection(400, str(exc), "url") from None
        body = clean_text(form.get("body", ""), multiline=True)
        if not body:
            raise Rejection(400, "Bitte schreiben Sie einen Kommentar.", "body")
        if len(body) > self.config.max_body_chars:
            raise Rejection(413, f"Der Kommentar ist zu lang (höchstens {self.config.max_body_chars} Zeichen).", "body")
        reply_to = form.get("reply_to", "").strip() or None
        if reply_to and reply_to not in article.get("comments", []):
            raise Rejection(400, "Der Kommentar, auf den Sie antworten, wurde nicht gefunden.", "reply_to")
        if not form.get("consent", "").strip():
            raise Rejection(400, "Bitte bestätigen Sie die Einwilligung zur Speicherung Ihrer Angaben.", "consent")
        if not self.limiter.allow(environ.get("REMOTE_ADDR", "")):
            raise Rejection(429, "Sie haben in kurzer Zeit viele Kommentare gesendet. Bitte warten Sie einige Minuten.")
        links = count_links(body)
        spam = links > self.config.max_links
        comment_id, duplicate = self.queue.add(
            article=slug,
            author=author,
            email=email,
            url=url,
            body=body,
            reply_to=reply_to,
            status="spam" if spam else "pending",
            reason=f"{links} Links" if spam else None,
        )
        if not duplicate:
            logger.info("comments: queued %s for %s%s", comment_id, slug, " (spam?)" if spam else "")
            if form.get("notify") == "1" and self.config.mail and self.config.mail.secret:
                self.queue.write(lambda db: subscriptions.request(db, comment_id, slug, email))
            if self.config.notify:
                title = article.get("title", slug)
                self.config.notify(
                    {"id": comment_id, "article": slug, "title": title, "author": author, "body": body, "spam": spam}
                )
        if _wants_json(environ):
            return _json(202, {"status": "pending", "id": comment_id})
        location = "/" + article["url"].lstrip("/") + NOTICE_QUERY
        headers = [("Location", location), ("Content-Type", "text/plain; charset=utf-8")]
        return 303, headers, b"Ihr Kommentar wartet auf Freischaltung."

    def _accept_webmention(self, environ: dict, form: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        """A Webmention (W3C): 202 at once; queued as type webmention once a worker has verified the source."""
        try:
            source = check_url(form["source"].strip(), "source")
            target = check_url(form["target"].strip(), "target")
            check_source_address(source, self.config.webmention)
        except WebmentionError as exc:
            field_name = "target" if "target" in str(exc) else "source"
            raise Rejection(400, str(exc), field_name) from None
        if normalize(source) == normalize(target):
            raise Rejection(400, "Quelle und Ziel sind dieselbe Adresse.", "source")
        found = self.manifest.article_at(target)
        if found is None:
            raise Rejection(400, "Das Ziel ist kein Beitrag dieser Website.", "target")
        slug, article = found
        if not article.get("open"):
            raise Rejection(403, "Die Kommentare zu diesem Beitrag sind geschlossen.", "target")
        if not self.mention_limiter.allow(environ.get("REMOTE_ADDR", "")):
            raise Rejection(429, "Zu viele Anfragen in kurzer Zeit. Bitte warten Sie einige Minuten.")
        if not self.mentions.submit(source, target, slug):
            raise Rejection(503, BUSY)
        message = "Webmention angenommen; sie wird geprüft und wartet dann auf Freischaltung."
        if _wants_json(environ):
            return _json(202, {"status": "accepted", "message": message})
        return 202, [("Content-Type", "text/plain; charset=utf-8")], message.encode()

    def _verify_mention(self, source: str, target: str, slug: str) -> None:
        """In a worker: fetch and check the source, queue the mention; a refusal is one log line."""
        try:
            mention = verify(source, target, self.config.webmention)
            comment_id, duplicate = self.queue.add(
                article=slug,
                author=mention.author,
                email=None,
                url=mention.source,
                body=mention.text,
                type="webmention",
                same_as=normalize(source),
            )
        except (WebmentionError, QueueError) as exc:
            logger.warning("comments: webmention from %s for %s dropped: %s", source, slug, exc)
            return
        if not duplicate:
            logger.info("comments: queued webmention %s for %s", comment_id, slug)

    def _answer(self, environ: dict, rejection: Rejection) -> tuple[int, list[tuple[str, str]], bytes]:
        """A refusal as JSON or as a small German HTML page naming the field."""
        headers = [("Retry-After", str(self.config.rate_window_seconds))] if rejection.status == 429 else []
        if rejection.status == 503:
            headers = [("Retry-After", "120")]
        if _wants_json(environ):
            data = {"status": "error", "field": rejection.field, "message": rejection.message}
            status, json_headers, body = _json(rejection.status, data)
            return status, json_headers + headers, body
        form = environ.get("kommentare.form") or {}
        article = self.manifest.articles().get(form.get("article", "").strip())
        try:
            page = self.answers.render(
                rejection.status, rejection.message, rejection.field, form, article, self.config.rate_window_seconds
            )
        except Exception:  # the page must never turn a refusal into a crash
            logger.exception("comments: cannot render the answer page")
            page = plain_page(rejection.message)
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"), *headers]
        return rejection.status, headers, page


def _wants_json(environ: dict) -> bool:
    return "application/json" in environ.get("HTTP_ACCEPT", "")


def _json(status: int, data: dict) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "application/json; charset=utf-8")], json.dumps(data, ensure_ascii=False).encode()


def config_from_settings(settings: dict, output: Path | None = None) -> IntakeConfig:
    """The intake's configuration from Pelican settings, with COMMENTS_DB, COMMENTS_RATE_LIMIT and
    COMMENTS_TOKEN from the environment taking precedence."""
    from .plugin import comment_settings, intake_mount, queue_path, setting_from_env

    options = comment_settings(settings)
    output = Path(output or settings["OUTPUT_PATH"])
    rate_limit = setting_from_env(settings, "COMMENTS_RATE_LIMIT", 5)
    try:
        rate_limit = int(rate_limit)
    except ValueError:
        raise ValueError(f"COMMENTS_RATE_LIMIT must be a whole number (0 turns it off), not {rate_limit!r}") from None
    return IntakeConfig(
        db_path=queue_path(settings),
        manifest_path=_manifest_path(settings, options["manifest"], output),
        rate_limit=rate_limit,
        rate_window_seconds=options["rate_window_seconds"],
        max_body_chars=options["max_body_chars"],
        max_request_bytes=options["max_request_bytes"],
        max_links=options["max_links"],
        token=setting_from_env(settings, "COMMENTS_TOKEN", None) or None,
        retention_days=options["retention_days"],
        webmention=FetchLimits(
            timeout=options["webmention_timeout"],
            max_bytes=options["webmention_max_bytes"],
            allowed_networks=tuple(options["webmention_allowed_networks"]),
        )
        if options["webmention"]
        else None,
        notify=_notifier(settings),
        mount=intake_mount(settings),
        mail=mail_settings(settings),
    )


def _manifest_path(settings: dict, relative: str, output: Path) -> Path:
    """The manifest below output, checked to stay inside it but not resolved: output/ is a link that every
    build and publish flips to a new release, and the intake must read the manifest of the current one."""
    output_file(settings, relative, 'COMMENTS["manifest"]', output)  # PluginSettingsError for a path outside
    return Path(output) / relative


def _notifier(settings: dict) -> Callable[[dict], None] | None:
    """An SMTP notifier when COMMENTS_SMTP_HOST and COMMENTS_NOTIFY_TO are set, else None."""
    from .notify import SmtpNotifier

    mail = mail_settings(settings)
    if mail is None or not mail.smtp.recipient:
        return None
    return SmtpNotifier(mail.smtp, mail)
