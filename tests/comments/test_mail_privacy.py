"""The Datenschutz page on e-mail notifications: each promise is checked against the code (as test_privacy.py
does for the form and the 30-day purge)."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from comments import subscriptions
from comments.mailer import MailSettings, OutboxWorker, SmtpSettings, mail_settings
from comments.plugin import DEFAULTS
from helpers import ROOT

PRIVACY = (ROOT / "content/pages/datenschutz.md").read_text(encoding="utf-8")
READER = "leserin@example.org"


def promise(sentence_start: str) -> str:
    """The sentence of the Datenschutz page that starts like this (fails when it was reworded)."""
    match = re.search(re.escape(sentence_start) + r"[^.]*\.", PRIVACY)
    assert match, f"the Datenschutz page no longer says {sentence_start!r}: update it and this test together"
    return match[0]


def subscribe(intake, valid_form, state: str = "offered", body: str = "Ein Kommentar") -> str:
    answer = intake.post(valid_form(email=READER, body=body), json=True)
    comment_id = json.loads(answer.body)["id"]
    intake.queue.write(lambda db: subscriptions.request(db, comment_id, "beitrag", READER))
    if state != "requested":
        intake.queue.mark_approved(comment_id)
    if state == "confirmed":
        intake.queue.write(lambda db: subscriptions.confirm(db, comment_id))
    return comment_id


def dump(intake) -> str:
    with sqlite3.connect(intake.config.db_path) as db:
        return "\n".join(db.iterdump())


def worker(intake) -> OutboxWorker:
    mail = MailSettings(smtp=SmtpSettings("127.0.0.1", 9, "blog@example.org", ""), site_url="https://blog.example",
                        secret="geheim")  # fmt: skip
    from comments.intake import Manifest

    return OutboxWorker(intake.queue, Manifest(intake.config.manifest_path), mail)


def test_the_address_is_deleted_after_the_stated_days_without_unsubscribing(intake, valid_form):
    stated = promise("Ohne Abmeldung löschen wir sie spätestens")
    days = int(re.search(r"spätestens (\d+) Tage nach Ihrem Kommentar", stated)[1])
    assert days == DEFAULTS["notify_retention_days"]
    old, young = subscribe(intake, valid_form, "confirmed"), subscribe(intake, valid_form, "offered", "Noch einer")
    stamp = (datetime.now(UTC) - timedelta(days=days, minutes=1)).isoformat(timespec="seconds")
    with sqlite3.connect(intake.config.db_path) as db:
        db.execute("UPDATE subscribers SET created = ? WHERE comment_id = ?", (stamp, old))
    assert worker(intake).purge() == 1
    states = intake.queue.read(lambda db: (subscriptions.state(db, old), subscriptions.state(db, young)))
    assert states == (None, "offered")


def test_a_rejected_comment_gets_no_mail_and_its_address_is_gone(intake, valid_form):
    promise("Lehnen wir Ihren Kommentar ab, schreiben wir Ihnen nicht und löschen die Adresse sofort")
    comment_id = subscribe(intake, valid_form, "requested")
    assert READER in dump(intake)
    intake.queue.delete(comment_id)
    assert READER not in dump(intake)
    assert intake.queue.read(lambda db: db.execute("SELECT count(*) FROM mail_outbox").fetchone()) == (0,)


def test_without_confirmation_there_is_no_second_mail(intake, valid_form):
    promise("Erst wenn Sie das auf der verlinkten Seite mit einem Knopf bestätigen")
    comment_id = subscribe(intake, valid_form, "offered")
    queued = intake.queue.write(
        lambda db: subscriptions.announce_reply(db, parent_id=comment_id, reply_id="r1", author="A", body="B")
    )
    assert not queued


def test_only_the_stated_data_is_kept_for_notifications(intake):
    stated = promise("Gespeichert werden dafür nur Ihre E-Mail-Adresse")
    assert all(word in stated for word in ("E-Mail-Adresse", "Nummer", "Beitrag", "geschrieben", "bestätigt"))
    with sqlite3.connect(intake.config.db_path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(subscribers)")}
        outbox = {row[1] for row in db.execute("PRAGMA table_info(mail_outbox)")}
    assert columns == {"email", "comment_id", "article", "created", "state", "confirmed"}
    assert "email" not in outbox  # the outbox names the comment; the address is read when the mail goes out


def test_every_mail_has_the_unsubscribe_link_and_is_plain_text_without_images(intake, valid_form):
    promise("Jede dieser E-Mails enthält einen Link zum Abmelden")
    promise("Die E-Mails sind reiner Text ohne Zählpixel, ohne nachgeladene Bilder")
    comment_id = subscribe(intake, valid_form, "confirmed")
    sender = worker(intake)
    for kind, payload in (("approved", {}), ("reply", {"reply_id": "r1", "author": "Ben", "body": "Antwort"})):
        mail = sender.compose(kind, comment_id, payload)
        assert mail.get_content_type() == "text/plain" and not mail.is_multipart()
        assert re.fullmatch(r"<https://blog\.example/kommentare/abmelden/\S+>", mail["List-Unsubscribe"])
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "<img" not in mail.get_content() and "?utm_" not in mail.get_content()


def test_mail_settings_come_from_settings_and_environment_and_bad_days_are_refused(monkeypatch, tmp_path):
    for name in ("COMMENTS_SMTP_HOST", "COMMENTS_NOTIFY_TO", "COMMENTS_NOTIFY_FROM", "COMMENTS_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings = {"SITENAME": "Blog", "SITEURL": "https://blog.example", "COMMENTS_SMTP_HOST": "127.0.0.1"}
    assert mail_settings(settings) is None  # no sender: no mail at all
    monkeypatch.setenv("COMMENTS_NOTIFY_TO", "redaktion@example.org")
    monkeypatch.setenv("COMMENTS_SECRET", "geheim")
    mail = mail_settings(settings)
    assert (mail.smtp.sender, mail.site_name, mail.secret, mail.moderation_link_days) == (
        "redaktion@example.org", "Blog", "geheim", 7,
    )  # fmt: skip
    with pytest.raises(ValueError, match="notify_retention_days"):
        mail_settings({**settings, "COMMENTS": {"notify_retention_days": "lange"}})
