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
