"""`invoke comments.serve` runs in the foreground and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request

from helpers import ROOT


def test_serve_answers_and_stops_on_sigterm(tmp_path):
    env = {**os.environ, "COMMENTS_DB": str(tmp_path / "queue.sqlite3"), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "invoke", "comments.serve", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        port = re.search(r"http://127\.0\.0\.1:(\d+)/kommentare/", first)
        assert port, first + process.stderr.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port[1]}/kommentare/", timeout=10) as answer:
            assert answer.status == 200
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "beendet" in out and "Traceback" not in err
    assert (tmp_path / "queue.sqlite3").is_file()


def test_preview_app_serves_files_routes_posts_and_never_leaves_the_site(tmp_path):
    from sitetools.devserver import site_app

    site = tmp_path / "site"
    (site / "beitrag").mkdir(parents=True)
    (site / "beitrag/index.html").write_text("<p>Beitrag</p>", encoding="utf-8")
    (site / "404.html").write_text("Seite nicht gefunden", encoding="utf-8")
    (tmp_path / "geheim.txt").write_text("geheim", encoding="utf-8")
    posted = []

    def intake(environ, start_response):
        posted.append(environ["PATH_INFO"])
        start_response("303 See Other", [("Location", "/beitrag/")])
        return [b""]

    app = site_app(site, intake, "/kommentare/")

    def get(path: str, method: str = "GET") -> tuple[str, bytes]:
        answers = []
        body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": method}, lambda s, h: answers.append(s)))
        return answers[0], body

    assert get("/beitrag/") == ("200 OK", b"<p>Beitrag</p>")
    assert get("/beitrag")[0].startswith("301")
    for path in ("/../geheim.txt", "/%2e%2e/geheim.txt", "/beitrag/../../geheim.txt"):
        assert get(path) == ("404 Not Found", b"Seite nicht gefunden")
    assert get("/kommentare/", "POST")[0].startswith("303") and posted == ["/kommentare/"]
