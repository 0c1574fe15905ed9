"""search: a reader searches from the header field under the production headers (deploy/)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from helpers import build_site, write_files

from sitetools.devserver import make_server
from sitetools.qa.headers import SECURITY_HEADERS

pytestmark = pytest.mark.browser

ARTICLES = {
    "plural": ("Kundenstimmen im Netz", "Viele Bewertungen kommen nach einem Besuch."),
    "singular": ("Die erste Rückmeldung", "Eine einzige Bewertung kann viel verändern."),
    "umlaut": ("Wachstum mit Augenmaß", "Die Größe des Teams bestimmt den Aufwand."),
    "sharp-s": ("Zahlen, die zählen", "Welche Maße zeigen den Erfolg eines Kanals?"),
}
DRAFT_WORD = "Zauberlehrling"


@pytest.fixture(scope="module")
def search_server(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """A tiny site with known words (and a draft) served with the deploy/ security headers."""
    files = {
        f"articles/{key}.md": f"Title: {title}\nDate: 2024-03-0{n} 09:00\nCategory: Praxis\nSummary: Kurz.\n\n{text}\n"
        for n, (key, (title, text)) in enumerate(ARTICLES.items(), start=1)
    }
    files["articles/entwurf.md"] = f"Title: Entwurf\nDate: 2024-01-01\nStatus: draft\n\nDer {DRAFT_WORD} wartet.\n"
    base = tmp_path_factory.mktemp("search")
    output = build_site(write_files(base / "content", files), base / "output")
    server = make_server(output, "127.0.0.1", 0, headers=SECURITY_HEADERS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield SimpleNamespace(base_url=f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()


def search_from_header(visit, server, query: str):
    """Type query into the header field of the home page, press Enter, wait for the answer."""
    page = visit("/", server=server)
    page.page.wait_for_load_state("networkidle")  # leaving earlier would abort the favicon request
    page.page.get_by_label("Website durchsuchen").fill(query)
    page.page.keyboard.press("Enter")
    page.page.wait_for_url("**/suche/?q=*")
    page.page.locator("#suche-status", has_text="Treffer").wait_for()  # no string eval: the CSP forbids it
    return page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Bewertung", "plural"),  # an inflected form finds the base form …
        ("Bewertungen", "singular"),  # … and back
        ("Größe", "umlaut"),
        ("Maße", "sharp-s"),
    ],
)
def test_header_search_finds_the_article(visit, search_server, query, expected):
    page = search_from_header(visit, search_server, query)
    titles = page.page.locator(".search-result-title").all_text_contents()
    assert ARTICLES[expected][0] in [t.strip() for t in titles[:3]]
    assert page.page.locator("#suche-status").text_content().endswith(f"Treffer für „{query}“")
    assert page.page.locator("#suche-ohne-js").is_hidden()
    assert page.problems() == []


def test_a_draft_is_never_found(visit, search_server):
    page = search_from_header(visit, search_server, DRAFT_WORD)
    assert page.page.locator(".search-result").count() == 0
    assert page.page.locator("#suche-status").text_content().startswith("Keine Treffer")
    assert page.problems() == []


def test_results_follow_the_reader_typing(visit, search_server):
    page = visit("/suche/", server=search_server)
    page.page.get_by_label("Wonach suchen Sie?").press_sequentially("Größe", delay=30)
    page.page.locator(".search-result").first.wait_for()
    assert "q=Gr%C3%B6%C3%9Fe" in page.page.url
    assert page.problems() == []


def search_page(visit, server, query: str, viewport=None):
    """Open /suche/?q=query and wait for the answer."""
    page = visit(f"/suche/?q={quote(query)}", server=server, **({"viewport": viewport} if viewport else {}))
    page.page.locator("#suche-status", has_text="Treffer").wait_for()
    return page


def test_results_read_well_title_date_category_and_a_clean_excerpt(visit, csp_server):
    """The starter site under the deploy/ CSP: no "#" or hidden section-link label in any excerpt."""
    page = search_page(visit, csp_server, "Kennzahlen")
    results = page.page.locator(".search-result")
    assert results.count() >= 2
    titles = [t.strip() for t in page.page.locator(".search-result-title").all_text_contents()]
    assert titles[0] == "Kennzahlen, die wirklich zählen"
    assert "Social Media mit Augenmaß" not in " ".join(titles)  # article titles, not the site name
    for excerpt in page.page.locator(".search-result-excerpt").all_text_contents():
        assert "#" not in excerpt and "Link zum Abschnitt" not in excerpt, excerpt
        assert "Zurücksetzen" not in excerpt and "erledigt" not in excerpt, excerpt
    meta = page.page.locator(".search-result-meta").first.text_content()
    assert re.fullmatch(r"\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4} · Erfolgsmessung", meta), meta
    assert page.problems() == []


@pytest.mark.parametrize(
    "title",
    [
        "Kennzahlen, die wirklich zählen",
        "Erfolg messen ohne Statistikabteilung",
        "Der eigene Blog als Basis",
        "Wenn der Chef nicht mitzieht",
        "Welcher Kanal passt zu Ihrem Unternehmen?",
    ],
)
def test_an_article_title_finds_that_article_first(visit, csp_server, title):
    page = search_page(visit, csp_server, title)
    assert page.page.locator(".search-result-title").first.text_content().strip() == title
