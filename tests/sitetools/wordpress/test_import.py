"""invoke import-wordpress: a WordPress export becomes content/, comments and old URLs included."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from comments.queue import CommentQueue
from helpers import ROOT, Site, run_pelican_cli
from pelican.settings import read_settings

from sitetools.linkcheck import check_site
from sitetools.wordpress import ImportError_, WordPressImport

HERE = Path(__file__).resolve().parent
EXPORT = HERE / "export.xml"
UPLOADS = HERE / "uploads"
# Every e-mail and IP address the export holds: none may appear in what the import or the build writes.
PRIVATE = re.compile(
    "|".join(
        re.escape(value)
        for value in re.findall(
            r"<wp:(?:comment_)?(?:author_)?(?:email|IP)><!\[CDATA\[([^\]]+)\]\]>", EXPORT.read_text()
        )
    )
)


def run_import(tmp_path: Path, export: Path = EXPORT, **options) -> WordPressImport:
    """Import export into tmp_path/content (deploy lists into tmp_path/deploy)."""
    importer = WordPressImport(
        export, tmp_path / "content", read_settings(str(ROOT / "pelicanconf.py")), uploads=UPLOADS,
        deploy=tmp_path / "deploy", **options,
    )  # fmt: skip
    importer.plan()
    importer.write()
    importer.queue_pending(CommentQueue(tmp_path / "queue.sqlite3"))
    return importer


def meta(path: Path) -> dict[str, str]:
    """The metadata lines of a Markdown file."""
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in header.splitlines())


@pytest.fixture
def imported(tmp_path) -> Path:
    run_import(tmp_path)
    return tmp_path / "content"


def test_posts_keep_title_dates_author_terms_summary_and_slug(imported):
    post = meta(imported / "articles/groesse-zaehlt-nicht.md")
    assert post["Title"] == "Was kleine Betriebe über Größe wissen sollten"
    assert post["Date"] == "2013-12-02T10:15:00+01:00"
    assert post["Modified"] == "2014-07-01T12:00:00+02:00"  # summer time
    assert (post["Author"], post["Category"], post["Tags"]) == ("Katrin Albrecht", "Strategie & Planung", "Größe")
    assert post["Summary"] == "Warum Größe allein nichts entscheidet."
    assert post["Image"] == "images/2013/12/titelbild.png" and post["Image_alt"] == "Gelbes Titelbild"
    assert (imported / "images/2013/12/titelbild.png").read_bytes() == (UPLOADS / "2013/12/titelbild.png").read_bytes()
    assert meta(imported / "pages/ueber-mich.md")["Title"] == "Über mich"


def test_drafts_and_private_posts_are_drafts_and_trash_is_dropped(imported):
    assert meta(imported / "articles/ein-entwurf.md")["Status"] == "draft"
    assert meta(imported / "articles/privat.md")["Status"] == "draft"  # never "hidden": Pelican writes those
    assert not list(imported.rglob("*muell*"))


def test_bodies_become_clean_markdown(imported):
    classic = (imported / "articles/groesse-zaehlt-nicht.md").read_text(encoding="utf-8")
    block = (imported / "articles/zweiter-beitrag.md").read_text(encoding="utf-8")
    for text in (classic, block):
        assert not re.search(r"<!--|\[/?(caption|gallery|embed)|<iframe|&amp;|&quot;", text)
    assert 'Betriebe mit "großen" Plänen.\n\nEin zweiter Absatz' in classic  # autop: blank line = paragraph
    assert (
        "![Das Team am Tisch]({static}/images/2013/12/team.jpg)\n\n/// caption\nUnser Team bei der Planung\n///"
        in classic
    )
    assert "[einem Link auf den zweiten Beitrag]({filename}/articles/zweiter-beitrag.md)" in classic
    assert "<https://www.youtube.com/watch?v=abc123>" in classic  # embeds stay plain links
    assert "[Bild: Fehlendes Bild](https://alt.beispiel.de/wp-content/uploads/2013/12/fehlt.jpg)" in classic
    assert "**fettem** Text & Entitäten" in block and "## Maße, die zählen" in block
    assert "[ersten Beitrag]({filename}/articles/groesse-zaehlt-nicht.md)" in block


def test_comments_keep_their_thread_the_author_mark_and_pingbacks(imported, tmp_path):
    folder = imported / "comments/groesse-zaehlt-nicht"
    assert sorted(p.name for p in folder.iterdir()) == ["wp11.md", "wp12.md", "wp13.md"]
    assert meta(folder / "wp12.md") | {"Date": ""} == {
        "Author": "Katrin Albrecht", "Date": "", "Url": "https://alt.beispiel.de/", "Reply_to": "wp11",
        "Type": "comment", "Site_author": "true",
    }  # fmt: skip
    assert meta(folder / "wp13.md")["Type"] == "pingback"
    pending = CommentQueue(tmp_path / "queue.sqlite3").entries("pending")
    assert [(e.author, e.email) for e in pending] == [("Petra Wartend", None)]


def test_no_email_ip_or_spam_is_written_anywhere(imported, tmp_path):
    for path in [*imported.rglob("*.md"), *(tmp_path / "deploy").iterdir(), imported / "redirects.txt"]:
        text = path.read_text(encoding="utf-8")
        assert not PRIVATE.search(text), path
        assert "Kaufen Sie jetzt" not in text and "Im Papierkorb" not in text


def test_a_second_run_changes_nothing(imported, tmp_path):
    before = {
        p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file() and "queue" not in p.name
    }
    again = run_import(tmp_path)
    assert again.summary.counts["written"] == 0
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in before} == before
    assert len(CommentQueue(tmp_path / "queue.sqlite3").entries("pending")) == 1


def test_an_edited_file_is_never_overwritten_without_force(imported, tmp_path):
    post = imported / "articles/zweiter-beitrag.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nVon Hand ergänzt.\n", encoding="utf-8")
    (imported / "articles/groesse-zaehlt-nicht.md").unlink()
    with pytest.raises(ImportError_, match=r"zweiter-beitrag\.md gibt es schon"):
        run_import(tmp_path)
    assert not (imported / "articles/groesse-zaehlt-nicht.md").exists()  # all or nothing
    run_import(tmp_path, force=True)
    assert "Von Hand" not in post.read_text(encoding="utf-8")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><title>&lol3;</title></channel></rss>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&xxe;</title></channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Ein Feed</title></feed>"""


