"""The moderation queue: pending comments in SQLite (WAL, one short transaction per change)."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS comments (
    id TEXT PRIMARY KEY,
    article TEXT NOT NULL,
    author TEXT NOT NULL,
    email TEXT,
    url TEXT,
    body TEXT NOT NULL,
    reply_to TEXT,
    type TEXT NOT NULL DEFAULT 'comment',
    status TEXT NOT NULL,
    reason TEXT,
    fingerprint TEXT NOT NULL,
    created TEXT NOT NULL,
    decided TEXT
);
CREATE INDEX IF NOT EXISTS comments_status ON comments (status, created);
CREATE INDEX IF NOT EXISTS comments_fingerprint ON comments (fingerprint);
"""
STATUSES = ("pending", "spam", "approved")
COLUMNS = ("id", "article", "author", "email", "url", "body", "reply_to", "type", "status", "reason", "created")


@dataclass(frozen=True)
class Entry:
    """One comment in the queue (the e-mail address only until it is moderated)."""

    id: str
    article: str
    author: str
    email: str | None
    url: str | None
    body: str
    reply_to: str | None
    type: str
    status: str
    reason: str | None
    created: str

    @property
    def created_at(self) -> datetime:
        """The time the comment arrived (UTC, aware)."""
        return datetime.fromisoformat(self.created)

    def as_dict(self) -> dict:
        """The entry as plain data (for the moderation API)."""
        return {name: getattr(self, name) for name in COLUMNS}


def fingerprint(article: str, email: str, body: str) -> str:
    """Same article, same address, same words: the same comment (case and spacing ignored)."""
    words = " ".join(body.casefold().split())
    return hashlib.sha256(f"{article}\0{email.casefold()}\0{words}".encode()).hexdigest()


class CommentQueue:
    """The SQLite file behind the intake and the moderation tasks; safe for threads and processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()  # one connection per thread, opened on first use
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: durable at checkpoints, never corrupt
            self._local.db = db
        yield db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def add(
        self,
        *,
        article: str,
        author: str,
        email: str | None,
        url: str | None,
        body: str,
        reply_to: str | None = None,
        type: str = "comment",
        status: str = "pending",
        reason: str | None = None,
        same_as: str | None = None,
    ) -> tuple[str, bool]:
        """Queue a comment; returns (id, False), or (id of the earlier one, True) for a duplicate.

        Duplicates share article, address (e-mail, else url) and text, or same_as when given.
        """
        mark = fingerprint(article, email or url or "", body if same_as is None else same_as)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            row = db.execute("SELECT id FROM comments WHERE fingerprint = ?", (mark,)).fetchone()
            if row:
                return row[0], True
            while True:
                new_id = secrets.token_hex(4)
                if not db.execute("SELECT 1 FROM comments WHERE id = ?", (new_id,)).fetchone():
                    break
            db.execute(
                "INSERT INTO comments (id, article, author, email, url, body, reply_to, type, status, reason,"
                " fingerprint, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_id, article, author, email, url, body, reply_to, type, status, reason, mark, now),
            )
        return new_id, False

    def entries(self, *statuses: str) -> list[Entry]:
        """Entries with one of statuses (all when none given), oldest first."""
        wanted = statuses or STATUSES
        marks = ", ".join("?" for _ in wanted)
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {', '.join(COLUMNS)} FROM comments WHERE status IN ({marks}) ORDER BY created, id",
                wanted,
            ).fetchall()
        return [Entry(*row) for row in rows]

    def get(self, comment_id: str) -> Entry | None:
        """One entry by id, or None."""
        with self._connect() as db:
            row = db.execute(f"SELECT {', '.join(COLUMNS)} FROM comments WHERE id = ?", (comment_id,)).fetchone()
        return Entry(*row) if row else None

    def mark_approved(self, comment_id: str) -> bool:
        """Mark an entry approved and forget its e-mail address; False if it was not waiting."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE comments SET status = 'approved', email = NULL, decided = ? "
                "WHERE id = ? AND status IN ('pending', 'spam')",
                (now, comment_id),
            ).rowcount
        return bool(changed)

    def delete(self, comment_id: str) -> bool:
        """Remove an entry with everything it holds (reject and delete); False if there is none."""
        with self._transaction() as db:
            return bool(db.execute("DELETE FROM comments WHERE id = ?", (comment_id,)).rowcount)

    def purge(self, days: int) -> int:
        """Delete every entry older than days (pending, spam and approved); returns how many."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        with self._transaction() as db:
            return db.execute("DELETE FROM comments WHERE created < ?", (cutoff,)).rowcount
