"""The redirects plugin: a small page at every old address, from Redirect_from and content/redirects.txt."""

from __future__ import annotations

import pytest
from helpers import Site, build_site, write_files

from plugins.pluginkit import PluginSettingsError

SITE = "https://www.example.de"
FILES = {
    "articles/neu.md": """
        Title: Neuer Beitrag
        Date: 2024-01-01
        Category: Praxis
        Redirect_from: /2013/12/alter-slug/, /alt/

        Text.
        """,
    "articles/entwurf.md": """
        Title: Entwurf
        Date: 2024-01-02
        Category: Praxis
        Status: draft
        Redirect_from: /geheim/

        Text.
        """,
    "pages/ueber.md": "Title: Über uns\nRedirect_from: /about/\n\nText.\n",
    "redirects.txt": """
        # old category archives
        /category/praxis/ /kategorie/praxis/

        /neuer-beitrag/ /kategorie/praxis/
        """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    base = tmp_path_factory.mktemp("redirects")
    content = write_files(base / "content", FILES)
    return Site(build_site(content, base / "output", SITEURL=SITE, ABSOLUTE_SITEURL=SITE))


def redirect(site: Site, old: str) -> tuple[str, str, str]:
    """(refresh target, canonical, link text) of the redirect page at an old address."""
    page = site.html(f"{old}/index.html")
    refresh = page.select_one('meta[http-equiv="refresh"]')["content"]
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    return refresh.removeprefix("0; url="), page.select_one('link[rel="canonical"]')["href"], page.a.get_text()


def test_every_redirect_from_address_leads_to_the_article(site) -> None:
    assert redirect(site, "2013/12/alter-slug") == (
        "../../../neuer-beitrag/", f"{SITE}/neuer-beitrag/", "Neuer Beitrag"
    )
    assert redirect(site, "alt") == ("../neuer-beitrag/", f"{SITE}/neuer-beitrag/", "Neuer Beitrag")


def test_pages_redirect_too(site) -> None:
    assert redirect(site, "about")[:2] == ("../ueber-uns/", f"{SITE}/ueber-uns/")


def test_the_redirects_file_adds_pairs(site) -> None:
    assert redirect(site, "category/praxis")[:2] == ("../../kategorie/praxis/", f"{SITE}/kategorie/praxis/")


def test_drafts_get_no_redirect_and_a_real_page_is_never_replaced(site) -> None:
    assert not (site.output / "geheim").exists()
    page = site.html("neuer-beitrag/index.html")
    assert page.select_one('meta[http-equiv="refresh"]') is None
    assert page.select_one("h1").get_text(strip=True) == "Neuer Beitrag"


def test_a_bad_old_address_is_an_error_naming_the_file(tmp_path, caplog) -> None:
    content = write_files(tmp_path / "content", {"redirects.txt": "/gut/ /ziel/\n../raus/ /ziel/\n"})
    with pytest.raises(AssertionError, match=r"redirects\.txt:2"):
        build_site(content, tmp_path / "output")
    assert not (tmp_path / "raus").exists()
    assert (tmp_path / "output" / "gut" / "index.html").exists()


def test_an_unknown_redirects_setting_stops_the_build(tmp_path) -> None:
    content = write_files(tmp_path / "content", {"redirects.txt": ""})
    with pytest.raises(PluginSettingsError, match=r"REDIRECTS\['fiel'\].*'file'"):
        build_site(content, tmp_path / "output", REDIRECTS={"fiel": "x.txt"})
