"""Write entries as Atom and RSS 2.0 (with feedgen) and as JSON Feed 1.1."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from .entries import Entry
from .markup import plain_text

ATOM_NS = "http://www.w3.org/2005/Atom"
LINK_ATTRIBUTES = ("rel", "type", "hreflang", "title", "length")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself."""

    title: str
    subtitle: str
    home_url: str  # the page the feed belongs to
    self_url: str
    updated: datetime  # used when the feed has no entries
    language: str = "de"


class _LinkKeepingEntry(FeedEntry):
    """feedgen 1.0.0 drops rel/type/title of entry links (python-feedgen issue 135): put them back.

    Its list of allowed rel values also lacks "replies" (RFC 4685): such links go into replies_links.
    """

    def __init__(self) -> None:
        super().__init__()
        self.replies_links: list[str] = []

    def atom_entry(self, extensions: bool = True) -> etree._Element:
        """The Atom <entry> with every link attribute that was set."""
        entry = super().atom_entry(extensions)
        elements = [e for e in entry if isinstance(e.tag, str) and etree.QName(e).localname == "link"]
        for element, data in zip(elements, self.link() or [], strict=True):
            for name in LINK_ATTRIBUTES:
                if data.get(name):
                    element.set(name, str(data[name]))
        for href in self.replies_links:
            etree.SubElement(entry, "link", href=href, rel="replies", type="application/atom+xml")
        return entry


def _generator(info: FeedInfo, entries: Sequence[Entry], summary_only: bool) -> FeedGenerator:
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.id(info.self_url)
    feed.title(info.title)
    feed.subtitle(info.subtitle or info.title)
    feed.link(href=info.home_url, rel="alternate", type="text/html")
    feed.link(href=info.self_url, rel="self", type="application/atom+xml")
    feed.language(info.language)
    newest = max((entry.updated for entry in entries), default=info.updated)
    feed.updated(newest)
    feed.lastBuildDate(newest)
    feed.generator("Pelican mit feedgen")
    for entry in entries:
        item = feed.add_entry(_LinkKeepingEntry(), order="append")
        item.id(entry.id)
        item.guid(entry.id, permalink=False)
        item.title(entry.title)
        item.link(href=entry.url, rel="alternate", type="text/html")
        if entry.replies_url:
            item.replies_links.append(entry.replies_url)
        item.published(entry.published)
        item.updated(entry.updated)
        for person in entry.authors:
            item.author({"name": person.name, **({"uri": person.url} if person.url else {})})
            item.dc.dc_creator(person.name)
        for term in entry.terms:
            item.category(term=term)
        if summary_only or not entry.content_html:
            item.summary(entry.summary_html or entry.title, type="html")
        else:
            if entry.summary_html:
                item.summary(entry.summary_html, type="html")  # also the RSS <description>
            item.content(entry.content_html, type="html")
    return feed


def atom_bytes(info: FeedInfo, entries: Sequence[Entry], summary_only: bool = False) -> bytes:
    """An Atom 1.0 document, newest entry first as given."""
    return _generator(info, entries, summary_only).atom_str(pretty=True)


def rss_bytes(info: FeedInfo, entries: Sequence[Entry], summary_only: bool = False) -> bytes:
    """An RSS 2.0 document with an atom:link to itself."""
    feed = _generator(info, entries, summary_only)
    feed.link(href=info.self_url, rel="self", type="application/rss+xml", replace=True)
    feed.link(href=info.home_url, rel="alternate", type="text/html")  # RSS <link> is the last link
    return feed.rss_str(pretty=True)


def json_bytes(info: FeedInfo, entries: Sequence[Entry], summary_only: bool = False) -> bytes:
    """A JSON Feed 1.1 document (feedgen does not write JSON Feed)."""
    items = []
    for entry in entries:
        item = {
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            "content_html": entry.summary_html if summary_only else entry.content_html,
            "date_published": entry.published.isoformat(),
            "date_modified": entry.updated.isoformat(),
            "authors": [{"name": p.name, **({"url": p.url} if p.url else {})} for p in entry.authors],
            "tags": list(entry.terms),
        }
        if entry.summary_html:
            item["summary"] = " ".join(plain_text(entry.summary_html).split())
        items.append(item)
    document = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "description": info.subtitle,
        "home_page_url": info.home_url,
        "feed_url": info.self_url,
        "language": info.language,
        "items": items,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
