"""section_links: stable, unique German ids and a "#" link on every h2/h3."""

from __future__ import annotations

import textwrap
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import markdown
import pytest
from bs4 import BeautifulSoup
from helpers import ROOT
from pelican.settings import read_settings
from pelican.utils import slugify
from section_links import SectionLinksExtension


def render(source: str) -> BeautifulSoup:
    """Markdown through the extension with the site's slug rules."""
    subs = read_settings(str(ROOT / "pelicanconf.py"))["SLUG_REGEX_SUBSTITUTIONS"]
    html = markdown.markdown(
        textwrap.dedent(source), extensions=["attr_list", SectionLinksExtension(regex_subs=subs)]
    )
    return BeautifulSoup(html, "html.parser")


def ids(soup: BeautifulSoup) -> list[str]:
    """The ids of the h2/h3 headings in order."""
    return [h["id"] for h in soup.select("h2, h3")]


def test_ids_spell_out_umlauts_and_sharp_s():
    assert ids(render("## Größe & Maße\n\n### Für Übermorgen")) == ["groesse-und-masse", "fuer-uebermorgen"]


@pytest.mark.parametrize(
    "heading", ["Größe & Maße", "Für Übermorgen", "Café, Crème – „Zitat“", "Schritt 1: Ziele", "ÄÖÜ straße", "  ß  "]
)
def test_ids_match_pelicans_own_slugs(heading):
    subs = read_settings(str(ROOT / "pelicanconf.py"))["SLUG_REGEX_SUBSTITUTIONS"]
    assert SectionLinksExtension(regex_subs=subs).slug(heading) == slugify(heading, regex_subs=subs, use_unicode=True)


def test_repeated_headings_and_theme_ids_get_a_number():
    assert ids(render("## Fazit\n\n## Fazit\n\n## Kommentare")) == ["fazit", "fazit-2", "kommentare-2"]


def test_ids_do_not_move_when_another_heading_is_edited():
    before = ids(render("## Budget\n\n## Zeit\n\n## Ziele"))
    after = ids(render("## Budget und Kosten\n\n## Zeit\n\n## Ziele"))
    assert before[1:] == after[1:]


def test_an_id_from_the_source_wins():
    assert ids(render("## Geld {#budget}")) == ["budget"]


def test_each_heading_links_to_itself_with_a_spoken_label():
    link = render("## Budget").select_one("h2 a.heading-anchor")
    assert link["href"] == "#budget"
    assert link.select_one(".visually-hidden").get_text() == "Link zum Abschnitt „Budget“"


def test_starter_article_headings_are_unique_on_the_whole_page(starter_site):
    for page in starter_site.files("*/index.html"):
        soup = starter_site.html(page.relative_to(starter_site.output).as_posix())
        headings = soup.select("main h2, main h3")
        assert all(h.get("id") for h in headings), page
        every_id = Counter(e["id"] for e in soup.select("[id]"))
        assert [i for i, n in every_id.items() if n > 1] == [], page


def test_share_links_carry_the_canonical_url(starter_site):
    page = starter_site.html("wann-sich-social-media-fuer-kmu-nicht-lohnt/index.html")
    canonical = page.select_one('link[rel="canonical"]')["href"]
    links = {a["data-network"]: a["href"] for a in page.select(".share a[data-network]")}
    assert set(links) == {"linkedin", "xing", "facebook", "x", "whatsapp", "mastodon", "e-mail"}
    for network, href in links.items():
        query = parse_qs(urlsplit(href).query)
        values = [v for key in ("url", "u", "text", "body") for v in query.get(key, [])]
        assert any(canonical in v for v in values), network
        if network != "e-mail":
            assert urlsplit(href).scheme == "https"
    assert page.select_one(".share button.share-copy")["data-url"] == canonical


def test_angle_brackets_in_a_heading_are_text_not_tags():
    # Pelican's slugify strips tags; a heading's plain text is escaped first, so "<b>" stays a word.
    assert ids(render("## Preis < 10 € & mehr")) == ["preis-10-und-mehr"]
    subs = read_settings(str(ROOT / "pelicanconf.py"))["SLUG_REGEX_SUBSTITUTIONS"]
    assert SectionLinksExtension(regex_subs=subs).slug("Tag <b> erklärt") == "tag-b-erklaert"


def test_the_extension_uses_pelicans_slugify():
    import section_links.section_links as module

    assert module.slugify is slugify
