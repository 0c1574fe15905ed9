"""The theme and settings, checked on the parsed output of tiny sites built into tmp dirs."""

from __future__ import annotations

import json
import re

import pytest
from helpers import run_pelican_cli, write_files

ARTICLE_MARCH = """
    Title: Für Größe gebaut: Kanäle wählen
    Date: 2013-03-05 09:05
    Category: Kanäle und Inhalte
    Tags: Öffentlichkeitsarbeit, B2B
    Author: Jürgen Weiß
    Summary: Warum nicht jeder Kanal passt.
    Image: images/chart.svg
    Image_alt: Balkendiagramm mit drei Balken
    Image_credit: Grafik: Jürgen Weiß, eigene Darstellung

    Erster Absatz mit einem [Link]({filename}/articles/dezember.md).

    ## Zwischenüberschrift

    Zweiter Absatz.
"""
ARTICLE_DECEMBER = """
    Title: Rückblick im Dezember
    Date: 2013-12-02 10:30
    Modified: 2014-01-07 08:15
    Category: Studien und Zahlen
    Tags: Studie
    Author: Katrin Albrecht
    Summary: Eine Studie und was sie bedeutet.

    Text über die Studie.
"""
DRAFT = """
    Title: Geheimer Entwurf
    Date: 2014-01-01 10:00
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
PAGE = """
    Title: Über
    Slug: ueber
    Summary: Über diesen Blog.

    Wer hier schreibt.
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title></svg>'

FILES = {
    "articles/maerz.md": ARTICLE_MARCH,
    "articles/dezember.md": ARTICLE_DECEMBER,
    "articles/entwurf.md": DRAFT,
    "articles/zukunft.md": FUTURE,
    "pages/ueber.md": PAGE,
    "images/chart.svg": SVG,
}
ARTICLE = "fuer-groesse-gebaut-kanaele-waehlen/index.html"


@pytest.fixture
def site(make_site):
    return make_site(FILES)


def test_slugs_are_german_aware_for_articles_categories_tags_and_authors(site):
    assert (site.output / ARTICLE).is_file()
    assert (site.output / "kategorie/kanaele-und-inhalte/index.html").is_file()
    assert (site.output / "schlagwort/oeffentlichkeitsarbeit/index.html").is_file()
    assert (site.output / "autor/juergen-weiss/index.html").is_file()
    assert (site.output / "ueber/index.html").is_file()


def test_article_dates_are_german_without_a_system_locale(site):
    times = site.html(ARTICLE).select("article header time")
    assert times[0].get_text(strip=True) == "5. März 2013, 09:05 Uhr"
    assert times[0]["datetime"] == "2013-03-05T09:05:00+01:00"
    december = site.html("rueckblick-im-dezember/index.html").get_text(" ")
    assert "2. Dezember 2013, 10:30 Uhr" in december
    assert "7. Januar 2014" in december


def test_article_header_names_author_category_and_reading_time(site):
    header = site.html(ARTICLE).select_one("article header")
    text = header.get_text(" ", strip=True)
    assert "Jürgen Weiß" in text
    assert "Kanäle und Inhalte" in text
    assert "Lesezeit: 1 Minute" in text
    assert header.find("a", href=lambda h: h and "autor/juergen-weiss/" in h)


def test_page_has_landmarks_and_a_skip_link_first(site):
    page = site.html(ARTICLE)
    assert page.html["lang"] == "de"
    for selector in ("header", "nav", "main#inhalt", "footer"):
        assert page.select_one(selector), selector
    first_link = page.body.find("a")
    assert first_link["href"] == "#inhalt"
    assert "Zum Inhalt springen" in first_link.get_text()
    assert len(page.find_all("h1")) == 1


def test_article_image_is_a_figure_with_its_credit(site):
    figure = site.html(ARTICLE).select_one("article figure")
    assert figure.img["alt"] == "Balkendiagramm mit drei Balken"
    assert figure.img["src"].endswith("images/chart.svg")
    assert figure.figcaption.get_text(" ", strip=True) == "Bildnachweis: Jürgen Weiß, eigene Darstellung"
    assert figure.select_one("a.image-link")["href"] == figure.img["src"]
    assert (site.output / "images/chart.svg").is_file()


def test_internal_links_are_relative_and_resolve(site):
    page = site.html(ARTICLE)
    link = page.find("a", string="Link")
    assert link["href"] == "../rueckblick-im-dezember/"
    assert not page.find("a", href=lambda h: h and h.startswith("http://127.0.0.1"))
    assert page.find("link", rel="stylesheet")["href"].startswith("../theme/")


def test_canonical_open_graph_and_json_ld_are_absolute(site):
    page = site.html(ARTICLE)
    url = "http://127.0.0.1:8000/fuer-groesse-gebaut-kanaele-waehlen/"
    assert page.find("link", rel="canonical")["href"] == url
    assert page.find("meta", property="og:url")["content"] == url
    share_image = page.find("meta", property="og:image")["content"]  # the raster card of plugins/share_images
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/share/fuer-groesse-gebaut-kanaele-waehlen-[0-9a-f]{10}\.png",
                        share_image)
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["image"]["url"] == share_image
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Für Größe gebaut: Kanäle wählen"
    assert data["datePublished"] == "2013-03-05T09:05:00+01:00"
    assert data["author"]["name"] == "Jürgen Weiß"


def test_sitemap_lists_published_articles_and_pages_only(site):
    sitemap = site.xml("sitemap.xml")
    locs = {loc.get_text(strip=True) for loc in sitemap.find_all("loc")}
    base = "http://127.0.0.1:8000/"
    assert {
        base + "fuer-groesse-gebaut-kanaele-waehlen/",
        base + "rueckblick-im-dezember/",
        base + "ueber/",
    } <= locs
    assert not any("geheimer" in loc or "zukunft" in loc for loc in locs)
    robots = site.text("robots.txt")
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots


def test_drafts_and_future_articles_appear_nowhere(site):
    for path in site.files():
        if path.suffix in {".html", ".xml", ".txt"}:
            text = path.read_text(encoding="utf-8")
            assert "Geheimer Entwurf" not in text, path
            assert "Zukunftsmusik" not in text, path
    assert not list(site.output.glob("**/geheimer-entwurf*"))
    assert not list(site.output.glob("**/zukunftsmusik*"))


def test_404_page_uses_root_relative_links(site):
    page = site.html("404.html")
    assert "Seite nicht gefunden" in page.get_text()
    assert page.find("link", rel="stylesheet")["href"].startswith("/theme/")


def test_index_paginates_with_pretty_urls(make_site):
    files = {
        f"articles/a{n:02d}.md": f"Title: Beitrag {n}\nDate: 2020-01-{n + 1:02d}\nCategory: Praxis\n"
        f"Summary: Nummer {n}.\n\nText {n}.\n"
        for n in range(12)
    }
    site = make_site(files)
    second = site.html("seite/2/index.html")
    assert len(second.select("main article")) == 2
    nav = site.html("index.html").find("nav", attrs={"aria-label": "Seitennummerierung"})
    assert nav.find("a", rel="next")["href"].endswith("seite/2/")


def test_pelican_cli_builds_a_content_dir_with_only_articles(tmp_path):
    content = write_files(tmp_path / "content", {"articles/nur.md": ARTICLE_DECEMBER})
    out = tmp_path / "out"
    result = run_pelican_cli(content, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "rueckblick-im-dezember/index.html").is_file()
    assert (out / "sitemap.xml").is_file()
