"""deploy/nginx.conf run by Debian's nginx (unprivileged, free port): posts reach the intake, headers hold."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from helpers import ROOT

from sitetools.qa.headers import SECURITY_HEADERS

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is installed by `make test`")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local_config(site: Path, port: int, intake_port: int, work: Path) -> str:
    """deploy/nginx.conf's HTTPS server block, with only what a test machine needs changed."""
    text = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
    server = re.search(r"server \{.*?\n\}", text, re.DOTALL)[0]
    replacements = [
        (r"listen 443 ssl;", f"listen 127.0.0.1:{port};"),
        (r"\n\s*(http2 on|ssl_certificate|ssl_certificate_key)[^\n]*;", ""),
        (r"root [^;]+;", f"root {site};"),
        (r"/etc/nginx/snippets/kmu-security-headers\.conf", str(ROOT / "deploy/nginx-security-headers.conf")),
        (r"proxy_pass http://127\.0\.0\.1:8001;", f"proxy_pass http://127.0.0.1:{intake_port};"),
    ]
    for pattern, replacement in replacements:
        server, count = re.subn(pattern, replacement, server)
        assert count, f"deploy/nginx.conf changed: {pattern!r} not found; update this test"
    temp = " ".join(f"{kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"daemon off; worker_processes 1; pid {work / 'nginx.pid'}; error_log {work / 'error.log'};\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; {temp}\n{server}\n}}\n"
    )


@pytest.fixture
def nginx(intake, tmp_path):
    """nginx serving the test site and proxying /kommentare/ to the test intake; returns its Intake view."""
    port = free_port()
    work = tmp_path / "nginx"
    work.mkdir()
    # nginx's workers drop to an unprivileged user when started as root: give them a readable copy.
    public = Path(tempfile.mkdtemp(prefix="kmu-nginx-"))
    public.chmod(0o755)
    site = shutil.copytree(intake.site, public / "site")
    config = work / "nginx.conf"
    config.write_text(local_config(site, port, intake.port, work), encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(work), "-c", str(config)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
    try:
        yield type(intake)("127.0.0.1", port, intake.queue, intake.site, intake.config)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(public, ignore_errors=True)


def test_a_form_post_through_nginx_lands_in_the_queue_and_headers_hold(nginx, valid_form):
    answer = nginx.post(valid_form())
    assert answer.status == 303 and answer.headers["Location"].endswith("?kommentar=wartet#kommentar-wartet")
    assert len(nginx.queue.entries("pending")) == 1
    page = nginx.request("GET", "/beitrag/")
    assert page.status == 200 and b'id="kommentar-formular"' in page.body
    for response in (page, answer):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, name
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]


def test_nginx_passes_refusals_and_limits_the_size(nginx, valid_form):
    assert nginx.post(valid_form(consent="")).status == 400
    big = b"body=" + b"a" * 100_000
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert nginx.request("POST", "/kommentare/", big, headers).status == 413
    assert not nginx.queue.entries()
