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
from helpers import ROOT
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
    title = next(line for line in text.splitlines() if line.startswith("Title: "))
    article.write_text(text.replace(title, "Title: Frisch bearbeitet und neu gebaut", 1), encoding="utf-8")
    wait_for(lambda: "Frisch bearbeitet" in fetch(preview.base + "/")[1], "the edit did not show", preview.server)
    assert [p.stat().st_mtime_ns for p in (ROOT / "output").glob("*")] == repository_output


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
