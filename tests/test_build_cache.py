"""The build cache (plugins/pluginkit/buildcache.py, the Pagefind bundle of plugins/search) changes no byte.

The same content is built without the cache, then twice with it (cold, warm): every file is the same.
Pagefind itself names its files differently on every run, so its bundle is compared between the two
cached builds only (the warm one copies it) and checked to index the same pages.
"""

from __future__ import annotations

import filecmp
import logging
import shutil
from pathlib import Path

import pytest
from helpers import build_site, run_pelican_cli, write_files

CHECKLIST = "/// checklist | Bereit?\n- [ ] Ziele notiert\n- [x] Zeit eingeplant\n///\n"
FILES = {
    "articles/a.md": "Title: Erster Beitrag\nDate: 2024-01-01 09:30\nCategory: Praxis\nTags: Planung, Ziele\n"
    "Summary: Kurz mit **Bild**.\nImage: {static}/images/x.svg\nImage_alt: Eine Grafik\n\n"
    "## Budget & Zeit\n\nPlanung für kleine Unternehmen, siehe [B]({filename}/articles/b.md).\n\n"
    "| Kanal | Kosten |\n|---|---|\n| Blog | 45 € |\n\n" + CHECKLIST,
    "articles/b.md": "Title: Zweiter Beitrag\nDate: 2024-01-02\nCategory: Strategie\nTags: Planung\n\n"
    "## Ziele\n\nZiele und noch einmal Ziele.\n",
    "pages/ueber.md": "Title: Über\n\nWer hier schreibt.\n",
    "images/x.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>\n',
}


def differences(left: Path, right: Path, skip: str = "") -> list[str]:
    """Files that differ or exist on one side only (below skip: left out)."""
    names = {p.relative_to(left) for p in left.rglob("*") if p.is_file()}
    names |= {p.relative_to(right) for p in right.rglob("*") if p.is_file()}
    return sorted(
        str(name)
        for name in names
        if not (skip and name.parts[0] == skip)
        and not ((left / name).is_file() and (right / name).is_file() and filecmp.cmp(left / name, right / name, False))
    )


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("buildcache")
    content = write_files(base / "content", FILES)
    plain = build_site(content, base / "plain", BUILD_CACHE=False)
    cold = build_site(content, base / "cached")
    kept = base / "cold"
    shutil.copytree(cold, kept)
    warm = build_site(content, base / "cached")
    return {"plain": plain, "cold": kept, "warm": warm, "cache": base / "cached.cache"}


def test_the_cache_changes_no_byte_of_the_site(builds):
    assert differences(builds["plain"], builds["cold"], skip="pagefind") == []
    assert differences(builds["cold"], builds["warm"]) == []  # the bundle too: the warm build copies it
    assert (builds["warm"] / "erster-beitrag" / "index.html").stat().st_size > 0


def test_the_warm_build_reads_from_the_cache(builds):
    assert (builds["cache"] / "reads-ArticlesGenerator.pickle").is_file()
    assert [p.name for p in (builds["cache"] / "pagefind").iterdir()] != []
    assert list((builds["cache"] / "jinja").iterdir())


def test_a_new_process_reads_every_unchanged_file_from_the_cache(tmp_path):
    """The key holds nothing that differs between processes (such as the address of a function)."""
    content = write_files(tmp_path / "content", FILES)
    cache = tmp_path / "cache"
    for _ in range(2):
        result = run_pelican_cli(content, tmp_path / "out", "--cache-path", str(cache))
        assert result.returncode == 0, result.stdout + result.stderr
        if not _:
            stored = {p.name: p.stat().st_mtime_ns for p in cache.glob("reads-*.pickle")}
    assert stored  # written by the first build only: the second found every entry and left it alone
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("reads-*.pickle")} == stored


def test_an_edit_is_read_again_and_shows(tmp_path):
    content = write_files(tmp_path / "content", FILES)
    build_site(content, tmp_path / "out")
    source = content / "articles" / "b.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nEin neuer Satz über Budgets.\n", encoding="utf-8")
    site = build_site(content, tmp_path / "out")
    assert "Ein neuer Satz über Budgets." in (site / "zweiter-beitrag" / "index.html").read_text(encoding="utf-8")


def test_a_changed_setting_reads_again(tmp_path):
    content = write_files(tmp_path / "content", FILES)
    build_site(content, tmp_path / "out")
    site = build_site(content, tmp_path / "out", SECTION_LINKS={"reserved_ids": ["ziele"]})
    assert 'id="ziele-2"' in (site / "zweiter-beitrag" / "index.html").read_text(encoding="utf-8")


def test_a_read_that_logged_an_error_is_not_cached(tmp_path, caplog):
    broken = dict(FILES, **{"articles/c.md": "Title: C\nDate: 2024-01-03\n\n/// checklist | Kaputt\nkein Punkt\n///\n"})
    content = write_files(tmp_path / "content", broken)
    for _ in range(2):
        caplog.clear()
        with pytest.raises(AssertionError, match="checklists"):
            build_site(content, tmp_path / "out")
        assert any(r.levelno >= logging.ERROR and "c.md" in r.getMessage() for r in caplog.records)
