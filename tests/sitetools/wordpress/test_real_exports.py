"""Real WXR files of WordPress' own importer and theme tests (data/README.md): each one WordPress imports
imports here too and builds with publishconf and --fatal errors; the ones WordPress refuses are refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from helpers import ROOT, Site
from pelican.settings import read_settings

from sitetools.wordpress import ImportError_, WordPressImport

DATA = Path(__file__).resolve().parent / "data"
REFUSED_BY_WORDPRESS = {
    "malformed.xml": "kein lesbares XML",
    "malformed-simple.xml": "kein lesbares XML",
    "crazy-cdata.xml": "kein lesbares XML",
    "missing-version-tag.xml": "keine WordPress-Exportdatei",
    "invalid-version-tag.xml": "keine gültige WXR-Version",
}
IMPORTED = sorted(p.name for p in DATA.glob("*.xml") if p.name not in REFUSED_BY_WORDPRESS)
# The theme unit test export twice (the importer's copy and the official one) would double the build time.
BUILT = [name for name in IMPORTED if name != "theme-unit-test-data.xml"]
SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))


def field(element, name: str) -> str:
    """The text of the first child with that name in a WordPress export namespace (any version, http or https)."""
    for child in element:
        if re.fullmatch(rf"\{{https?://wordpress\.org/export/1\.[0-2]/\}}{name}", child.tag):
            return (child.text or "").strip()
    return ""


def expected(path: Path) -> tuple[set[str], set[str], set[str], set[str]]:
    """Read independently: ids of published posts and pages, of approved comments on them, of approved
    comments on every imported item (drafts keep theirs for later), and every e-mail or IP value."""
    published, shown, approved, private, _ = read_export(path)
    return published, shown, approved, private


def read_export(path: Path) -> tuple[set[str], set[str], set[str], set[str], dict[str, str]]:
    """What expected() says, and the parent of each approved reply to an approved comment."""
    root = ElementTree.parse(path).getroot()
    published, shown, approved, private, parents = set(), set(), set(), set(), {}
    for item in root.iter("item"):
        status = field(item, "status")
        if field(item, "post_type") not in ("post", "page") or status == "trash":
            continue
        public = status == "publish" and not field(item, "post_password")
        if public:
            published.add(field(item, "post_id"))
        for comment in (c for c in item if c.tag.endswith("}comment")):
            kind = field(comment, "comment_type") or "comment"
            if field(comment, "comment_approved") == "1" and kind in ("comment", "pingback", "trackback"):
                approved.add(field(comment, "comment_id"))
                parents[field(comment, "comment_id")] = field(comment, "comment_parent")
                if public:
                    shown.add(field(comment, "comment_id"))
    for element in root.iter():
        if re.search(r"\}(author_email|comment_author_email|comment_author_IP)$", element.tag) and element.text:
            private.add(element.text.strip())
    parents = {child: parent for child, parent in parents.items() if parent in approved}
    return published, shown, approved, private, parents


def run_import(export: Path, tmp_path: Path) -> WordPressImport:
    importer = WordPressImport(export, tmp_path / "content", SETTINGS, deploy=tmp_path / "deploy")
    importer.plan()
    importer.write()
    return importer


def written(tmp_path: Path) -> dict[Path, bytes]:
    return {
        p: p.read_bytes() for folder in ("content", "deploy") for p in (tmp_path / folder).rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("name", sorted(REFUSED_BY_WORDPRESS))
def test_files_wordpress_refuses_are_refused_with_nothing_written(tmp_path, name):
    with pytest.raises(ImportError_, match=REFUSED_BY_WORDPRESS[name]):
        run_import(DATA / name, tmp_path)
    assert not (tmp_path / "content").exists() and not (tmp_path / "deploy").exists()


@pytest.mark.parametrize("name", IMPORTED)
def test_every_published_post_page_and_approved_comment_arrives_without_private_data(tmp_path, name):
    published, _, approved, private = expected(DATA / name)
    run_import(DATA / name, tmp_path)
    content = tmp_path / "content"
    ids = {}
    for path in [*content.glob("articles/*.md"), *content.glob("pages/*.md")]:
        text = path.read_text(encoding="utf-8")
        if not re.search(r"^Status: draft$", text, re.M):
            ids[re.search(r"^Wordpress_id: (\d+)$", text, re.M)[1]] = path
    assert published <= set(ids), sorted(published - set(ids))
    assert {p.stem.removeprefix("wp") for p in content.glob("comments/*/wp*.md")} == approved
    files = written(tmp_path)
    for path, data in files.items():
        text = data.decode("utf-8", errors="replace")
        assert not [value for value in private if value in text], path
    again = run_import(DATA / name, tmp_path)
    assert again.summary.counts["written"] == 0 and written(tmp_path) == files


@pytest.mark.parametrize("name", BUILT)
def test_the_imported_site_builds_with_fatal_errors_and_shows_every_comment(tmp_path, name):
    _, approved, _, _, parents = read_export(DATA / name)
    run_import(DATA / name, tmp_path)
    (tmp_path / "content/articles").mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pelican", str(tmp_path / "content"), "-s", str(ROOT / "publishconf.py"),
               "-o", str(tmp_path / "out"), "--fatal", "errors"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    site = Site(tmp_path / "out")
    shown = set()
    for page in site.files("**/index.html"):
        found = set(re.findall(r'id="comment-wp(\d+)"', page.read_text(encoding="utf-8")))
        shown |= found
        if not found & set(parents):
            continue
        html = site.html(page.relative_to(site.output).as_posix())
        for child in found & set(parents):
            reply, parent = html.select_one(f"#comment-wp{child}"), html.select_one(f"#comment-wp{parents[child]}")
            holder = reply.find_parent("li", class_="comment")  # the parent, or its ancestor past five levels
            assert holder is parent or holder in parent.parents, (page, child)
    assert shown == approved
    for source in (tmp_path / "content").glob("*/*.md"):
        text = source.read_text(encoding="utf-8")
        if "\nStatus: draft\n" not in text:
            slug = re.search(r"^Slug: (\S+)$", text, re.M)[1]
            page = site.html(f"{slug}/index.html")
            has_form = bool(page.select('form input[name="article"]'))
            assert has_form == ("\nComments: closed\n" not in text), source  # a form exactly where WordPress had one
    hrefs = " ".join(
        re.findall(r'href="([^"]*)"', "".join(p.read_text(encoding="utf-8") for p in site.files("**/*.html")))
    )
    assert not re.search(r"(?i)\b(javascript|vbscript|data):", hrefs)
