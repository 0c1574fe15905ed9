"""The writers on their own: feedgen's dropped link attributes, and a site without the plugin."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from feeds.entries import Entry, Person
from feeds.formats import FeedInfo, atom_bytes
from helpers import Site, run_pelican_cli, write_files
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
BERLIN = ZoneInfo("Europe/Berlin")
WHEN = datetime(2024, 3, 5, 9, 5, tzinfo=BERLIN)
INFO = FeedInfo("Titel", "Untertitel", "https://www.example.de/", "https://www.example.de/feeds/a.atom.xml", WHEN)
ENTRY = Entry(
    id="tag:www.example.de,2024-03-05:slug",
    url="https://www.example.de/slug/",
    title="Titel",
    content_html="<p>Text</p>",
    summary_html="<p>Kurz</p>",
    published=WHEN,
    updated=WHEN,
    authors=(Person("Katrin Albrecht"),),
)


def test_feedgen_1_0_0_still_drops_entry_link_attributes():
    """When this fails, feedgen fixed its issue 135: drop _LinkKeepingEntry and this test."""
    feed = FeedGenerator()
    feed.id("urn:x")
    feed.title("x")
    entry = feed.add_entry()
    entry.id("urn:y")
    entry.title("y")
    entry.content("z")
    entry.link(href="https://www.example.de/", rel="alternate", type="text/html")
    link = etree.fromstring(feed.atom_str()).find(f"{ATOM}entry/{ATOM}link")
    assert link.get("rel") is None and link.get("type") is None


def test_entry_links_keep_rel_and_type():
    root = etree.fromstring(atom_bytes(INFO, [ENTRY]))
    links = root.findall(f"{ATOM}entry/{ATOM}link")
    assert [(link.get("rel"), link.get("type"), link.get("href")) for link in links] == [
        ("alternate", "text/html", "https://www.example.de/slug/")
    ]
    assert root.find(f"{ATOM}entry/{ATOM}summary").get("type") == "html"
    assert root.find(f"{ATOM}entry/{ATOM}content").get("type") == "html"


def test_summary_only_entries_have_no_content():
    root = etree.fromstring(atom_bytes(INFO, [ENTRY], summary_only=True))
    assert root.find(f"{ATOM}entry/{ATOM}content") is None
    assert root.findtext(f"{ATOM}entry/{ATOM}summary") == "<p>Kurz</p>"


def test_an_empty_feed_is_dated_and_stable():
    first, second = atom_bytes(INFO, []), atom_bytes(INFO, [])
    assert first == second  # no "now" anywhere: a rebuild changes nothing
    assert etree.fromstring(first).findtext(f"{ATOM}updated") == "2024-03-05T09:05:00+01:00"


def test_without_the_plugin_the_site_builds_and_announces_no_feed(tmp_path):
    # In a fresh process: Pelican's signals stay connected to plugins that earlier builds here loaded.
    content = write_files(tmp_path / "content", {"articles/a.md": "Title: A\nDate: 2024-01-01\nCategory: X\n\nText.\n"})
    result = run_pelican_cli(content, tmp_path / "out", "-e", "PLUGINS=[]")
    assert result.returncode == 0, result.stdout + result.stderr
    site = Site(tmp_path / "out")
    assert (site.output / "a" / "index.html").is_file()
    assert not (site.output / "feeds").exists()
    assert not (site.output / "abonnieren").exists()
    for page in ("index.html", "a/index.html", "kategorie/x/index.html"):
        soup = site.html(page)
        assert soup.find("link", rel="alternate") is None, page
        assert soup.select_one("footer .feeds") is None, page
