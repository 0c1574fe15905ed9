"""Comment files under content/comments/ appear threaded under their article, safely rendered."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from helpers import ROOT, run_pelican_cli, write_files
from pelican import signals

ARTICLE = """\
    Title: Ein Beitrag mit Kommentaren
    Date: 2024-03-05 09:05
    Category: Strategie
    Slug: beitrag
    {extra}
    Text des Beitrags.
    """
COMMENTS = {
    "comments/beitrag/a1.md": """\
        Author: Jana Beispiel
        Date: 2024-03-06 10:00
        Url: https://jana.example/

        Ein *langer* Kommentar mit [Link](https://werbung.example/).
        """,
    "comments/beitrag/a2.md": """\
        Author: Katrin Albrecht
        Date: 2024-03-06 12:30
        Reply_to: a1
        Site_author: true
        Note: Links vom Autor entfernt

        Danke für den Hinweis!
        """,
    "comments/beitrag/p1.md": """\
        Author: Ein anderes Blog
        Date: 2024-03-05 18:00
        Url: https://anderes-blog.example/artikel/
        Type: pingback

        […] wie hier beschrieben […]
        """,
}


def article(extra: str = "") -> str:
    """The test article's source with extra metadata lines."""
    return ARTICLE.format(extra=extra + "\n" if extra else "")


def test_comments_are_threaded_with_anchors_count_and_markers(make_site):
    site = make_site({"articles/beitrag.md": article(), **COMMENTS})
    page = site.html("beitrag/index.html")
    section = page.find("section", id="kommentare")
    assert section.h2.get_text(strip=True) == "2 Kommentare, 1 Erwähnung"  # the pingback counted apart
    first = section.find(id="comment-a1")
    reply = first.find("ol", class_="comment-replies").find("li", id="comment-a2")
    assert "comment-by-site-author" in reply["class"]
    assert "Antwort der Autorin" in reply.get_text()
    assert "Links vom Autor entfernt" in reply.find(class_="comment-note").get_text()
    assert first.find("a", href="https://jana.example/").get_text() == "Jana Beispiel"
    link = first.find(class_="comment-body").find("a")
    assert link["href"] == "https://werbung.example/"
    assert set(link["rel"]) == {"nofollow", "ugc", "noopener"}
    pingback = section.find(id="comment-p1")
    assert pingback.find_parent("ol") is section.find("ol", class_="comment-mentions")
    assert "Pingback von" in pingback.get_text()
    assert page.find(class_="article-meta").find("a", href="#kommentare").get_text() == "2 Kommentare, 1 Erwähnung"
    card = site.html("index.html").find("article", class_="card")
    count = card.find("a", href=lambda h: h and h.endswith("beitrag/#kommentare")).get_text()
    assert count.startswith("2 Kommentare, 1 Erwähnung")


def test_form_has_every_field_posts_to_the_intake_and_marks_required(make_site):
    site = make_site({"articles/beitrag.md": article(), **COMMENTS})
    form = site.html("beitrag/index.html").find("form", class_="comment-form")
    assert form.find(string="Kommentar schreiben")
    assert form["method"] == "post" and form["action"] == "../kommentare/"
    names = {field["name"] for field in form.find_all(["input", "textarea", "select"])}
    assert names == {"article", "author", "email", "url", "body", "reply_to", "consent", "firma", "notify"}
    notify = form.find("input", attrs={"name": "notify"})  # optional, unticked: mail only when asked for
    assert notify["type"] == "checkbox" and notify["value"] == "1" and not notify.has_attr("checked")
    assert not notify.has_attr("required")
    label = form.find("label", attrs={"for": notify["id"]}).get_text()
    assert label == "Benachrichtigen Sie mich per E-Mail, wenn mein Kommentar freigeschaltet ist."
    assert form.find("input", attrs={"name": "article"})["value"] == "beitrag"
    for name in ("author", "email", "body", "consent"):
        field = form.find(attrs={"name": name})
        assert field.has_attr("required")
        assert "*" in form.find("label", attrs={"for": field["id"]}).get_text()
    assert not form.find("label", attrs={"for": "kommentar-website"}).find(class_="required")
    options = [o["value"] for o in form.find("select", attrs={"name": "reply_to"}).find_all("option")]
    assert options == ["", "a1", "a2"]  # pingbacks cannot be answered
    assert site.html("kommentare/index.html").h1.get_text() == "Kommentare"


def test_hostile_comment_text_and_metadata_are_escaped(make_site):
    hostile = {
        "comments/beitrag/x1.md": """\
            Author: <script>alert(1)</script>Mallory\u202e
            Date: 2024-03-06 10:00
            Note: <img src=x onerror=alert(2)>

            <script>alert(3)</script> <b onclick="alert(4)">fett</b>
            ![bild](https://evil.example/x.png) [klick](javascript:alert(5))
            <iframe src="https://evil.example"></iframe>
            """,
    }
    site = make_site({"articles/beitrag.md": article(), **hostile})
    section = site.html("beitrag/index.html").find("section", id="kommentare")
    assert not section.find_all(["script", "img", "iframe", "b"])
    assert not any(tag.has_attr("onclick") or tag.has_attr("onerror") for tag in section.find_all(True))
    assert not section.find("a", href=lambda h: h and h.startswith("javascript"))
    assert "<script>alert(3)</script>" in section.find(class_="comment-body").get_text()
    assert "\u202e" not in section.get_text()


def test_closed_article_shows_comments_but_no_form(make_site):
    site = make_site({"articles/beitrag.md": article("Comments: closed"), **COMMENTS})
    section = site.html("beitrag/index.html").find("section", id="kommentare")
    assert section.find(id="comment-a1") and not section.find("form")
    assert "geschlossen" in section.find(class_="comment-closed").get_text()
    manifest = (site.output / "kommentare/manifest.json").read_text(encoding="utf-8")
    assert '"open": false' in manifest


def test_comments_close_a_number_of_days_after_the_article_date(make_site):
    recent = (datetime.now() - timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    files = {
        "articles/alt.md": "Title: Alt\nDate: 2020-01-01 10:00\n\nText.\n",
        "articles/neu.md": f"Title: Neu\nDate: {recent}\n\nText.\n",
    }
    site = make_site(files, COMMENTS={"close_after_days": 30})
    assert not site.html("alt/index.html").find("form", class_="comment-form")
    assert site.html("neu/index.html").find("form", class_="comment-form")


def test_article_without_comments_invites_the_first_one(make_site):
    site = make_site({"articles/beitrag.md": article()})
    page = site.html("beitrag/index.html")
    assert page.find("section", id="kommentare").h2.get_text() == "Kommentare"
    assert not page.find(class_="article-meta").find("a", href="#kommentare")


def test_without_the_plugin_there_is_no_comment_section(make_site):
    site = make_site({"articles/beitrag.md": article(), **COMMENTS}, PLUGINS=[])
    assert not site.html("beitrag/index.html").find(id="kommentare")


def test_comment_files_are_not_pages_articles_or_static_files(make_site):
    site = make_site({"articles/beitrag.md": article(), **COMMENTS})
    assert not [p for p in site.files() if "comments" in p.parts or p.name.startswith("a1")]


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        ({"comments/gibt-es-nicht/z1.md": "Author: A\nDate: 2024-03-06 10:00\n\nText\n"}, "gibt-es-nicht/z1.md"),
        ({"comments/beitrag/z2.md": "Author: A\nDate: 2024-03-06 10:00\nReply_to: fehlt\n\nText\n"}, "z2.md"),
        ({"comments/beitrag/z3.md": "Author: A\nDate: gestern\n\nText\n"}, "z3.md"),
        ({"comments/beitrag/z4.md": "Author: A\nDate: 2024-03-06 10:00\nType: spam\n\nText\n"}, "z4.md"),
        ({"comments/beitrag/z5.md": "Date: 2024-03-06 10:00\n\nText\n"}, "z5.md"),
        ({"comments/beitrag/z6.md": "Author: A\nDate: 2024-03-06 10:00\nUrl: javascript:x\n\nText\n"}, "z6.md"),
    ],
)
def test_broken_comment_files_stop_the_build_naming_the_file(tmp_path, files, needle):
    content = write_files(tmp_path / "content", {"articles/beitrag.md": article(), **files})
    result = run_pelican_cli(content, tmp_path / "out")
    assert result.returncode != 0
    assert needle in result.stdout + result.stderr


