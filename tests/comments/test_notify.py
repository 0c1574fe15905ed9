"""The moderator's e-mail about a new comment, sent to aiosmtpd on loopback."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from comments.intake import config_from_settings
from comments.notify import SmtpNotifier, SmtpSettings


class Inbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


@pytest.fixture
def smtp():
    """An SMTP server on a free loopback port; yields (port, inbox)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_a_new_comment_mails_the_moderator_without_the_commenters_address(start_intake, valid_form, smtp):
    port, inbox = smtp
    notifier = SmtpNotifier(SmtpSettings("127.0.0.1", port, "blog@example.org", "redaktion@example.org"))
    intake = start_intake(notify=notifier)
    assert intake.post(valid_form(email="leser@example.org", body="Eine Frage zum Beitrag")).status == 303
    notifier.wait()
    [(recipients, mail)] = inbox.messages
    assert recipients == ["redaktion@example.org"]
    assert mail["Subject"] == "Neuer Kommentar zu „Ein Beitrag“ von Jana Beispiel"
    text = mail.get_content()
    [entry] = intake.queue.entries("pending")
    assert "Eine Frage zum Beitrag" in text and f"invoke comments.approve {entry.id}" in text
    assert "leser@example.org" not in mail.as_string() and "127.0.0.1" not in text


def test_a_broken_mail_server_does_not_delay_or_break_the_intake(start_intake, valid_form):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    notifier = SmtpNotifier(SmtpSettings("127.0.0.1", closed_port, "a@example.org", "b@example.org", timeout=2))
    intake = start_intake(notify=notifier)
    assert intake.post(valid_form()).status == 303
    notifier.wait()
    assert len(intake.queue.entries("pending")) == 1


def test_notification_is_configured_from_settings_and_environment(monkeypatch, tmp_path):
    settings = {"OUTPUT_PATH": str(tmp_path), "COMMENTS_SMTP_HOST": "127.0.0.1"}
    assert config_from_settings(settings).notify is None  # no recipient: no mail
    monkeypatch.setenv("COMMENTS_NOTIFY_TO", "redaktion@example.org")
    notifier = config_from_settings(settings).notify
    assert notifier.settings.recipient == "redaktion@example.org" and notifier.settings.port == 25
