"""Checks and steps of `invoke publish` that do not depend on where the site goes."""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path
from urllib.parse import urlsplit

# Host names reserved for examples and tests (RFC 2606, RFC 6761): never a real site's address.
RESERVED_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")
RESERVED_HOSTS = ("localhost", "example.com", "example.net", "example.org", "127.0.0.1", "::1")
TRUE_WORDS = ("true", "yes", "ja", "1", "wahr")


def placeholder_address(siteurl: str) -> bool:
    """True when siteurl is not a public http(s) address (a reserved example host, localhost, no host)."""
    parts = urlsplit(siteurl)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        return True
    return (
        host in RESERVED_HOSTS
        or host.endswith(RESERVED_SUFFIXES)
        or any(host.endswith(f".{reserved}") for reserved in RESERVED_HOSTS)
    )


def placeholder_pages(settings: dict) -> list[str]:
    """Source paths of the pages that Pelican reads with the metadata ``Placeholder: true``."""
    from pelican.contents import Page
    from pelican.generators import PagesGenerator

    generator = PagesGenerator(
        context={}, settings=settings, path=settings["PATH"], theme=settings["THEME"], output_path=None
    )
    found = []
    for path in sorted(generator.get_files(settings["PAGE_PATHS"], exclude=settings["PAGE_EXCLUDES"])):
        page = generator.readers.read_file(base_path=settings["PATH"], path=path, content_class=Page)
        if str(page.metadata.get("placeholder", "")).strip().lower() in TRUE_WORDS:
            found.append(page.source_path)
    return found


def copy_headers(headers_file: Path, site: Path) -> None:
    """Copy the host's security-header file (deploy/_headers) into the built site's root."""
    shutil.copyfile(headers_file, site / headers_file.name)


def unsafe_remote_path(path: str) -> bool:
    """True for an rsync destination that is empty, the root or a home directory."""
    cleaned = posixpath.normpath(path.strip()) if path.strip() else ""
    return cleaned in ("", ".", "/", "//", "~") or (cleaned.startswith("~") and "/" not in cleaned)


def rsync_command(site: Path, host: str, path: str) -> list[str]:
    """The rsync call that mirrors site to host:path; all files appear at once at the end."""
    return ["rsync", "-az", "--delete-after", "--delay-updates", f"{site}/", f"{host}:{path.rstrip('/')}/"]
