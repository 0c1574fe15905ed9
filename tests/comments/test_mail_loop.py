"""The comment loop closed by e-mail, over real HTTP (waitress) and real SMTP (aiosmtpd on loopback):
one-tap moderation links, the reader's approval mail with double opt-in, reply mails, one-click unsubscribe."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import threading
import time
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from comments import subscriptions
from comments.intake import IntakeApp
from comments.mailer import MailSettings, SmtpSettings
from comments.notify import SmtpNotifier
from waitress import create_server

from sitetools.devserver import site_app

READER = "Leserin.Beispiel@Example.org"
MODERATOR = "redaktion@example.org"
SITE = "https://blog.example"


class Inbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], object]] = []
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        self.raw.append(envelope.content)
        return "250 OK"

    def to(self, address: str) -> list:
        """Messages to address (case-insensitive)."""
        return [mail for rcpt, mail in self.messages if address.lower() in (r.lower() for r in rcpt)]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30) -> list:
        """The messages to address once there are count of them (fails after timeout seconds)."""
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        found = self.to(address)
        assert len(found) >= count, f"{len(found)} of {count} mails to {address} after {timeout} s"
        return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """An SMTP server on a free loopback port; yields (port, inbox)."""
    port, inbox = free_port(), Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def mail_settings(port: int, secret: str | None = "geheim-fuer-tests") -> MailSettings:
    return MailSettings(
        smtp=SmtpSettings("127.0.0.1", port, "blog@example.org", MODERATOR, timeout=5),
        site_name="Testblog",
        site_url=SITE,
        secret=secret,
    )


@pytest.fixture
def mailing(start_intake, smtp):
    """An intake that mails the moderator and readers; yields (intake, inbox, notifier)."""
    port, inbox = smtp
    mail = mail_settings(port)
    notifier = SmtpNotifier(mail.smtp, mail)
    return start_intake(notify=notifier, mail=mail), inbox, notifier


def snapshot(db_path: Path) -> list[str]:
    """Every row of every table of the queue, as SQL."""
    with sqlite3.connect(db_path) as db:
        return list(db.iterdump())


def links(text: str, area: str) -> list[str]:
    """The URL paths of the intake's `area` links in a mail text."""
    return [urlsplit(url).path for url in re.findall(rf"{re.escape(SITE)}/kommentare/{area}/\S+", text)]


def moderation_links(inbox: Inbox) -> dict[str, str]:
    """Label -> path of the links in the moderator's only mail."""
    [mail] = inbox.wait_for(MODERATOR)
    text = mail.get_content().replace("\r\n", "\n")
    return {label: urlsplit(url).path for label, url in re.findall(r"^([^:\n]+):\s+(https://\S+)$", text, re.M)}


def post_comment(intake, valid_form, **changes) -> str:
    answer = intake.post(valid_form(**{"email": READER, "notify": "1", **changes}), json=True)
    assert answer.status == 202, answer.text
    return json.loads(answer.body)["id"]


