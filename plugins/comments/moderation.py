"""Moderation: turn queue entries into comment files (approve, reply) or drop them (reject, delete).

Every step checks first and acts afterwards, so a refused step changes nothing; and nothing it
writes can stop the build: a reply needs its parent published, a parent with replies (published
or waiting) is not removed, and the website must pass the build's address check.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .cleaning import WebsiteError, check_website, clean_text
from .model import ID_RE, Comment, CommentFileError, parse_comment_file, write_comment_file
from .queue import CommentQueue, Entry
from .render import strip_links

STRIPPED_NOTE = "Links von der Redaktion entfernt"
WAITING = ("pending", "spam", "accepted")  # accepted: approved by link, file not yet pulled


class ModerationError(Exception):
    """A moderation step that cannot be done; the message says why and what to do (German)."""


@dataclass
class Moderator:
    """The moderation steps on a queue (local, or remote through the API) and the content folder."""

    queue: CommentQueue
    comments_dir: Path
    timezone: str  # the site's TIMEZONE: dates of approved comments are written in it
    site_author: str = ""

    def pending(self) -> list[Entry]:
        """Comments waiting for a decision, oldest first."""
        return self.queue.entries("pending")

    def held_as_spam(self) -> list[Entry]:
        """Comments the intake held back as likely spam."""
        return self.queue.entries("spam")

    def entry(self, comment_id: str) -> Entry:
        """One waiting comment or a clear error."""
        entry = self.queue.get(comment_id) if ID_RE.match(comment_id) else None
        if entry is None or entry.status not in WAITING:
            raise ModerationError(f"Kein wartender Kommentar {clean_text(comment_id)!r}; siehe invoke comments.list")
        return entry

    def approve(self, comment_id: str, strip: bool = False, note: str | None = None) -> Path:
        """Write the comment file (without e-mail or IP) and mark the entry done; returns the file.

        strip drops every link from the text and the website (the file gets no Url line) and adds a note.
        """
        entry = self.entry(comment_id)
        self._check_parent(entry)
        comment = Comment(
            id=entry.id,
            author=clean_text(entry.author),
            date=entry.created_at.astimezone(ZoneInfo(self.timezone)),
            type=entry.type,
            reply_to=entry.reply_to,
            website=None if strip else self._website(entry),  # the commenter's own address (Datenschutz page)
            note=note or (STRIPPED_NOTE if strip else None),
            body=clean_text(strip_links(entry.body) if strip else entry.body, multiline=True),
        )
        if not comment.author:
            raise ModerationError(f"Kommentar {entry.id} hat keinen Namen; lehnen Sie ihn ab (invoke comments.reject).")
        if not comment.body and entry.type == "comment":
            raise ModerationError(
                f"Ohne Links bleibt von Kommentar {entry.id} kein Text; lehnen Sie ihn ab "
                f"(invoke comments.reject {entry.id}) oder schalten Sie ihn ohne --strip-links frei."
            )
        path = self.comments_dir / entry.article / f"{entry.id}.md"
        written = not path.exists()  # a file from an interrupted earlier approval stays as it is
        if written:
            try:
                path = write_comment_file(self.comments_dir, entry.article, comment)
            except OSError as exc:
                raise ModerationError(
                    f"Die Datei {path} ließ sich nicht schreiben ({exc}); nichts wurde freigeschaltet."
                ) from exc
        try:
            self.queue.mark_approved(entry.id)
        except BaseException:
            if written:
                path.unlink(missing_ok=True)
            raise
        return path

    def _website(self, entry: Entry) -> str | None:
        """The entry's website as the build accepts it, or a ModerationError offering --strip-links."""
        if not entry.url:
            return None
        try:
            return check_website(entry.url)
        except WebsiteError as exc:
            raise ModerationError(
                f"Kommentar {entry.id}: {exc} Schalten Sie ihn mit --strip-links frei (ohne Website und Links) "
                f"oder lehnen Sie ihn ab (invoke comments.reject {entry.id})."
            ) from None

    def _check_parent(self, entry: Entry) -> None:
        """A reply may be published only after the comment it answers (else the build stops)."""
        parent = entry.reply_to
        if not parent or (ID_RE.match(parent) and (self.comments_dir / entry.article / f"{parent}.md").is_file()):
            return
        waiting = self.queue.get(parent) if ID_RE.match(parent) else None
        if waiting is not None and waiting.article == entry.article and waiting.status in WAITING:
            raise ModerationError(
                f"Kommentar {entry.id} antwortet auf {parent}, der noch wartet: schalten Sie zuerst {parent} frei "
                f"(invoke comments.approve {parent}) oder lehnen Sie beide ab."
            )
        if waiting is not None and waiting.article == entry.article:
            raise ModerationError(
                f"Kommentar {entry.id} antwortet auf {parent}; der ist freigeschaltet, seine Datei fehlt aber in "
                f"{self.comments_dir / entry.article}. Holen Sie sie zuerst (git pull) und versuchen Sie es erneut."
            )
        raise ModerationError(
            f"Kommentar {entry.id} antwortet auf {clean_text(parent)}, den es nicht mehr gibt; freigeschaltet hielte "
            f"er den Build an. Lehnen Sie ihn ab (invoke comments.reject {entry.id})."
        )

    def reject(self, comment_id: str) -> Entry:
        """Drop a waiting comment with all it holds (not while replies to it wait or are published)."""
        entry = self.entry(comment_id)
        self._refuse_if_answered(entry.id, entry.article)
        self.queue.delete(entry.id)
        return entry

    def published(self, comment_id: str) -> Path | None:
        """The file of an approved comment, or None."""
        if not ID_RE.match(comment_id):
            return None
        return next(iter(sorted(self.comments_dir.glob(f"*/{comment_id}.md"))), None)

    def reply(self, comment_id: str, body: str) -> Path:
        """Write the site author's reply to a comment (approving the comment first if it still waits)."""
        if not body.strip():
            raise ModerationError('Die Antwort ist leer: invoke comments.reply ID --body "Ihr Text"')
        parent = self.published(comment_id)
        if parent is None:
            parent = self.approve(comment_id)
        comment = Comment(
            id=secrets.token_hex(4),
            author=self.site_author,
            date=datetime.now(ZoneInfo(self.timezone)).replace(microsecond=0),
            reply_to=comment_id,
            by_site_author=True,
            body=body,
        )
        return write_comment_file(self.comments_dir, parent.parent.name, comment)

    def delete(self, comment_id: str) -> list[str]:
        """Remove a comment from the queue and from content/; returns what was removed.

        Refused, with nothing removed, while replies to it are published or wait in the queue.
        """
        waiting = self.queue.get(comment_id) if ID_RE.match(comment_id) else None
        path = self.published(comment_id)
        if waiting is None and path is None:
            raise ModerationError(f"Einen Kommentar mit der Nummer {clean_text(comment_id)!r} gibt es nicht.")
        self._refuse_if_answered(comment_id, path.parent.name if path else waiting.article)
        removed = []
        if waiting is not None and self.queue.delete(comment_id):
            removed.append("aus der Warteschlange")
        if path:
            path.unlink()
            removed.append(f"die Datei {path}")
        return removed

    def _refuse_if_answered(self, comment_id: str, article: str) -> None:
        """ModerationError naming the replies to comment_id, published in article's folder or waiting."""
        folder = self.comments_dir / article
        published = sorted(p.stem for p in folder.glob("*.md") if _replies_to(p, comment_id, self.timezone))
        waiting = sorted(
            e.id for e in self.queue.entries(*WAITING) if e.reply_to == comment_id and e.article == article
        )
        if not (published or waiting):
            return
        named = ", ".join([*published, *(f"{one} (wartet)" for one in waiting)])
        raise ModerationError(
            f"Auf {comment_id} antworten noch {named}; löschen Sie zuerst diese "
            "(wartende mit invoke comments.reject ID). Nichts wurde verändert."
        )


def _replies_to(path: Path, comment_id: str, timezone: str) -> bool:
    try:
        return parse_comment_file(path, timezone).reply_to == comment_id
    except CommentFileError:
        return False
