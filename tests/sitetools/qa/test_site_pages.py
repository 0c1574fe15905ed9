"""sitetools.qa.site_pages: the page types come from the built site, not from the starter's slugs."""

from __future__ import annotations

from browser_fixtures import PAGE_TYPES as STARTER_PAGES
from helpers import ROOT
from pelican.settings import read_settings

from sitetools.qa.site_pages import page_types

ARTICLE = """\
Title: {title}
Date: 2024-0{n}-05 09:05
Category: {category}
Tags: {tag}
Summary: Kurz und knapp.

Text über {title}.
"""
CHECKLIST = """

/// checklist | Bereit für den Start?
- [ ] Ziel notiert
- [ ] Zeit eingeplant
///
"""
COMMENT = "Author: Lea Sommer\nDate: 2024-05-01T10:00:00+02:00\n\nDanke für die Übersicht.\n"


def test_a_site_with_its_own_slugs_gets_its_own_pages(make_site):
    files = {
        "articles/messe.md": ARTICLE.format(title="Messeauftritt planen", n=1, category="Vertrieb", tag="Messe"),
        "articles/liste.md": ARTICLE.format(title="Liste zum Start", n=2, category="Vertrieb", tag="Start")
        + CHECKLIST,
        "articles/lob.md": ARTICLE.format(title="Lob und Tadel", n=3, category="Service", tag="Kunden"),
        "comments/lob-und-tadel/a1b2c3d4.md": COMMENT,
        "pages/team.md": "Title: Unser Team\n\nWir sind drei.\n",
    }
    site = make_site(files, CATEGORY_URL="thema/{slug}/", CATEGORY_SAVE_AS="thema/{slug}/index.html")
    found = page_types(site.output, read_settings(str(ROOT / "pelicanconf.py"), override={
        "CATEGORY_URL": "thema/{slug}/", "CATEGORY_SAVE_AS": "thema/{slug}/index.html"}))  # fmt: skip
    assert found["home"] == ("/", 200)
    assert found["article"] == ("/lob-und-tadel/", 200)  # the one with a comment stands for all
    assert found["article-with-comments"] == ("/lob-und-tadel/", 200)
    assert found["checklist-article"] == ("/liste-zum-start/", 200)
    assert found["page"] == ("/unser-team/", 200)
    assert found["category"] == ("/thema/service/", 200)
    assert found["tag"][0].startswith("/schlagwort/")
    assert found["search"][0].startswith("/suche/?q=")
    assert found["404"] == ("/diese-seite-gibt-es-nicht/", 404)
    assert "paginated-index" not in found  # three articles fit on one page
    for path, _status in found.values():  # every page type but the 404 exists in the built site
        relative = path.split("?")[0].lstrip("/")
        assert path == "/diese-seite-gibt-es-nicht/" or (site.output / relative / "index.html").is_file(), path


def test_the_starter_site_has_every_page_type_the_browser_tests_visit(starter_site):
    found = page_types(starter_site.output, read_settings(str(ROOT / "pelicanconf.py")))
    assert set(found) == set(STARTER_PAGES)
    assert found["paginated-index"] == STARTER_PAGES["paginated-index"]
    assert found["checklist-print"] == STARTER_PAGES["checklist-print"]
