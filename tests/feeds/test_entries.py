"""Entries of tiny sites: stable ids, Berlin offsets, no drafts, and bad input that still gives valid feeds."""

from __future__ import annotations

import pytest

SUMMER = """
    Title: Sommer & „Sonne“
    Date: 2024-07-01 09:05
    Modified: 2024-12-02 10:00
    Category: Strategie
    Tags: Ziele
    Author: Katrin Albrecht
    Summary: Ein Artikel im Sommer.

    Text mit einem [Link]({filename}/articles/winter.md), einem [eigenen Link](../winter-im-betrieb/),
    einem [Anker](#abschnitt) und einem Bild: ![Grafik]({static}/images/chart.svg)

    <img src="images/chart.svg" srcset="images/chart.svg 1x, /images/chart.svg 2x" alt="Grafik">
    <video poster="images/chart.svg" src="/video.mp4"></video>

    ## Abschnitt {#abschnitt}

    Schluss.
"""
WINTER = """
    Title: Winter im Betrieb
    Date: 2024-01-15 18:30
    Category: Praxis und Alltag
    Tags: Ziele, Zeitplanung
    Author: Jonas Weber

    Kein Summary, dafür Entities: &amp; &nbsp; &lt;b&gt; &copy; und ein Steuerzeichen:\x0b Ende.
"""
DRAFT = """
    Title: Geheimer Entwurf
    Date: 2024-02-01 10:00
    Status: draft
    Category: Strategie

    Noch nicht fertig.
"""
FUTURE = """
    Title: Zukunftsmusik
    Date: 2099-01-01 10:00
    Category: Strategie

    Erscheint erst später.
"""
UNICODE_SLUG = """
    Title: Grüße aus Köln
    Slug: grüße-aus-köln
    Date: 2023-03-26 01:30
    Category: Größe
    Tags: Straße

    Umlaute überall.
"""
CHECKLIST = """
    Title: Mit Checkliste
    Date: 2023-05-05 08:00
    Category: Strategie

    <form class="checklist" id="cl-ziele"><fieldset><legend>Lohnt es sich?</legend>
    <ul><li><input type="checkbox" id="cl-1"><label for="cl-1">Wir kennen unsere Ziele.</label></li>
    <li><input type="checkbox" id="cl-2"><label for="cl-2">Jemand hat Zeit dafür.</label></li></ul>
    <p class="checklist-progress" hidden><output>0</output> von 2 erledigt</p>
    <button type="reset">Zurücksetzen</button></fieldset></form>
    <script src="/theme/js/checklists.js"></script>
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title></svg>'
BASIC = {"articles/sommer.md": SUMMER, "articles/winter.md": WINTER, "images/chart.svg": SVG}


def entry_for(feed, slug: str):
    """The entry of the article with this slug."""
    return next(e for e in feed.entries if e.link.rstrip("/").endswith("/" + slug))


def test_dates_carry_the_berlin_offset_of_their_own_date(publish_site):
    site = publish_site(BASIC)
    tree = site.tree("feeds/alle.atom.xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    dates = {
        e.findtext("a:title", namespaces=ns): tuple(
            e.findtext(f"a:{name}", namespaces=ns) for name in ("published", "updated")
        )
        for e in tree.findall("a:entry", ns)
    }
    assert dates["Sommer & „Sonne“"] == ("2024-07-01T09:05:00+02:00", "2024-12-02T10:00:00+01:00")
    assert dates["Winter im Betrieb"] == ("2024-01-15T18:30:00+01:00", "2024-01-15T18:30:00+01:00")
    rss = site.tree("feeds/alle.rss.xml")
    pub_dates = [d.text for d in rss.iter("pubDate")]
    assert pub_dates == ["Mon, 01 Jul 2024 09:05:00 +0200", "Mon, 15 Jan 2024 18:30:00 +0100"]


def test_every_url_in_the_content_is_absolute(publish_site, checks):
    site = publish_site(BASIC)
    ns = checks.ns
    entries = site.tree("feeds/alle.atom.xml").findall("a:entry", ns)
    entry = next(e for e in entries if "sommer" in e.findtext("a:id", namespaces=ns))
    base = site.site_url
    assert sorted(checks.content_urls(entry.findtext("a:content", namespaces=ns))) == sorted([
        f"{base}/winter-im-betrieb/",  # {filename} link
        f"{base}/winter-im-betrieb/",  # hand-written relative link
        f"{base}/sommer-und-sonne/#abschnitt",
        f"{base}/images/chart.svg",  # {static} image
        f"{base}/images/chart.svg",  # the theme links a chart to its own file (full size on phones)
        f"{base}/sommer-und-sonne/images/chart.svg",  # src relative to the article
        f"{base}/sommer-und-sonne/images/chart.svg",  # srcset
        f"{base}/images/chart.svg",  # srcset, root-relative
        f"{base}/sommer-und-sonne/images/chart.svg",  # poster
        f"{base}/video.mp4",
    ])  # fmt: skip
    page = site.html("sommer-und-sonne/index.html")
    assert page.select_one(".content a")["href"] == "../winter-im-betrieb/"  # pages keep relative links
    for path in site.feed_paths():
        if path.endswith(".atom.xml"):
            checks.atom(site, path)


def test_bad_input_still_gives_valid_feeds(publish_site, checks):
    site = publish_site({**BASIC, "articles/koeln.md": UNICODE_SLUG})
    for path in site.feed_paths():
        if path.endswith(".xml"):
            site.parsed(path)
        if path.endswith(".atom.xml"):
            checks.atom(site, path)
    feed = site.parsed("feeds/alle.atom.xml")
    winter = entry_for(feed, "winter-im-betrieb")
    assert "&amp; \xa0 &lt;b&gt; © und ein Steuerzeichen: Ende." in winter.content[0].value
    assert winter.summary.startswith("<p>Kein Summary")  # cut from the text by Pelican
    assert entry_for(feed, "sommer-und-sonne").title == "Sommer & „Sonne“"
    koeln = next(e for e in feed.entries if "K%C3%B6ln" in e.link or "k%C3%B6ln" in e.link)
    assert koeln.id == "tag:kmu-social-media.example,2023-03-26:gr%C3%BC%C3%9Fe-aus-k%C3%B6ln"
    assert koeln.link.isascii()
    category = site.parsed("feeds/kategorie/groesse.atom.xml")
    assert [e.id for e in category.entries] == [koeln.id]
    assert site.json("feeds/alle.json")["items"][0]["title"] == "Sommer & „Sonne“"


def test_drafts_and_future_articles_never_appear(publish_site):
    site = publish_site({**BASIC, "articles/entwurf.md": DRAFT, "articles/zukunft.md": FUTURE})
    for path in site.feed_paths():
        text = site.text(path)
        assert "Geheimer Entwurf" not in text and "Zukunftsmusik" not in text, path
        assert "entwurf" not in text.lower() and "zukunft" not in text.lower(), path
    assert len(site.parsed("feeds/kategorie/strategie.atom.xml").entries) == 1


def test_ids_survive_a_rebuild_and_an_edit(publish_site):
    first = publish_site(BASIC)
    ids = {path: first.atom_ids(path) for path in first.feed_paths() if path.endswith(".atom.xml")}
    json_ids = [item["id"] for item in first.json("feeds/alle.json")["items"]]
    again = publish_site(BASIC, output="again")
    assert {path: again.atom_ids(path) for path in ids} == ids
    edited_summer = (
        SUMMER.replace("Modified: 2024-12-02 10:00", "Modified: 2025-02-03 11:00")
        .replace("Schluss.", "Ein ganz neuer Schluss mit mehr Text.")
        .replace("Title: Sommer & „Sonne“", "Title: Sommer & „Sonne“ (aktualisiert)\n    Slug: sommer-und-sonne")
    )
    edited = publish_site({**BASIC, "articles/sommer.md": edited_summer}, output="edited")
    assert {path: edited.atom_ids(path) for path in ids} == ids
    assert [item["id"] for item in edited.json("feeds/alle.json")["items"]] == json_ids
    entry = entry_for(edited.parsed("feeds/alle.atom.xml"), "sommer-und-sonne")
    assert entry.updated.startswith("2025-02-03T11:00:00+01:00")
    assert "ganz neuer Schluss" in entry.content[0].value


def test_checklists_read_as_plain_lists_without_form_or_script(publish_site):
    site = publish_site({"articles/liste.md": CHECKLIST})
    for path in ("feeds/alle.atom.xml", "feeds/alle.rss.xml"):
        entry = site.parsed(path).entries[0]
        content = entry.content[0].value
        for tag in ("<form", "<input", "<label", "<button", "<script", "<output", "<fieldset"):
            assert tag not in content, (path, tag)
        assert "<li>Wir kennen unsere Ziele.</li>" in content
        assert "Lohnt es sich?" in content
        assert "von 2 erledigt" not in content  # hidden until JavaScript runs
    item = site.json("feeds/alle.json")["items"][0]
    assert "<form" not in item["content_html"] and "<li>Jemand hat Zeit dafür.</li>" in item["content_html"]
    assert "<form" in site.text("mit-checkliste/index.html")  # the page itself keeps its form


def test_summary_only_and_feed_max_items(publish_site):
    articles = {
        f"articles/a{n}.md": f"Title: Artikel {n}\nDate: 2024-01-{n + 1:02d} 10:00\nCategory: Strategie\n"
        f"Summary: Kurz {n}.\n\nLanger Text {n}.\n"
        for n in range(5)
    }
    site = publish_site(articles, FEED_MAX_ITEMS=3, FEEDS={"summary_only": True})
    feed = site.parsed("feeds/alle.atom.xml")
    assert [e.title for e in feed.entries] == ["Artikel 4", "Artikel 3", "Artikel 2"]
    assert "content" not in feed.entries[0]
    assert feed.entries[0].summary == "<p>Kurz 4.</p>"
    assert "Langer Text" not in site.text("feeds/alle.rss.xml")
    assert "Langer Text" not in site.text("feeds/alle.json")
    assert len(site.parsed("feeds/kategorie/strategie.atom.xml").entries) == 3


@pytest.mark.parametrize("key", ["site_json", "tag_atom", "comments_atom", "subscribe_page"])
def test_a_switched_off_feed_is_neither_written_nor_announced(publish_site, key):
    site = publish_site(BASIC, FEEDS={key: None})
    written = "\n".join(site.feed_paths())
    head = str(site.html("index.html").head) + str(site.html("schlagwort/ziele/index.html").head)
    markers = {"site_json": "feeds/alle.json", "tag_atom": "feeds/schlagwort/", "comments_atom": "feeds/kommentare"}
    if key in markers:
        assert markers[key] not in written and markers[key] not in head
    else:
        assert not (site.output / "abonnieren").exists()
        assert site.html("index.html").select_one("footer .feeds") is None
    assert "feeds/alle.atom.xml" in written
