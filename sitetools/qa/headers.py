"""Read the production security headers from deploy/, for the test server and the tests."""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX_HEADER_RE = re.compile(r'^\s*add_header\s+(?P<name>[\w-]+)\s+"(?P<value>[^"]*)"\s+always;', re.MULTILINE)


def headers_from_headers_file(path: Path = DEPLOY / "_headers", section: str = "/*") -> dict[str, str]:
    """The headers of one path section of a Netlify/Cloudflare-style _headers file."""
    headers: dict[str, str] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = line.strip()
            continue
        if current == section:
            name, _, value = line.strip().partition(":")
            headers[name.strip()] = value.strip()
    return headers


def headers_from_nginx(path: Path = DEPLOY / "nginx-security-headers.conf") -> dict[str, str]:
    """The add_header lines of an nginx snippet."""
    return {m["name"]: m["value"] for m in NGINX_HEADER_RE.finditer(path.read_text(encoding="utf-8"))}


SECURITY_HEADERS = headers_from_headers_file()
