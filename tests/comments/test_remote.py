"""Moderating a remote intake through its token-protected API (COMMENTS_REMOTE + COMMENTS_TOKEN)."""

from __future__ import annotations

import json

import pytest
from comments.api import RemoteError, RemoteQueue
from comments.moderation import Moderator

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
