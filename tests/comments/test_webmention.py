"""Webmentions: advertised in the head, answered at once, verified in the background by fetching the source
safely, queued as type webmention; trickling and deeply nested sources never hold the intake."""

from __future__ import annotations

import json
import logging
import select
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import urlencode

import pytest
from comments.webmention import FetchLimits

TARGET = "http://127.0.0.1:8000/beitrag/"
LOOPBACK = FetchLimits(timeout=1, max_bytes=200_000, allowed_networks=("127.0.0.0/8",))
H_ENTRY = """<!DOCTYPE html><html><head><title>Ein anderes Blog</title></head><body>
<article class="h-entry"><p class="p-author h-card">Petra Sommer</p>
<p class="e-content">Lesenswert: <a href="{target}">der Beitrag über Kritik</a>.</p></article></body></html>"""
DEEP = f"<html><body><a href='{TARGET}'>x</a>" + "<div>" * 10_000 + "tief" + "</div>" * 10_000 + "</body></html>"


class Source(BaseHTTPRequestHandler):
    """Pages of a mention's source by path."""

    pages: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        if self.path == "/langsam":
            time.sleep(2)
        status, headers, body = self.pages.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        """Quiet."""


class QuietServer(ThreadingHTTPServer):
    """The intake hangs up on slow and large sources on purpose: no traceback for that."""

    def handle_error(self, request, client_address) -> None:
        """Quiet."""


@pytest.fixture
def source():
    """A web server on loopback that serves the source pages; yields its base URL."""
    server = QuietServer(("127.0.0.1", 0), Source)
    base = f"http://localhost:{server.server_address[1]}"  # a name: checked by the worker, not at once
    Source.pages = {
        "/erwaehnung": (200, {}, H_ENTRY.format(target=TARGET).encode()),
        "/ohne-link": (200, {}, b"<html><body><a href='https://example.org/'>x</a></body></html>"),
        "/weiter1": (302, {"Location": "/weiter2"}, b""),
        "/weiter2": (302, {"Location": "/weiter3"}, b""),
        "/weiter3": (302, {"Location": "/weiter4"}, b""),
        "/weiter4": (302, {"Location": "/erwaehnung"}, b""),
        "/kurz": (301, {"Location": "/erwaehnung"}, b""),
        "/riesig": (200, {}, f"<a href='{TARGET}'>x</a>".encode() + b" " * 300_000),
        "/langsam": (200, {}, H_ENTRY.format(target=TARGET).encode()),
        "/text": (200, {"Content-Type": "text/plain"}, TARGET.encode()),
        "/tief": (200, {}, DEEP.encode()),
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()
    server.server_close()


class TricklingSource:
    """A raw socket source: reads the request, sends headers, then one byte a second until the intake hangs up.

    accepted counts connections; held[n] is how long the intake kept connection n open after it was accepted.
    """

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/langsam"
        self.held: list[float] = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._trickle, args=(connection, time.monotonic()), daemon=True).start()

    def _trickle(self, connection: socket.socket, accepted: float) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<a href='{TARGET}'>".encode())
                sent = time.monotonic()
                while time.monotonic() - accepted < 30:  # notice the hang-up within 0.1 s
                    if select.select([connection], [], [], 0.1)[0] and connection.recv(1) == b"":
                        break
                    if time.monotonic() - sent >= 1:
                        connection.send(b" ")
                        sent = time.monotonic()
            except OSError:
                pass
            self.held.append(time.monotonic() - accepted)

    def close(self) -> None:
        """Stop accepting."""
        self.listener.close()


def mention(intake, source: str, target: str = TARGET):
    """Send a Webmention as a JSON client."""
    body = urlencode({"source": source, "target": target}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    return intake.request("POST", "/kommentare/", body, headers)


def dropped(caplog) -> list[logging.LogRecord]:
    """The log records of mentions the worker dropped."""
    return [r for r in caplog.records if "webmention" in r.getMessage() and "dropped" in r.getMessage()]


def test_the_endpoint_is_advertised_in_the_head_of_open_articles(built_site):
    page = (built_site / "beitrag/index.html").read_text(encoding="utf-8")
    assert '<link rel="webmention" href="../kommentare/">' in page
    assert 'rel="webmention"' not in (built_site / "zu/index.html").read_text(encoding="utf-8")


def test_a_mention_is_answered_at_once_and_queued_once_verified(start_intake, source, wait_until):
    intake = start_intake(webmention=LOOPBACK)
    answer = mention(intake, source + "/erwaehnung")
    assert answer.status == 202 and json.loads(answer.body)["status"] == "accepted", answer.text
    [entry] = wait_until(intake.queue.entries)
    assert (entry.type, entry.author, entry.url, entry.email) == (
        "webmention",
        "Petra Sommer",
        source + "/erwaehnung",
        None,
    )
    assert entry.body.startswith("Lesenswert: der Beitrag über Kritik")
    assert mention(intake, source + "/kurz").status == 202  # one redirect is fine
    assert mention(intake, source + "/erwaehnung").status == 202  # the same mention again: stored once
    wait_until(intake.app.mentions.idle)
    assert sorted(e.url for e in intake.queue.entries()) == [source + "/erwaehnung", source + "/kurz"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/ohne-link", "keinen Link auf das Ziel"),
        ("/weiter1", "leitet mehr als 3-mal weiter"),
        ("/riesig", "zu groß"),
        ("/langsam", "zu langsam"),
        ("/text", "keine HTML-Seite"),
        ("/gibt-es-nicht", "Status 404"),
        ("/tief", "zu tief verschachtelt"),
    ],
)
def test_a_source_that_fails_verification_is_dropped_with_one_log_line(
    start_intake, source, caplog, wait_until, path, reason
):
    caplog.set_level(logging.INFO, logger="comments")
    intake = start_intake(webmention=LOOPBACK)
    assert mention(intake, source + path).status == 202
    [record] = wait_until(lambda: dropped(caplog))
    assert reason in record.getMessage() and record.exc_info is None
    assert not intake.queue.entries()


