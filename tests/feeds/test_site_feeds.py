"""The starter site built with publishconf.py: every feed parses, is announced and reads well."""

from __future__ import annotations

from datetime import datetime

from lxml import etree

SITE_FEEDS = ["feeds/alle.atom.xml", "feeds/alle.rss.xml", "feeds/alle.json", "feeds/kommentare.atom.xml"]
FEED_TYPES = {"application/atom+xml", "application/rss+xml", "application/feed+json"}


def announced(site, page: str) -> dict[str, str]:
    """{feed path relative to the output root: type} of every <link rel="alternate"> of one page."""
    soup = site.html(page)
    base = (site.output / page).parent
    links = {}
    for link in soup.head.find_all("link", rel="alternate"):
        href = link["href"]
        target_file = site.output / href.lstrip("/") if href.startswith("/") else base / href  # 404.html: root-relative
        target = target_file.resolve().relative_to(site.output.resolve()).as_posix()
        links[target] = link["type"]
    return links


def test_every_xml_feed_parses_and_has_the_atom_or_rss_structure(published_starter, checks):
    paths = published_starter.feed_paths()
    assert set(SITE_FEEDS) <= set(paths)
    assert "feeds/kategorie/strategie.atom.xml" in paths
    for path in paths:
        if path.endswith(".xml"):
            published_starter.parsed(path)
        if path.endswith(".atom.xml"):
            checks.atom(published_starter, path)


def test_site_feeds_hold_every_article_newest_first_with_full_content(published_starter):
    atom = published_starter.parsed("feeds/alle.atom.xml")
    rss = published_starter.parsed("feeds/alle.rss.xml")
    assert len(atom.entries) == len(rss.entries) >= 10
    published = [datetime.fromisoformat(e.published) for e in atom.entries]
    assert published == sorted(published, reverse=True)
    assert [e.id for e in atom.entries] == [e.id for e in rss.entries]
    article = published_starter.html("wann-sich-social-media-fuer-kmu-nicht-lohnt/index.html")
    entry = next(e for e in atom.entries if e.link.endswith("/wann-sich-social-media-fuer-kmu-nicht-lohnt/"))
    last_heading = article.select(".content h2")[-1]
    content = entry.content[0].value
    assert f'<h2 id="{last_heading["id"]}">{last_heading.contents[0]}</h2>' in content  # the whole text
    assert "Link zum Abschnitt" not in content  # the page's "#" links to its own headings stay on the page
    assert atom.feed.language == rss.feed.language == "de"


def test_rss_structure(published_starter, checks):
    root = published_starter.tree("feeds/alle.rss.xml").getroot()
    channel = root.find("channel")
    assert root.get("version") == "2.0"
    assert channel.findtext("language") == "de"
    self_link = channel.find("a:link[@rel='self']", checks.ns)
    assert self_link.get("href") == f"{published_starter.site_url}/feeds/alle.rss.xml"
    assert self_link.get("type") == "application/rss+xml"
    assert channel.findtext("link") == f"{published_starter.site_url}/"
    for item in channel.findall("item"):
        assert checks.rfc822.match(item.findtext("pubDate")), item.findtext("title")
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.findtext("guid").startswith("tag:")
        assert item.findtext("link").startswith(published_starter.site_url + "/")
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator")
        assert item.find("author") is None  # RSS <author> would need an e-mail address
        for url in checks.content_urls(item.findtext("content:encoded", namespaces=checks.ns)):
            assert url.startswith(("https://", "http://", "mailto:")), url


def test_json_feed_has_the_required_fields(published_starter, checks):
    document = published_starter.json("feeds/alle.json")
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"]
    assert document["feed_url"] == f"{published_starter.site_url}/feeds/alle.json"
    assert document["home_page_url"] == f"{published_starter.site_url}/"
    assert document["language"] == "de"
    atom_ids = published_starter.atom_ids("feeds/alle.atom.xml")
    assert [item["id"] for item in document["items"]] == atom_ids
    for item in document["items"]:
        assert item["content_html"] and item["url"].startswith(published_starter.site_url + "/")
        assert checks.offset.match(item["date_published"]) and checks.offset.match(item["date_modified"])
        assert item["authors"][0]["name"]
        for url in checks.content_urls(item["content_html"]):
            assert url.startswith(("https://", "http://", "mailto:")), url


def test_every_page_announces_the_site_feeds_and_each_announced_feed_exists(published_starter):
    pages = [p.relative_to(published_starter.output).as_posix() for p in published_starter.files("**/*.html")]
    assert len(pages) > 30
    for page in pages:
        links = announced(published_starter, page)
        assert set(SITE_FEEDS) <= set(links), page
        assert set(links.values()) <= FEED_TYPES, page
        for path in links:
            assert (published_starter.output / path).is_file(), (page, path)


def test_category_tag_and_article_pages_announce_their_own_feed(published_starter):
    categories = published_starter.files("kategorie/*/index.html")
    assert len(categories) >= 4
    for page in categories:
        slug = page.parent.name
        relative = page.relative_to(published_starter.output).as_posix()
        assert announced(published_starter, relative)[f"feeds/kategorie/{slug}.atom.xml"] == "application/atom+xml"
        published_starter.parsed(f"feeds/kategorie/{slug}.atom.xml")
    tag = announced(published_starter, "schlagwort/ziele/index.html")
    assert "feeds/schlagwort/ziele.atom.xml" in tag
    article = announced(published_starter, "wann-sich-social-media-fuer-kmu-nicht-lohnt/index.html")
    assert "feeds/kategorie/strategie.atom.xml" in article


def test_category_feed_holds_exactly_the_category(published_starter):
    feed = published_starter.parsed("feeds/kategorie/strategie.atom.xml")
    page = published_starter.html("kategorie/strategie/index.html")
    titles = {a.get_text(strip=True) for a in page.select(".card-title a")}
    assert {e.title for e in feed.entries} == titles


def test_subscribe_page_lists_every_feed_with_its_address(published_starter):
    page = published_starter.html("abonnieren/index.html")
    assert page.find("h1").get_text() == "Abonnieren"
    text = page.find("main").get_text(" ")
    for phrase in ("Was ist ein Feed?", "Feedreader", "E-Mail"):
        assert phrase in text
    addresses = {code.get_text() for code in page.select("code.feed-url")}
    expected = {f"{published_starter.site_url}/{path}" for path in published_starter.feed_paths()}
    assert addresses == expected
    for link in page.select(".feed-list a"):
        assert (published_starter.output / "abonnieren" / link["href"]).resolve().is_file(), link["href"]


def test_footer_links_to_the_subscribe_page(published_starter):
    for page in ("index.html", "wann-sich-social-media-fuer-kmu-nicht-lohnt/index.html"):
        link = published_starter.html(page).select_one("footer .feeds a")
        assert link.get_text() == "Feeds abonnieren"
        assert (published_starter.output / page).parent.joinpath(link["href"], "index.html").resolve().is_file()


def test_feed_files_are_written_without_leftovers(published_starter):
    assert not published_starter.files("feeds/**/.*")
    xml = etree.parse(str(published_starter.output / "feeds/alle.atom.xml"))
    assert xml.docinfo.encoding == "UTF-8"
