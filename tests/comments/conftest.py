"""Fixtures of the comment tests: a tiny built site and its intake under waitress on 127.0.0.1."""

from __future__ import annotations

import http.client
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from comments.intake import WAITRESS_OPTIONS, IntakeApp, IntakeConfig
from comments.queue import CommentQueue
from helpers import ROOT, build_site, write_files
from invoke import Config, Context

SLUG = "beitrag"
SITE_FILES = {
    "articles/beitrag.md": "Title: Ein Beitrag\nDate: 2024-03-05 09:05\nSlug: beitrag\n\nText.\n",
    "articles/zu.md": "Title: Geschlossen\nDate: 2024-03-04 09:05\nSlug: zu\nComments: closed\n\nText.\n",
    "comments/beitrag/c1.md": "Author: Jana\nDate: 2024-03-06 10:00\n\nErster Kommentar.\n",
}


def valid_form(**changes: str) -> dict[str, str]:
    """A form post that the intake accepts, with some fields changed."""
    form = {
        "article": SLUG,
        "author": "Jana Beispiel",
        "email": "jana@example.org",
        "url": "https://jana.example/",
        "body": "Ein hilfreicher Beitrag, danke!",
        "reply_to": "",
        "consent": "ja",
        "firma": "",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


@dataclass
class Answer:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")


@dataclass
class Intake:
    """A running intake: its address, its queue and a way to post to it."""

    host: str
    port: int
    queue: CommentQueue
    site: Path
    config: IntakeConfig
    sent: list[dict] = field(default_factory=list)
    app: IntakeApp | None = None

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Answer:
        """Send one raw request and return the answer (redirects are not followed)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def post(self, form: dict[str, str], json: bool = False, headers: dict[str, str] | None = None) -> Answer:
        """Post a form to /kommentare/ like a browser (or as a JSON client)."""
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if json:
            sent["Accept"] = "application/json"
        return self.request("POST", "/kommentare/", urlencode(form).encode(), sent)


def _wait_until(condition: Callable[[], object], timeout: float = 10.0) -> object:
    """Poll condition until it returns something true (and return that); fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return result


@pytest.fixture
def wait_until() -> Callable[..., object]:
    """wait_until(condition, timeout=10): poll until condition() is true, return its value."""
    return _wait_until


@pytest.fixture(name="valid_form")
def valid_form_fixture() -> Callable[..., dict[str, str]]:
    """valid_form(**changes): a form post the intake accepts, with some fields changed."""
    return valid_form


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site with an open and a closed article, built once per module."""
    base = tmp_path_factory.mktemp("comment-site")
    content = write_files(base / "content", SITE_FILES)
    return build_site(content, base / "output")


@pytest.fixture
def start_intake(built_site: Path, tmp_path: Path) -> Iterator[Callable[..., Intake]]:
    """Start intakes on free ports under comments.serve's waitress settings (config overrides as keywords);
    all stop at the end of the test."""
    from waitress import create_server

    servers = []

    def start(**overrides) -> Intake:
        config = IntakeConfig(
            db_path=tmp_path / "queue.sqlite3",
            manifest_path=built_site / "kommentare" / "manifest.json",
            rate_limit=0,
        )
        for key, value in overrides.items():
            setattr(config, key, value)
        app = IntakeApp(config)
        server = create_server(app, host="127.0.0.1", port=0, **WAITRESS_OPTIONS)
        stop = threading.Event()
        thread = threading.Thread(target=_serve_until, args=(server, stop), daemon=True)
        thread.start()
        servers.append((stop, thread, app))
        return Intake("127.0.0.1", server.effective_port, app.queue, built_site, config, app=app)

    yield start
    for stop, thread, app in servers:
        stop.set()
        thread.join(timeout=5)
        app.close()


def _serve_until(server, stop: threading.Event) -> None:
    """Run waitress's loop until stop is set, then close the server in this same thread."""
    while not stop.is_set():
        server.asyncore.loop(timeout=0.05, map=server._map, count=1)
    server.task_dispatcher.shutdown()
    server.close()


@pytest.fixture
def intake(start_intake: Callable[..., Intake]) -> Intake:
    """An intake without rate limit."""
    return start_intake()


@pytest.fixture
def context(intake, tmp_path, monkeypatch) -> Context:
    """A task context on a copy of the test site's content and the test intake's queue."""
    content = shutil.copytree(intake.site.parent / "content", tmp_path / "content")
    monkeypatch.setenv("COMMENTS_DB", str(intake.config.db_path))
    for name in ("COMMENTS_REMOTE", "COMMENTS_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    blog = {"content": str(content), "output": str(intake.site), "settings": str(ROOT / "pelicanconf.py")}
    return Context(Config(overrides={"blog": blog}))
