"""What readers see of the theme: meta line, header menu, tables and charts, on tiny built sites."""

from __future__ import annotations

import pytest

DATE_ONLY = """
    Title: Nur ein Datum
    Date: 2024-03-05
    Modified: 2024-04-02
    Category: Strategie
    Image: images/balken.svg
    Image_alt: Drei Balken
    Image_credit: Grafik: Katrin Albrecht, eigene Darstellung

    Ein Absatz.
"""
WITH_TIME = """
    Title: Mit Uhrzeit
    Date: 2024-03-06 09:05
    Category: Kanäle und Inhalte
    Author: Jonas Weber

    | Posten | Annahme | pro Jahr |
    |---|---|---|
    | Arbeitszeit | 5 Stunden × 46 Wochen × 45 € interner Stundensatz | 10.350 € |
    | Fotos | ein halber Tag | 600 € |

    ![Ablauf in drei Schritten]({static}/images/balken.svg)

    [![Verlinktes Bild]({static}/images/balken.svg)](https://example.org/)
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Balken</title></svg>'
PAGE = """
    Title: Über diesen Blog
    Slug: ueber

    Wer hier schreibt.
"""
FILES = {
    "articles/nur-datum.md": DATE_ONLY,
    "articles/mit-uhrzeit.md": WITH_TIME,
    "pages/ueber.md": PAGE,
    "images/balken.svg": SVG,
}


@pytest.fixture
def site(make_site):
    return make_site(FILES, AUTHOR="")


def meta_line(site, slug: str):
    return site.html(f"{slug}/index.html").select_one("article header .article-meta")


def test_a_date_without_time_shows_no_midnight(site):
    times = meta_line(site, "nur-ein-datum").find_all("time")
    assert [t.get_text() for t in times] == ["5. März 2024", "2. April 2024"]
    assert [t["datetime"] for t in times] == ["2024-03-05", "2024-04-02"]
    assert "Uhr" not in meta_line(site, "nur-ein-datum").get_text()


def test_a_date_with_time_keeps_it(site):
    time = meta_line(site, "mit-uhrzeit").find("time")
    assert time.get_text() == "6. März 2024, 09:05 Uhr"
    assert time["datetime"] == "2024-03-06T09:05:00+01:00"


def test_no_dangling_von_without_an_author(site):
    meta = meta_line(site, "nur-ein-datum")
    assert "von" not in meta.get_text(" ", strip=True).split()
    assert not meta.find("a", rel="author")
    named = meta_line(site, "mit-uhrzeit")
    assert "von Jonas Weber" in named.get_text(" ", strip=True)


def test_credit_label_is_not_doubled(site):
    caption = site.html("nur-ein-datum/index.html").select_one("figure.article-image figcaption")
    assert caption.get_text(" ", strip=True) == "Bildnachweis: Katrin Albrecht, eigene Darstellung"


def test_tables_sit_in_a_named_focusable_scroll_region(site):
    content = site.html("mit-uhrzeit/index.html").select_one("article .content")
    region = content.select_one("div.table-scroll")
    assert region is not None and region.find("table")
    assert region["role"] == "region"
    assert region["tabindex"] == "0"
    assert region["aria-label"] == "Tabelle: Posten, Annahme, pro Jahr"


def test_numbers_stay_whole_in_tables(site):
    table = site.html("mit-uhrzeit/index.html").select_one(".table-scroll table")
    numbers = [cell.get_text() for cell in table.select("td.number")]
    assert numbers == ["10.350\u00a0€", "600\u00a0€"]
    assert "number" in table.select("th")[2]["class"]
    assert "45\u00a0€" in table.select("td")[1].get_text()
    assert not table.select("td:not(.number)")[0].get("class")


def test_charts_in_the_text_link_to_their_file(site):
    content = site.html("mit-uhrzeit/index.html").select_one("article .content")
    images = content.find_all("img")
    link = images[0].parent
    assert link.name == "a" and "image-link" in link["class"]
    assert link["href"] == images[0]["src"] == "../images/balken.svg"
    assert images[1].parent["href"] == "https://example.org/", "an author's own link stays as it is"


def test_lead_chart_links_to_its_file(site):
    figure = site.html("nur-ein-datum/index.html").select_one("figure.article-image")
    assert figure.a["href"] == figure.img["src"] == "../images/balken.svg"


def test_header_menu_is_short_and_lists_no_categories(site):
    nav = site.html("index.html").select_one("header nav.site-nav")
    labels = [a.get_text(strip=True) for a in nav.find_all("a")]
    assert labels == ["Start", "Themen", "Archiv", "Über"]
    assert "Kanäle und Inhalte" not in nav.get_text()
    assert nav.find("a", string="Themen")["href"] == "./kategorien/"


def test_header_marks_the_current_section(site):
    def current(path: str) -> list[tuple[str, str]]:
        nav = site.html(path).select_one("header nav.site-nav")
        return [(a.get_text(strip=True), a["aria-current"]) for a in nav.select("a[aria-current]")]

    assert current("index.html") == [("Start", "page")]
    assert current("kategorien/index.html") == [("Themen", "page")]
    assert current("kategorie/strategie/index.html") == [("Themen", "true")]
    assert current("ueber/index.html") == [("Über", "page")]


def test_nav_pages_take_a_plain_slug_with_the_page_title(make_site):
    site = make_site(FILES, NAV_PAGES=["ueber"])
    nav = site.html("index.html").select_one("header nav.site-nav")
    assert nav.find("a", href="./ueber/").get_text(strip=True) == "Über diesen Blog"


def test_comments_and_mentions_are_counted_apart_and_the_form_speaks_sie(starter_site):
    slug = "kritik-in-kommentaren-und-bewertungen-souveraen-beantworten"
    page = starter_site.html(f"{slug}/index.html")
    assert page.select_one("#kommentare-titel").text == "3 Kommentare, 1 Erwähnung"  # the pingback apart
    assert page.select_one("article header .article-meta a[href='#kommentare']").text == "3 Kommentare, 1 Erwähnung"
    assert page.select_one("#kommentar-formular-titel").text == "Kommentar schreiben"
    card = next(c for c in starter_site.html("index.html").select(".card") if slug in c.a["href"])
    count = card.select_one(".card-meta a.card-comments")  # kept on one line (CSS white-space: nowrap)
    assert " ".join(count.text.split()).startswith("3 Kommentare, 1 Erwähnung zu „")


def test_feed_addresses_break_after_a_slash_only(starter_site):
    code = starter_site.html("abonnieren/index.html").select_one(".feed-url")
    pieces = [piece for piece in code.contents if isinstance(piece, str)]  # the text between the <wbr>s
    assert code.text.startswith("http") and len(pieces) > 3  # <wbr> adds no character when copied
    assert all(piece.endswith("/") for piece in pieces[:-1])
