"""Pelican's signals stay connected for the whole process: a plugin acts only in builds that list it."""

from __future__ import annotations

from helpers import Site, build_site, write_files

ARTICLE = {
    "articles/a.md": "Title: A\nDate: 2024-01-01\nCategory: Praxis\nRedirect_from: /alt/a/\n\n## Teil\n\nText.\n",
}


def test_a_build_without_plugins_after_one_with_them_runs_none(tmp_path):
    content = write_files(tmp_path / "content", ARTICLE)
    with_plugins = Site(build_site(content, tmp_path / "with"))
    assert with_plugins.files("share/*.png") and with_plugins.files("pagefind/*")
    assert (with_plugins.output / "alt/a/index.html").exists()
    without = Site(build_site(content, tmp_path / "without", PLUGINS=[]))  # same process, same signals
    assert not without.files("share/*.png") and not without.files("pagefind/*")
    assert not (without.output / "alt/a/index.html").exists()
    page = without.html("a/index.html")
    assert page.select_one("h2").get("id") is None  # no section links
    assert page.select_one("header search") is None
    assert "/*" in without.text("theme/css/site.css")  # not minified
