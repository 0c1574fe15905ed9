"""In chromium: the form works without JavaScript through the preview server, hostile comments stay inert."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from comments.queue import CommentQueue
from helpers import ROOT, build_site, write_files

pytestmark = pytest.mark.browser

# The preview of `make serve`: livereload's Server with the site and the intake as one WSGI app.
PREVIEW = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from comments.intake import IntakeApp, IntakeConfig
    from sitetools.devserver import livereload_server, site_app

    output, db, port = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    intake = IntakeApp(IntakeConfig(db_path=Path(db), manifest_path=output / "kommentare/manifest.json"))
    livereload_server(site_app(output, intake)).serve(host="127.0.0.1", port=port, root=str(output),
                                                      open_url_delay=None)
    """
)
HOSTILE = {
    "comments/beitrag/x1.md": """\
        Author: <img src=x onerror=alert(1)>"><script>alert(2)</script>
        Date: 2024-03-06 10:00
        Url: https://example.org/?q=%22onmouseover=%22alert(3)
        Note: </p><script>alert(4)</script>

        <script>alert(5)</script> <img src=x onerror=alert(6)> <svg onload=alert(7)>
        [klick](javascript:alert(8)) [data](data:text/html,<script>alert(9)</script>)
        <a href="javascript:alert(10)">a</a> `<script>alert(11)</script>`
        """,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The preview server on a free port for a small site with a hostile comment; (base URL, queue file)."""
    files = {
        "articles/beitrag.md": "Title: Ein Beitrag\nDate: 2024-03-05 09:05\nSlug: beitrag\n\nText.\n",
        **HOSTILE,
    }
    output = build_site(write_files(tmp_path / "content", files), tmp_path / "output")
    port = free_port()
    db = tmp_path / "queue.sqlite3"
    command = [sys.executable, "-c", PREVIEW, str(output), str(db), str(port)]
    env_path = f"{ROOT}:{ROOT / 'plugins'}"
    server = subprocess.Popen(command, cwd=ROOT, env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()
            break
        except (urllib.error.URLError, ConnectionError):
            assert server.poll() is None and time.monotonic() < deadline, "the preview did not start"
            time.sleep(0.2)
    try:
        yield base, db
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_form_without_javascript_lands_in_the_queue_and_shows_the_notice(browser, preview):
    base, db = preview
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/beitrag/")
    notice = page.locator("#kommentar-wartet")
    assert not notice.is_visible()
    page.fill("#kommentar-name", "Jana Beispiel")
    page.fill("#kommentar-email", "jana@example.org")
    page.fill("#kommentar-text", "Ein Kommentar aus dem Browser, ganz ohne JavaScript.")
    page.check("#kommentar-einwilligung")
    page.click("button.comment-submit")
    page.wait_for_url("**/beitrag/?kommentar=wartet#kommentar-wartet")
    assert notice.is_visible()
    assert "wartet auf Freischaltung" in notice.inner_text()
    [entry] = CommentQueue(db).entries("pending")
    assert entry.body == "Ein Kommentar aus dem Browser, ganz ohne JavaScript." and entry.article == "beitrag"
    context.close()


def test_hostile_comment_executes_nothing(browser, preview):
    base, _ = preview
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "/beitrag/")
    page.hover("#comment-x1 .comment-author")
    for link in page.locator("#comment-x1 .comment-body a").all():
        link.click(modifiers=["Alt"], no_wait_after=True, timeout=2000)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator("#comment-x1 script, #comment-x1 img, #comment-x1 svg").count() == 0
    assert "<script>alert(5)</script>" in page.locator("#comment-x1 .comment-body").inner_text()
    context.close()
