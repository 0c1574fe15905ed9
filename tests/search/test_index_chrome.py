"""What the search index reads: article text, never the page's controls (section links, checklist buttons)."""

from __future__ import annotations

import re

import pytest


def ignored(element) -> bool:
    """Whether Pagefind leaves the element out: it or one of its ancestors carries data-pagefind-ignore."""
    if element.has_attr("data-pagefind-ignore"):
        return True
    return element.find_parent(attrs={"data-pagefind-ignore": True}) is not None


@pytest.fixture(scope="module")
def indexed_pages(starter_site):
    """Every built page with an indexed body (articles and pages of the starter site)."""
    pages = {}
    for path in starter_site.files("**/index.html"):
        relative = str(path.relative_to(starter_site.output))
        soup = starter_site.html(relative)
        if soup.select_one("[data-pagefind-body]"):
            pages[relative] = soup
    return pages


def test_the_starter_site_has_pages_with_section_links_and_checklists(indexed_pages) -> None:
    bodies = [body for soup in indexed_pages.values() for body in soup.select("[data-pagefind-body]")]
    assert len(bodies) >= 15
    assert sum(len(body.select("a.heading-anchor")) for body in bodies) >= 50
    assert any(body.select("form.checklist") for body in bodies)


def test_every_section_link_in_an_indexed_body_is_left_out_of_the_index(indexed_pages) -> None:
    for relative, soup in indexed_pages.items():
        for body in soup.select("[data-pagefind-body]"):
            for link in body.select("a.heading-anchor"):
                assert ignored(link), f"{relative}: {link}"
                assert link.get_text(" ", strip=True).startswith("# Link zum Abschnitt")  # still there for readers


def test_checklist_controls_are_left_out_and_their_items_stay_in(indexed_pages) -> None:
    forms = [form for soup in indexed_pages.values() for form in soup.select("[data-pagefind-body] form.checklist")]
    for form in forms:
        for control in form.select(".checklist-progress, .checklist-actions, button"):
            assert ignored(control), control
        assert all(not ignored(label) for label in form.select("label"))


def test_headings_keep_their_text_for_the_index(indexed_pages) -> None:
    soup = indexed_pages["kennzahlen-die-wirklich-zaehlen/index.html"]
    heading = soup.select_one("[data-pagefind-body] h2#vom-ziel-zur-kennzahl")
    assert not ignored(heading)
    indexed_text = "".join(heading.find_all(string=True, recursive=False))
    assert indexed_text == "Vom Ziel zur Kennzahl"


def test_results_carry_title_german_date_and_category(indexed_pages) -> None:
    soup = indexed_pages["kennzahlen-die-wirklich-zaehlen/index.html"]
    assert soup.select_one("[data-pagefind-meta=title]").get_text(strip=True) == "Kennzahlen, die wirklich zählen"
    date = soup.select_one("[data-pagefind-meta^='date:']")["data-pagefind-meta"]
    assert re.fullmatch(r"date:\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober"
                        r"|November|Dezember) \d{4}", date)  # fmt: skip
    assert soup.select_one("[data-pagefind-meta=category]").get_text(strip=True) == "Erfolgsmessung"