@pytest.mark.parametrize(
    ("source_url", "target", "field"),
    [
        ("http://127.0.0.1:9/erwaehnung", "http://127.0.0.1:8000/unbekannt/", "target"),
        ("http://127.0.0.1:9/erwaehnung", "https://fremde-seite.example/beitrag/", "target"),
        ("http://127.0.0.1:9/erwaehnung", "javascript:alert(1)", "target"),
        ("http://127.0.0.1:9/mein blog", TARGET, "source"),
        ('http://127.0.0.1:9/"x', TARGET, "source"),
        ("ftp://127.0.0.1/x", TARGET, "source"),
    ],
)
def test_bad_mentions_are_400_naming_the_field_at_once(start_intake, source_url, target, field):
    intake = start_intake(webmention=LOOPBACK)
    answer = mention(intake, source_url, target)
    assert answer.status == 400 and json.loads(answer.body)["field"] == field
    assert not intake.queue.entries()


def test_private_and_loopback_addresses_are_refused_at_once_by_default(intake):
    for url in ("http://127.0.0.1:9/erwaehnung", "http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/"):
        answer = mention(intake, url)
        assert answer.status == 400 and "privaten oder lokalen Netz" in json.loads(answer.body)["message"]
    assert not intake.queue.entries()


def test_a_name_resolving_to_loopback_is_dropped_by_the_worker(intake, source, caplog, wait_until):
    assert mention(intake, source + "/erwaehnung").status == 202  # localhost: resolved off the request path
    [record] = wait_until(lambda: dropped(caplog))
    assert "privaten oder lokalen Netz" in record.getMessage()
    assert not intake.queue.entries()


def test_a_mention_of_a_closed_article_is_403(start_intake, source):
    intake = start_intake(webmention=LOOPBACK)
    assert mention(intake, source + "/erwaehnung", "http://127.0.0.1:8000/zu/").status == 403


def test_trickling_sources_hold_neither_a_thread_nor_a_connection_past_the_deadline(
    start_intake, valid_form, caplog, wait_until
):
    """Eight sources (waitress's thread count) sending a byte a second, mentioned at once."""
    intake = start_intake(webmention=LOOPBACK)
    sources = [TricklingSource() for _ in range(8)]

    def timed(send) -> tuple[int, float]:
        start = time.monotonic()
        return send().status, time.monotonic() - start

    with ThreadPoolExecutor(max_workers=9) as pool:
        mentions = [pool.submit(timed, lambda s=s: mention(intake, s.url)) for s in sources]
        time.sleep(0.3)
        comment = pool.submit(timed, lambda: intake.post(valid_form(), json=True))
        answers = [m.result() for m in mentions]
        assert comment.result()[0] == 202 and comment.result()[1] < 2
    assert all(status == 202 and seconds < 2 for status, seconds in answers), answers
    wait_until(lambda: all(s.held for s in sources), timeout=30)  # two workers, one second each
    held = [seconds for s in sources for seconds in s.held]
    assert len(held) == 8 and max(held) < LOOPBACK.timeout + 2, held
    for s in sources:
        s.close()
    assert [e.type for e in intake.queue.entries()] == ["comment"]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_full_verification_queue_answers_503_and_a_waiting_mention_is_not_queued_twice(start_intake, wait_until):
    intake = start_intake(webmention=LOOPBACK, webmention_workers=1, webmention_queue=1)
    sources = [TricklingSource() for _ in range(3)]
    assert mention(intake, sources[0].url).status == 202  # the worker fetches it for a second
    wait_until(lambda: sources[0].accepted)
    assert mention(intake, sources[1].url).status == 202  # waits in the queue
    assert mention(intake, sources[1].url).status == 202  # the same one: not queued twice
    full = mention(intake, sources[2].url)
    assert full.status == 503 and "Retry-After" in full.headers
    for s in sources:
        s.close()


def test_a_deeply_nested_source_costs_the_intake_little_cpu_and_no_traceback(start_intake, source, caplog, wait_until):
    intake = start_intake(webmention=LOOPBACK)
    cpu = time.process_time()
    assert mention(intake, source + "/tief").status == 202
    [record] = wait_until(lambda: dropped(caplog))
    assert time.process_time() - cpu < 5  # it was 24 s of CPU in mf2py/html5lib, then a RecursionError
    assert "zu tief verschachtelt" in record.getMessage()
    assert all(r.exc_info is None for r in caplog.records) and not intake.queue.entries()
