"""`invoke comments.pull`, `comments.list` and `comments.reply` around comments approved by e-mail link."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
from pathlib import Path

import pytest
from comments import subscriptions
from comments.moderation import STRIPPED_NOTE, Moderator
from helpers import ROOT
from invoke import Config, Context, Exit

from tasks import comment_tasks


def post(intake, valid_form, **changes) -> str:
    answer = intake.post(valid_form(**changes), json=True)
    assert answer.status == 202, answer.text
    return json.loads(answer.body)["id"]


def test_pull_writes_what_approve_writes_and_lists_them_apart_until_then(intake, valid_form, context, tmp_path, capsys):
    by_link, by_command = post(intake, valid_form, body="Per Link"), post(intake, valid_form, body="Per Befehl")
    entry = intake.queue.get(by_link)
    assert intake.queue.mark_accepted(by_link, entry.body, None, entry.url)  # what the link's POST does
    comment_tasks.list_(context)
    listed = capsys.readouterr().out
    waiting, _, accepted = listed.partition("per Link freigeschaltet, noch nicht geholt")
    assert by_command in waiting and by_link not in waiting and by_link in accepted

    comment_tasks.pull(context)
    assert "1 Kommentar geholt." in capsys.readouterr().out
    comments = Path(context.config.blog.content) / "comments" / "beitrag"
    pulled = (comments / f"{by_link}.md").read_text(encoding="utf-8")
    comment_tasks.approve(context, by_command)
    approved = (comments / f"{by_command}.md").read_text(encoding="utf-8")

    def without_date(text: str, body: str) -> list[str]:
        return [line for line in text.replace(body, "TEXT").splitlines() if not line.startswith("Date:")]

    assert without_date(pulled, "Per Link") == without_date(approved, "Per Befehl")
    assert "Url: https://jana.example/" in pulled.splitlines() and pulled.endswith("\n\nPer Link\n")
    assert intake.queue.get(by_link).status == "approved" and "@" not in pulled
    comment_tasks.pull(context)
    assert "0 Kommentare geholt." in capsys.readouterr().out  # marked written: never twice


def test_pull_of_a_link_approved_without_links_notes_it_like_strip_links(intake, valid_form, context):
    comment_id = post(intake, valid_form, body="Siehe https://werbung.example/ dort")
    intake.queue.mark_accepted(comment_id, "Siehe  dort", STRIPPED_NOTE, None)
    comment_tasks.pull(context)
    text = (Path(context.config.blog.content) / "comments" / "beitrag" / f"{comment_id}.md").read_text("utf-8")
    assert f"Note: {STRIPPED_NOTE}" in text and "werbung" not in text and "Url:" not in text


def test_reply_task_queues_a_mail_only_for_a_confirmed_reader(intake, valid_form, context, capsys):
    reader, other = post(intake, valid_form, body="Frage"), post(intake, valid_form, body="Noch eine")
    for comment_id in (reader, other):
        intake.queue.write(lambda db, c=comment_id: subscriptions.request(db, c, "beitrag", "leser@example.org"))
        Moderator(intake.queue, Path(context.config.blog.content) / "comments", "Europe/Berlin").approve(comment_id)
    intake.queue.write(lambda db: subscriptions.confirm(db, reader))
    comment_tasks.reply(context, reader, body="Gute Frage!")
    assert "per E-Mail" in capsys.readouterr().out
    comment_tasks.reply(context, other, body="Danke!")  # offered, never confirmed
    assert "per E-Mail" not in capsys.readouterr().out
    rows = intake.queue.read(lambda db: db.execute("SELECT kind, comment_id, payload FROM mail_outbox").fetchall())
    replies = [(c, json.loads(p)["body"]) for kind, c, p in rows if kind == "reply"]
    assert replies == [(reader, "Gute Frage!")]


def test_publish_first_pulls_from_the_remote_intake_and_says_how_many(
    start_intake, valid_form, tmp_path, monkeypatch, capsys
):
    from tasks.author import _pull_remote_comments

    remote = start_intake(token="token-fuer-tests")
    comment_id = post(remote, valid_form)
    entry = remote.queue.get(comment_id)
    remote.queue.mark_accepted(comment_id, entry.body, None, entry.url)
    content = shutil.copytree(remote.site.parent / "content", tmp_path / "content")
    monkeypatch.setenv("COMMENTS_REMOTE", f"http://127.0.0.1:{remote.port}")
    monkeypatch.setenv("COMMENTS_TOKEN", "token-fuer-tests")
    monkeypatch.delenv("COMMENTS_SMTP_HOST", raising=False)
    blog = {"content": str(content), "output": str(remote.site), "settings": str(ROOT / "pelicanconf.py")}
    context = Context(Config(overrides={"blog": blog}))
    _pull_remote_comments(context, {})
    assert "Vom Kommentarserver geholt: 1 freigeschalteter Kommentar." in capsys.readouterr().out
    assert (content / "comments" / "beitrag" / f"{comment_id}.md").is_file()
    assert remote.queue.get(comment_id).status == "approved"
    monkeypatch.delenv("COMMENTS_REMOTE")
    _pull_remote_comments(context, {})  # no remote: publish does not pull
    assert "Kommentarserver" not in capsys.readouterr().out


def test_a_reply_on_the_laptop_reaches_the_subscriber_through_the_remote_api(
    start_intake, valid_form, tmp_path, monkeypatch, capsys
):
    remote = start_intake(token="token-fuer-tests")
    comment_id = post(remote, valid_form)
    remote.queue.write(lambda db: subscriptions.request(db, comment_id, "beitrag", "leser@example.org"))
    entry = remote.queue.get(comment_id)
    remote.queue.mark_accepted(comment_id, entry.body, None, entry.url)
    remote.queue.write(lambda db: subscriptions.confirm(db, comment_id))
    content = shutil.copytree(remote.site.parent / "content", tmp_path / "content")
    monkeypatch.setenv("COMMENTS_REMOTE", f"http://127.0.0.1:{remote.port}")
    monkeypatch.setenv("COMMENTS_TOKEN", "token-fuer-tests")
    monkeypatch.delenv("COMMENTS_SMTP_HOST", raising=False)
    blog = {"content": str(content), "output": str(remote.site), "settings": str(ROOT / "pelicanconf.py")}
    comment_tasks.reply(Context(Config(overrides={"blog": blog})), comment_id, body="Danke!")
    assert "per E-Mail" in capsys.readouterr().out
    rows = remote.queue.read(lambda db: db.execute("SELECT kind, comment_id, payload FROM mail_outbox").fetchall())
    assert [(k, c, json.loads(p)["body"]) for k, c, p in rows if k == "reply"] == [("reply", comment_id, "Danke!")]
    headers = {"Authorization": "Bearer token-fuer-tests", "Content-Type": "application/json"}
    assert remote.request("POST", f"/kommentare/api/entries/{comment_id}/replies", b"{}", headers).status == 400


def test_a_comment_approved_by_link_outlives_the_purge_until_it_is_pulled(intake, valid_form, context, capsys):
    comment_id = post(intake, valid_form)
    entry = intake.queue.get(comment_id)
    intake.queue.mark_accepted(comment_id, entry.body, None, entry.url)
    with sqlite3.connect(intake.config.db_path) as db:
        db.execute("UPDATE comments SET created = ?, queued = ?", ("2000-01-01T00:00:00+00:00",) * 2)
    assert not intake.queue.purge(30)
    comment_tasks.pull(context)
    assert "1 Kommentar geholt." in capsys.readouterr().out
    assert intake.queue.purge(30) == {"approved": 1}  # written: now it goes like every finished entry


def test_pull_goes_past_an_entry_it_cannot_write_and_exits_1_naming_it(intake, valid_form, context, capsys):
    broken, fine = post(intake, valid_form, body="Kaputt"), post(intake, valid_form, body="Gut")
    for comment_id in (broken, fine):
        entry = intake.queue.get(comment_id)
        intake.queue.mark_accepted(comment_id, entry.body, None, entry.url)
    with sqlite3.connect(intake.config.db_path) as db:  # a website the build would refuse
        db.execute("UPDATE comments SET url = 'javascript:alert(1)' WHERE id = ?", (broken,))
    with pytest.raises(Exit) as refused:
        comment_tasks.pull(context)
    assert refused.value.code == 1 and broken in refused.value.message
    assert intake.queue.get(fine).status == "approved" and intake.queue.get(broken).status == "accepted"


def test_publish_goes_on_when_the_remote_intake_is_unreachable(context, monkeypatch, capsys):
    from tasks.author import _pull_remote_comments

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("COMMENTS_REMOTE", f"http://127.0.0.1:{closed}")
    monkeypatch.setenv("COMMENTS_TOKEN", "token-fuer-tests")
    _pull_remote_comments(context, {})
    err = capsys.readouterr().err
    assert "nicht erreichbar" in err and "Veröffentlicht wird trotzdem" in err