def browser_post(intake, path: str, fields: dict[str, str]) -> object:
    """A form post as a browser on the site sends it (Origin of the site)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": SITE, "Referer": SITE + path}
    return intake.request("POST", path, urlencode(fields).encode(), headers)


def approve_by_link(intake, inbox) -> None:
    path = moderation_links(inbox)["Freischalten"]
    answer = browser_post(intake, path, {"action": "approve"})
    assert answer.status == 200, answer.text


def test_get_of_a_moderation_link_changes_nothing_and_its_post_approves(mailing, valid_form):
    intake, inbox, _ = mailing
    comment_id = post_comment(intake, valid_form, body="Eine Frage zum Beitrag")
    found = moderation_links(inbox)
    assert list(found) == ["Freischalten", "Ohne Links freischalten", "Ablehnen"]
    [moderator_mail] = inbox.to(MODERATOR)
    assert READER.lower() not in moderator_mail.as_string().lower()
    before = snapshot(intake.config.db_path)
    page = intake.request("GET", found["Freischalten"])
    assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
    html = BeautifulSoup(page.text, "html.parser")
    assert "Eine Frage zum Beitrag" in html.get_text()
    buttons = [form.button.get_text() for form in html.find_all("form", method="post")]
    assert buttons == ["Freischalten", "Ohne Links freischalten", "Ablehnen"]
    assert snapshot(intake.config.db_path) == before  # no "seen" stamp, nothing
    form = html.find("form", method="post")
    answer = browser_post(intake, found["Freischalten"], {"action": form.find("input")["value"]})
    assert answer.status == 200 and "Freigeschaltet" in answer.text and "invoke comments.pull" in answer.text
    assert intake.queue.get(comment_id).status == "accepted"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_token_with_one_character_changed_is_refused_and_changes_nothing(mailing, valid_form, method):
    intake, inbox, _ = mailing
    post_comment(intake, valid_form)
    path = moderation_links(inbox)["Freischalten"]
    before = snapshot(intake.config.db_path)
    token = path.rsplit("/", 1)[1]
    for position in range(len(token)):
        changed = token[:position] + ("1" if token[position] != "1" else "2") + token[position + 1 :]
        answer = (
            browser_post(intake, f"/kommentare/moderation/{changed}", {"action": "approve"})
            if method == "POST"
            else intake.request("GET", f"/kommentare/moderation/{changed}")
        )
        assert answer.status in (403, 404), (position, answer.status)
    assert snapshot(intake.config.db_path) == before


def test_a_used_link_and_the_other_links_of_the_mail_are_gone(mailing, valid_form):
    intake, inbox, _ = mailing
    post_comment(intake, valid_form)
    found = moderation_links(inbox)
    approve_by_link(intake, inbox)
    inbox.wait_for(READER)
    before, mails = snapshot(intake.config.db_path), len(inbox.messages)
    for label, action in (("Freischalten", "approve"), ("Ohne Links freischalten", "strip"), ("Ablehnen", "reject")):
        assert intake.request("GET", found[label]).status == 410
        assert browser_post(intake, found[label], {"action": action}).status == 410
    time.sleep(2.5)  # one round of the outbox worker
    assert snapshot(intake.config.db_path) == before and len(inbox.messages) == mails


def test_a_post_from_another_site_is_refused(mailing, valid_form):
    intake, inbox, _ = mailing
    comment_id = post_comment(intake, valid_form)
    path = moderation_links(inbox)["Freischalten"]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"}
    assert intake.request("POST", path, b"action=approve", headers).status == 403
    assert intake.queue.get(comment_id).status == "pending"


def test_rejected_by_link_the_comment_and_the_address_are_gone_and_nothing_is_sent(mailing, valid_form):
    intake, inbox, _ = mailing
    comment_id = post_comment(intake, valid_form)
    path = moderation_links(inbox)["Ablehnen"]
    assert browser_post(intake, path, {"action": "reject"}).status == 200
    assert intake.queue.get(comment_id) is None
    time.sleep(2.5)
    assert not inbox.to(READER)
    assert READER.lower() not in "\n".join(snapshot(intake.config.db_path)).lower()


def test_approval_mail_double_opt_in_reply_mail_and_one_click_unsubscribe(mailing, valid_form):
    intake, inbox, _ = mailing
    comment_id = post_comment(intake, valid_form)
    approve_by_link(intake, inbox)
    [approved] = inbox.wait_for(READER, timeout=30)
    text = approved.get_content()
    assert f"{SITE}/beitrag/#comment-{comment_id}" in text and "Möchten Sie erfahren, wenn jemand antwortet?" in text
    assert approved["Subject"] == "Ihr Kommentar zu „Ein Beitrag“ ist freigeschaltet"
    assert approved["From"].addresses[0].display_name == "Testblog" and approved["Message-ID"] and approved["Date"]
    assert approved.get_content_type() == "text/plain" and "<img" not in text
    [confirm] = links(text, "benachrichtigung")

    before = snapshot(intake.config.db_path)
    page = intake.request("GET", confirm)
    asking = BeautifulSoup(page.text, "html.parser")
    assert page.status == 200 and asking.find("form", method="post") and "„Ein Beitrag“" in asking.get_text()
    assert asking.find("a", href=f"/beitrag/#comment-{comment_id}")
    assert snapshot(intake.config.db_path) == before
    with_unconfirmed_reply = intake.queue.write(
        lambda db: subscriptions.announce_reply(db, parent_id=comment_id, reply_id="r0", author="A", body="B")
    )
    assert not with_unconfirmed_reply  # never confirmed: no reply mail
    assert browser_post(intake, confirm, {}).status == 200
    assert intake.queue.read(lambda db: subscriptions.state(db, comment_id)) == "confirmed"

    reply = intake.queue.add(
        article="beitrag", author="Ben", email="ben@example.org", url=None, body="Gute Frage!", reply_to=comment_id
    )[0]
    intake.queue.mark_approved(reply)
    mails = inbox.wait_for(READER, count=2, timeout=60)
    answer = mails[1]
    assert "Gute Frage!" in answer.get_content() and f"#comment-{reply}" in answer.get_content()
    assert answer["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.search(rb"^List-Unsubscribe: <https://\S+>\r?$", inbox.raw[-1], re.M)  # one plain line, no encoded words
    unsubscribe = re.fullmatch(r"<(https?://\S+)>", answer["List-Unsubscribe"])[1]
    one_click = intake.request(
        "POST",
        urlsplit(unsubscribe).path,
        b"List-Unsubscribe=One-Click",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert 200 <= one_click.status < 400
    db = intake.config.db_path
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if path.exists():
            data = path.read_bytes().lower()
            assert READER.lower().encode() not in data, path.name
    assert intake.request("GET", confirm).status == 410  # after unsubscribing, no way back in by the old link


def test_without_notify_no_mail_and_no_address_after_approval(mailing, valid_form):
    intake, inbox, _ = mailing
    comment_id = post_comment(intake, valid_form, notify=None)
    approve_by_link(intake, inbox)
    time.sleep(2.5)
    assert not inbox.to(READER) and intake.queue.get(comment_id).status == "accepted"
    assert READER.lower() not in "\n".join(snapshot(intake.config.db_path)).lower()


def test_without_a_secret_the_moderator_mail_has_no_links_and_no_address_is_kept(start_intake, smtp, valid_form):
    port, inbox = smtp
    mail = mail_settings(port, secret=None)
    intake = start_intake(notify=SmtpNotifier(mail.smtp, mail), mail=mail)
    post_comment(intake, valid_form)
    [moderator_mail] = inbox.wait_for(MODERATOR)
    assert "/kommentare/moderation/" not in moderator_mail.get_content()
    assert "invoke comments.approve" in moderator_mail.get_content()
    with sqlite3.connect(intake.config.db_path) as db:
        assert db.execute("SELECT count(*) FROM subscribers").fetchone() == (0,)
    assert intake.request("GET", "/kommentare/moderation/f.abc.0.00").status == 404


def approved_with_mail_to(start_intake, valid_form, port: int) -> tuple[object, str]:
    """An intake mailing through port, with one notify comment approved; (intake, comment id)."""
    mail = mail_settings(port)
    intake = start_intake(notify=SmtpNotifier(mail.smtp, mail), mail=mail)
    comment_id = post_comment(intake, valid_form)
    intake.queue.mark_approved(comment_id)
    return intake, comment_id


def logged_lines(caplog, word: str, timeout: float = 10) -> list[str]:
    """The log messages holding word, once there is one (or after timeout seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not any(word in r.getMessage() for r in caplog.records):
        time.sleep(0.1)
    return [r.getMessage() for r in caplog.records if word in r.getMessage()]


def test_a_broken_mail_server_is_logged_in_german_and_the_comment_waits(start_intake, valid_form, caplog):
    intake, comment_id = approved_with_mail_to(start_intake, valid_form, free_port())
    lines = logged_lines(caplog, "Freischaltungs-Mail")
    assert lines and "Freischaltungs-Mail" in lines[0] and "neuer Versuch" in lines[0]
    assert all(READER.lower() not in line.lower() for line in lines)
    with sqlite3.connect(intake.config.db_path) as db:
        assert db.execute("SELECT attempts FROM mail_outbox").fetchall() == [(1,)]  # kept for the next try
    assert intake.queue.get(comment_id).status == "approved"


def test_an_expired_link_is_gone_and_changes_nothing(mailing, valid_form, monkeypatch):
    intake, inbox, _ = mailing
    comment_id = post_comment(intake, valid_form)
    path = moderation_links(inbox)["Freischalten"]
    later = time.time() + 8 * 86400  # the links live 7 days
    monkeypatch.setattr("comments.tokens.time.time", lambda: later)
    assert intake.request("GET", path).status == 410
    assert browser_post(intake, path, {"action": "approve"}).status == 410
    assert intake.queue.get(comment_id).status == "pending"


def test_the_preview_hands_the_mail_pages_to_the_intake(tmp_path):
    (tmp_path / "404.html").write_text("fehlt", encoding="utf-8")
    seen = []

    def intake(environ, start_response):
        seen.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b""]

    app = site_app(tmp_path, intake, "/kommentare/")
    for area in ("moderation", "benachrichtigung", "abmelden"):
        app({"PATH_INFO": f"/kommentare/{area}/t", "REQUEST_METHOD": "GET"}, lambda *a: None)
    app({"PATH_INFO": "/kommentare/", "REQUEST_METHOD": "GET"}, lambda *a: None)
    assert seen == ["/kommentare/moderation/t", "/kommentare/benachrichtigung/t", "/kommentare/abmelden/t"]


