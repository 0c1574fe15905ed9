"""Pelican's signals stay connected for the whole process: a plugin acts only in builds that list it.

One full build with all ten plugins, then `PLUGINS = []` in the same process, as the acceptance check
runs it: the second output holds nothing any plugin adds, and the theme shows no plugin's box even
where an article carries the plugin's metadata (Pelican then keeps it as a plain string).
"""

from __future__ import annotations

import logging

import pelican
import pytest
from helpers import ROOT, Site, build_site, write_files
from pelican.settings import read_settings

import pelicanconf

CHECKLIST = """/// checklist | Bereit?
    download: true
- [ ] Ziele notiert
- [x] Zeit eingeplant
///"""
FILES = {
    "articles/a.md": "Title: Erster Beitrag\nDate: 2024-01-01\nCategory: Praxis\nTags: Planung\n"
    "Summary: Kurz mit Bild ![Grafik]({static}/images/x.svg)\nImage: {static}/images/x.svg\n"
    "Image_alt: Eine Grafik\nImage_credit: Foto: K. A.\nRedirect_from: /alt/a/\n"
    "Recommendations: zweiter-beitrag\n\n"
    "## Teil\n\nPlanung und Ziele für kleine Unternehmen.\n\n" + CHECKLIST + "\n",
    "articles/b.md": """
        Title: Zweiter Beitrag
        Date: 2024-01-02
        Category: Praxis
        Tags: Planung
        Summary: Noch kürzer.
        Comments: closed

        Planung und Ziele, noch einmal.
        """,
    "comments/erster-beitrag/c1.md": """
        Author: Bernd
        Date: 2024-01-03T10:00:00+01:00

        Danke für den Beitrag.
        """,
    "images/x.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>\n',
    "redirects.txt": "/kategorie/alt/ /kategorie/praxis/\n",
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Site, Site, list[str]]:
    """The site with every plugin, then without any, in one process; plus what the second build logged."""
    base = tmp_path_factory.mktemp("isolation")
    content = write_files(base / "content", FILES)
    full = Site(build_site(content, base / "with"))
    assert sorted(pelicanconf.PLUGINS) == sorted(full_plugins())
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(f"{record.name}: {record.getMessage()}")

    handler = Collect(level=logging.INFO)
    logging.getLogger().addHandler(handler)
    try:
        settings = read_settings(
            str(ROOT / "pelicanconf.py"),
            override={
                "PLUGINS": [],
                "PATH": str(content),
                "OUTPUT_PATH": str(base / "without"),
                "CACHE_PATH": str(base / "cache-without"),
            },
        )
        pelican.Pelican(settings).run()
    finally:
        logging.getLogger().removeHandler(handler)
    return full, Site(base / "without"), records


def full_plugins() -> list[str]:
    """The ten plugins of the site."""
    return [
        "content_check", "comments", "search", "checklists", "recommendations",
        "share_images", "section_links", "feeds", "redirects", "minify_css",
    ]  # fmt: skip


def test_the_full_build_shows_every_plugin(builds):
    full, _, _ = builds
    page = full.html("erster-beitrag/index.html")
    assert page.select_one("form.checklist") and page.select_one("aside.recommendations")
    assert page.select_one("h2 a.heading-anchor") and page.select_one("header search")
    assert page.select("li.comment")
    assert full.files("share/*.png") and full.files("pagefind/*") and full.files("feeds/*.xml")
    assert (full.output / "alt/a/index.html").exists() and (full.output / "kategorie/alt/index.html").exists()
    assert (full.output / "kommentare/manifest.json").exists() and full.files("checklisten/**/index.html")
    assert "/*" not in full.text("theme/css/site.css")


def test_a_build_without_plugins_after_one_with_them_runs_none(builds):
    _, without, records = builds
    assert not without.files("share/*.png") and not without.files("pagefind/*") and not without.files("feeds/*")
    assert not (without.output / "alt/a/index.html").exists()
    assert not (without.output / "kategorie/alt/index.html").exists()
    assert not (without.output / "kommentare").exists() and not (without.output / "checklisten").exists()
    assert not (without.output / "suche").exists() and not (without.output / "abonnieren").exists()
    assert "/*" in without.text("theme/css/site.css")  # not minified
    plugin_logs = [r for r in records if r.split(".")[0] in full_plugins()]
    assert plugin_logs == []  # no content check, no "feeds: wrote", no "search: … indexed"


def test_without_plugins_no_page_shows_a_plugins_box(builds):
    _, without, _ = builds
    for name in ("erster-beitrag/index.html", "zweiter-beitrag/index.html", "index.html"):
        page = without.html(name)
        assert page.select_one("form.checklist") is None, name
        assert page.select_one("aside.recommendations") is None, name
        assert page.select_one("#kommentare") is None and not page.select("li.comment"), name
        assert page.select_one("header search") is None, name
        assert not [m for m in page.select('meta[property="og:image"]') if "/share/" in m["content"]], name
        assert page.select_one("a.heading-anchor") is None, name
        assert "built-in method" not in str(page), name
