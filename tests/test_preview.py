"""`invoke livereload` (what `make serve` runs): builds, serves on 127.0.0.1, injects live reload."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from helpers import ROOT


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


def test_live_reload_preview_serves_the_site_and_its_404_page():
    port = free_port()
    command = [sys.executable, "-m", "invoke", "livereload", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, home = fetch(f"http://127.0.0.1:{port}/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the preview did not start within 60 s"
                time.sleep(0.3)
        assert status == 200
        assert "Social Media mit Augenmaß" in home
        assert "livereload.js" in home
        status, missing = fetch(f"http://127.0.0.1:{port}/gibt-es-nicht/")
        assert status == 404
        assert "Seite nicht gefunden" in missing
    finally:
        server.terminate()
        server.wait(timeout=10)
