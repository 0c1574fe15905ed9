"""Feeds are judged on publishconf.py builds: tiny sites and the starter content, plus checks on the XML."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import feedparser
import pytest
from helpers import ROOT, Site, build_site, write_files
from lxml import etree, html
from pelican.settings import read_settings

PUBLISHCONF = ROOT / "publishconf.py"
NS = {"a": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}
OFFSET_RE = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?[+-]\d\d:\d\d\Z")
RFC822_RE = re.compile(r"\A\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\Z")
URL_ATTRIBUTES = ("href", "src", "poster")


class FeedSite(Site):
    """A built site with helpers to read and check its feeds."""

    def __init__(self, output: Path, site_url: str) -> None:
        super().__init__(output)
        self.site_url = site_url

    def feed_paths(self) -> list[str]:
        """Every feed file below feeds/, relative to the output root."""
        return [p.relative_to(self.output).as_posix() for p in self.files("feeds/**/*") if not p.name.startswith(".")]

    def parsed(self, relative: str) -> feedparser.FeedParserDict:
        """The feed as a reader sees it; fails on anything feedparser calls malformed."""
        parsed = feedparser.parse((self.output / relative).read_bytes())
        assert not parsed.bozo, f"{relative}: {parsed.get('bozo_exception')!r}"
        return parsed

    def tree(self, relative: str) -> etree._ElementTree:
        """The feed's XML tree."""
        return etree.parse(str(self.output / relative))

    def json(self, relative: str) -> dict:
        """A JSON Feed document."""
        return json.loads(self.text(relative))

    def atom_ids(self, relative: str) -> list[str]:
        """The entry ids of an Atom feed, in document order."""
        return [e.text for e in self.tree(relative).findall("a:entry/a:id", NS)]


def content_urls(fragment: str) -> list[str]:
    """Every URL an HTML fragment from a feed refers to (href, src, poster, each srcset candidate)."""
    if not fragment.strip():
        return []
    root = html.fragment_fromstring(fragment, create_parent="div")
    urls = [element.get(name) for name in URL_ATTRIBUTES for element in root.iter() if element.get(name) is not None]
    for element in root.iter():
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                urls.append(candidate.split()[0])
    return urls


def check_atom(site: FeedSite, relative: str) -> etree._Element:
    """The Atom structure every feed of the site must have; returns the root."""
    root = site.tree(relative).getroot()
    assert root.tag == "{http://www.w3.org/2005/Atom}feed", relative
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de", relative
    assert OFFSET_RE.match(root.findtext("a:updated", namespaces=NS)), relative
    self_links = root.findall("a:link[@rel='self']", NS)
    assert [link.get("href") for link in self_links] == [f"{site.site_url}/{relative}"], relative
    assert self_links[0].get("type") == "application/atom+xml"
    for entry in root.findall("a:entry", NS):
        entry_id = entry.findtext("a:id", namespaces=NS)
        assert entry_id.startswith(f"tag:{urlsplit(site.site_url).hostname},"), entry_id
        for name in ("updated", "published"):
            assert OFFSET_RE.match(entry.findtext(f"a:{name}", namespaces=NS)), (relative, entry_id, name)
        alternate = entry.findall("a:link[@rel='alternate']", NS)
        assert len(alternate) == 1 and alternate[0].get("type") == "text/html", (relative, entry_id)
        assert alternate[0].get("href").startswith(site.site_url + "/"), (relative, entry_id)
        assert entry.findtext("a:author/a:name", namespaces=NS), (relative, entry_id)
        for element in entry.findall("a:content", NS) + entry.findall("a:summary", NS):
            assert element.get("type") == "html", (relative, entry_id)
            for url in content_urls(element.text or ""):
                assert re.match(r"\A(https?|mailto|tel):", url), (relative, entry_id, url)
    return root


@pytest.fixture(scope="session")
def published_starter(tmp_path_factory: pytest.TempPathFactory) -> FeedSite:
    """The starter content built with publishconf.py, once for the session."""
    output = tmp_path_factory.mktemp("published") / "output"
    site_url = read_settings(str(PUBLISHCONF))["ABSOLUTE_SITEURL"]
    return FeedSite(build_site(ROOT / "content", output, PUBLISHCONF), site_url)


@pytest.fixture
def publish_site(tmp_path: Path) -> Callable[..., FeedSite]:
    """Build a tiny site with publishconf.py into tmp_path (again on each call, into the same dirs)."""

    def make(files: dict[str, str], output: str = "output", **overrides) -> FeedSite:
        content = write_files(tmp_path / "content", files)
        settings = read_settings(str(PUBLISHCONF), override=overrides)
        return FeedSite(build_site(content, tmp_path / output, PUBLISHCONF, **overrides), settings["ABSOLUTE_SITEURL"])

    return make


@pytest.fixture
def checks() -> SimpleNamespace:
    """The structural checks, for tests in several modules."""
    return SimpleNamespace(atom=check_atom, content_urls=content_urls, ns=NS, offset=OFFSET_RE, rfc822=RFC822_RE)
