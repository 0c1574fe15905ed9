"""The moderation queue: pending comments in SQLite (WAL, one short transaction per change).

The file carries its schema version in ``PRAGMA user_version`` and is migrated forward when the
intake or a moderation task opens it for writing; reading (``comments.list``, ``show``) opens it
read-only and changes nothing, not even old entries: purging is the intake's hourly job and
``invoke comments.purge``.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from . import subscriptions

SCHEMA_V1 = """
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


def _create_v1(db: sqlite3.Connection) -> None:
    """Version 0 -> 1: a new file gets the tables; a file from before versions existed has them already."""
    for statement in SCHEMA_V1.split(";"):
        if statement.strip():
            db.execute(statement)


def _add_queued(db: sqlite3.Connection) -> None:
    """Version 1 -> 2: `queued`, when the entry arrived (`created` keeps an imported comment's own date)."""
    if "queued" not in {row[1] for row in db.execute("PRAGMA table_info(comments)")}:
        db.execute("ALTER TABLE comments ADD COLUMN queued TEXT")


# MIGRATIONS[n] brings a file from version n to n + 1, inside the transaction that sets the version.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_create_v1, _add_queued, subscriptions.create_tables)
SCHEMA_VERSION = len(MIGRATIONS)
STATUSES = ("pending", "spam", "accepted", "approved")  # accepted: approved on the server, no file yet
COLUMNS = ("id", "article", "author", "email", "url", "body", "reply_to", "type", "status", "reason", "created")
LOCK_TIMEOUT = 30.0
T = TypeVar("T")


