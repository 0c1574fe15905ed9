"""Moderating a remote intake through its token-protected API (COMMENTS_REMOTE + COMMENTS_TOKEN)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from comments.api import RemoteError, RemoteQueue
from comments.moderation import Moderator
from helpers import ROOT
from invoke import Config, Context, Exit

from tasks import comment_tasks

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def remote(start_intake):
    """An intake on loopback with the moderation API switched on."""
    return start_intake(token=TOKEN)


def test_approving_remotely_writes_the_local_file_and_marks_it_done_on_the_server(remote, valid_form, tmp_path):
    comment_id = json.loads(remote.post(valid_form(), json=True).body)["id"]
    queue = RemoteQueue(f"http://127.0.0.1:{remote.port}", TOKEN)
    moderator = Moderator(queue, tmp_path / "comments", "Europe/Berlin")
    assert [e.id for e in moderator.pending()] == [comment_id]
    assert moderator.entry(comment_id).email == "jana@example.org"
    path = moderator.approve(comment_id)
    assert path.is_file() and "jana@example.org" not in path.read_text(encoding="utf-8")
    on_server = remote.queue.get(comment_id)
    assert on_server.status == "approved" and on_server.email is None
    other = json.loads(remote.post(valid_form(body="Zweiter"), json=True).body)["id"]
    moderator.reject(other)
    assert remote.queue.get(other) is None


@pytest.mark.parametrize("token", ["falsch", "", TOKEN + "x"])
def test_a_wrong_token_gets_401_and_changes_nothing(remote, valid_form, token):
    comment_id = json.loads(remote.post(valid_form(), json=True).body)["id"]
    headers = {"Authorization": f"Bearer {token}"}
    for method, path in [
        ("GET", "/kommentare/api/entries"),
        ("POST", f"/kommentare/api/entries/{comment_id}/approve"),
        ("DELETE", f"/kommentare/api/entries/{comment_id}"),
    ]:
        answer = remote.request(method, path, headers=headers)
        assert answer.status == 401 and b"jana" not in answer.body
    assert remote.queue.get(comment_id).status == "pending"
    with pytest.raises(RemoteError, match="Token"):
        RemoteQueue(f"http://127.0.0.1:{remote.port}", token or "leer").entries("pending")


def test_without_a_token_setting_there_is_no_api(intake):
    assert intake.request("GET", "/kommentare/api/entries", headers={"Authorization": "Bearer x"}).status == 404


class FakeRemote(BaseHTTPRequestHandler):
    """A moderation API that answers what a test tells it; notes each request's path and token."""

    answers: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}
    seen: ClassVar[list[tuple[str, str]]] = []

    def _answer(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization", "")))
        default = self.answers.get(self.path.split("?")[0], (404, {}, b'{"status": "error"}'))
        status, headers, body = self.answers.get(self.path, default)
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args) -> None:
        """Quiet."""


