"""Comment feeds read only article.comments (the comments plugin's interface), here from a test double."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

import pytest
from helpers import ROOT, write_files
from pelican import signals

FAKE_COMMENTS_PLUGIN = '''
"""Test double of plugins/comments: attaches article.comments as the real plugin does."""
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from pelican import signals

UTC = ZoneInfo("UTC")


def comment(cid, author, when, content, **extra):
    fields = dict(id=cid, author=author, date=when, content=content, type="comment", by_site_author=False,
                  reply_to=None, website=None, note=None, anchor=f"comment-{cid}")
    fields.update(extra)
    return SimpleNamespace(**fields)


def attach(generator):
    for article in generator.articles:
        if article.slug == "sommer":
            article.comments = [
                comment("a1", "Erika & Co.", datetime(2024, 7, 2, 7, 0, tzinfo=UTC),
                        '<p>Danke! Siehe <a href="/mehr/" rel="nofollow ugc noopener">hier</a>.</p>',
                        website="https://erika.example/"),
                comment("a2", "Katrin Albrecht", datetime(2024, 12, 24, 17, 0, tzinfo=UTC),
                        "<p>Gern geschehen.</p>", by_site_author=True, reply_to="a1", note="Link <entfernt>"),
            ]
        elif article.slug == "winter":
            article.comments = [
                comment("b1", "Blog Nord", datetime(2024, 8, 1, 12, 0, tzinfo=UTC), "<p>Erwähnt in unserem Blog.</p>",
                        type="pingback", website="javascript:alert(1)"),
            ]


def register():
    signals.article_generator_finalized.connect(attach)
'''
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SOMMER = "Title: Sommer\nDate: 2024-07-01 09:00\nCategory: Strategie\nAuthor: Katrin Albrecht\n\nText.\n"
WINTER = "Title: Winter\nDate: 2024-01-15 09:00\nCategory: Praxis\nAuthor: Jonas Weber\n\nText.\n"
STILL = "Title: Still\nDate: 2023-01-15 09:00\nCategory: Praxis\n\nOhne Kommentare.\n"


@pytest.fixture
def comments_site(tmp_path: Path, publish_site):
    """A site whose articles carry comments from the test double; the double is unplugged afterwards."""
    write_files(tmp_path / "testplugins", {"fake_comments.py": FAKE_COMMENTS_PLUGIN})
    try:
        yield publish_site(
            {"articles/sommer.md": SOMMER, "articles/winter.md": WINTER, "articles/still.md": STILL},
            PLUGIN_PATHS=[str(ROOT / "plugins"), str(tmp_path / "testplugins")],
            PLUGINS=["feeds", "fake_comments"],
        )
    finally:  # Pelican's signals are process-wide: later builds in this process must not see the double
        double = sys.modules.pop("fake_comments", None)
        if double is not None:
            signals.article_generator_finalized.disconnect(double.attach)


def test_site_comment_feed_lists_the_newest_comments_first(comments_site, checks):
    site = comments_site
    checks.atom(site, "feeds/kommentare.atom.xml")
    feed = site.parsed("feeds/kommentare.atom.xml")
    assert [e.title for e in feed.entries] == [
        "Antwort von Katrin Albrecht zu „Sommer“",
        "Pingback von Blog Nord zu „Winter“",
        "Kommentar von Erika & Co. zu „Sommer“",
    ]
    reply, pingback, first = feed.entries
    assert reply.link == f"{site.site_url}/sommer/#comment-a2"
    assert reply.id == "tag:kmu-social-media.example,2024-12-24:sommer/comment-a2"
    assert reply.published == "2024-12-24T18:00:00+01:00"
    assert (
        reply.content[0].value == "<p>Gern geschehen.</p><p><em>Hinweis der Moderation: Link &lt;entfernt&gt;</em></p>"
    )
    assert first.published == "2024-07-02T09:00:00+02:00"
    assert f'href="{site.site_url}/mehr/"' in first.content[0].value
    assert first.author_detail.href == "https://erika.example/"
    assert "href" not in pingback.author_detail  # only http(s) addresses become links


def test_each_article_with_comments_has_its_own_announced_feed(comments_site, checks):
    site = comments_site
    for slug, count in (("sommer", 2), ("winter", 1)):
        path = f"feeds/kommentare/{slug}.atom.xml"
        checks.atom(site, path)
        assert len(site.parsed(path).entries) == count
        head = site.html(f"{slug}/index.html").head
        assert head.find("link", href=f"../{path}", type="application/atom+xml")
    assert not (site.output / "feeds/kommentare/still.atom.xml").exists()
    assert "feeds/kommentare/" not in str(site.html("still/index.html").head)
    assert "feeds/kommentare/sommer.atom.xml" in site.text("abonnieren/index.html")


def test_article_entries_point_to_their_comment_feed(comments_site, checks):
    entries = comments_site.tree("feeds/alle.atom.xml").findall("a:entry", checks.ns)
    replies = {
        entry.findtext("a:title", namespaces=checks.ns): [
            (link.get("type"), link.get("href")) for link in entry.findall("a:link[@rel='replies']", checks.ns)
        ]
        for entry in entries
    }
    site = comments_site.site_url
    assert replies == {
        "Sommer": [("application/atom+xml", f"{site}/feeds/kommentare/sommer.atom.xml")],
        "Winter": [("application/atom+xml", f"{site}/feeds/kommentare/winter.atom.xml")],
        "Still": [],
    }
    rss_links = [item.findtext("link") for item in comments_site.tree("feeds/alle.rss.xml").iter("item")]
    assert rss_links == [f"{site}/sommer/", f"{site}/winter/", f"{site}/still/"]


def test_comment_feed_exists_and_parses_without_any_comment(publish_site, checks):
    site = publish_site({"articles/still.md": STILL})
    checks.atom(site, "feeds/kommentare.atom.xml")
    assert site.parsed("feeds/kommentare.atom.xml").entries == []
    assert "feeds/kommentare.atom.xml" in str(site.html("still/index.html").head)


def test_the_starter_comments_come_from_the_comments_plugin(published_starter, checks):
    feed = published_starter.parsed("feeds/kommentare.atom.xml")
    assert len(feed.entries) >= 5
    dates = [datetime.fromisoformat(e.published) for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    for path in published_starter.feed_paths():
        if path.startswith("feeds/kommentare/"):
            slug = path.removeprefix("feeds/kommentare/").removesuffix(".atom.xml")
            checks.atom(published_starter, path)
            head = published_starter.html(f"{slug}/index.html").head
            assert head.find("link", href=f"../{path}"), slug
            assert all(f"/{slug}/#comment-" in e.link for e in published_starter.parsed(path).entries)
    assert not EMAIL_RE.search(published_starter.text("feeds/kommentare.atom.xml"))
