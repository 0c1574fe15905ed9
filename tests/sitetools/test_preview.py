"""`invoke livereload` (what `make serve` runs): builds into its own output, serves on 127.0.0.1,
rebuilds with Pelican's content cache after an edit, and says in one German line when the port is taken."""

from __future__ import annotations

import os
import pickle
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import ROOT, write_files
from pelican import Pelican
from pelican.settings import read_settings

# The real task, pointed at a copy of the content and at tmp dirs: the repository stays untouched.
LIVERELOAD = """
import sys
from invoke import Config, Context
import tasks
content, output, cache, port = sys.argv[1:]
blog = {"content": content, "output": output, "preview_cache": cache}
tasks.livereload(Context(Config(overrides={"blog": blog})), port=int(port))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(condition, what: str, server: subprocess.Popen, seconds: float = 300):
    """Poll condition() until it returns something truthy (a cold build on a busy machine is slow)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = condition()
            if result:
                return result
        except OSError:  # not listening yet, or busy rebuilding (the server is single-threaded)
            pass
        if server.poll() is not None:
            pytest.fail(f"the preview stopped: {server.stdout.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s")
        time.sleep(0.3)


@dataclass
class Preview:
    """A running preview: its address, process and the files it builds from and into."""

    base: str
    server: subprocess.Popen
    content: Path
    output: Path
    cache: Path


@pytest.fixture
def preview(tmp_path, monkeypatch) -> Iterator[Preview]:
    """The live-reload preview of a copy of content/ on a free port, output and cache in tmp_path."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    port = free_port()
    output, cache = tmp_path / "output", tmp_path / "cache"
    command = [sys.executable, "-c", LIVERELOAD, str(content), str(output), str(cache), str(port)]
    monkeypatch.setenv("COMMENTS_DB", str(tmp_path / "kommentare.sqlite"))  # the intake's queue
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    running = Preview(f"http://127.0.0.1:{port}", server, content, output, cache)
    try:
        wait_for(lambda: fetch(running.base + "/")[0] == 200, "the preview did not answer", server)
        yield running
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_settings_pickle_as_pelicans_content_cache_needs():
    # The cache pickles each article's category, tags and author, and with them the settings that
    # plugins have extended (say with a Markdown extension): a lambda in there breaks live reload.
    pelican = Pelican(read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(ROOT / "content")}))
    try:
        pickle.dumps(pelican.settings)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        pytest.fail(f"a plugin put something unpicklable into the settings ({exc}); use a module-level function")


def test_preview_serves_the_site_its_404_page_and_rebuilds_after_an_edit(preview):
    repository_output = [p.stat().st_mtime_ns for p in (ROOT / "output").glob("*")]
    status, home = fetch(preview.base + "/")
    assert status == 200
    assert "Social Media mit Augenmaß" in home
    assert "livereload.js" in home
    status, missing = fetch(preview.base + "/gibt-es-nicht/")
    assert status == 404
    assert "Seite nicht gefunden" in missing
    assert (preview.output / "index.html").is_file()
    assert list(preview.cache.glob("*/ArticlesGenerator-Readers")), "Pelican's content cache was not written"

    article = next((preview.content / "articles").glob("*.md"))
    text = article.read_text(encoding="utf-8")
    summary = next(line for line in text.splitlines() if line.startswith("Summary: "))  # the title names the slug
    article.write_text(text.replace(summary, "Summary: Frisch bearbeitet und neu gebaut.", 1), encoding="utf-8")
    pages = (preview.base + "/", preview.base + "/seite/2/")
    wait_for(lambda: any("Frisch bearbeitet" in fetch(p)[1] for p in pages), "the edit did not show", preview.server)
    assert [p.stat().st_mtime_ns for p in (ROOT / "output").glob("*")] == repository_output


PANEL = 'id="vorschau-meldung"'
CHECKLIST = """\
Title: Vorschau im Test
Slug: vorschau-im-test
Date: 2024-03-05 09:05
Category: Strategie
Summary: Ein Artikel nur für diesen Test.

{paragraph}

/// checklist | Bereit?
- [ ] Ziele stehen fest.
{end}
## Fazit