class QueueError(Exception):
    """The queue file cannot be used right now; the message says why and what to do (German)."""


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
    """The SQLite file behind the intake and the moderation tasks; safe for threads and processes.

    readonly: open the file without writing anything (a missing file reads as an empty queue).
    """

    def __init__(self, path: Path | str, *, readonly: bool = False, timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.timeout = timeout
        self._local = threading.local()  # one connection per thread, opened on first use
        if readonly:
            return
        with self._errors():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                self._check_version(db)  # before anything is written, even the journal mode
                db.execute("PRAGMA journal_mode=WAL")
                self._migrate(db)

    def _check_version(self, db: sqlite3.Connection) -> int:
        """The file's schema version; QueueError for a file of a newer version of this code."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise QueueError(
                f"Die Warteschlange {self.path} stammt von einer neueren Version (Schema {version}, "
                f"diese kennt {SCHEMA_VERSION}); aktualisieren Sie das Projekt (git pull). Nichts wurde verändert."
            )
        return version

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Bring the file to SCHEMA_VERSION, one migration per step, in one transaction."""
        db.execute("BEGIN IMMEDIATE")
        try:
            version = self._check_version(db)
            for step in MIGRATIONS[version:]:
                step(db)
            if version != SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite and file errors as one German QueueError each (locked, unreadable, no space)."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise QueueError(
                    f"Die Warteschlange {self.path} ist gesperrt: ein anderer Vorgang schreibt gerade "
                    f"(länger als {self.timeout:g} s). Versuchen Sie es gleich noch einmal."
                ) from exc
            raise self._unusable(exc) from exc
        except (sqlite3.DatabaseError, OSError) as exc:
            raise self._unusable(exc) from exc

    def _unusable(self, exc: Exception) -> QueueError:
        return QueueError(
            f"Die Warteschlange {self.path} ist nicht lesbar oder nicht beschreibbar ({exc}); "
            "prüfen Sie freien Speicherplatz, Rechte und die Datei. Nichts wurde verändert."
        )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._open()
            self._local.db = db
        yield db

    def _open(self) -> sqlite3.Connection:
        if not self.readonly:
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
            db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: durable at checkpoints, never corrupt
            db.execute("PRAGMA secure_delete=ON")  # a deleted e-mail address leaves no bytes behind
            return db
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        if not Path(f"{self.path}-wal").exists() and not Path(f"{self.path}-shm").exists():
            # No writer has the file open (it would hold a -wal): read it as it is, without
            # creating the -wal and -shm files a read-only WAL reader otherwise leaves behind.
            uri += "&immutable=1"
        db = sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise RuntimeError(f"{self.path} was opened read-only")
        with self._errors(), self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _rows(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        """Rows of a query; a read-only queue without a file has none."""
        if self.readonly and not self.path.exists():
            return []
        with self._errors(), self._connect() as db:
            return db.execute(sql, parameters).fetchall()

    def schema_version(self) -> int:
        """The file's PRAGMA user_version (0 for a file written before versions existed)."""
        rows = self._rows("PRAGMA user_version")
        return rows[0][0] if rows else 0

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
        created: datetime | None = None,
    ) -> tuple[str, bool]:
        """Queue a comment; returns (id, False), or (id of the earlier one, True) for a duplicate.

        Duplicates share article, address (e-mail, else url) and text, or same_as when given. created is when
        the reader wrote it (an imported comment's own date), else now.
        """
        mark = fingerprint(article, email or url or "", body if same_as is None else same_as)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        written = created.astimezone(UTC).isoformat(timespec="seconds") if created else now
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
                " fingerprint, created, queued) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_id, article, author, email, url, body, reply_to, type, status, reason, mark, written, now),
            )
        return new_id, False

    def entries(self, *statuses: str) -> list[Entry]:
        """Entries with one of statuses (all when none given), oldest first."""
        wanted = statuses or STATUSES
        marks = ", ".join("?" for _ in wanted)
        rows = self._rows(
            f"SELECT {', '.join(COLUMNS)} FROM comments WHERE status IN ({marks}) ORDER BY created, id", tuple(wanted)
        )
        return [Entry(*row) for row in rows]

    def get(self, comment_id: str) -> Entry | None:
        """One entry by id, or None."""
        rows = self._rows(f"SELECT {', '.join(COLUMNS)} FROM comments WHERE id = ?", (comment_id,))
        return Entry(*rows[0]) if rows else None

    def mark_approved(self, comment_id: str) -> bool:
        """Mark an entry approved (its file is written) and forget its e-mail address; False if it was not waiting."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE comments SET status = 'approved', email = NULL, decided = ? "
                "WHERE id = ? AND status IN ('pending', 'spam', 'accepted')",
                (now, comment_id),
            ).rowcount
            if changed:
                subscriptions.on_approved(db, comment_id)
        return bool(changed)

    def mark_accepted(self, comment_id: str, body: str, note: str | None, url: str | None) -> bool:
        """Approved on the server (one-tap link): waits for `comments.pull` to become a file; False if not waiting.

        body, note and url are what the file will say (the link "Ohne Links freischalten" drops links and url).
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE comments SET status = 'accepted', email = NULL, body = ?, reason = ?, url = ?, decided = ? "
                "WHERE id = ? AND status IN ('pending', 'spam')",
                (body, note, url, now, comment_id),
            ).rowcount
            if changed:
                subscriptions.on_approved(db, comment_id)
        return bool(changed)

    def write(self, step: Callable[[sqlite3.Connection], T]) -> T:
        """Run step(db) in one write transaction of this queue and return its result."""
        with self._transaction() as db:
            return step(db)

    def read(self, step: Callable[[sqlite3.Connection], T]) -> T:
        """Run step(db) on this thread's connection, writing nothing."""
        with self._errors(), self._connect() as db:
            return step(db)

    def checkpoint(self) -> None:
        """Copy the WAL into the database file and empty it, so deleted data is gone from every file."""
        with self._errors(), self._connect() as db:
            for _ in range(100):
                if db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0:
                    return
                time.sleep(0.05)

    def delete(self, comment_id: str) -> bool:
        """Remove an entry with everything it holds (reject and delete); False if there is none."""
        with self._transaction() as db:
            subscriptions.on_deleted(db, comment_id)
            return bool(db.execute("DELETE FROM comments WHERE id = ?", (comment_id,)).rowcount)

    def purge(self, days: int) -> Counter[str]:
        """Delete every entry queued more than days ago (pending, spam and approved); returns how many of each status.

        An imported comment keeps its own, older date in created; its days count from when it was queued.
        An accepted entry (approved by link, holding no address) stays until `comments.pull` has written it.
        """
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        with self._transaction() as db:
            rows = db.execute(
                "DELETE FROM comments WHERE COALESCE(queued, created) < ? AND status != 'accepted' RETURNING status",
                (cutoff,),
            ).fetchall()
        return Counter(status for (status,) in rows)
