"""The page types of a built site, for the browser checks, `invoke qa.screenshots` and `invoke qa.audit`.

page_types() reads them from the site itself, so an author's own articles and slugs count, not the
starter's: Pelican's listing pages through their *_SAVE_AS settings, articles and pages from
sitemap.xml, and all of them by what our theme marks them with (an article, a page, the search
page, a checklist …). A page type the site lacks
(no checklist, no comment yet) is simply left out.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

# The two widths every page is checked and photographed at.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

# Pelican's own listing pages: page type -> the setting saying where Pelican writes it.
LISTINGS = {
    "category": "CATEGORY_SAVE_AS",
    "tag": "TAG_SAVE_AS",
    "author": "AUTHOR_SAVE_AS",
    "archives": "ARCHIVES_SAVE_AS",
    "categories": "CATEGORIES_SAVE_AS",
    "tags": "TAGS_SAVE_AS",
}
# Pages told apart by the theme's markup inside <main>: page type -> CSS selector.
MARKED = {
    "checklists": "ul.checklist-overview",
    "checklist-print": "article.checklist-page",
    "subscribe": "article.page.subscribe",
    "search": "div.search-page",
}
MISSING = "/diese-seite-gibt-es-nicht/"  # no site has it: the 404 page


def page_types(site: Path, settings: dict) -> dict[str, tuple[str, int]]:
    """Page type -> (path below the site root, expected HTTP status), one example each, from the built site."""
    found: dict[str, tuple[str, int]] = {"home": ("/", 200)}
    pages = {_url(site, html): _main(html) for html in sorted(site.rglob("index.html"))}
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    older = home.select_one('a[rel="next"]')
    if older and older.get("href"):
        found["paginated-index"] = ("/" + posixpath.normpath(older["href"]).strip("/") + "/", 200)
    content = _sitemap_paths(site) or set(pages)  # articles and pages, not the pages plugins write
    articles = [url for url in pages if url in content and pages[url] and pages[url].select_one("article.article")]
    with_comments = [url for url in articles if pages[url].select_one(".comment-list")]
    with_checklist = [url for url in articles if pages[url].select_one("form.checklist")]
    if articles:  # the richest article stands for all (comments and a checklist show the most)
        rich = [url for url in with_comments if url in with_checklist]
        found["article"] = ((rich or with_comments or with_checklist or articles)[0], 200)
    if with_comments:
        found["article-with-comments"] = (with_comments[0], 200)
    if with_checklist:
        found["checklist-article"] = (with_checklist[0], 200)
    plain = [url for url in pages if url in content and pages[url] and pages[url].select_one("article.page")]
    if plain:
        found["page"] = (plain[0], 200)
    for name, key in LISTINGS.items():
        save_as = settings.get(key) or ""
        matches = sorted(site.glob(save_as.format(slug="*", name="*"))) if save_as else []
        if matches:
            found[name] = (_url(site, matches[0]), 200)
    for name, selector in MARKED.items():
        url = next((url for url, main in pages.items() if main and main.select_one(selector)), None)
        if url:
            found[name] = (url + ("?q=" + _query_word(pages, articles) if name == "search" else ""), 200)
    if (site / "404.html").is_file():
        found["404"] = (MISSING, 404)
    return found


def _sitemap_paths(site: Path) -> set[str]:
    """The paths sitemap.xml lists (the home page, every article and page), or none without a sitemap."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return set()
    locations = BeautifulSoup(sitemap.read_text(encoding="utf-8"), "xml").find_all("loc")
    return {urlsplit(loc.get_text(strip=True)).path for loc in locations}


def _url(site: Path, html: Path) -> str:
    """The site path a file is served under: /a/b/ for a/b/index.html."""
    relative = html.relative_to(site).as_posix()
    return "/" + relative.removesuffix("index.html")


def _main(html: Path):
    """The <main> element of a built page, or None."""
    return BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").main


def _query_word(pages: dict, articles: list[str]) -> str:
    """A word the search finds: the longest word of the first article's heading."""
    heading = pages[articles[0]].h1.get_text(" ", strip=True) if articles else "Beitrag"
    return max(heading.split(), key=len).strip(".,:;!?–")
