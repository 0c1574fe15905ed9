"""The importer on exports written the way real blogs are: one small export of our own per behaviour."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from comments.queue import CommentQueue
from helpers import ROOT, Site, run_pelican_cli
from pelican.settings import read_settings

from sitetools.wordpress import ImportError_, WordPressImport, autop
from sitetools.wordpress import files as wp_files

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
WP12 = "http://wordpress.org/export/1.2/"


def comment(wp_id="11", content="Guter Beitrag.", approved="1", author="Petra Leserin", url="", parent="0",
            date="2014-01-09 15:04:05", kind="", user_id="0") -> str:  # fmt: skip
    """One <wp:comment> (date in UTC; an empty date leaves both date fields out)."""
    dates = f"<wp:comment_date>{date}</wp:comment_date><wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
    return (
        f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id><wp:comment_author><![CDATA[{author}]]>"
        "</wp:comment_author><wp:comment_author_email>leserin@privat.example</wp:comment_author_email>"
        f"<wp:comment_author_url><![CDATA[{url}]]></wp:comment_author_url>"
        "<wp:comment_author_IP>192.0.2.77</wp:comment_author_IP>"
        f"{dates if date else ''}<wp:comment_content><![CDATA[{content}]]></wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>{user_id}</wp:comment_user_id>"
        "</wp:comment>"
    )


def item(wp_id="101", title="Ein Beitrag", name="ein-beitrag", content="Text.", kind="post", status="publish",
         date="2014-01-09 13:03:56", link="", extra="", comments="") -> str:  # fmt: skip
    """One <item> (date in UTC)."""
    link = link or f"https://alt.example/2014/01/{name}/"
    return (
        f"<item><title><![CDATA[{title}]]></title><link>{link}</link><dc:creator>autorin</dc:creator>"
        f'<guid isPermaLink="false">https://alt.example/?p={wp_id}</guid>'
        f"<content:encoded><![CDATA[{content}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
        f"<wp:post_id>{wp_id}</wp:post_id><wp:post_date>{date}</wp:post_date>"
        f"<wp:post_date_gmt>{date}</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>"
        f"<wp:post_name><![CDATA[{name}]]></wp:post_name><wp:status>{status}</wp:status>"
        f"<wp:post_type>{kind}</wp:post_type><wp:post_password></wp:post_password>{extra}{comments}</item>"
    )


def export(*items: str, wp: str = WP12, version: str = "1.2") -> str:
    """A WXR document with the given items, declaring wp (and excerpt below it) as its namespace."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:excerpt="{wp}excerpt/" '
        f'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="{wp}"><channel><title>Altes Blog</title><link>https://alt.example</link>'
        f"<wp:wxr_version>{version}</wp:wxr_version><wp:base_blog_url>https://alt.example</wp:base_blog_url>"
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>autorin</wp:author_login>"
        "<wp:author_display_name>Anna Autorin</wp:author_display_name></wp:author>"
        + "".join(items)
        + "</channel></rss>"
    )


def run(tmp_path: Path, xml: str, uploads: Path | None = None, write: bool = True, **options) -> WordPressImport:
    """Plan (and write) an import of xml into tmp_path/content, lists into tmp_path/deploy."""
    path = tmp_path / "export.xml"
    path.write_text(xml, encoding="utf-8")
    importer = WordPressImport(path, tmp_path / "content", SETTINGS, uploads=uploads, deploy=tmp_path / "deploy",
                               **options)  # fmt: skip
    importer.plan()
    if write:
        importer.write()
    return importer


def meta(path: Path) -> dict[str, str]:
    """The metadata lines of a Markdown file."""
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in header.splitlines())


def body(path: Path) -> str:
    """The Markdown text below the metadata."""
    return path.read_text(encoding="utf-8").split("\n\n", 1)[1]


def snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file below folder with its bytes."""
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} if folder.exists() else {}


# --- exports that were refused or broke the build ----------------------------------------------------


@pytest.mark.parametrize(
    "wp, version",
    [("https://wordpress.org/export/1.2/", "1.2"), ("http://wordpress.org/export/1.1/", "1.1"),
     ("http://wordpress.org/export/1.0/", "1.0")],
)  # fmt: skip
def test_every_wxr_namespace_real_exports_declare_is_read(tmp_path, wp, version):
    run(tmp_path, export(item(extra="<category domain=\"post_tag\" nicename=\"x\">Werkzeug</category>"),
                         wp=wp, version=version))  # fmt: skip
    post = meta(tmp_path / "content/articles/ein-beitrag.md")
    assert post["Title"] == "Ein Beitrag" and post["Tags"] == "Werkzeug" and post["Author"] == "Anna Autorin"


def test_one_broken_item_is_named_in_the_singular(tmp_path):
    with pytest.raises(ImportError_, match=r"\AEin Eintrag der Exportdatei lässt sich nicht übernehmen:\n  - Beitrag"):
        run(tmp_path, export(item(date="2014-02-30 10:00:00")))


def test_an_invalid_wxr_version_is_refused_like_wordpress_does(tmp_path):
    with pytest.raises(ImportError_, match=r"keine gültige WXR-Version \(„abc“\)"):
        run(tmp_path, export(item(), version="abc"))


def test_double_slash_links_and_greek_names_give_clean_redirects_and_readable_slugs(tmp_path):
    greek = item("1810", "Επίπεδο 1", "%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-1", kind="page",
                 link="https://alt.example//greek/%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-1/")  # fmt: skip
    cyrillic = item("102", "Привет, мир", "2")
    chinese = item("103", "北京欢迎你", "")
    run(tmp_path, export(greek, cyrillic, chinese))
    page = meta(tmp_path / "content/pages/epipedo-1.md")
    assert page["Redirect_from"] == "/greek/επίπεδο-1/"  # one slash; a file path the redirect page can live at
    assert meta(tmp_path / "content/articles/privet-mir.md")["Slug"] == "privet-mir"  # never the bare "2"
    assert meta(tmp_path / "content/articles/bei-jing-huan-ying-ni.md")["Title"] == "北京欢迎你"
    lines = (tmp_path / "deploy/_redirects").read_text(encoding="utf-8").splitlines()
    assert "/greek/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-1/ /epipedo-1/ 301" in lines
    nginx = (tmp_path / "deploy/redirects-nginx.conf").read_text(encoding="utf-8")
    assert 'location = "/greek/επίπεδο-1/" { return 301 /epipedo-1/; }' in nginx  # nginx matches decoded paths
    result = run_pelican_cli(tmp_path / "content", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    redirect = Site(tmp_path / "out").html("greek/επίπεδο-1/index.html")
    assert redirect.select_one('meta[http-equiv="refresh"]')["content"] == "0; url=../../epipedo-1/"


def test_broken_items_are_each_named_in_german_and_nothing_is_written(tmp_path):
    deep = "<div>" * 3000 + "tief" + "</div>" * 3000
    xml = export(
        item("1", "Falsches Datum", "a", date="2013-13-45 10:00:00"),
        item("2", "Ohne Kommentardatum", "b", comments=comment("5", date="")),
        item("3", "Tief verschachtelt", "c", content=deep),
        item("4", "In Ordnung", "d"),
    )
    with pytest.raises(ImportError_) as refused:
        run(tmp_path, xml)
    message = str(refused.value)
    assert message.startswith("3 Einträge der Exportdatei lassen sich nicht übernehmen")
    assert "„Falsches Datum“ (ID 1): das Datum „2013-13-45 10:00:00“ ist kein gültiges Datum" in message
    assert "„Ohne Kommentardatum“ (ID 2), Kommentar 5: der Kommentar hat kein Datum" in message
    assert "„Tief verschachtelt“ (ID 3): der Text ist mehr als 200 Ebenen tief verschachtelt" in message
    assert "In Ordnung" not in message and "Traceback" not in message
    assert not (tmp_path / "content").exists() and not (tmp_path / "deploy").exists()


# --- content as readers saw it ------------------------------------------------------------------------


def test_classic_posts_keep_paragraphs_and_line_breaks_even_beside_block_tags(tmp_path):
    text = (
        "Erster Absatz\nmit neuer Zeile.\n\nZweiter Absatz.\n<h2>Eine Überschrift</h2>\nDritter Absatz.\n\n"
        "<ul>\n<li>Punkt</li>\n</ul>"
    )
    run(tmp_path, export(item(content=text)))
    assert body(tmp_path / "content/articles/ein-beitrag.md") == (
        "Erster Absatz  \nmit neuer Zeile.\n\nZweiter Absatz.\n\n## Eine Überschrift\n\nDritter Absatz.\n\n- Punkt\n"
    )


def test_autop_follows_wordpress_rules():
    assert autop("a\nb\n\nc") == "<p>a<br />\nb</p>\n<p>c</p>\n"
    assert autop("<h2>T</h2>\ntext") == "<h2>T</h2>\n<p>text</p>\n"
    assert autop('<a href="x"\ntitle="y">l</a>') == '<p><a href="x"\ntitle="y">l</a></p>\n'  # newline in a tag
    assert autop("<pre>a\n\nb</pre>") == "<pre>a\n\nb</pre>\n"
    assert autop("<blockquote>Zitat</blockquote>") == "<blockquote><p>Zitat</p></blockquote>\n"


def test_block_editor_posts_are_not_autopd(tmp_path):
    text = "<!-- wp:paragraph -->\n<p>Eins\nzwei</p>\n<!-- /wp:paragraph -->"
    run(tmp_path, export(item(content=text)))
    assert body(tmp_path / "content/articles/ein-beitrag.md").strip() == "Eins\nzwei"


def test_removed_shortcodes_and_the_more_tag_keep_paragraphs_apart_and_are_listed(tmp_path):
    text = 'Vor der Galerie.\n[gallery ids="1,2"]\nNach der Galerie.<!--more-->Nach dem Weiterlesen.'
    importer = run(tmp_path, export(item(content=text)))
    markdown = body(tmp_path / "content/articles/ein-beitrag.md")
    assert "Vor der Galerie.\n\nNach der Galerie.\n\nNach dem Weiterlesen." in markdown
    assert '„Ein Beitrag“: entfernt: <!--more-->, [gallery ids="1,2"]' in importer.summary.notes


def test_seconds_are_kept_and_closed_comments_stay_closed(tmp_path):
    closed = item("2", "Zweiter", "zweiter", date="2014-01-09 00:03:47").replace(
        "<wp:comment_status>open", "<wp:comment_status>closed"
    )
    run(tmp_path, export(item(), closed))
    assert meta(tmp_path / "content/articles/ein-beitrag.md")["Date"] == "2014-01-09T14:03:56+01:00"
    second = meta(tmp_path / "content/articles/zweiter.md")
    assert second["Date"] == "2014-01-09T01:03:47+01:00" and second["Comments"] == "closed"
    assert "Comments" not in meta(tmp_path / "content/articles/ein-beitrag.md")


def test_pending_comments_keep_their_wordpress_date(tmp_path):
    importer = run(tmp_path, export(item(comments=comment(approved="0"))))
    queue = CommentQueue(tmp_path / "queue.sqlite3")
    importer.queue_pending(queue)
    [entry] = queue.entries("pending")
    assert (entry.author, entry.created_at.isoformat()) == ("Petra Leserin", "2014-01-09T15:04:05+00:00")
    assert not queue.purge(30)  # retention counts from the import, not from 2014
    env = {**os.environ, "COMMENTS_DB": str(tmp_path / "queue.sqlite3")}
    listing = subprocess.run([sys.executable, "-m", "invoke", "comments.list"], capture_output=True, text=True,
                             cwd=ROOT, env=env)  # fmt: skip
    assert "Petra Leserin" in listing.stdout and "9. Januar 2014" in listing.stdout, listing.stdout + listing.stderr


FEATURED = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>900</wp:meta_value></wp:postmeta>"
ATTACHMENT = (
    "<item><title>Titelbild</title><wp:post_id>900</wp:post_id><wp:post_type>attachment</wp:post_type>"
    "<wp:attachment_url>https://alt.example/wp-content/uploads/2014/01/titel.jpg</wp:attachment_url>"
    "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Ein Hafen</wp:meta_value>"
    "</wp:postmeta></item>"
)


def test_the_featured_image_is_not_shown_twice_and_its_caption_credit_is_used(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2014/01").mkdir(parents=True)
    (uploads / "2014/01/titel.jpg").write_bytes(b"jpeg")
    text = ('[caption id="attachment_900" width="300"]<img src="https://alt.example/wp-content/uploads/2014/01/'
            'titel-300x200.jpg" alt="Ein Hafen" /> Foto: Jana Lichtbild[/caption]\n\nDer Text.')  # fmt: skip
    run(tmp_path, export(item(content=text, extra=FEATURED), ATTACHMENT), uploads=uploads)
    post = tmp_path / "content/articles/ein-beitrag.md"
    assert meta(post)["Image"] == "images/2014/01/titel.jpg" and meta(post)["Image_credit"] == "Jana Lichtbild"
    assert body(post).strip() == "Der Text."


def test_comment_text_becomes_what_the_comment_renderer_supports(tmp_path):
    text = 'Das ist <del>falsch</del> richtig. <img src="https://bild.example/a.png" alt="Ein Diagramm" />'
    run(tmp_path, export(item(comments=comment(content=text))))
    assert body(tmp_path / "content/comments/ein-beitrag/wp11.md").strip() == (
        "Das ist ~~falsch~~ richtig. [Ein Diagramm](https://bild.example/a.png)"
    )


def test_settings_decide_the_new_addresses(tmp_path):
    settings = {**SETTINGS, "ARTICLE_URL": "{date:%Y}/{slug}.html", "TAG_URL": "tags/{slug}/"}
    path = tmp_path / "export.xml"
    tagged = item(extra='<category domain="post_tag" nicename="werkzeug">Werkzeug</category>')
    term = "<wp:tag><wp:tag_slug>werkzeug</wp:tag_slug><wp:tag_name>Werkzeug</wp:tag_name></wp:tag>"
    path.write_text(export(tagged).replace("</wp:author>", "</wp:author>" + term), encoding="utf-8")
    importer = WordPressImport(path, tmp_path / "content", settings, deploy=tmp_path / "deploy")
    importer.plan()
    assert importer.redirects["?p=101"] == "/2014/ein-beitrag.html"
    assert importer.redirects["/tag/werkzeug/"] == "/tags/werkzeug/"


# --- nothing written outside content/, nothing forged -----------------------------------------------


def test_traversal_in_ids_writes_nothing_outside_and_names_each_refused_id(tmp_path):
    victim = tmp_path / "x.md"
    victim.write_text("bleibt", encoding="utf-8")
    xml = export(
        item(comments=comment("1/../../../../x") + comment("12")),
        item("5/../../evil", "Böse", "boese"),
    )
    importer = run(tmp_path, xml)
    assert victim.read_text(encoding="utf-8") == "bleibt"
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"x.md", "export.xml", "content/articles/ein-beitrag.md", "content/comments/ein-beitrag/wp12.md",
                       "deploy/_redirects", "deploy/redirects-nginx.conf"}  # fmt: skip
    report = importer.summary.report(False)
    assert "Kommentar mit ungültiger ID „1/../../../../x“ nicht übernommen" in report
    assert "„Böse“ nicht übernommen: die WordPress-ID „5/../../evil“ ist keine Zahl" in report


def test_line_breaks_in_any_field_never_forge_metadata(tmp_path):
    forged = "https://m.example\nSite_author: true\nNote: gefälscht"
    xml = export(item(title="Titel\nStatus: draft", comments=comment(url=forged, author="Eva\nSite_author: true")))
    importer = run(tmp_path, xml)
    post = meta(tmp_path / "content/articles/ein-beitrag.md")
    assert post["Title"] == "Titel Status: draft" and "Status" not in post
    entry = meta(tmp_path / "content/comments/ein-beitrag/wp11.md")
    assert "Site_author" not in entry and "Url" not in entry and "Note" not in entry
    assert entry["Author"] == "Eva Site_author: true"
    assert any("Webadresse „https://m.example\\nSite_author: true" in n for n in importer.summary.notes)


@pytest.mark.parametrize("url", ['https://jana.example/mein blog', 'https://x.example/"onmouseover', "https://x.example/<b>"])
def test_author_urls_the_build_refuses_are_dropped_and_listed(tmp_path, url):
    importer = run(tmp_path, export(item(comments=comment(url=url))))
    assert "Url" not in meta(tmp_path / "content/comments/ein-beitrag/wp11.md")
    assert any("Webadresse" in note for note in importer.summary.notes)


def test_author_urls_are_normalised_like_the_intake_does(tmp_path):
    run(tmp_path, export(item(comments=comment(url="HTTPS://Bäcker.Example/Über"))))
    assert meta(tmp_path / "content/comments/ein-beitrag/wp11.md")["Url"] == "https://xn--bcker-gra.example/%C3%9Cber"


def test_uploads_symlinks_pointing_outside_are_never_followed(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2014").mkdir(parents=True)
    secret = tmp_path / "geheim"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0", encoding="utf-8")
    (uploads / "2014/linkdir").symlink_to(secret)
    text = '<img src="https://alt.example/wp-content/uploads/2014/linkdir/passwd" alt="x" />'
    importer = run(tmp_path, export(item(content=text)), uploads=uploads)
    assert not (tmp_path / "content/images").exists()
    assert any("linkdir/passwd nicht kopiert" in n for n in importer.summary.notes)


def test_script_and_data_links_lose_the_link_keep_the_text_and_are_listed(tmp_path):
    text = (
        '<a href="javascript:alert(1)">Klick</a> <a href=" JaVa&#x09;script:x">Zwei</a> '
        '<a href="data:text/html,x">Drei</a> <a href="vbscript:x">Vier</a> '
        '&lt;a href="javascript:y"&gt;roh&lt;/a&gt; [Text](javascript:z)'
    )
    importer = run(tmp_path, export(item(content=text)))
    notes = "\n".join(importer.summary.notes)
    for label in ("Klick", "Zwei", "Drei", "Vier"):
        assert f"Link „{label}“ entfernt" in notes
    result = run_pelican_cli(tmp_path / "content", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    page = Site(tmp_path / "out").html("ein-beitrag/index.html").select_one("main")
    hrefs = [a["href"] for a in page.select("[href]")]
    assert not [h for h in hrefs if re.match(r"\s*(javascript|data|vbscript):", h, re.I)]
    assert all(word in page.get_text() for word in ("Klick", "Zwei", "Drei", "Vier", "roh"))


def test_files_get_the_umask_mode(tmp_path):
    old = os.umask(0o022)
    try:
        run(tmp_path, export(item()))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "content/articles/ein-beitrag.md").stat().st_mode) == 0o644


def test_a_failing_rename_rolls_back_every_file_already_moved(tmp_path, monkeypatch):
    (tmp_path / "content/articles").mkdir(parents=True)
    importer = run(tmp_path, export(item(), item("2", "Zwei", "zwei"), item("3", "Drei", "drei")), write=False)
    (tmp_path / "content/redirects.txt").write_text("/alt/ /neu/\n", encoding="utf-8")
    importer.files[tmp_path / "content/redirects.txt"] = "/alt/ /neu/\n/x/ /y/\n"
    before = snapshot(tmp_path / "content")
    real_replace, calls = os.replace, []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(wp_files.os, "replace", failing_replace)
    with pytest.raises(ImportError_, match="alles zurückgenommen"):
        importer.write()
    monkeypatch.undo()
    assert snapshot(tmp_path / "content") == before
    assert not list((tmp_path / "content").rglob(".*"))  # no temporary or backup files left


def test_redirect_lists_are_merged_and_hand_written_lines_survive(tmp_path):
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/_redirects").write_text("/hand/ /geschrieben/ 301\n/2014/01/ein-beitrag/ /eigen/ 301\n")
    (tmp_path / "content").mkdir()
    (tmp_path / "content/redirects.txt").write_text("# von Hand\n/alt/ /neu/\n", encoding="utf-8")
    xml = export(item(extra='<category domain="category" nicename="tipps">Tipps</category>')).replace(
        "</wp:author>", "</wp:author><wp:category><wp:category_nicename>tipps</wp:category_nicename>"
        "<wp:cat_name>Tipps</wp:cat_name></wp:category>")  # fmt: skip
    importer = run(tmp_path, xml)
    lines = (tmp_path / "deploy/_redirects").read_text().splitlines()
    assert lines[:2] == ["/hand/ /geschrieben/ 301", "/2014/01/ein-beitrag/ /eigen/ 301"]  # the hand edit wins
    assert "/ p=101 /ein-beitrag/ 301" in lines and "/2014/01/ein-beitrag/ /ein-beitrag/ 301" not in lines
    assert any("/2014/01/ein-beitrag/ bleibt, wie es dort steht" in n for n in importer.summary.notes)
    assert (tmp_path / "content/redirects.txt").read_text().splitlines() == [
        "# von Hand", "/alt/ /neu/", "/category/tipps/ /kategorie/tipps/"
    ]  # fmt: skip
    before = snapshot(tmp_path)
    again = run(tmp_path, xml)
    assert again.summary.counts["written"] == 0 and snapshot(tmp_path) == before


def test_an_existing_file_in_the_way_is_never_overwritten(tmp_path):
    (tmp_path / "content/articles").mkdir(parents=True)
    own = tmp_path / "content/articles/ein-beitrag.md"
    own.write_text("Title: Mein eigener\n\nText\n", encoding="utf-8")
    with pytest.raises(ImportError_, match=r"ein-beitrag\.md gibt es schon mit anderem Inhalt"):
        run(tmp_path, export(item(), item("2", "Zwei", "zwei")))
    assert own.read_text(encoding="utf-8") == "Title: Mein eigener\n\nText\n"
    assert not (tmp_path / "content/articles/zwei.md").exists()


def test_old_addresses_with_dot_segments_are_refused_and_the_build_still_passes(tmp_path):
    hostile = item(link="https://alt.example/a/%2e%2e/../../etc/", extra='<category domain="category">Tipps</category>')
    term = "<wp:category><wp:category_nicename>../../x</wp:category_nicename><wp:cat_name>Tipps</wp:cat_name>"
    term += "</wp:category>"
    importer = run(tmp_path, export(hostile).replace("</wp:author>", "</wp:author>" + term))
    assert "Redirect_from" not in meta(tmp_path / "content/articles/ein-beitrag.md")
    assert not (tmp_path / "content/redirects.txt").exists()
    assert "„https://alt.example/a/%2e%2e/../../etc/“ abgelehnt" in "\n".join(importer.summary.notes)
    assert "Archiv „Tipps“: alte Adresse „../../x“ abgelehnt" in importer.summary.notes
    result = run_pelican_cli(tmp_path / "content", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_run_output_names_each_refused_value_in_german(tmp_path):
    export_path = tmp_path / "hostile.xml"
    text = '<a href="javascript:alert(1)">Hier klicken</a>'
    export_path.write_text(export(item(content=text, comments=comment("7/../../x") + comment("8", url="javascript:x"))))
    env = {**os.environ, "COMMENTS_DB": str(tmp_path / "queue.sqlite3")}
    command = [
        sys.executable,
        "-m",
        "invoke",
        "import-wordpress",
        str(export_path),
        "--content",
        str(tmp_path / "content"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert "Bitte von Hand prüfen:" in result.stdout
    assert "Kommentar mit ungültiger ID „7/../../x“ nicht übernommen" in result.stdout
    assert "Link „Hier klicken“ entfernt (javascript:alert(1)…)" in result.stdout
    assert "Kommentar 8: Webadresse „javascript:x“ verworfen" in result.stdout
    assert "1 Beitrag (0 davon als Entwurf), 0 Seiten" in result.stdout and "1 Kommentar," in result.stdout