@pytest.mark.browser
def test_the_confirmation_page_fits_a_phone_and_its_button_subscribes(mailing, valid_form, browser):
    intake, inbox, _ = mailing
    comment_id = post_comment(intake, valid_form)
    approve_by_link(intake, inbox)
    [mail] = inbox.wait_for(READER)
    [confirm] = links(mail.get_content(), "benachrichtigung")
    app = IntakeApp(intake.config)
    server = create_server(site_app(intake.site, app), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()  # the site and the intake on one origin, as in production
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.effective_port}{confirm}")
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""  # the site's stylesheet
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        button = page.get_by_role("button", name="Ja, bei Antworten benachrichtigen")
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 40  # a thumb's target
        assert intake.queue.read(lambda db: subscriptions.state(db, comment_id)) == "offered"
        button.click()
        page.wait_for_selector("h1:has-text('Bestätigt')")
        assert intake.queue.read(lambda db: subscriptions.state(db, comment_id)) == "confirmed"
    finally:
        context.close()
        server.close()
        app.close()


def test_a_refused_post_keeps_the_notify_choice_in_the_form_again(intake, valid_form):
    answer = intake.post(valid_form(consent="", notify="1"))
    assert answer.status == 400
    form = BeautifulSoup(answer.text, "html.parser").find("form", class_="comment-form")
    assert form.find("input", attrs={"name": "notify"}).has_attr("checked")
    again = intake.post(valid_form(consent=""))
    assert not BeautifulSoup(again.text, "html.parser").find("input", attrs={"name": "notify"}).has_attr("checked")


class Refusing(Inbox):
    """A mail server that refuses the reader's address, repeating it in its answer (as many do)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() == READER.lower():
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_reader_address_is_logged_without_the_address(start_intake, valid_form, caplog):
    port, inbox = free_port(), Refusing()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        approved_with_mail_to(start_intake, valid_form, port)
        logged_lines(caplog, "abgelehnt")
    finally:
        controller.stop()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Freischaltungs-Mail zu Kommentar" in logged and "Empfänger abgelehnt" in logged
    assert READER.lower() not in logged.lower()


def test_without_links_nothing_left_is_refused_and_the_comment_waits(mailing, valid_form):
    intake, inbox, _ = mailing
    comment_id = post_comment(intake, valid_form, body="https://werbung.example/")
    answer = browser_post(intake, moderation_links(inbox)["Ohne Links freischalten"], {"action": "strip"})
    assert answer.status == 400 and "kein Text" in answer.text
    assert intake.queue.get(comment_id).status == "pending"