Schluss.
"""


def page_with(url: str, text: str, server: subprocess.Popen) -> str:
    """The page at url once it contains text."""
    return wait_for(lambda: text in (page := fetch(url)[1]) and page, f"no {text!r} at {url}", server)


def test_a_rejected_build_keeps_the_last_good_page_and_shows_the_error_in_every_page_until_fixed(preview):
    article = preview.content / "articles" / "vorschau-im-test.md"
    url = preview.base + "/vorschau-im-test/"
    article.write_text(CHECKLIST.format(paragraph="Erste Fassung.", end="///\n"), encoding="utf-8")
    assert PANEL not in page_with(url, "Erste Fassung.", preview.server)

    article.write_text(CHECKLIST.format(paragraph="Kaputte Fassung.", end=""), encoding="utf-8")  # never closed
    soup = BeautifulSoup(page_with(url, PANEL, preview.server), "html.parser")
    panel = soup.select_one("#vorschau-meldung")
    assert "content/articles/vorschau-im-test.md:9" in panel.select_one("code").text
    assert "wird nicht geschlossen" in panel.text
    assert "Erste Fassung." in soup.text and "Kaputte Fassung." not in soup.text  # the last good version
    assert soup.select_one("form.checklist")
    assert "vorschau-im-test.md" in fetch(preview.base + "/")[1]  # every page shows it
    assert PANEL not in (preview.output / "vorschau-im-test/index.html").read_text(encoding="utf-8")

    article.write_text(CHECKLIST.format(paragraph="Heile Fassung.", end="///\n"), encoding="utf-8")
    assert PANEL not in page_with(url, "Heile Fassung.", preview.server)
    preview.server.terminate()
    printed = preview.server.communicate(timeout=10)[0]
    assert "content/articles/vorschau-im-test.md:9: Fehler: der Block „/// checklist | Bereit?“" in printed
    assert "\nBehoben: die Vorschau zeigt die neue Fassung" in printed.split("Bereit?“", 1)[1]


def test_the_panel_goes_into_html_pages_only_and_names_file_and_line(tmp_path):
    from sitetools.devserver import PreviewStatus, site_app
    from sitetools.findings import BuildReport, Finding

    write_files(tmp_path, {"a/index.html": "<!DOCTYPE html><html><body><p>A</p></body></html>", "x.css": "p{}"})
    status = PreviewStatus()
    app = site_app(tmp_path, status=status)
    hint = Finding("content/articles/a.md:3", "finding", "Bild „x.svg“ hat keinen Alternativtext", "c")
    status.succeeded(BuildReport([hint], "", {"a/index.html": "content/articles/a.md"}))
    shown = BeautifulSoup(call(app, "/a/"), "html.parser").select_one("#vorschau-meldung.hinweise")
    assert "Zeile 3: Bild „x.svg“ hat keinen Alternativtext" in shown.text
    assert "a.md" not in shown.text  # a page without errors never names its file
    assert PANEL not in call(app, "/")  # a page of another source
    status.failed([Finding("content/articles/a.md:7", "error", "Block <b>offen</b>", "c")], "1 Fehler")
    soup = BeautifulSoup(call(app, "/a/"), "html.parser")
    assert soup.body.contents[0].name == "style"  # at the top of the page
    assert soup.select_one("#vorschau-meldung.fehler code").text == "content/articles/a.md:7"
    assert "Block <b>offen</b>" in soup.select_one("#vorschau-meldung").text  # as text
    assert PANEL in call(app, "/gibt-es-nicht/")  # the 404 answer too
    assert call(app, "/x.css") == "p{}"
    status.succeeded(BuildReport())
    assert PANEL not in call(app, "/a/")


def call(app, path: str) -> str:
    """The body of one GET through a WSGI app."""
    answer = app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda status, headers: None)
    return b"".join(answer).decode("utf-8")


@pytest.mark.parametrize("task", ["livereload", "serve"])
def test_a_taken_port_gets_one_german_line_before_anything_is_built(task):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "invoke", task, "--port", str(port)]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""  # nothing was built
    assert result.stderr.strip().splitlines() == [
        f"Port {port} auf 127.0.0.1 ist schon belegt (läuft die Vorschau schon?): beenden Sie das andere "
        f"Programm oder wählen Sie einen anderen Port, z. B. make serve PORT={port + 1}"
    ]


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_serve_passes_the_port_on():
    outer_make = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}  # under make test
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "serve", "PORT=8123"], cwd=ROOT, capture_output=True, text=True,
        env=outer_make,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == ".venv/bin/invoke livereload --port 8123"


def test_make_names_the_python_it_needs(tmp_path):
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    old_python = tmp_path / "python3.9"
    old_python.write_text('#!/bin/sh\n[ "$1" = "--version" ] && echo "Python 3.9.2" && exit 0\nexit 1\n')
    old_python.chmod(0o755)
    result = subprocess.run(["make", "serve", f"PYTHON={old_python}"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "Python 3.11 oder neuer wird benötigt, gefunden: Python 3.9.2." in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_preview_builds_defer_the_search_index_and_keep_the_sites_search_settings(tmp_path):
    from sitetools.preview import cache_arguments

    settings = tmp_path / "pelicanconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        'SEARCH = {"exclude_selectors": [".anzeige"]}\n',
        encoding="utf-8",
    )
    arguments = cache_arguments(settings, tmp_path / "cache")
    search = [a for a in arguments if a.startswith("SEARCH=")]
    assert search == ['SEARCH={"exclude_selectors": [".anzeige"], "defer_index": true}']
    assert arguments.index(search[0]) > arguments.index("-e")  # one -e list: a second -e would replace the first
