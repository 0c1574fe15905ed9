"""Check a built site offline: every internal link, anchor and asset must resolve to a file.

External links are only checked for syntax (scheme and host); nothing is fetched. The reasons are
German: authors read them in the output of `invoke build`. Each page is
parsed once (with lxml): its links and its ids are read in the same pass, and links are then
resolved against one listing of the output directory.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from lxml import etree

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"),
                   ("form", "action"), ("iframe", "src"))  # fmt: skip
LINKS_XPATH = " | ".join(f"//{tag}/@{attribute}" for tag, attribute in LINK_ATTRIBUTES)
IDS_XPATH = "//@id | //a/@name"
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel"}
NOT_LINKS = {"canonical", "alternate"}  # may point at the public address; relative ones are checked
PARSER = etree.HTMLParser(encoding="utf-8", no_network=True)


@dataclass(frozen=True)
class BrokenLink:
    """A link in one output page that does not resolve."""

    page: str
    target: str
    reason: str
    tag: str = "a"  # the element: a, img, link, script, ...

    def __str__(self) -> str:
        return f"{self.page}: {self.target} ({self.reason})"


class Link(NamedTuple):
    """One URL in a page, with the element it came from (and its rel values, for <link>)."""

    tag: str
    url: str
    rel: frozenset[str]


def scan_page(data: bytes) -> tuple[list[Link], frozenset[str]]:
    """The links and the ids (the targets of #fragments) of one HTML page, from one parse."""
    root = etree.fromstring(data, PARSER) if data.strip() else None
    if root is None:
        return [], frozenset()
    links = []
    for value in root.xpath(LINKS_XPATH):
        element = value.getparent()
        rel = frozenset(element.get("rel", "").split()) if element.tag == "link" else frozenset()
        links.append(Link(element.tag, value.strip(), rel))
    return links, frozenset(root.xpath(IDS_XPATH))


def _check_external(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in EXTERNAL_SCHEMES:
        return f"unbekanntes Schema „{parts.scheme}“"
    if parts.scheme in {"http", "https"} and not parts.hostname:
        return "keine Domain"
    if parts.scheme == "mailto" and "@" not in parts.path and (parts.path or not parts.query):
        return "keine E-Mail-Adresse"  # "mailto:?subject=…" (the reader picks the recipient) is fine
    if " " in url:
        return "enthält Leerzeichen"
    return None


class SiteIndex:
    """What a built site holds: its files and directories, and the ids of every HTML page."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.files: set[str] = set()
        self.dirs: set[str] = {""}
        for directory, dirs, files in os.walk(output):
            relative = os.path.relpath(directory, output).replace(os.sep, "/")
            prefix = "" if relative == "." else f"{relative}/"
            self.dirs.update(prefix + d for d in dirs)
            self.files.update(prefix + f for f in files)
        self.ids: dict[str, frozenset[str]] = {}

    def resolve(self, relative: str, directory: bool) -> str | None:
        """The output file a normalised site path ("a/b", "" for the root) stands for, or None."""
        if directory or relative in self.dirs:
            relative = f"{relative}/index.html" if relative else "index.html"
        return relative if relative in self.files else None


def site_path(page_dir: str, path: str) -> str | None:
    """A URL path of a page in page_dir as a normalised path from the site root ("a/b", "" for
    the root), or None when it climbs above the root."""
    if "%" in path:
        path = unquote(path)
    if path.startswith("/"):
        joined = path.lstrip("/")
    elif page_dir:
        joined = f"{page_dir}/{path}"
    else:
        joined = path
    if "/." in f"/{joined}" or "//" in joined:
        joined = posixpath.normpath(joined)
        if joined == ".":
            return ""
        if joined.startswith(".."):
            return None
    return joined.rstrip("/")


def _ignored(relative: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a site path is one of the prefixes ("kommentare") or lies below one."""
    return any(relative == prefix or relative.startswith(f"{prefix}/") for prefix in prefixes)


def check_links(
    index: SiteIndex, page: str, links: Iterable[Link], site_url: str, ignore: tuple[str, ...]
) -> list[BrokenLink]:
    """Every broken internal link, anchor and asset, and every malformed external link, of one page."""
    broken = []
    page_dir = posixpath.dirname(page)
    for link in links:
        url = link.url
        own = url.startswith(site_url)
        if link.tag == "link" and NOT_LINKS & link.rel and urlsplit(url).scheme and not own:
            continue
        if own:
            url = url[len(site_url) :] or "/"
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            problem = _check_external(url)
            if problem:
                broken.append(BrokenLink(page, url, problem, link.tag))
            continue
        if not parts.path:
            target = page
        else:
            relative = site_path(page_dir, parts.path)
            if relative is not None and _ignored(relative, ignore):
                continue
            target = None if relative is None else index.resolve(relative, parts.path.endswith("/"))
        if target is None:
            broken.append(BrokenLink(page, url, "Datei fehlt", link.tag))
        elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in index.ids.get(target, ()):
            broken.append(BrokenLink(page, url, f"kein Anker „{unquote(parts.fragment)}“ in {target}", link.tag))
    return broken


def check_site(output: Path, site_url: str = "", ignore: Iterable[str] = ()) -> list[BrokenLink]:
    """Check every HTML page of a built site.

    site_url maps absolute own URLs onto output/; ignore lists URL paths from the site root that a
    program answers rather than a file (e.g. "/kommentare/", where the comment form posts).
    """
    index = SiteIndex(output)
    pages = sorted(name for name in index.files if name.endswith(".html"))
    links = {}
    for page in pages:
        links[page], index.ids[page] = scan_page((output / page).read_bytes())
    own_prefix = site_url.rstrip("/") or "\0"
    prefixes = tuple(entry.strip("/") for entry in ignore)
    broken: list[BrokenLink] = []
    for page in pages:
        broken += check_links(index, page, links[page], own_prefix, prefixes)
    return broken


def _line_with(source: Path, needles: Iterable[str]) -> int | None:
    """The first line of a Markdown file below its metadata that holds one of needles (in that order)."""
    try:
        lines = source.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return None
    body = next((i for i, text in enumerate(lines) if not text.strip()), 0)
    for needle in needles:
        for number, text in enumerate(lines[body:], start=body + 1):
            if needle in text:
                return number
    return None


def _message(link: BrokenLink, source: Path | None, content: Path) -> str:
    """German: what is wrong with the link and how to write it instead."""
    path = urlsplit(link.target).path
    if link.tag == "img" and path and not path.startswith("/") and not urlsplit(link.target).scheme:
        if (content / path).is_file() or (source and (source.parent / path).is_file()):
            return (f"Bild „{link.target}“ wird so nicht gefunden: schreiben Sie {{static}}/{path.lstrip('./')} "
                    "(Pfad relativ zu content/).")  # fmt: skip
        return f"Bild „{link.target}“ gibt es nicht: prüfen Sie den Dateinamen (Bilder liegen in content/images/)."
    what = "Bild" if link.tag == "img" else "Link"
    return f"{what} „{link.target}“ führt ins Leere ({link.reason})."


def locate(broken: Iterable[BrokenLink], pages: Mapping[str, str], content: Path) -> list:
    """Broken links as errors in the Markdown file (and line) behind each page, from pages {output page: source}.

    A link that a source file already accounts for is not repeated for the lists that show its
    summary (home page, category pages); a page without a source is named itself.
    """
    from sitetools.findings import LINK_CHECK, Finding

    project = content.resolve().parent
    found: dict[tuple[str, str], Finding] = {}
    orphans = []
    for link in sorted(broken, key=lambda b: b.tag != "img"):  # an image also linked is named as an image
        shown = pages.get(link.page)
        if shown is None:
            orphans.append(link)
            continue
        source = project / shown
        path = urlsplit(link.target).path
        line = _line_with(source, [f"]({link.target}", link.target, path] if path else [link.target])
        where = f"{shown}:{line}" if line else shown
        found.setdefault((shown, link.target), Finding(where, "error", _message(link, source, content), LINK_CHECK))
    accounted = {target for _, target in found}
    for link in orphans:
        if link.target not in accounted:
            accounted.add(link.target)
            found[(link.page, link.target)] = Finding(link.page, "error", _message(link, None, content), LINK_CHECK)
    return list(found.values())
