"""`invoke publish` in every mode: first publish, directory, symlink, rollback, refused targets, failures, rsync."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from blog_context import blog_context
from helpers import ROOT, write_files
from invoke import Exit

import tasks
from sitetools.releases import MARKER, build_release, list_releases

GOOD = """
    Title: Erster Beitrag
    Date: 2024-03-05 09:05
    Category: Strategie
    Summary: Kurz.

    Text.
"""
IMPRESSUM = """
    Title: Impressum
    Placeholder: true

    Noch Platzhalter.
"""
BROKEN = GOOD.replace("2024-03-05 09:05", "gestern")
SITEURL = "https://kmu-blog.de"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A tmp content dir for the tasks, the public address set and no publishing target yet."""
    write_files(tmp_path / "content", {"articles/erster.md": GOOD, "pages/impressum.md": IMPRESSUM})
    monkeypatch.setenv("SITEURL", SITEURL)
    for key in ("PUBLISH_DIR", "PUBLISH_HOST", "PUBLISH_PATH", "PUBLISH_KEEP_RELEASES"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


@pytest.fixture
def context(project):
    """The tasks' Context, pointed at the tmp content and output dirs."""
    return blog_context(content=project / "content", output=project / "output")


def publish(context, monkeypatch, **env: str) -> None:
    """Run the publish task as `KEY=value invoke publish` would."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    tasks.publish(context)


def write_page(site: Path) -> None:
    """A stand-in build for releases that only need to exist."""
    (site / "index.html").write_text("ältere Version")


def settings_file(project: Path, line: str) -> Path:
    """A settings file that is publishconf.py plus one line (relative paths resolved from the project)."""
    path = project / "eigene_publishconf.py"
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom publishconf import *\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n{line}\n"
    )
    return path


def tree(path: Path) -> list[str]:
    """Every entry below path (links not followed)."""
    return sorted(str(p.relative_to(path)) + ("@" if p.is_symlink() else "") for p in path.rglob("*"))


def test_first_publish_links_a_release_with_absolute_urls_headers_and_a_loud_placeholder_warning(
    project, monkeypatch, capsys
, context):
    live = project / "www/blog"
    publish(context, monkeypatch, PUBLISH_DIR=str(live))
    assert live.is_symlink()
    page = (live / "erster-beitrag/index.html").read_text(encoding="utf-8")
    assert f'href="{SITEURL}/erster-beitrag/"' in page  # canonical from publishconf
    assert (live / "_headers").read_text() == (ROOT / "deploy/_headers").read_text()
    assert len(list_releases(live)) == 1
    err = capsys.readouterr().err
    assert "ACHTUNG" in err and "impressum.md ist noch als Platzhalter markiert" in err


def test_publish_without_the_placeholder_page_and_with_headers_turned_off_stays_quiet(
    project, monkeypatch, capsys, context
):
    (project / "content/pages/impressum.md").write_text("Title: Impressum\n\nEchte Angaben.\n", encoding="utf-8")
    context.config.blog.publish_settings = str(settings_file(project, "PUBLISH_COPY_HEADERS = False"))
    publish(context, monkeypatch, PUBLISH_DIR=str(project / "live"))
    assert not (project / "live/_headers").exists()
    assert "ACHTUNG" not in capsys.readouterr().err


def test_directory_mode_takes_over_a_marked_directory_and_rollback_brings_it_back(project, monkeypatch, context):
    live = write_files(project / "live", {"index.html": "früher veröffentlicht", MARKER: ""})
    publish(context, monkeypatch, PUBLISH_DIR=str(live))
    assert (live / "erster-beitrag/index.html").is_file()
    tasks.publish(context, rollback=True)
    assert (live / "index.html").read_text(encoding="utf-8") == "früher veröffentlicht"


def test_symlink_mode_never_leaves_a_dangling_link_or_touches_the_old_release(project, monkeypatch, context):
    own = write_files(project / "releases/r1", {"index.html": "r1"})
    live = project / "live"
    live.symlink_to(own)
    publish(context, monkeypatch, PUBLISH_DIR=str(live))
    publish(context, monkeypatch, PUBLISH_DIR=str(live))
    assert (live / "erster-beitrag/index.html").is_file()
    assert tree(own) == ["index.html"]
    tasks.publish(context, rollback=True)
    assert (live / "erster-beitrag/index.html").is_file()
    with pytest.raises(Exit, match="keinen älteren Stand"):
        tasks.publish(context, rollback=True)


@pytest.mark.parametrize(
    "target",
    [
        lambda release: release,
        lambda release: release / "site",
        lambda release: release.parent / "neu",
        lambda release: Path(shutil.copytree(release, release.parent.parent / "kopie")),
    ],
    ids=["release", "its-site", "new-folder-inside", "moved-copy"],
)
def test_a_release_or_anything_in_a_releases_folder_is_never_a_target(project, monkeypatch, context, target):
    site_a = project / "pub" / "a"
    [build_release(site_a, write_page, keep=5) for _ in range(2)]
    chosen = target(list_releases(site_a)[0])
    before = tree(project / "pub"), os.readlink(site_a)
    with pytest.raises(Exit, match="nie in einen Stand"):
        publish(context, monkeypatch, PUBLISH_DIR=str(chosen))
    assert (tree(project / "pub"), os.readlink(site_a)) == before  # site A keeps its link and its rollback


def test_old_releases_are_pruned_to_the_setting(project, monkeypatch, context):
    live = project / "live"
    older = [build_release(live, write_page, keep=5) for _ in range(2)]
    publish(context, monkeypatch, PUBLISH_DIR=str(live), PUBLISH_KEEP_RELEASES="2")
    assert list_releases(live)[0] == older[1] and len(list_releases(live)) == 2
    with pytest.raises(Exit, match="PUBLISH_KEEP_RELEASES='1'"):
        publish(context, monkeypatch, PUBLISH_KEEP_RELEASES="1")


def test_a_failing_build_leaves_the_live_site_exactly_as_it_was(project, monkeypatch, context):
    live = project / "live"
    publish(context, monkeypatch, PUBLISH_DIR=str(live))
    before = tree(project / "live.releases"), os.readlink(live)
    article = project / "content/articles/erster.md"

    article.write_text(textwrap.dedent(BROKEN).lstrip(), encoding="utf-8")  # stopped by the content check
    with pytest.raises(Exit):
        tasks.publish(context)
    article.write_text(textwrap.dedent(GOOD).lstrip() + "\n[weg](../gibt-es-nicht/)\n", encoding="utf-8")
    with pytest.raises(Exit, match="bleibt unverändert"):  # stopped by the link check
        tasks.publish(context)
    article.write_text(textwrap.dedent(GOOD).lstrip(), encoding="utf-8")
    broken = settings_file(project, "PLUGINS = ['no_such_plugin']")  # stopped by Pelican itself
    context.config.blog.publish_settings = str(broken)
    with pytest.raises(Exit, match="bleibt unverändert"):
        tasks.publish(context)
    assert (tree(project / "live.releases"), os.readlink(live)) == before


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (lambda p: p, "Quellen"),  # holds content/
        (lambda p: ROOT, "Quellen dieses Projekts"),
        (lambda p: write_files(p / "daten", {"kunden.csv": "x"}), f"keine Datei {MARKER}"),
        (lambda p: Path("/"), "Wurzelverzeichnis"),
    ],
    ids=["holds-content", "project", "unmarked", "root"],
)
def test_refused_targets_are_named_in_german_and_nothing_is_touched(
    project, monkeypatch, target, reason, capsys, context
):
    directory = target(project)
    before = tree(project)
    with pytest.raises(Exit, match=reason):
        publish(context, monkeypatch, PUBLISH_DIR=str(directory))
    assert tree(project) == before
    assert "ACHTUNG" not in capsys.readouterr().err  # refused before anything else


def test_the_placeholder_address_is_refused_with_what_to_set(project, monkeypatch, context):
    monkeypatch.delenv("SITEURL")
    with pytest.raises(Exit, match=r"SITEURL=https://kmu-social-media\.example") as refused:
        publish(context, monkeypatch, PUBLISH_DIR=str(project / "live"))
    assert "publishconf.py" in str(refused.value)
    assert not (project / "live").exists()


def test_publish_without_a_target_explains_what_to_set(project, context):
    with pytest.raises(Exit, match="Setzen Sie PUBLISH_DIR"):
        tasks.publish(context)
    with pytest.raises(Exit, match="nur mit PUBLISH_DIR"):
        tasks.publish(context, rollback=True)


@pytest.fixture
def fake_rsync(project, monkeypatch):
    """An rsync on PATH that records its arguments and what it was given to upload."""
    bin_dir = project / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "rsync"
    fake.write_text(
        f'#!/bin/sh\necho "$@" >> {project}/rsync-calls\nls -A "$4" > {project}/uploaded\n'
        'exit "${FAKE_RSYNC_EXIT:-0}"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("PUBLISH_HOST", "kmu@web.example")
    return project / "rsync-calls"


def test_rsync_uploads_the_same_checked_build_and_cleans_up(project, monkeypatch, fake_rsync, context):
    publish(context, monkeypatch, PUBLISH_PATH="/srv/www/blog/")
    args = fake_rsync.read_text().split()
    assert args[:3] == ["-az", "--delete-after", "--delay-updates"]
    assert args[4] == "kmu@web.example:/srv/www/blog/"
    uploaded = (project / "uploaded").read_text().split()
    assert "erster-beitrag" in uploaded and "_headers" in uploaded
    assert not Path(args[3]).exists()  # the staging directory is gone

    (project / "content/articles/erster.md").write_text(
        textwrap.dedent(GOOD).lstrip() + "\n[weg](../gibt-es-nicht/)\n", encoding="utf-8"
    )
    with pytest.raises(Exit, match="unverändert"):
        tasks.publish(context)
    assert len(fake_rsync.read_text().splitlines()) == 1  # nothing was uploaded
    (project / "content/articles/erster.md").write_text(textwrap.dedent(GOOD).lstrip(), encoding="utf-8")

    monkeypatch.setenv("FAKE_RSYNC_EXIT", "12")
    with pytest.raises(Exit, match=r"rsync nach kmu@web\.example:/srv/www/blog/ ist fehlgeschlagen"):
        tasks.publish(context)


@pytest.mark.parametrize("path", ["", "/", "//", "~", "~/", "."])
def test_rsync_refuses_an_empty_root_or_home_path(project, monkeypatch, fake_rsync, path, context):
    with pytest.raises(Exit, match="kein sicheres Ziel"):
        publish(context, monkeypatch, PUBLISH_PATH=path)
    assert not fake_rsync.exists()


def test_the_invoke_cli_rolls_back(project):
    live = project / "live"
    build_release(live, write_page, keep=5)
    first = os.readlink(live)
    build_release(live, write_page, keep=5)
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "publish", "--rollback"],
        cwd=ROOT,
        env={**os.environ, "PUBLISH_DIR": str(live)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Zurückgeschaltet" in result.stdout
    assert os.readlink(live) == first
