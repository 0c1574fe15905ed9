"""deploy/ serves every feed with its media type: deploy/_headers and deploy/nginx.conf agree, nginx really does it."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from feeds.catalogue import MIME_TYPES

from sitetools.qa.headers import DEPLOY, SECURITY_HEADERS

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
LOCATION_RE = re.compile(r'location ~ (?P<regex>\S+) \{\s*types \{ \}\s*default_type "(?P<type>[^"]+)";\s*\}')


def expected_type(path: str) -> str:
    """The media type a feed file must be served with, from its ending."""
    return next(mime for suffix, mime in MIME_TYPES.items() if path.endswith(suffix)) + "; charset=utf-8"


def headers_file_type(path: str) -> str | None:
    """The Content-Type deploy/_headers gives one URL path (last matching section wins)."""
    found, section = None, None
    for line in (DEPLOY / "_headers").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            section = line.strip()
        elif fnmatchcase("/" + path, section) and line.strip().lower().startswith("content-type:"):
            found = line.split(":", 1)[1].strip()
    return found


def nginx_type(path: str) -> str | None:
    """The default_type of the first regex location of deploy/nginx.conf that matches the URL path."""
    for match in LOCATION_RE.finditer((DEPLOY / "nginx.conf").read_text(encoding="utf-8")):
        if re.search(match["regex"], "/" + path):
            return match["type"]
    return None


def test_headers_file_and_nginx_give_every_feed_its_media_type(published_starter):
    paths = published_starter.feed_paths()
    assert len(paths) > 10
    for path in paths:
        assert headers_file_type(path) == nginx_type(path) == expected_type(path), path
    assert headers_file_type("kategorie/strategie/index.html") is None
    assert nginx_type("theme/data.json") is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _local_config(site: Path, tmp: Path, port: int) -> str:
    """deploy/nginx.conf's site server, on plain HTTP at 127.0.0.1:port, serving the built site."""
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    start = text.index("\nserver {")
    server = text[start : text.index("\nserver {", start + 1)]
    server = re.sub(r"^\s*(listen|http2|ssl_certificate\w*)\b.*$", "", server, flags=re.MULTILINE)
    server = server.replace("server {", f"server {{\n    listen 127.0.0.1:{port};", 1)
    server = re.sub(r"^(\s*)root .*;$", rf"\1root {site};", server, flags=re.MULTILINE)
    server = re.sub(r"include /etc/nginx/snippets/\S+;", f"include {DEPLOY / 'nginx-security-headers.conf'};", server)
    temp = " ".join(f"{name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read pytest's private tmp dirs
    return (
        f"daemon off; {user} pid {tmp / 'nginx.pid'}; error_log {tmp / 'error.log'};\n"
        f"events {{}}\nhttp {{ include /etc/nginx/mime.types; default_type application/octet-stream; "
        f"access_log off; {temp}\n{server}\n}}\n"
    )


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make test installs it)")
def test_nginx_serves_feeds_with_their_types_and_the_security_headers(published_starter, tmp_path):
    port = _free_port()
    config = tmp_path / "nginx.conf"
    config.write_text(_local_config(published_starter.output.resolve(), tmp_path, port), encoding="utf-8")
    server = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config)], stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.05)
        for path in (
            "feeds/alle.atom.xml",
            "feeds/alle.rss.xml",
            "feeds/alle.json",
            "feeds/kategorie/strategie.atom.xml",
        ):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}") as response:
                assert response.headers["Content-Type"] == expected_type(path), path
                assert response.read() == (published_starter.output / path).read_bytes()
                for name, value in SECURITY_HEADERS.items():
                    assert response.headers[name] == value, (path, name)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/abonnieren/") as response:
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    finally:
        server.terminate()
        server.wait(timeout=10)
