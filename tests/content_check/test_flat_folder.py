"""A content folder of flat Markdown files (no articles/) builds its articles too."""

from __future__ import annotations

ARTICLE = """\
Title: {title}
Date: 2024-03-0{day} 09:00
Category: Praxis
Summary: Kurz gesagt.

Ein Absatz über {title}.
"""

COMMENT = """\
Author: Petra Leserin
Date: 2024-03-04T10:00:00+01:00

Danke für den Beitrag.
"""


def test_flat_markdown_files_become_articles_and_comments_stay_comments(make_site):
    site = make_site({
        "erster-beitrag.md": ARTICLE.format(title="Erster Beitrag", day=1),
        "zweiter-beitrag.md": ARTICLE.format(title="Zweiter Beitrag", day=2),
        "pages/ueber.md": "Title: Über\n\nÜber uns.\n",
        "comments/erster-beitrag/c1.md": COMMENT,
    })  # fmt: skip
    assert site.html("erster-beitrag/index.html").find("h1").get_text(strip=True) == "Erster Beitrag"
    assert site.html("zweiter-beitrag/index.html").find("h1").get_text(strip=True) == "Zweiter Beitrag"
    assert site.html("ueber/index.html").find("h1").get_text(strip=True) == "Über"
    assert not (site.output / "c1").exists()
    assert "Danke für den Beitrag" in site.html("erster-beitrag/index.html").get_text()


def test_a_folder_with_articles_keeps_reading_only_there(make_site):
    site = make_site({
        "articles/im-ordner.md": ARTICLE.format(title="Im Ordner", day=1),
        "daneben.md": ARTICLE.format(title="Daneben", day=2),
    })  # fmt: skip
    assert (site.output / "im-ordner/index.html").exists()
    assert not (site.output / "daneben").exists()