def test_data_model_for_feeds_and_theme(tmp_path):
    from pelican import Pelican
    from pelican.settings import read_settings

    content = write_files(tmp_path / "content", {"articles/beitrag.md": article(), **COMMENTS})
    seen = {}

    def keep(generator) -> None:
        seen.update({a.slug: a for a in generator.articles})

    settings = read_settings(
        str(ROOT / "pelicanconf.py"), override={"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "out")}
    )
    signals.article_generator_finalized.connect(keep)
    try:
        Pelican(settings).run()
    finally:
        signals.article_generator_finalized.disconnect(keep)
    post = seen["beitrag"]
    assert [c.id for c in post.comments] == ["p1", "a1", "a2"]  # flat, by date
    assert [c.id for c in post.comment_threads] == ["p1", "a1"]
    pingback, first, reply = post.comments
    assert first.replies == [reply] and reply.reply_to == "a1" and first.reply_to is None
    assert (pingback.type, first.type) == ("pingback", "comment")
    assert reply.by_site_author and not first.by_site_author
    assert reply.note == "Links vom Autor entfernt" and first.note is None
    assert first.website == "https://jana.example/" and reply.website is None
    assert first.anchor == "comment-a1" and first.author == "Jana Beispiel"
    assert first.date.utcoffset() == timedelta(hours=1)
    assert first.content.startswith("<p>Ein <em>langer</em> Kommentar")


def test_a_long_reply_chain_stops_nesting_at_five_levels(tmp_path):
    chain = {
        f"comments/beitrag/r{n}.md": f"Author: Person {n}\nDate: 2024-03-06 10:{n:02d}\n"
        + (f"Reply_to: r{n - 1}\n" if n else "")
        + f"\nAntwort {n}.\n"
        for n in range(60)
    }
    content = write_files(tmp_path / "content", {"articles/beitrag.md": ARTICLE.format(extra=""), **chain})
    result = run_pelican_cli(content, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    soup = BeautifulSoup((tmp_path / "out/beitrag/index.html").read_text(encoding="utf-8"), "html.parser")
    assert len(soup.select("#kommentare li.comment")) == 60
    deepest = max(len(li.find_parents("li", class_="comment")) for li in soup.select("#kommentare li.comment"))
    assert deepest == 4  # five levels: the top comment and four levels of replies
    assert soup.select_one("#comment-r59").find_parent("li", class_="comment")["id"] == "comment-r3"
