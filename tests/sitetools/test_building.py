"""sitetools.building and sitetools.releases: atomic release switch, and a guard that deletes nothing foreign."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from blog_context import blog_context
from helpers import ROOT, write_files

import tasks
from sitetools import releases
from sitetools.building import BuildError, build_atomically
from sitetools.releases import (
    MARKER,
    TargetRefused,
    build_release,
    check_target,
    current_release,
    list_releases,
    releases_dir,
    rollback,
)


def writer(text: str):
    """A build step that writes one page."""

    def build(site: Path) -> None:
        (site / "index.html").write_text(text)

    return build


def failing(site: Path) -> None:
    (site / "index.html").write_text("halb")
    raise BuildError("abgelehnt")


def tree(path: Path) -> list[str]:
    """Every entry below path (links not followed, the build cache left out), to prove nothing changed."""
    entries = (p.relative_to(path) for p in path.rglob("*"))
    return sorted(str(e) + ("@" if (path / e).is_symlink() else "") for e in entries if e.parts[0] != ".cache")


def test_a_release_is_switched_in_by_a_relative_link_and_the_previous_one_stays(tmp_path):
    live = tmp_path / "live"
    first = build_release(live, writer("eins"), keep=2)
    second = build_release(live, writer("zwei"), keep=2)
    assert live.is_symlink() and not os.path.isabs(os.readlink(live))
    assert (live / "index.html").read_text() == "zwei"
    assert current_release(live) == second
    assert list_releases(live) == [first, second]
    assert (first / MARKER).is_file()


def test_a_failing_build_leaves_the_live_site_and_no_staging_dir(tmp_path):
    live = tmp_path / "live"
    build_release(live, writer("eins"), keep=2)
    before = tree(tmp_path)
    with pytest.raises(BuildError, match="abgelehnt"):
        build_release(live, failing, keep=2)
    assert tree(tmp_path) == before
    assert (live / "index.html").read_text() == "eins"


def test_pruning_keeps_the_newest_and_never_deletes_what_is_not_ours(tmp_path):
    live = tmp_path / "live"
    folder = releases_dir(live)
    folder.mkdir()
    foreign = write_files(folder / "20200101-000000-000000", {"index.html": "fremd"})  # looks like ours, no marker
    notes = write_files(folder / "notizen", {"liste.txt": "eigene Daten"})
    stale = folder / ".neu-20200101-000000-000000"
    stale.mkdir()
    (stale / MARKER).write_text("")
    os.utime(stale, (time.time() - 7200,) * 2)
    stray_link = tmp_path / ".live.link-20200101-000000-000000"  # left by a crash before the switch
    stray_link.symlink_to(foreign)
    os.utime(stray_link, (time.time() - 7200,) * 2, follow_symlinks=False)
    made = [build_release(live, writer(str(n)), keep=2) for n in range(3)]
    assert list_releases(live) == made[1:]
    assert (foreign / "index.html").read_text() == "fremd"
    assert (notes / "liste.txt").read_text() == "eigene Daten"
    assert not stale.exists()
    assert not stray_link.is_symlink()


def test_rollback_goes_back_one_release_and_refuses_when_there_is_none(tmp_path):
    live = tmp_path / "live"
    first = build_release(live, writer("eins"), keep=3)
    second = build_release(live, writer("zwei"), keep=3)
    assert rollback(live) == (second, first)
    assert (live / "index.html").read_text() == "eins"
    assert not second.exists()
    with pytest.raises(TargetRefused, match="keinen älteren Stand"):
        rollback(live)
    assert (live / "index.html").read_text() == "eins"


def test_a_marked_plain_directory_becomes_the_older_release_and_is_not_deleted(tmp_path):
    live = write_files(tmp_path / "live", {"index.html": "alt", MARKER: ""})
    new = build_release(live, writer("neu"), keep=2)
    assert live.is_symlink() and (live / "index.html").read_text() == "neu"
    older = list_releases(live)
    assert older[-1] == new and len(older) == 2
    assert (older[0] / "site/index.html").read_text() == "alt"
    rollback(live)
    assert (live / "index.html").read_text() == "alt"


def test_a_failed_switch_puts_the_plain_directory_back(tmp_path, monkeypatch):
    live = write_files(tmp_path / "live", {"index.html": "alt", MARKER: ""})
    real_replace = os.replace

    def refuse_the_link(source, destination):
        if Path(destination) == live:
            raise OSError("simulierter Fehler")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", refuse_the_link)
    with pytest.raises(OSError, match="simulierter Fehler"):
        build_release(live, writer("neu"), keep=2)
    assert not live.is_symlink() and (live / "index.html").read_text() == "alt"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert len(list_releases(live)) == 1  # the new release, ready for the next attempt


def test_a_foreign_symlink_is_repointed_and_its_target_never_touched(tmp_path):
    own = write_files(tmp_path / "releases/r1", {"index.html": "r1"})
    live = tmp_path / "live"
    live.symlink_to(own)
    build_release(live, writer("neu"), keep=2)
    build_release(live, writer("neuer"), keep=2)
    assert (live / "index.html").read_text() == "neuer"
    assert tree(own) == ["index.html"] and (own / "index.html").read_text() == "r1"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: Path("/"), "Wurzelverzeichnis"),
        (lambda tmp: Path("/srv"), "Systemordner"),
        (lambda tmp: ROOT, "Quellen dieses Projekts"),
        (lambda tmp: ROOT / "content" / "ausgabe", "Pelican würde die Ausgabe als Inhalt lesen"),
        (lambda tmp: write_files(tmp / "blog", {"content/a.md": "Title: A\n"}), "enthält Quellen"),
        (lambda tmp: write_files(tmp / "kunden", {"liste.csv": "x"}), f"keine Datei {MARKER}"),
        (lambda tmp: write_files(tmp, {"datei": "x"}) / "datei", "eine Datei"),
    ],
    ids=["root", "below-root", "project", "inside-content", "sources", "unmarked", "file"],
)
def test_the_guard_refuses_in_german_and_touches_nothing(tmp_path, make, reason):
    target = make(tmp_path)
    before = tree(tmp_path)
    with pytest.raises(TargetRefused, match=reason) as refused:
        build_release(target, writer("neu"), keep=2, project=ROOT, content=ROOT / "content")
    assert "Nichts wurde verändert" in str(refused.value)
    assert tree(tmp_path) == before


@pytest.mark.parametrize("target", ["anna", "."], ids=["home", "holds-a-home"])
def test_the_guard_refuses_a_home_directory_and_what_holds_one(tmp_path, monkeypatch, target):
    (tmp_path / "anna/Dokumente").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "anna"))
    before = tree(tmp_path)
    with pytest.raises(TargetRefused, match="Home-Verzeichnis"):
        build_release(tmp_path / target, writer("neu"), keep=2)
    assert tree(tmp_path) == before


def test_a_home_directory_right_below_the_root_is_called_a_home_directory(monkeypatch):
    monkeypatch.setattr(releases, "_home_dirs", lambda: {Path("/kmu-home")})  # like /root for root
    with pytest.raises(TargetRefused, match=r"Home-Verzeichnis \(/kmu-home\)"):
        check_target(Path("/kmu-home"))
    with pytest.raises(TargetRefused, match="Systemordner"):
        check_target(Path("/kmu-anderes"))


def test_the_guard_accepts_a_new_or_empty_folder_and_adopts_only_on_request(tmp_path):
    check_target(tmp_path / "neu")
    (tmp_path / "leer").mkdir()
    check_target(tmp_path / "leer")
    legacy = write_files(tmp_path / "output", {"index.html": "alt"})
    with pytest.raises(TargetRefused):
        check_target(legacy)
    check_target(legacy, adopt=True)


def test_a_rejected_pelican_build_leaves_the_target_and_no_staging_dir(tmp_path):
    content = write_files(tmp_path / "content", {"articles/a.md": "Title: A\nDate: 2020-01-01\n\nText.\n"})
    live = tmp_path / "live"
    build_release(live, writer("alt"), keep=2)
    before = tree(tmp_path)

    def reject(site):
        assert (site / "a/index.html").is_file()
        raise BuildError("rejected")

    with pytest.raises(BuildError, match="rejected"):
        build_atomically(content, ROOT / "pelicanconf.py", live, finish=reject)
    assert tree(tmp_path) == before


def test_invoke_build_takes_over_a_plain_output_dir_and_clean_removes_everything(tmp_path):
    content = write_files(tmp_path / "content", {"articles/a.md": "Title: A\nDate: 2020-01-01\nSummary: S.\n\nText.\n"})
    output = write_files(tmp_path / "output", {"index.html": "von einem älteren Build"})
    context = blog_context(content=content, output=output)
    tasks.build(context)
    assert output.is_symlink() and (output / "a/index.html").is_file()
    tasks.clean(context)
    assert not list(tmp_path.glob("output*")) and (content / "articles/a.md").is_file()
