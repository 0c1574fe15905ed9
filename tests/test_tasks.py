"""The invoke tasks an author uses: new, check and build (publishing: tests/sitetools/test_publish.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
from blog_context import blog_context
from helpers import ROOT, write_files
from invoke import Exit

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
    write_files(tmp_path / "content", {"articles/erster.md": GOOD})
    monkeypatch.delenv("PUBLISH_HOST", raising=False)
    return tmp_path


@pytest.fixture
def context(project):
    """The tasks' Context, pointed at the tmp content and output dirs."""
    return blog_context(content=project / "content", output=project / "output")


def test_new_creates_a_draft_with_a_german_slug_and_refuses_to_overwrite(project, capsys, context):
    tasks.new(context, "Für Größe: Ärger & Übermut")
    path = project / "content/articles/fuer-groesse-aerger-und-uebermut.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Title: Für Größe: Ärger & Übermut\nSlug: fuer-groesse-aerger-und-uebermut\nDate: ")
    assert "Status: draft" in text
    path.write_text(text + "Eigener Text.\n", encoding="utf-8")
    with pytest.raises(Exit, match="gibt es schon"):
        tasks.new(context, "Für Größe: Ärger & Übermut")
    assert path.read_text(encoding="utf-8").endswith("Eigener Text.\n")


def test_new_draft_passes_the_content_check(project, capsys, context):
    tasks.new(context, "Ein neuer Gedanke")
    tasks.check(context)
    assert capsys.readouterr().out.splitlines()[-1] == "0 Fehler, 0 Hinweise"


def test_check_names_file_line_and_fix_and_fails_on_errors(project, capsys, context):
    (project / "content/articles/erster.md").write_text("Title: Erster\nDate: gestern\n\nText.\n", encoding="utf-8")
    (project / "content/articles/zweiter.md").write_text(
        "Title: Zweiter\nDate: 2024-03-05\nCategory: Strategie\n\nText ohne Zusammenfassung.\n", encoding="utf-8"
    )
    with pytest.raises(Exit) as failure:
        tasks.check(context)
    assert failure.value.code == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(
        "content/articles/erster.md:2: Fehler: Date: „gestern“ ist kein Datum; schreiben Sie z. B. "
        "„2024-03-05 09:05“ oder „05.03.2024 09:05“"
    )
    assert out[1].endswith(
        "content/articles/zweiter.md:1: Hinweis: „Summary:“ fehlt: ein bis zwei Sätze für Übersicht, Feeds "
        "und Vorschau."
    )
    assert out[2:] == ["1 Fehler, 1 Hinweis"]


def test_build_replaces_output_and_a_failed_build_keeps_the_old_one(project, context, capfd):
    tasks.build(context)
    printed = capfd.readouterr()
    assert re.fullmatch(r"1 Artikel, 0 Entwürfe, 0 Seiten in \d+,\d s\nWebsite gebaut: .*\n", printed.out), printed.out
    assert printed.err == ""  # nothing of Pelican's English ("Done: Processed …")
    page = project / "output/erster-beitrag/index.html"
    assert "Erster Beitrag" in page.read_text(encoding="utf-8")
    (project / "content/articles/erster.md").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(Exit, match="unverändert"):
        tasks.build(context)
    assert "Erster Beitrag" in page.read_text(encoding="utf-8")
    assert not list(project.glob("output.releases/.neu-*"))  # no staging directory left


def test_build_refuses_a_site_with_a_broken_internal_link(project, capfd, context):
    tasks.build(context)
    before = (project / "output/erster-beitrag/index.html").read_text(encoding="utf-8")
    (project / "content/articles/erster.md").write_text(
        textwrap.dedent(GOOD).lstrip() + "\nSiehe [Über](../gibt-es-nicht/) und [Fazit](#fazit).\n", encoding="utf-8"
    )
    with pytest.raises(Exit, match="unverändert: 2 Fehler"):
        tasks.build(context)
    printed = capfd.readouterr().err.splitlines()  # the build's child process writes them
    assert "content/articles/erster.md:8: Fehler: Link „../gibt-es-nicht/“ führt ins Leere (Datei fehlt)." in printed
    assert "content/articles/erster.md:8: Fehler: Link „#fazit“ führt ins Leere (kein Anker „fazit“" in printed[-1]
    assert (project / "output/erster-beitrag/index.html").read_text(encoding="utf-8") == before


def test_the_namespace_keeps_every_command_the_readme_names():
    names = set(tasks.ns.task_names)
    author = {"new", "check", "build", "rebuild", "clean", "serve", "livereload", "publish", "recommend", "bench"}
    comments = {f"comments.{name}" for name in ("list", "show", "approve", "reject", "reply", "delete", "serve")}
    assert author | comments | {"import-wordpress", "qa.audit", "qa.screenshots"} <= names
    assert tasks.ns.configuration()["blog"]["content"].endswith("/content")


def test_a_context_with_other_paths_reaches_every_path_the_tasks_use(tmp_path):
    from tasks.project import blog

    paths = blog(blog_context(content=tmp_path / "c", output=tmp_path / "o", port=8123))
    assert (paths.content, paths.output, paths.port) == (tmp_path / "c", tmp_path / "o", 8123)
    assert paths.settings.name == "pelicanconf.py"
    with pytest.raises(TypeError, match="no blog setting outptu"):
        blog_context(outptu=tmp_path)


def test_comment_list_shows_times_in_the_sites_timezone(tmp_path, monkeypatch, capsys):
    from zoneinfo import ZoneInfo

    from comments.queue import CommentQueue

    from theme.filters import german_datetime

    monkeypatch.delenv("COMMENTS_DB", raising=False)
    monkeypatch.delenv("COMMENTS_REMOTE", raising=False)
    queue = tmp_path / "queue.sqlite3"
    settings = tmp_path / "settings.py"
    (tmp_path / "content").mkdir()
    settings.write_text(
        f'from pelicanconf import *\nTIMEZONE = "Pacific/Kiritimati"\nCOMMENTS_DB = "{queue}"\n', encoding="utf-8"
    )
    CommentQueue(queue).add(article="beitrag", author="Lea", email="lea@example.org", url=None, body="Danke!")
    entry = CommentQueue(queue).entries("pending")[0]
    tasks.ns.collections["comments"]["list"](blog_context(settings=settings, content=tmp_path / "content"))
    out = capsys.readouterr().out
    assert german_datetime(entry.created_at.astimezone(ZoneInfo("Pacific/Kiritimati"))) in out  # UTC+14
    assert german_datetime(entry.created_at.astimezone(ZoneInfo("Europe/Berlin"))) not in out


def test_the_link_check_skips_the_configured_intake_path_and_link_check_ignore():
    from tasks.project import intake_mount, link_check_ignore

    settings = {"PATH": "content", "COMMENTS": {"intake_path": "annahme/"}, "LINK_CHECK_IGNORE": ["/api/"]}
    assert intake_mount(settings) == "/annahme/"
    assert link_check_ignore(settings) == ["/annahme/", "/api/"]


# Words that give an English description away (none of them is German).
ENGLISH = re.compile(r"\b(?:the|and|of|to|with|from|every|show|create|run|move|approve|reject|delete)\b", re.I)


def test_every_task_is_described_in_german():
    listing = subprocess.run(
        [sys.executable, "-m", "invoke", "--list"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    # the description column, without names of tasks and files (comments.approve, publishconf.py)
    descriptions = [re.sub(r"\S+\.\S+", "", line[19:]) for line in listing.splitlines() if line.startswith("  ")]
    assert len(descriptions) > 20
    assert not [line for line in descriptions if ENGLISH.search(line)]
