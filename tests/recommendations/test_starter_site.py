"""The starter site: every published article ends with three recommendations."""

from pathlib import Path


def article_pages(site) -> list[Path]:
    """The article pages of a built site (pages carry no publication time and no recommendations)."""
    return [p for p in site.files("*/index.html") if 'property="article:published_time"' in p.read_text("utf-8")]


def test_every_article_has_the_box_with_three_picks_and_never_itself(starter_site) -> None:
    pages = article_pages(starter_site)
    assert len(pages) >= 14
    for page in pages:
        box = starter_site.html(str(page.relative_to(starter_site.output))).select_one("aside.recommendations")
        assert box is not None, page
        assert box.select_one("h2").get_text() == "Leseempfehlungen für Sie"
        links = [a["href"] for a in box.select("li > a")]
        assert len(links) == len(set(links)) == 3, page
        assert f"../{page.parent.name}/" not in links


def test_the_box_sits_after_tags_and_share_links_and_before_the_article_navigation(starter_site) -> None:
    html = starter_site.text("wann-sich-social-media-fuer-kmu-nicht-lohnt/index.html")
    assert (
        html.index('class="tag-list"')
        < html.index('<aside class="recommendations"')
        < html.index('class="article-nav"')
    )


def test_the_draft_is_nowhere_recommended(starter_site) -> None:
    for page in starter_site.files("**/*.html"):
        assert "entwurf-social-media-und-ki-texte" not in page.read_text(encoding="utf-8")


def test_the_authors_picks_lead_the_box(starter_site) -> None:
    box = starter_site.html("erfolg-messen-ohne-statistikabteilung/index.html").select_one("aside.recommendations")
    assert [a["href"] for a in box.select("li > a")][:2] == [
        "../kennzahlen-die-wirklich-zaehlen/",
        "../wie-viel-zeit-und-geld-social-media-wirklich-kostet/",
    ]
