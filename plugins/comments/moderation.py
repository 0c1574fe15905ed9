"""Moderation: turn queue entries into comment files (approve, reply) or drop them (reject, delete)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .model import ID_RE, Comment, CommentFileError, parse_comment_file, write_comment_file
from .queue import CommentQueue, Entry
from .render import strip_links

STRIPPED_NOTE = "Links vom Autor entfernt"


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
        if entry is None or entry.status == "approved":
            raise ModerationError(f"Kein wartender Kommentar {comment_id!r}; siehe invoke comments.list")
        return entry

    def approve(self, comment_id: str, strip: bool = False, note: str | None = None) -> Path:
        """Write the comment file (without e-mail or IP) and mark the entry done; returns the file."""
        entry = self.entry(comment_id)
        body = strip_links(entry.body) if strip else entry.body
        comment = Comment(
            id=entry.id,
            author=entry.author,
            date=entry.created_at.astimezone(ZoneInfo(self.timezone)),
            type=entry.type,
            reply_to=entry.reply_to,
            website=entry.url,  # the commenter's own address stays linked (see the Datenschutz page)
            note=note or (STRIPPED_NOTE if strip else None),
            body=body,
        )
        path = self.comments_dir / entry.article / f"{entry.id}.md"
        if not path.exists():  # a file from an interrupted earlier approval stays as it is
            path = write_comment_file(self.comments_dir, entry.article, comment)
        self.queue.mark_approved(entry.id)
        return path

    def reject(self, comment_id: str) -> Entry:
        """Drop a waiting comment with all it holds."""
        entry = self.entry(comment_id)
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
        """Remove a comment from the queue and from content/; returns what was removed."""
        removed = []
        if ID_RE.match(comment_id) and self.queue.delete(comment_id):
            removed.append("aus der Warteschlange")
        path = self.published(comment_id)
        if path:
            replies = [p.stem for p in path.parent.glob("*.md") if _replies_to(p, comment_id, self.timezone)]
            if replies:
                raise ModerationError(
                    f"Auf diesen Kommentar antworten noch {', '.join(sorted(replies))}; löschen Sie zuerst diese."
                )
            path.unlink()
            removed.append(f"die Datei {path}")
        if not removed:
            raise ModerationError(f"Einen Kommentar mit der Nummer {comment_id!r} gibt es nicht.")
        return removed


def _replies_to(path: Path, comment_id: str, timezone: str) -> bool:
    try:
        return parse_comment_file(path, timezone).reply_to == comment_id
    except CommentFileError:
        return False
