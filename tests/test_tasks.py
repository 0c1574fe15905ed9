"""The invoke tasks an author uses: new, check, build and publish (including failures)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from helpers import write_files
from invoke import Context, Exit

import tasks

GOOD = """
    Title: Erster Beitrag
    Date: 2024-03-05 09:05
    Category: Strategie
    Summary: Kurz.

    Text.
"""
BROKEN = GOOD.replace("2024-03-05 09:05", "gestern")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Point the tasks at a tmp content dir and output dir."""
    content = write_files(tmp_path / "content", {"articles/erster.md": GOOD})
    monkeypatch.setitem(tasks.CONFIG, "content", content)
    monkeypatch.setitem(tasks.CONFIG, "output", tmp_path / "output")
    monkeypatch.delenv("PUBLISH_HOST", raising=False)
    return tmp_path


def test_new_creates_a_draft_with_a_german_slug_and_refuses_to_overwrite(project, capsys):
    tasks.new(Context(), "Für Größe: Ärger & Übermut")
    path = project / "content/articles/fuer-groesse-aerger-und-uebermut.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Title: Für Größe: Ärger & Übermut\nDate: ")
    assert "Status: draft" in text
    path.write_text(text + "Eigener Text.\n", encoding="utf-8")
    with pytest.raises(Exit, match="already exists"):
        tasks.new(Context(), "Für Größe: Ärger & Übermut")
    assert path.read_text(encoding="utf-8").endswith("Eigener Text.\n")


def test_new_draft_passes_the_content_check(project, capsys):
    tasks.new(Context(), "Ein neuer Gedanke")
    tasks.check(Context())
    assert "0 Fehler" in capsys.readouterr().out


def test_check_names_file_line_and_fix_and_fails_on_errors(project, capsys):
    (project / "content/articles/erster.md").write_text(
        "Title: Erster\nDate: gestern\n\nText ohne Zusammenfassung.\n", encoding="utf-8"
    )
    with pytest.raises(Exit) as failure:
        tasks.check(Context())
    assert failure.value.code == 1
    out = capsys.readouterr().out
    assert "content/articles/erster.md:2: Fehler: „Date: gestern“ ist kein Datum" in out
    assert "content/articles/erster.md:1: Hinweis: „Summary:“ fehlt" in out


def test_build_replaces_output_and_a_failed_build_keeps_the_old_one(project):
    tasks.build(Context())
    page = project / "output/erster-beitrag/index.html"
    assert "Erster Beitrag" in page.read_text(encoding="utf-8")
    (project / "content/articles/erster.md").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(Exit, match="nothing was built"):
        tasks.build(Context())
    assert "Erster Beitrag" in page.read_text(encoding="utf-8")
    assert not list(project.glob(".build-*"))


def test_build_refuses_a_site_with_a_broken_internal_link(project, capsys):
    tasks.build(Context())
    before = (project / "output/erster-beitrag/index.html").read_text(encoding="utf-8")
    (project / "content/articles/erster.md").write_text(
        textwrap.dedent(GOOD).lstrip() + "\nSiehe [Über](../gibt-es-nicht/) und [Fazit](#fazit).\n", encoding="utf-8"
    )
    with pytest.raises(Exit, match="broken link") as failure:
        tasks.build(Context())
    assert "erster-beitrag/index.html: ../gibt-es-nicht/ (no such file)" in str(failure.value)
    assert "erster-beitrag/index.html: #fazit (no id 'fazit'" in str(failure.value)
    assert (project / "output/erster-beitrag/index.html").read_text(encoding="utf-8") == before


def test_publish_swaps_into_publish_dir_and_failure_leaves_the_live_site(project, monkeypatch):
    live = project / "live"
    monkeypatch.setenv("PUBLISH_DIR", str(live))
    monkeypatch.setenv("SITEURL", "https://kmu.example")
    tasks.publish(Context())
    first = (live / "erster-beitrag/index.html").read_text(encoding="utf-8")
    assert 'href="https://kmu.example/erster-beitrag/"' in first  # canonical from publishconf

    (project / "content/articles/zweiter.md").write_text(
        textwrap.dedent(GOOD).lstrip().replace("Erster Beitrag", "Zweiter Beitrag"), encoding="utf-8"
    )
    tasks.publish(Context())
    assert (live / "zweiter-beitrag/index.html").is_file()
    published = (live / "erster-beitrag/index.html").read_text(encoding="utf-8")

    (project / "content/articles/erster.md").write_text(BROKEN, encoding="utf-8")
    before = sorted(p.relative_to(live) for p in live.rglob("*"))
    with pytest.raises(Exit):
        tasks.publish(Context())
    assert sorted(p.relative_to(live) for p in live.rglob("*")) == before
    assert (live / "erster-beitrag/index.html").read_text(encoding="utf-8") == published


def test_publish_when_pelican_itself_fails_leaves_the_live_site(project, monkeypatch):
    live = project / "live"
    monkeypatch.setenv("PUBLISH_DIR", str(live))
    tasks.publish(Context())
    marker = live / "index.html"
    before = marker.read_bytes()
    # Content the lint accepts, but a failure only Pelican sees: a plugin that cannot load.
    broken = project / "broken_publishconf.py"
    broken.write_text(
        f"import sys\nsys.path.insert(0, {str(tasks.ROOT)!r})\nfrom publishconf import *\n"
        "PLUGINS = ['no_such_plugin']\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(tasks.CONFIG, "publish_settings", broken)
    with pytest.raises(Exit, match="unchanged"):
        tasks.publish(Context())
    assert marker.read_bytes() == before
    assert not list(project.glob(".build-*"))


def test_publish_without_a_target_explains_what_to_set(project, monkeypatch):
    monkeypatch.delenv("PUBLISH_DIR", raising=False)
    with pytest.raises(Exit, match="PUBLISH_DIR"):
        tasks.publish(Context())


def test_publish_over_ssh_uploads_with_rsync_and_cleans_up(project, monkeypatch):
    calls = project / "rsync-calls"
    bin_dir = project / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "rsync"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nls "$4" > {project}/uploaded\nexit "${{FAKE_RSYNC_EXIT:-0}}"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.delenv("PUBLISH_DIR", raising=False)
    monkeypatch.setenv("PUBLISH_HOST", "kmu@web.example")
    monkeypatch.setenv("PUBLISH_PATH", "/srv/site")
    tasks.publish(Context())
    args = calls.read_text().split()
    assert args[:4] == ["-az", "--delete-after", "--delay-updates", args[3]]
    assert args[4] == "kmu@web.example:/srv/site/"
    assert "erster-beitrag" in (project / "uploaded").read_text()
    assert not Path(args[3]).exists()  # the staging directory is gone

    broken = textwrap.dedent(GOOD).lstrip() + "\nSiehe [weg](../gibt-es-nicht/).\n"
    (project / "content/articles/erster.md").write_text(broken, encoding="utf-8")
    with pytest.raises(Exit, match="broken link"):
        tasks.publish(Context())
    assert len(calls.read_text().splitlines()) == 1  # nothing was uploaded
    (project / "content/articles/erster.md").write_text(textwrap.dedent(GOOD).lstrip(), encoding="utf-8")

    monkeypatch.setenv("FAKE_RSYNC_EXIT", "12")
    with pytest.raises(Exit, match=r"rsync to kmu@web\.example:/srv/site failed"):
        tasks.publish(Context())
