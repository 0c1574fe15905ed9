"""Check a built site offline: every internal link, anchor and asset must resolve to a file.

External links are only checked for syntax (scheme and host); nothing is fetched.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"),
                   ("form", "action"), ("iframe", "src"))  # fmt: skip
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel"}
NOT_LINKS = {"canonical", "alternate"}  # may point at the public address; relative ones are checked


@dataclass(frozen=True)
class BrokenLink:
    """A link in one output page that does not resolve."""

    page: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target} ({self.reason})"


@cache
def _ids(path: Path) -> frozenset[str]:
    """The ids (and a-names) in one HTML file, the targets of #fragments."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    names = {tag["id"] for tag in soup.find_all(id=True)}
    names |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(names)


def _resolve(output: Path, page: Path, path: str) -> Path | None:
    """The file a site-internal URL path points at, or None."""
    if path.startswith("/"):
        relative = path.lstrip("/")
    else:
        page_dir = page.parent.relative_to(output).as_posix()
        relative = posixpath.normpath(posixpath.join(page_dir, path))
        if relative.startswith(".."):
            return None
    target = output / unquote(relative)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def _check_external(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in EXTERNAL_SCHEMES:
        return f"unknown scheme {parts.scheme!r}"
    if parts.scheme in {"http", "https"} and not parts.hostname:
        return "no host"
    if parts.scheme == "mailto" and "@" not in parts.path:
        return "no e-mail address"
    if " " in url:
        return "contains spaces"
    return None


def check_page(output: Path, page: Path, site_url: str) -> list[BrokenLink]:
    """Every broken internal link, anchor and asset, and every malformed external link, of one page."""
    name = page.relative_to(output).as_posix()
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    broken = []
    for tag_name, attribute in LINK_ATTRIBUTES:
        for tag in soup.find_all(tag_name, attrs={attribute: True}):
            url = tag[attribute].strip()
            own = url.startswith(site_url)
            if tag_name == "link" and NOT_LINKS & set(tag.get("rel", [])) and urlsplit(url).scheme and not own:
                continue
            if own:
                url = url[len(site_url) :] or "/"
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                problem = _check_external(url)
                if problem:
                    broken.append(BrokenLink(name, url, problem))
                continue
            target = page if not parts.path else _resolve(output, page, parts.path)
            if target is None:
                broken.append(BrokenLink(name, url, "no such file"))
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target):
                broken.append(BrokenLink(name, url, f"no id {parts.fragment!r} in {target.relative_to(output)}"))
    return broken


def check_site(output: Path, site_url: str = "") -> list[BrokenLink]:
    """Check every HTML page of a built site; site_url maps absolute own URLs onto output/."""
    _ids.cache_clear()
    broken: list[BrokenLink] = []
    for page in sorted(output.rglob("*.html")):
        broken += check_page(output, page, site_url.rstrip("/") or "\0")
    return broken
