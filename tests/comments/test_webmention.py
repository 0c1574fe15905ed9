"""Webmentions: advertised in the head, verified by fetching the source safely, queued as type webmention."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import urlencode

import pytest
from comments.webmention import FetchLimits

TARGET = "http://127.0.0.1:8000/beitrag/"
LOOPBACK = FetchLimits(timeout=1, max_bytes=20_000, allowed_networks=("127.0.0.0/8",))
H_ENTRY = """<!DOCTYPE html><html><head><title>Ein anderes Blog</title></head><body>
<article class="h-entry"><p class="p-author h-card">Petra Sommer</p>
<p class="e-content">Lesenswert: <a href="{target}">der Beitrag über Kritik</a>.</p></article></body></html>"""


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


@pytest.fixture
def source():
    """A web server on loopback that serves the source pages; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Source)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    Source.pages = {
        "/erwaehnung": (200, {}, H_ENTRY.format(target=TARGET).encode()),
        "/ohne-link": (200, {}, b"<html><body><a href='https://example.org/'>x</a></body></html>"),
        "/weiter1": (302, {"Location": "/weiter2"}, b""),
        "/weiter2": (302, {"Location": "/weiter3"}, b""),
        "/weiter3": (302, {"Location": "/weiter4"}, b""),
        "/weiter4": (302, {"Location": "/erwaehnung"}, b""),
        "/kurz": (301, {"Location": "/erwaehnung"}, b""),
        "/riesig": (200, {}, f"<a href='{TARGET}'>x</a>".encode() + b" " * 30_000),
        "/langsam": (200, {}, H_ENTRY.format(target=TARGET).encode()),
        "/text": (200, {"Content-Type": "text/plain"}, TARGET.encode()),
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()
    server.server_close()


def mention(intake, source: str, target: str = TARGET):
    """Send a Webmention as a JSON client."""
    body = urlencode({"source": source, "target": target}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    return intake.request("POST", "/kommentare/", body, headers)


def test_the_endpoint_is_advertised_in_the_head_of_open_articles(built_site):
    page = (built_site / "beitrag/index.html").read_text(encoding="utf-8")
    assert '<link rel="webmention" href="../kommentare/">' in page
    assert 'rel="webmention"' not in (built_site / "zu/index.html").read_text(encoding="utf-8")


def test_a_verified_mention_is_queued_as_webmention(start_intake, source):
    intake = start_intake(webmention=LOOPBACK)
    answer = mention(intake, source + "/erwaehnung")
    assert answer.status == 202, answer.text
    entry = intake.queue.get(json.loads(answer.body)["id"])
    assert (entry.type, entry.author, entry.url, entry.email) == (
        "webmention",
        "Petra Sommer",
        source + "/erwaehnung",
        None,
    )
    assert entry.body.startswith("Lesenswert: der Beitrag über Kritik")
    assert mention(intake, source + "/kurz").status == 202  # one redirect is fine; the same mention again
    assert len(intake.queue.entries()) == 2


@pytest.mark.parametrize(
    ("path", "target", "field"),
    [
        ("/ohne-link", TARGET, "source"),
        ("/weiter1", TARGET, "source"),
        ("/riesig", TARGET, "source"),
        ("/langsam", TARGET, "source"),
        ("/text", TARGET, "source"),
        ("/gibt-es-nicht", TARGET, "source"),
        ("/erwaehnung", "http://127.0.0.1:8000/unbekannt/", "target"),
        ("/erwaehnung", "https://fremde-seite.example/beitrag/", "target"),
        ("/erwaehnung", "javascript:alert(1)", "target"),
    ],
)
def test_bad_mentions_are_400_naming_the_field(start_intake, source, path, target, field):
    intake = start_intake(webmention=LOOPBACK)
    answer = mention(intake, source + path, target)
    assert answer.status == 400 and json.loads(answer.body)["field"] == field
    assert not intake.queue.entries()


def test_private_and_loopback_sources_are_refused_by_default(intake, source):
    for url in (source + "/erwaehnung", "http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/"):
        answer = mention(intake, url)
        assert answer.status == 400 and "privaten oder lokalen Netz" in json.loads(answer.body)["message"]
    assert not intake.queue.entries()


def test_a_mention_of_a_closed_article_is_403(start_intake, source):
    intake = start_intake(webmention=LOOPBACK)
    assert mention(intake, source + "/erwaehnung", "http://127.0.0.1:8000/zu/").status == 403
