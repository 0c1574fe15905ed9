"""Moderation: approve, reject, reply and delete, from the queue to files to the built page."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from comments.model import parse_comment_file
from comments.moderation import STRIPPED_NOTE, ModerationError, Moderator
from comments.queue import CommentQueue, QueueError
from helpers import ROOT, Site, build_site

EMAIL = "geheim@example.org"


@pytest.fixture
def moderator(intake, tmp_path) -> Moderator:
    """A moderator on the test intake's queue, writing into a copy of the test site's content."""
    content = tmp_path / "content"
    shutil.copytree(intake.site.parent / "content", content)
    return Moderator(intake.queue, content / "comments", "Europe/Berlin", "Katrin Albrecht")


def post(intake, valid_form, **changes) -> str:
    """Post a comment through HTTP and return its id."""
    answer = intake.post(valid_form(email=EMAIL, **changes), json=True)
    assert answer.status == 202, answer.text
    return json.loads(answer.body)["id"]


def test_approve_writes_one_file_without_email_and_the_build_shows_it(intake, valid_form, moderator, tmp_path):
    comment_id = post(intake, valid_form, body="Sehr *hilfreich*, danke!", reply_to="c1")
    path = moderator.approve(comment_id)
    assert path == moderator.comments_dir / "beitrag" / f"{comment_id}.md"
    comment = parse_comment_file(path, "Europe/Berlin")
    assert (comment.author, comment.reply_to, comment.website) == ("Jana Beispiel", "c1", "https://jana.example/")
    assert intake.queue.get(comment_id).status == "approved" and intake.queue.get(comment_id).email is None
    with pytest.raises(ModerationError):
        moderator.approve(comment_id)  # nothing waits any more: still exactly one file
    public = {key: "https://blog.example" for key in ("SITEURL", "ABSOLUTE_SITEURL", "FEED_DOMAIN")}
    output = build_site(moderator.comments_dir.parent, tmp_path / "out", **public)
    page = Site(output).html("beitrag/index.html")
    shown = page.find(id=f"comment-{comment_id}")
    assert shown.find_parent("li", id="comment-c1") and shown.find("em").get_text() == "hilfreich"
    for folder in (moderator.comments_dir.parent, output):
        for file in folder.rglob("*"):
            if file.is_file() and file.suffix in {".md", ".html", ".xml", ".json", ".txt"}:
                text = file.read_text(encoding="utf-8")
                assert EMAIL not in text and "127.0.0.1" not in text, file


def test_approve_all_takes_every_pending_but_not_spam(intake, valid_form, moderator):
    ids = [post(intake, valid_form, body=f"Kommentar {n}") for n in range(3)]
    post(intake, valid_form, body="https://a.example https://b.example https://c.example")
    for comment_id in [e.id for e in moderator.pending()]:
        moderator.approve(comment_id)
    assert sorted(p.stem for p in (moderator.comments_dir / "beitrag").glob("*.md")) == sorted([*ids, "c1"])
    assert len(moderator.held_as_spam()) == 1


def test_strip_links_removes_links_and_the_website_and_adds_a_note(intake, valid_form, moderator):
    comment_id = post(intake, valid_form, body="Mehr bei [uns](https://werbung.example) und https://spam.example")
    path = moderator.approve(comment_id, strip=True)
    comment = parse_comment_file(path, "Europe/Berlin")
    assert "example" not in path.read_text(encoding="utf-8") and comment.website is None
    assert comment.note == STRIPPED_NOTE
    only_links = post(intake, valid_form, body="https://a.example https://b.example")
    with pytest.raises(ModerationError, match="kein Text"):
        moderator.approve(only_links, strip=True)
    assert intake.queue.get(only_links).status == "pending"
    other = post(intake, valid_form, body="Noch ein Gedanke")
    assert parse_comment_file(moderator.approve(other, note="Gekürzt"), "Europe/Berlin").note == "Gekürzt"


def test_reject_deletes_the_entry_with_its_email(intake, valid_form, moderator):
    comment_id = post(intake, valid_form)
    moderator.reject(comment_id)
    assert intake.queue.get(comment_id) is None
    assert EMAIL not in "\n".join(sqlite3.connect(intake.config.db_path).iterdump())
    assert not list(moderator.comments_dir.glob(f"*/{comment_id}.md"))


def test_reply_is_published_as_the_site_author(intake, valid_form, moderator):
    comment_id = post(intake, valid_form)
    path = moderator.reply(comment_id, "Danke, ich habe die Links entfernt.")
    reply = parse_comment_file(path, "Europe/Berlin")
    assert reply.by_site_author and reply.reply_to == comment_id and reply.author == "Katrin Albrecht"
    assert (moderator.comments_dir / "beitrag" / f"{comment_id}.md").is_file()  # approved along the way
    with pytest.raises(ModerationError, match="zuerst"):
        moderator.delete(comment_id)
    moderator.delete(reply.id)
    moderator.delete(comment_id)
    assert not list(moderator.comments_dir.glob(f"*/{comment_id}.md"))


@pytest.mark.parametrize("bad", ["../c1", "gibt-es-nicht", "all"])
def test_unknown_ids_are_clear_errors(moderator, bad):
    with pytest.raises(ModerationError):
        moderator.approve(bad)
    with pytest.raises(ModerationError):
        moderator.delete(bad)


def test_cli_lists_and_shows_with_the_id_positional(intake, valid_form):
    comment_id = post(intake, valid_form)
    env = {**os.environ, "COMMENTS_DB": str(intake.config.db_path)}

    def invoke(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "invoke", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)

    listed = invoke("comments.list")
    assert listed.returncode == 0, listed.stderr
    assert comment_id in listed.stdout and "auf Freischaltung" in listed.stdout
    shown = invoke("comments.show", comment_id)
    assert EMAIL in shown.stdout and f"invoke comments.approve {comment_id}" in shown.stdout
    missing = invoke("comments.reject", "nope")
    assert missing.returncode == 1 and "comments.list" in missing.stderr
    rejected = invoke("comments.reject", comment_id)
    assert rejected.returncode == 0 and intake.queue.get(comment_id) is None


HOSTILE_FIELDS = {
    "author": 'Eve\u202e\u200b<img src=x onerror="alert(1)">',
    "url": "https://eve.example/?q=<script>",
    "body": "\u2066Text\u2069 <script>alert(2)</script> [x](javascript:alert(3)) \u200b![i](https://e.example/i.png)",
}


def test_hostile_fields_through_http_approval_and_build_stay_inert(intake, valid_form, moderator, tmp_path):
    answer = intake.post(valid_form(email=EMAIL, **HOSTILE_FIELDS), json=True)
    assert answer.status in (202, 400)
    if answer.status == 400:  # the url is refused: send the rest
        answer = intake.post(
            valid_form(email=EMAIL, author=HOSTILE_FIELDS["author"], body=HOSTILE_FIELDS["body"]), json=True
        )
    comment_id = json.loads(answer.body)["id"]
    moderator.approve(comment_id)
    output = build_site(moderator.comments_dir.parent, tmp_path / "out")
    shown = Site(output).html("beitrag/index.html").find(id=f"comment-{comment_id}")
    assert not shown.find_all(["script", "img"]) and not shown.find("a", href=lambda h: h and "javascript" in h)
    text = shown.get_text()
    assert '<img src=x onerror="alert(1)">' in text and "<script>alert(2)</script>" in text
    assert not any(ch in text for ch in "\u202e\u200b\u2066\u2069")


def test_long_article_slugs_work(tmp_path):
    from datetime import UTC, datetime

    from comments.model import Comment, write_comment_file

    slug = "ein-sehr-langer-titel-" * 8
    comment = Comment(id="l1", author="A", date=datetime(2024, 1, 1, tzinfo=UTC), body="Text")
    assert write_comment_file(tmp_path, slug.strip("-"), comment).is_file()


def test_a_reply_waits_until_its_parent_is_published_and_an_answered_parent_is_not_deleted(
    intake, valid_form, moderator, tmp_path
):
    parent = post(intake, valid_form, body="Die Frage")
    moderator.approve(parent)
    reply = intake.queue.add(
        article="beitrag", author="Ben", email=EMAIL, url=None, body="Die Antwort", reply_to=parent
    )[0]
    with pytest.raises(ModerationError, match=f"{reply} \\(wartet\\).*Nichts wurde verändert"):
        moderator.delete(parent)
    assert (moderator.comments_dir / "beitrag" / f"{parent}.md").is_file() and intake.queue.get(parent)
    (moderator.comments_dir / "beitrag" / f"{parent}.md").unlink()  # removed by hand, or not pulled yet
    with pytest.raises(ModerationError, match="Datei fehlt"):
        moderator.approve(reply)
    intake.queue.delete(parent)
    with pytest.raises(ModerationError, match="nicht mehr gibt"):
        moderator.approve(reply)
    assert intake.queue.get(reply).status == "pending"
    assert not (moderator.comments_dir / "beitrag" / f"{reply}.md").exists()
    build_site(moderator.comments_dir.parent, tmp_path / "out")  # still builds: no orphan was written


def test_a_reply_to_a_waiting_comment_names_the_parent_to_approve_first(intake, valid_form, moderator):
    parent = post(intake, valid_form, body="Noch nicht freigeschaltet")
    reply = intake.queue.add(article="beitrag", author="Ben", email=None, url=None, body="Antwort", reply_to=parent)[0]
    with pytest.raises(ModerationError, match=f"zuerst {parent} frei"):
        moderator.approve(reply)
    moderator.approve(parent)
    assert parse_comment_file(moderator.approve(reply), "Europe/Berlin").reply_to == parent


def test_delete_checks_first_and_leaves_the_queue_entry_when_it_refuses(intake, valid_form, moderator):
    parent = post(intake, valid_form)
    moderator.reply(parent, "Danke!")
    with pytest.raises(ModerationError, match="zuerst"):
        moderator.delete(parent)
    assert intake.queue.get(parent) is not None  # the old code deleted the entry, then refused


def test_a_website_the_build_would_refuse_is_never_written(intake, valid_form, moderator):
    comment_id = intake.queue.add(  # queued before the intake checked addresses (or by an import)
        article="beitrag", author="Jana", email=None, url="https://jana.example/mein blog", body="Hallo"
    )[0]
    with pytest.raises(ModerationError, match="--strip-links"):
        moderator.approve(comment_id)
    assert not list(moderator.comments_dir.glob(f"*/{comment_id}.md"))
    assert parse_comment_file(moderator.approve(comment_id, strip=True), "Europe/Berlin").website is None


def test_a_file_that_cannot_be_written_approves_nothing(intake, valid_form, moderator):
    comment_id = post(intake, valid_form)
    shutil.rmtree(moderator.comments_dir / "beitrag")
    (moderator.comments_dir / "beitrag").write_text("kein Ordner", encoding="utf-8")
    with pytest.raises(ModerationError, match="nichts wurde freigeschaltet"):
        moderator.approve(comment_id)
    assert intake.queue.get(comment_id).status == "pending"


def test_a_locked_queue_is_one_german_message_and_nothing_is_written(intake, valid_form, moderator):
    comment_id = post(intake, valid_form)
    locked = Moderator(CommentQueue(intake.config.db_path, timeout=0.2), moderator.comments_dir, "Europe/Berlin")
    holder = sqlite3.connect(intake.config.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the intake (or another task) is writing
    try:
        with pytest.raises(QueueError, match="gesperrt"):
            locked.approve(comment_id)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not list(moderator.comments_dir.glob(f"*/{comment_id}.md"))
    assert intake.queue.get(comment_id).status == "pending"
