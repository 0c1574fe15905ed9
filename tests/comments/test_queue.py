"""The queue file: a schema version in PRAGMA user_version, forward migration on open, clear errors."""

from __future__ import annotations

import json
import sqlite3

import pytest
from comments.queue import SCHEMA_VERSION, CommentQueue, QueueError

# The queue's schema as the intake created it before files carried a version (user_version 0).
UNVERSIONED_SCHEMA = """
CREATE TABLE comments (
    id TEXT PRIMARY KEY, article TEXT NOT NULL, author TEXT NOT NULL, email TEXT, url TEXT,
    body TEXT NOT NULL, reply_to TEXT, type TEXT NOT NULL DEFAULT 'comment', status TEXT NOT NULL,
    reason TEXT, fingerprint TEXT NOT NULL, created TEXT NOT NULL, decided TEXT
);
CREATE INDEX comments_status ON comments (status, created);
CREATE INDEX comments_fingerprint ON comments (fingerprint);
INSERT INTO comments (id, article, author, email, url, body, type, status, fingerprint, created)
VALUES ('a1b2c3d4', 'beitrag', 'Jana', 'jana@example.org', NULL, 'Vom Vorjahr', 'comment', 'pending', 'f',
        '2026-11-20T13:03:00+00:00');
"""


@pytest.fixture
def unversioned_queue(tmp_path):
    """A queue file of the schema in use before versions, with one waiting comment."""
    path = tmp_path / "alt.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(UNVERSIONED_SCHEMA)
    return path


def user_version(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def test_a_queue_has_a_schema_version_after_its_first_post(intake, valid_form):
    assert intake.post(valid_form(), json=True).status == 202
    assert user_version(intake.config.db_path) == SCHEMA_VERSION >= 1


def test_a_queue_file_without_a_version_is_migrated_and_keeps_its_entries(unversioned_queue):
    assert user_version(unversioned_queue) == 0
    queue = CommentQueue(unversioned_queue)
    assert user_version(unversioned_queue) == SCHEMA_VERSION
    with sqlite3.connect(unversioned_queue) as db:
        assert "queued" in {row[1] for row in db.execute("PRAGMA table_info(comments)")}  # version 2
    [entry] = queue.entries("pending")
    assert (entry.id, entry.author, entry.email) == ("a1b2c3d4", "Jana", "jana@example.org")
    new_id, duplicate = queue.add(article="beitrag", author="Ben", email="b@example.org", url=None, body="Neu")
    assert not duplicate and queue.get(new_id).body == "Neu"


def test_reading_an_unversioned_queue_changes_nothing(unversioned_queue):
    before = unversioned_queue.read_bytes()
    assert [e.id for e in CommentQueue(unversioned_queue, readonly=True).entries()] == ["a1b2c3d4"]
    assert unversioned_queue.read_bytes() == before and user_version(unversioned_queue) == 0


def test_a_queue_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "neu.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(QueueError, match="neueren Version"):
        CommentQueue(path)
    assert path.read_bytes() == before


def test_a_damaged_queue_file_is_one_german_message(tmp_path):
    path = tmp_path / "kaputt.sqlite3"
    path.write_bytes(b"kein SQLite, nur M\xfcll" * 100)
    for opened in (lambda: CommentQueue(path), lambda: CommentQueue(path, readonly=True).entries()):
        with pytest.raises(QueueError, match="nicht lesbar oder nicht beschreibbar"):
            opened()


def test_the_intake_answers_503_not_500_when_the_queue_is_locked(start_intake, valid_form):
    intake = start_intake()
    intake.app.queue.timeout = 0.2  # waitress's threads connect on their first request, with this timeout
    holder = sqlite3.connect(intake.config.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        answer = intake.post(valid_form(), json=True)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status == 503 and json.loads(answer.body)["status"] == "error"
