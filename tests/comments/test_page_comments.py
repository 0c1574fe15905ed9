"""Comments on pages: the same files under content/comments/<slug>/, form, threads and feeds as on articles."""

from __future__ import annotations

import json

import pytest
from helpers import Site, build_site, write_files

FILES = {
    "articles/beitrag.md": "Title: Ein Beitrag\nDate: 2024-03-05 09:05\nSlug: beitrag\n\nText.\n",
    "pages/ueber.md": "Title: Über uns\nSlug: ueber\n\nWer wir sind.\n",
    "pages/impressum.md": "Title: Impressum\nSlug: impressum\nComments: closed\n\nAngaben.\n",
    "comments/ueber/wp1.md": "Author: Jana\nDate: 2024-03-06 10:00:05\nUrl: https://jana.example/\n\nSo ~~alt~~ neu.\n",
    "comments/ueber/wp2.md": "Author: Anna\nDate: 2024-03-06 11:00\nReply_to: wp1\nSite_author: true\n\nDanke!\n",
    "comments/impressum/wp3.md": "Author: Olaf\nDate: 2024-03-07 11:00\n\nAlt, aber sichtbar.\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    base = tmp_path_factory.mktemp("page-comments")
    return Site(build_site(write_files(base / "content", FILES), base / "out"))


def test_a_page_shows_its_comment_thread_and_the_form(site):
    section = site.html("ueber/index.html").select_one("#kommentare")
    reply = section.select_one("#comment-wp1 #comment-wp2")
    assert reply is not None and "Antwort der Autorin" in reply.get_text()
    assert section.select_one("#comment-wp1 del, #comment-wp1 s").get_text() == "alt"  # strike-through rendered
    form = section.select_one("form.comment-form")
    assert form.select_one('input[name="article"]')["value"] == "ueber"


def test_comments_closed_closes_a_page_but_keeps_its_comments(site):
    section = site.html("impressum/index.html").select_one("#kommentare")
    assert section.select_one("#comment-wp3") and not section.select("form")
    assert "Die Kommentare zu dieser Seite sind geschlossen." in section.get_text()


def test_a_closed_page_without_comments_shows_no_comment_section(tmp_path):
    files = {
        "articles/a.md": FILES["articles/beitrag.md"],
        "pages/kontakt.md": "Title: Kontakt\nComments: closed\n\nX.\n",
    }
    site = Site(build_site(write_files(tmp_path / "content", files), tmp_path / "out"))
    assert site.html("kontakt/index.html").select_one("main") and not site.html("kontakt/index.html").select(
        "#kommentare"
    )


def test_the_intake_manifest_knows_pages(site):
    manifest = json.loads(site.text("kommentare/manifest.json"))["articles"]
    assert manifest["ueber"]["open"] is True and manifest["ueber"]["comments"] == ["wp1", "wp2"]
    assert manifest["impressum"]["open"] is False


def test_page_comments_are_in_the_comment_feeds(site):
    feed = site.xml("feeds/kommentare.atom.xml")
    titles = [t.get_text() for t in feed.select("entry > title")]
    assert "Kommentar von Jana zu „Über uns“" in titles and "Antwort von Anna zu „Über uns“" in titles
    page_head = site.html("ueber/index.html").select('link[rel="alternate"][type="application/atom+xml"]')
    assert any("Kommentare zu „Über uns“" in link.get("title", "") for link in page_head)