@pytest.mark.parametrize(
    "text, reason",
    [
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL, "DTD"),
        (ATOM, "keine WordPress-Exportdatei"),
        ("<rss><chan", "kein lesbares XML"),
    ],
)
def test_hostile_or_foreign_files_are_refused_quickly_with_nothing_written(tmp_path, text, reason):
    export = tmp_path / "export.xml"
    export.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ImportError_, match=reason):
        run_import(tmp_path, export=export)
    assert time.perf_counter() - started < 5  # generous: a billion laughs would take minutes or memory
    assert not (tmp_path / "content").exists() and not (tmp_path / "deploy").exists()


def test_imported_site_builds_with_thread_redirects_and_no_private_data(imported, tmp_path):
    result = run_pelican_cli(imported, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    site = Site(tmp_path / "out")
    assert check_site(site.output, "http://127.0.0.1:8000", ["/kommentare/"]) == []
    section = site.html("groesse-zaehlt-nicht/index.html").select_one("#kommentare")
    assert section.select_one("#comment-wp11") and section.select_one("#comment-wp12")
    assert "Werkstattblog » Social Media mit Maß" in section.get_text()
    redirect = site.html("2013/12/groesse-zaehlt-nicht/index.html")
    assert redirect.select_one('meta[http-equiv="refresh"]')["content"] == "0; url=../../../groesse-zaehlt-nicht/"
    assert redirect.select_one('meta[name="robots"]')["content"] == "noindex"
    assert (
        site.html("category/strategie/index.html").select_one("a")["href"].endswith("kategorie/strategie-und-planung/")
    )
    assert not (site.output / "privat").exists()
    for path in site.files("**/*.html"):
        assert not PRIVATE.search(path.read_text(encoding="utf-8")), path


def test_deploy_holds_redirect_lists_for_nginx_and_redirects_hosts(imported, tmp_path):
    nginx = (tmp_path / "deploy/redirects-nginx.conf").read_text(encoding="utf-8")
    assert "location = /2013/12/groesse-zaehlt-nicht/ { return 301 /groesse-zaehlt-nicht/; }" in nginx
    assert "if ($arg_p = 101) { return 301 /groesse-zaehlt-nicht/; }" in nginx
    lines = (tmp_path / "deploy/_redirects").read_text(encoding="utf-8").splitlines()
    assert "/ p=102 /zweiter-beitrag/ 301" in lines and "/tag/groesse/ /schlagwort/groesse/ 301" in lines


def test_invoke_task_imports_reports_in_german_and_a_second_run_writes_nothing(tmp_path):
    env = {**os.environ, "COMMENTS_DB": str(tmp_path / "queue.sqlite3")}
    command = [sys.executable, "-m", "invoke", "import-wordpress", str(EXPORT), "--uploads", str(UPLOADS),
               "--content", str(tmp_path / "content")]  # fmt: skip
    first = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert first.returncode == 0, first.stderr
    assert "4 Beiträge (2 davon als Entwurf), 1 Seite" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert second.returncode == 0 and "geschrieben: 0 Dateien" in second.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "invoke", "comments.list"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert "Petra Wartend" in listing.stdout


def test_dry_run_writes_nothing(tmp_path):
    command = [sys.executable, "-m", "invoke", "import-wordpress", str(EXPORT), "--dry-run",
               "--content", str(tmp_path / "content")]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COMMENTS_DB": str(tmp_path / "q")}
    )
    assert result.returncode == 0 and result.stdout.startswith("Probelauf")
    assert not (tmp_path / "content").exists() and not (tmp_path / "q").exists()
