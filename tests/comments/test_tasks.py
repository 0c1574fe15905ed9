"""The `comments.*` tasks: in the namespace; listing changes nothing; purging says what went; every field
printed to the terminal is cleaned; `approve all` goes past a reply whose parent is missing."""

from __future__ import annotations

import errno
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from invoke import Exit, Task

import tasks
from tasks import comment_tasks

OLD = "2000-01-01T00:00:00+00:00"
HOSTILE = {
    "author": "Eve\x1b[2J\x9b31m\x9d0;Fenstertitel\x9c\nfa1e0000  1. Januar 2000  beitrag",
    "body": "Text\x1b]8;;https://evil.example\x1b\\Link\x1b]8;;\x1b\\ \x9bK\nZweite Zeile",
    "url": "https://eve.example/\x1b[0m",
}


def post(intake, valid_form, **changes) -> str:
    """Post a comment through HTTP and return its id."""
    answer = intake.post(valid_form(**changes), json=True)
    assert answer.status == 202, answer.text
    return json.loads(answer.body)["id"]


def digest(path: Path) -> str | None:
    """The SHA-256 of a file, None when there is none."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def test_namespace_has_every_task_of_the_module_and_the_comment_tasks():
    defined = {value.name.replace("_", "-") for value in vars(tasks).values() if isinstance(value, Task)}
    assert defined <= set(tasks.ns.task_names)
    comments = tasks.ns.collections["comments"]
    assert set(comments.task_names) >= {"list", "show", "approve", "reject", "reply", "delete", "purge", "serve"}


def test_list_and_show_leave_the_queue_file_and_its_wal_byte_identical(intake, valid_form, context, capsys):
    comment_id = post(intake, valid_form)
    with sqlite3.connect(intake.config.db_path) as db:  # older than retention_days
        db.execute("UPDATE comments SET created = ?, queued = ?", (OLD, OLD))
    files = [intake.config.db_path, Path(f"{intake.config.db_path}-wal")]
    assert files[1].exists()  # the intake holds the file open, as in production
    before = [digest(f) for f in files]
    comment_tasks.list_(context)
    comment_tasks.show(context, comment_id)
    assert [digest(f) for f in files] == before
    assert comment_id in capsys.readouterr().out and intake.queue.get(comment_id)


def test_list_of_a_queue_that_does_not_exist_creates_nothing(context, monkeypatch, tmp_path, capsys):
    missing = tmp_path / "nie" / "angelegt.sqlite3"
    monkeypatch.setenv("COMMENTS_DB", str(missing))
    comment_tasks.list_(context)
    assert "Nichts zu tun" in capsys.readouterr().out and not missing.parent.exists()


def test_purge_removes_old_entries_and_says_what_it_removed(intake, valid_form, context, capsys):
    old, spam = (
        post(intake, valid_form, body="Alt"),
        post(intake, valid_form, body="https://a.x https://b.x https://c.x"),
    )
    kept = post(intake, valid_form, body="Neu")
    with sqlite3.connect(intake.config.db_path) as db:
        db.execute("UPDATE comments SET created = ?, queued = ? WHERE id IN (?, ?)", (OLD, OLD, old, spam))
    comment_tasks.purge(context)
    assert "Gelöscht: 2" in (out := capsys.readouterr().out) and "1 wartend" in out and "1 Spam" in out
    assert [e.id for e in intake.queue.entries()] == [kept]
    comment_tasks.purge(context)
    assert "Nichts gelöscht" in capsys.readouterr().out


def test_every_field_printed_to_the_terminal_is_cleaned(intake, context, capsys):
    comment_id = intake.queue.add(article="beitrag", email="e@example.org", **HOSTILE)[0]  # as an import would
    intake.queue.add(article="beitrag", email=None, status="spam", reason="3 Links\x1b[31m", **{**HOSTILE, "body": "x"})
    comment_tasks.list_(context)
    comment_tasks.show(context, comment_id)
    printed = capsys.readouterr().out
    assert not any(0x80 <= ord(ch) <= 0x9F or ch == "\x1b" for ch in printed)
    assert not any(line.startswith("fa1e0000") for line in printed.splitlines())  # no forged listing line
    assert "Zweite Zeile" in printed


def test_approve_all_goes_past_a_refused_reply_and_exits_1_naming_it(intake, valid_form, context, capsys):
    orphan = intake.queue.add(article="beitrag", author="Ben", email=None, url=None, body="Re", reply_to="weg")[0]
    fine = post(intake, valid_form)
    with pytest.raises(Exit) as refused:
        comment_tasks.approve(context, "all")
    assert refused.value.code == 1 and orphan in refused.value.message
    assert "nicht mehr gibt" in capsys.readouterr().err
    assert intake.queue.get(fine).status == "approved" and intake.queue.get(orphan).status == "pending"


def test_delete_of_a_parent_with_a_waiting_reply_refuses_and_the_build_still_passes(
    intake, valid_form, context, tmp_path
):
    from helpers import build_site

    parent = post(intake, valid_form, body="Elternkommentar")
    comment_tasks.approve(context, parent)
    content = Path(context.config.blog.content)
    build_site(content, tmp_path / "built")
    reply = intake.queue.add(article="beitrag", author="Ben", email=None, url=None, body="Re", reply_to=parent)[0]
    with pytest.raises(Exit, match="wartet"):
        comment_tasks.delete(context, parent)
    comment_tasks.approve(context, reply)
    build_site(content, tmp_path / "built-again")


def test_a_full_disk_while_replying_is_one_german_message(intake, valid_form, context, monkeypatch):
    comment_id = post(intake, valid_form)
    comment_tasks.approve(context, comment_id)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("comments.model.tempfile.mkstemp", disk_full)
    with pytest.raises(Exit, match="ließ sich nicht schreiben") as refused:
        comment_tasks.reply(context, comment_id, body="Danke!")
    assert refused.value.code == 1
    assert len(list((Path(context.config.blog.content) / "comments" / "beitrag").glob("*.md"))) == 2  # c1 + parent
