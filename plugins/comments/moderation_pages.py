"""The pages behind the links in e-mails, below the intake's path:

- ``moderation/<token>``: the moderator's one-tap links. GET shows the comment with one POST button
  per action (Freischalten, Ohne Links freischalten, Ablehnen); only the POST acts. An approved
  comment waits as ``accepted`` until ``invoke comments.pull`` writes its file.
- ``benachrichtigung/<token>``: the reader's double opt-in for reply notifications (GET asks, POST confirms).
- ``abmelden/<token>``: unsubscribe; GET asks, POST (also RFC 8058 one-click) deletes the address at once.

No GET changes anything in the queue. Tokens are checked before anything is read (403 forged, 404
malformed, 410 expired); a comment that was decided already gets 410. The pages use the site's
layout: the answer shell the build writes (answers.py), else the intake's own page, with relative
links made absolute paths because these pages sit one folder deeper.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from . import subscriptions
from .mailer import MailSettings
from .moderation import STRIPPED_NOTE
from .queue import CommentQueue
from .render import strip_links
from .tokens import CONFIRM, MODERATE, UNSUBSCRIBE, Signer, TokenError

logger = logging.getLogger(__name__)

AREAS = ("moderation", "benachrichtigung", "abmelden")
SHELL, START, END = "antwort.jinja", "<!--antwort-->", "<!--/antwort-->"  # the answer shell of answers.py
ACTIONS = {"approve": "Freischalten", "strip": "Ohne Links freischalten", "reject": "Ablehnen"}
MAX_FORM_BYTES = 4096
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),  # the token in the address never leaks to a linked site
    ("X-Robots-Tag", "noindex"),
]
RELATIVE_LINK_RE = re.compile(r'\b(href|src|action)="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]*)"')
TITLE_RE = re.compile(r"<title>.*?</title>", re.DOTALL)
ARTICLE_RE = re.compile(r'<article class="page">.*</article>', re.DOTALL)

Answer = tuple[int, list[tuple[str, str]], bytes]


class MailPages:
    """Answers the three areas; everything else below the intake's path is not its business."""

    def __init__(
        self,
        queue: CommentQueue,
        manifest,
        mail: MailSettings | None,
        output_dir: Path,
        mount: str,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.queue = queue
        self.manifest = manifest
        self.signer: Signer | None = mail.signer if mail else None
        self.mail = mail
        self.output_dir = output_dir
        self.mount = mount
        self.wake = wake

    def handles(self, rest: str) -> bool:
        """Whether the path below the mount ("moderation/<token>") belongs to these pages."""
        area, _, token = rest.partition("/")
        return area in AREAS and bool(token)

    def __call__(self, environ: dict, rest: str) -> Answer:
        """Answer GET (look) or POST (act) for one token."""
        area, _, token = rest.partition("/")
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD", "POST"):
            status, headers, body = self._page(405, "Nicht möglich", "<p>Hier gibt es nur Ansehen und Absenden.</p>")
            return status, [*headers, ("Allow", "GET, HEAD, POST")], body
        if self.signer is None:
            return self._page(404, "Link nicht aktiv", "<p>Auf diesem Server sind Links aus E-Mails abgeschaltet.</p>")
        purposes = {"moderation": tuple(MODERATE), "benachrichtigung": (CONFIRM,), "abmelden": (UNSUBSCRIBE,)}[area]
        try:
            checked = self.signer.check(token, *purposes)
        except TokenError as exc:
            return self._page(exc.status, "Link nicht verwendbar", f"<p>{html.escape(exc.message)}</p>")
        posting = method == "POST"
        if area == "moderation":
            if posting and not self._same_site(environ):
                return self._page(403, "Nicht von hier", "<p>Bitte benutzen Sie die Knöpfe der Seite.</p>")
            action = self._form(environ).get("action", "") if posting else None
            return self._moderate(checked.comment_id, MODERATE[checked.purpose], action)
        if area == "benachrichtigung":
            return self._confirm(checked.comment_id, posting)
        return self._unsubscribe(checked.comment_id, posting)

    # --- moderation ---------------------------------------------------------------------------

    def _moderate(self, comment_id: str, labelled: str, action: str | None) -> Answer:
        entry = self.queue.get(comment_id)
        if entry is None:
            return self._page(
                404, "Kommentar nicht gefunden",
                "<p>Diesen Kommentar gibt es nicht (mehr): Er wurde abgelehnt, gelöscht oder nach Ablauf der "
                "Frist entfernt.</p>",
            )  # fmt: skip
        if entry.status not in ("pending", "spam"):
            return self._page(
                410, "Schon entschieden",
                "<p>Über diesen Kommentar ist schon entschieden, der Link ist verbraucht. "
                "Was noch wartet, zeigt <code>invoke comments.list</code>.</p>",
            )  # fmt: skip
        article = self.manifest.articles().get(entry.article, {})
        title = str(article.get("title") or entry.article)
        if action is None:
            return self._page(200, "Kommentar moderieren", self._review(entry, title, labelled))
        if action not in ACTIONS:
            return self._page(400, "Unbekannte Aktion", "<p>Bitte benutzen Sie einen der Knöpfe auf der Seite.</p>")
        if action == "reject":
            changed = self.queue.delete(entry.id)
            self.queue.checkpoint()
            heading = "Abgelehnt"
            text = f"<p>Der Kommentar von {html.escape(entry.author)} ist gelöscht, mit seiner E-Mail-Adresse.</p>"
        else:
            strip = action == "strip"
            body = strip_links(entry.body) if strip else entry.body
            if not body.strip() and entry.type == "comment":
                return self._page(
                    400, "Ohne Links bleibt nichts",
                    "<p>Ohne seine Links bleibt von diesem Kommentar kein Text. Lehnen Sie ihn ab oder schalten "
                    "Sie ihn mit Links frei.</p>",
                )  # fmt: skip
            note, url = (STRIPPED_NOTE, None) if strip else (None, entry.url)
            changed = self.queue.mark_accepted(entry.id, body, note, url)
            self.wake()
            heading = "Freigeschaltet" + (" (ohne Links)" if strip else "")
            text = (
                f"<p>Der Kommentar von {html.escape(entry.author)} zu „{html.escape(title)}“ ist freigeschaltet.</p>"
                "<p>Nächster Schritt: <code>invoke comments.pull</code> schreibt ihn in Ihr Projekt, "
                "<code>invoke publish</code> stellt ihn online (mit <code>COMMENTS_REMOTE</code> holt "
                "<code>invoke publish</code> ihn selbst).</p>"
            )
        if not changed:  # decided in the meantime by another tap or the command line
            return self._page(410, "Schon entschieden", "<p>Über diesen Kommentar ist schon entschieden.</p>")
        logger.info("comments: %s per Link: %s", action, entry.id)
        return self._page(200, heading, text)

    def _review(self, entry, title: str, labelled: str) -> str:
        paragraphs = "".join(
            f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in entry.body.split("\n\n") if part.strip()
        )
        held = f'<p class="comment-note">Als möglicher Spam zurückgehalten: {html.escape(entry.reason or "")}</p>'
        ordered = [labelled, *(a for a in ACTIONS if a != labelled)]
        buttons = "".join(
            f'<form method="post" class="mail-action"><input type="hidden" name="action" value="{action}">'
            f'<p><button type="submit" class="comment-submit">{ACTIONS[action]}</button></p></form>'
            for action in ordered
        )
        return (
            f"<p>{html.escape(entry.author)} zu „{html.escape(title)}“"
            + (f", Website: {html.escape(entry.url)}" if entry.url else "")
            + "</p>"
            + (held if entry.status == "spam" else "")
            + f'<blockquote class="comment-card">{paragraphs}</blockquote>'
            + "<p>Erst ein Knopf entscheidet; das Öffnen dieser Seite ändert nichts.</p>"
            + buttons
        )

    def _same_site(self, environ: dict) -> bool:
        """A POST from a page of this site (Origin, else Referer, when the browser sends one)."""
        claimed = environ.get("HTTP_ORIGIN") or environ.get("HTTP_REFERER")
        if not claimed or claimed == "null":
            return not claimed
        parts = urlsplit(claimed)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
        own = {f"{scheme}://{environ.get('HTTP_HOST', '')}".lower()}
        if self.mail and self.mail.site_url:
            site = urlsplit(self.mail.site_url)
            own.add(f"{site.scheme}://{site.netloc}".lower())
        return origin in own

    def _form(self, environ: dict) -> dict[str, str]:
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_FORM_BYTES)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length else b""
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))

    # --- reader -------------------------------------------------------------------------------

    def _confirm(self, comment_id: str, posting: bool) -> Answer:
        state = self.queue.read(lambda db: subscriptions.state(db, comment_id))
        if state in (None, "requested"):
            return self._page(
                410, "Nicht mehr angemeldet",
                "<p>Zu diesem Link gibt es keine Anmeldung (mehr); Ihre E-Mail-Adresse ist bei uns nicht "
                "gespeichert.</p>",
            )  # fmt: skip
        title, link = self._comment_link(comment_id)
        back = f'<p><a href="{html.escape(link)}">Zu Ihrem Kommentar</a></p>'
        if state == "confirmed":
            return self._page(200, "Schon bestätigt", "<p>Sie werden benachrichtigt, wenn jemand antwortet.</p>" + back)
        if not posting:
            return self._page(
                200, "Bei Antworten benachrichtigen?",
                "<p>Möchten Sie eine E-Mail erhalten, wenn jemand auf Ihren Kommentar zu "
                f"„{html.escape(title)}“ antwortet?</p>"
                '<form method="post"><p><button type="submit" class="comment-submit">Ja, bei Antworten benachrichtigen'
                "</button></p></form><p>Jede dieser E-Mails enthält einen Link zum Abmelden; Ihre Adresse wird dann "
                f"sofort gelöscht, sonst spätestens {self._days()} Tage nach Ihrem Kommentar.</p>" + back,
            )  # fmt: skip
        self.queue.write(lambda db: subscriptions.confirm(db, comment_id))
        return self._page(
            200, "Bestätigt",
            "<p>Danke! Sie erhalten eine E-Mail, wenn jemand auf Ihren Kommentar antwortet. "
            "Jede enthält einen Link zum Abmelden.</p>" + back,
        )  # fmt: skip

    def _unsubscribe(self, comment_id: str, posting: bool) -> Answer:
        done = "<p>Sie sind abgemeldet; Ihre E-Mail-Adresse ist bei uns gelöscht.</p>"
        if self.queue.read(lambda db: subscriptions.state(db, comment_id)) is None:
            return self._page(200, "Abgemeldet", done)
        if not posting:
            return self._page(
                200, "Abmelden?",
                "<p>Keine E-Mails mehr zu Ihrem Kommentar? Ihre E-Mail-Adresse wird dabei sofort gelöscht.</p>"
                '<form method="post"><p><button type="submit" class="comment-submit">Abmelden und Adresse löschen'
                "</button></p></form>",
            )  # fmt: skip
        self.queue.write(lambda db: subscriptions.unsubscribe(db, comment_id))
        self.queue.checkpoint()
        logger.info("comments: Abmeldung zu Kommentar %s, Adresse gelöscht", comment_id)
        return self._page(200, "Abgemeldet", done)

    def _comment_link(self, comment_id: str) -> tuple[str, str]:
        """The title of the subscribed comment's article and the root path of the comment on its page."""
        row = self.queue.read(
            lambda db: db.execute("SELECT article FROM subscribers WHERE comment_id = ?", (comment_id,)).fetchone()
        )
        slug = row[0] if row else ""
        article = self.manifest.articles().get(slug, {})
        path = "/" + str(article.get("url", f"{slug}/")).lstrip("/")
        return str(article.get("title") or slug), f"{path}#comment-{comment_id}"

    def _days(self) -> int:
        return self.mail.notify_retention_days if self.mail else 180

    # --- layout -------------------------------------------------------------------------------

    def _page(self, status: int, heading: str, body: str) -> Answer:
        before, after = self._layout()
        before = TITLE_RE.sub(lambda _: f"<title>{html.escape(heading)}</title>", before, count=1)
        content = (
            f'<article class="page mail-page"><header class="article-header"><h1>{html.escape(heading)}</h1></header>'
            f'<div class="content">{body}<p><a href="/">Zur Startseite</a></p></div></article>'
        )
        return status, list(HEADERS), (before + content + after).encode("utf-8")

    def _layout(self) -> tuple[str, str]:
        """The site's page around the content: the answer shell, else the intake page, else a small page."""
        folder = self.output_dir
        for name, split in ((SHELL, _split_shell), ("index.html", _split_intake_page)):
            try:
                parts = split((folder / name).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                continue
            return tuple(self._absolute(part) for part in parts)  # type: ignore[return-value]
        return (
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title></title>'
            '<meta name="robots" content="noindex"><link rel="stylesheet" href="/theme/css/site.css"></head>'
            '<body><main id="inhalt" class="wrap">',
            "</main></body></html>",
        )

    def _absolute(self, text: str) -> str:
        return RELATIVE_LINK_RE.sub(lambda m: f'{m[1]}="{urljoin(self.mount, m[2])}"', text)


def _split_shell(text: str) -> tuple[str, str]:
    before, rest = text.split(START, 1)
    return before, rest.split(END, 1)[1]


def _split_intake_page(text: str) -> tuple[str, str]:
    match = ARTICLE_RE.search(text)
    if not match:
        raise ValueError("no article")
    return text[: match.start()], text[match.end() :]