@pytest.fixture
def fake_remote():
    """Two fake servers on loopback (the second as a redirect's destination); yields their base URLs."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), FakeRemote) for _ in range(2)]
    FakeRemote.answers, FakeRemote.seen = {}, []
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def entry(**changes) -> dict:
    """A well-formed entry of the moderation API."""
    return {
        "id": "aaaa1111",
        "article": "beitrag",
        "author": "Jana",
        "email": "jana@example.org",
        "url": None,
        "body": "Text",
        "reply_to": None,
        "type": "comment",
        "status": "pending",
        "reason": None,
        "created": "2026-11-20T13:03:00+00:00",
        **changes,
    }


def answer(data) -> tuple[int, dict[str, str], bytes]:
    return 200, {}, json.dumps(data).encode()


@pytest.mark.parametrize("url", ["http://kommentare.example", "http://10.0.0.5:8001", "ftp://x.example", "nix"])
def test_plain_http_to_another_machine_is_refused_before_any_request(url):
    with pytest.raises(RemoteError, match="https://"):
        RemoteQueue(url, TOKEN)


def test_a_redirect_is_refused_and_the_token_never_reaches_its_target(fake_remote, tmp_path):
    first, second = fake_remote
    FakeRemote.answers["/kommentare/api/entries"] = (307, {"Location": second + "/kommentare/api/entries"}, b"")
    with pytest.raises(RemoteError, match=r"leitet nach .* um"):
        RemoteQueue(first, TOKEN).entries("pending")
    assert [path for path, _ in FakeRemote.seen] == ["/kommentare/api/entries?status=pending"]  # not followed


@pytest.mark.parametrize(
    "served",
    [
        entry(id="bbbb2222"),  # another comment than the one asked for
        entry(id="../../../README"),
        {key: value for key, value in entry().items() if key != "created"},
        {**entry(), "ip": "203.0.113.9"},
        entry(created="20. November 2026"),
        entry(created="2026-11-20T13:03:00"),  # no time zone
        entry(author=["Jana"]),
        entry(status="gelöscht"),
        "kein Objekt",
    ],
    ids=["other-id", "path-id", "missing-key", "extra-key", "not-iso", "naive", "list", "status", "string"],
)
def test_an_unexpected_answer_is_one_german_message_and_nothing_is_written(fake_remote, tmp_path, served):
    FakeRemote.answers["/kommentare/api/entries/aaaa1111"] = answer(served)
    FakeRemote.answers["/kommentare/api/entries/aaaa1111/approve"] = answer({"id": "aaaa1111", "changed": True})
    moderator = Moderator(RemoteQueue(fake_remote[0], TOKEN), tmp_path / "comments", "Europe/Berlin")
    with pytest.raises(RemoteError, match=r"statt|unerwartete Antwort"):
        moderator.approve("aaaa1111")
    assert not (tmp_path / "comments").exists()
    assert all("/approve" not in path for path, _ in FakeRemote.seen)


def test_an_approve_answer_for_another_id_takes_the_written_file_back(fake_remote, tmp_path):
    FakeRemote.answers["/kommentare/api/entries/aaaa1111"] = answer(entry())
    FakeRemote.answers["/kommentare/api/entries/aaaa1111/approve"] = answer({"id": "bbbb2222", "changed": True})
    moderator = Moderator(RemoteQueue(fake_remote[0], TOKEN), tmp_path / "comments", "Europe/Berlin")
    with pytest.raises(RemoteError, match="bbbb2222"):
        moderator.approve("aaaa1111")
    assert not list((tmp_path / "comments").rglob("*.md"))


def test_ids_are_quoted_whole_in_the_path(fake_remote):
    queue = RemoteQueue(fake_remote[0], TOKEN)
    assert queue.get("a/../b?c") is None and not queue.delete("x/approve")
    assert [path for path, _ in FakeRemote.seen] == [
        "/kommentare/api/entries/a%2F..%2Fb%3Fc",
        "/kommentare/api/entries/x%2Fapprove",
    ]


def test_listing_a_remote_queue_prints_it_cleaned_and_a_bad_answer_as_one_message(
    fake_remote, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("COMMENTS_REMOTE", fake_remote[0])
    monkeypatch.setenv("COMMENTS_TOKEN", TOKEN)
    blog = {"content": str(tmp_path / "content"), "output": str(tmp_path), "settings": str(ROOT / "pelicanconf.py")}
    context = Context(Config(overrides={"blog": blog}))
    listing = "/kommentare/api/entries?status=pending"
    FakeRemote.answers[listing] = answer({"entries": [entry(author="Eve\x1b[2J\x9b31m", body="Hallo\x1b]0;x\x07")]})
    FakeRemote.answers["/kommentare/api/entries?status=spam"] = answer({"entries": []})
    comment_tasks.list_(context)
    printed = capsys.readouterr().out
    assert "aaaa1111" in printed and "Eve[2J31m" in printed
    assert not any(ch == "\x1b" or ch == "\x07" or 0x80 <= ord(ch) <= 0x9F for ch in printed)
    FakeRemote.answers[listing] = answer({"entries": [entry(created="gestern")]})
    with pytest.raises(Exit, match="unerwartete Antwort") as refused:
        comment_tasks.list_(context)
    assert refused.value.code == 1
