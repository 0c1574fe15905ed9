"""search: the Pelican build writes a German Pagefind index of article and page bodies only."""

from __future__ import annotations

import gzip
import json

import pytest
from helpers import Site, run_pelican_cli, write_files
from search.search import SearchSettingsError, search_settings

ARTICLE = """
    Title: {title}
    Date: 2024-03-05 09:05
    Category: Praxis
    Tags: Bewertungen
    Summary: Kurz.
    {extra}

    {body}
"""


def article(title: str, body: str, extra: str = "") -> str:
    """The Markdown source of a small article."""
    return ARTICLE.format(title=title, body=body, extra=extra)


@pytest.fixture
def site(make_site):
    return make_site(
        {
            "articles/bewertungen.md": article("Bewertungen im Netz", "Kundenstimmen sammeln und beantworten."),
            "articles/entwurf.md": article("Geheimer Entwurf", "Zauberlehrling kommt nie online.", "Status: draft"),
            "pages/ueber.md": "Title: Über\n\nEine Seite über das Blog.\n",
        }
    )


def fragments(site) -> list[dict]:
    """Every indexed page as Pagefind stored it (gzip-compressed JSON with a signature prefix)."""
    pages = []
    for path in site.files("pagefind/fragment/*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes()).decode("utf-8")
        pages.append(json.loads(raw.removeprefix("pagefind_dcd")))
    return pages


def test_index_is_german_and_holds_only_article_and_page_bodies(site):
    entry = json.loads(site.text("pagefind/pagefind-entry.json"))
    assert list(entry["languages"]) == ["de"]
    indexed = fragments(site)
    assert sorted(f["meta"]["title"] for f in indexed) == ["Bewertungen im Netz", "Über"]
    body = next(f for f in indexed if f["meta"]["title"] == "Bewertungen im Netz")
    assert "Kundenstimmen sammeln" in body["content"]
    for text in ("Zum Inhalt springen", "Archiv", "Alle Beiträge nach"):  # header, navigation, footer
        assert text not in body["content"]


def test_drafts_never_reach_the_index(site):
    assert all("Zauberlehrling" not in json.dumps(f, ensure_ascii=False) for f in fragments(site))


def test_articles_carry_date_category_and_tags_for_the_results(site):
    body = next(f for f in fragments(site) if f["meta"]["title"] == "Bewertungen im Netz")
    assert body["meta"]["date"] == "5. März 2024"
    assert body["meta"]["category"] == "Praxis"
    assert body["filters"] == {"Kategorie": ["Praxis"], "Schlagwort": ["Bewertungen"]}


def test_every_page_has_a_labelled_get_search_form_leading_to_the_search_page(site):
    for page in ("index.html", "bewertungen-im-netz/index.html", "ueber/index.html", "404.html"):
        form = site.html(page).select_one("header search form")
        assert form is not None, page
        assert form["method"] == "get"
        assert form["action"].endswith("suche/")
        field = form.select_one("input[name=q]")
        assert field["type"] == "search"
        assert form.select_one(f"label[for={field['id']}]").get_text(strip=True)


def test_search_page_explains_itself_without_javascript(site):
    page = site.html("suche/index.html")
    assert page.select_one("meta[name=robots]")["content"].startswith("noindex")
    fallback = page.select_one("#suche-ohne-js")
    assert {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in fallback.select("a")} == {
        "archiv",
        "kategorien",
        "schlagwoerter",
    }
    script = page.select_one("script[src$='js/search.js']")
    assert script.has_attr("defer") and script["data-bundle"].endswith("pagefind/")


def test_unused_pagefind_interfaces_are_not_published(site):
    assert site.files("pagefind/pagefind.js")
    assert not site.files("pagefind/pagefind-ui.*")


@pytest.mark.parametrize(
    "setting, message",
    [
        ({"langauge": "de"}, "unknown key"),
        ({"page_url": ""}, "non-empty"),
        ({"bundle_dir": "../outside"}, "inside the output"),
    ],
)
def test_bad_settings_are_refused_with_the_key(setting, message):
    with pytest.raises(SearchSettingsError, match=message):
        search_settings({"SEARCH": setting})


def test_search_can_be_left_out(tmp_path):
    # A fresh process: Pelican's signals keep the receivers of earlier in-process builds.
    content = write_files(tmp_path / "content", {"articles/a.md": article("Ohne Suche", "Text.")})
    result = run_pelican_cli(content, tmp_path / "out", "-e", "PLUGINS=[]")
    assert result.returncode == 0, result.stderr
    site = Site(tmp_path / "out")
    assert not site.files("pagefind/*")
    assert site.html("index.html").select_one("header search") is None
