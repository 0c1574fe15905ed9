"""Readers who asked for e-mail (form field ``notify``), and the outbox of mails to them.

Both tables live in the queue's SQLite file, written inside the queue's own transactions:
- ``subscribers``: one row per comment whose writer ticked ``notify``; the only copy of the address
  after moderation. States: ``requested`` (comment waits), ``offered`` (approval mail queued, reply
  notifications offered), ``confirmed`` (double opt-in done). Deleted on rejection, on unsubscribe,
  and ``notify_retention_days`` after the comment arrived.
- ``mail_outbox``: mails still to send (``approved``: your comment is online; ``reply``: someone
  answered). A row names the comment, never an address: the address is read when the mail is sent,
  so an unsubscribe in between stops it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime, timedelta

SCHEMA = """
CREATE TABLE IF NOT EXISTS subscribers (
    comment_id TEXT PRIMARY KEY,
    article TEXT NOT NULL,
    email TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'requested',
    created TEXT NOT NULL,
    confirmed TEXT
);
CREATE TABLE IF NOT EXISTS mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    comment_id TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    attempts INTEGER NOT NULL DEFAULT 0,
    due TEXT NOT NULL
);
"""
logger = logging.getLogger(__name__)
OUTBOX_LIMIT = 1000  # bounded: beyond this, new mails are dropped with a log line, comments never are


def create_tables(db: sqlite3.Connection) -> None:
    """Queue schema version 2 -> 3 (a step of queue.MIGRATIONS): the two tables above."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def now() -> str:
    """The current time as the queue stores it (UTC, ISO 8601)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def request(db: sqlite3.Connection, comment_id: str, article: str, email: str) -> None:
    """Remember that the writer of comment_id wants one mail when it is approved."""
    db.execute(
        "INSERT OR IGNORE INTO subscribers (comment_id, article, email, state, created)"
        " VALUES (?, ?, ?, 'requested', ?)",
        (comment_id, article, email, now()),
    )


def queue_mail(db: sqlite3.Connection, kind: str, comment_id: str, payload: dict | None = None) -> bool:
    """Put one mail into the outbox; False when the outbox is full."""
    (count,) = db.execute("SELECT count(*) FROM mail_outbox").fetchone()
    if count >= OUTBOX_LIMIT:
        logger.error("comments: Postausgang voll (%d E-Mails), keine E-Mail zu Kommentar %s", count, comment_id)
        return False
    db.execute(
        "INSERT INTO mail_outbox (kind, comment_id, payload, due) VALUES (?, ?, ?, ?)",
        (kind, comment_id, json.dumps(payload or {}, ensure_ascii=False), now()),
    )
    return True


def on_approved(db: sqlite3.Connection, comment_id: str) -> None:
    """Inside the approving transaction: queue the writer's mail, and reply mails to the parent's reader."""
    if db.execute(
        "UPDATE subscribers SET state = 'offered' WHERE comment_id = ? AND state = 'requested'", (comment_id,)
    ).rowcount:
        queue_mail(db, "approved", comment_id)
    row = db.execute("SELECT reply_to, author, body, article FROM comments WHERE id = ?", (comment_id,)).fetchone()
    if row and row[0]:
        announce_reply(db, parent_id=row[0], reply_id=comment_id, author=row[1], body=row[2])


def announce_reply(db: sqlite3.Connection, *, parent_id: str, reply_id: str, author: str, body: str) -> bool:
    """Queue a reply mail when the writer of parent_id confirmed their subscription; True if queued."""
    confirmed = db.execute("SELECT 1 FROM subscribers WHERE comment_id = ? AND state = 'confirmed'", (parent_id,))
    if not confirmed.fetchone():
        return False
    return queue_mail(db, "reply", parent_id, {"reply_id": reply_id, "author": author, "body": body})


def on_deleted(db: sqlite3.Connection, comment_id: str) -> None:
    """Inside the deleting transaction (reject, delete): forget the writer's address and pending mails."""
    db.execute("DELETE FROM subscribers WHERE comment_id = ?", (comment_id,))
    db.execute("DELETE FROM mail_outbox WHERE comment_id = ?", (comment_id,))


def confirm(db: sqlite3.Connection, comment_id: str) -> str | None:
    """Double opt-in: the state before ("offered" → now confirmed, "confirmed" stays), or None if unknown."""
    row = db.execute("SELECT state FROM subscribers WHERE comment_id = ?", (comment_id,)).fetchone()
    if row is None or row[0] == "requested":
        return None
    db.execute(
        "UPDATE subscribers SET state = 'confirmed', confirmed = ? WHERE comment_id = ? AND state = 'offered'",
        (now(), comment_id),
    )
    return row[0]


def unsubscribe(db: sqlite3.Connection, comment_id: str) -> int:
    """Delete the subscription of comment_id and every other one of the same address; returns how many."""
    row = db.execute("SELECT email FROM subscribers WHERE comment_id = ?", (comment_id,)).fetchone()
    if row is None:
        return 0
    db.execute(
        "DELETE FROM mail_outbox WHERE comment_id IN"
        " (SELECT comment_id FROM subscribers WHERE lower(email) = lower(?))",
        (row[0],),
    )
    return db.execute("DELETE FROM subscribers WHERE lower(email) = lower(?)", (row[0],)).rowcount


def state(db: sqlite3.Connection, comment_id: str) -> str | None:
    """The subscription state of comment_id, or None."""
    row = db.execute("SELECT state FROM subscribers WHERE comment_id = ?", (comment_id,)).fetchone()
    return row[0] if row else None


def purge(db: sqlite3.Connection, notify_days: int) -> int:
    """Delete subscriptions older than notify_days, and requests whose comment is gone; returns how many."""
    cutoff = (datetime.now(UTC) - timedelta(days=notify_days)).isoformat(timespec="seconds")
    removed = db.execute("DELETE FROM subscribers WHERE created < ?", (cutoff,)).rowcount
    removed += db.execute(
        "DELETE FROM subscribers WHERE state = 'requested' AND comment_id NOT IN (SELECT id FROM comments)"
    ).rowcount
    db.execute("DELETE FROM mail_outbox WHERE comment_id NOT IN (SELECT comment_id FROM subscribers)")
    return removed
