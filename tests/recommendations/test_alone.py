"""The recommendations plugin on its own: it reads summaries only once Pelican knows the static files."""

from __future__ import annotations

from helpers import Site, run_pelican_cli, write_files

ARTICLE = """Title: {title}
Date: 2020-0{month}-01 10:00
Category: Praxis
Tags: Bewertungen

Mit Grafik ![Balken]({{static}}/images/x.svg) zur Bewertung: Bewertungen beantworten Sie ruhig und
sachlich; Kunden lesen die Antwort auf eine Bewertung mit.
"""


def test_recommendations_alone_resolve_static_links_in_summaries_cut_from_the_text(tmp_path) -> None:
    # A fresh process (the CLI): in this one, the content check's log filter would hide the warning.
    files = {f"articles/{n}.md": ARTICLE.format(title=f"Beitrag {n}", month=n) for n in (1, 2, 3)}
    files["images/x.svg"] = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>\n'
    content = write_files(tmp_path / "content", files)
    result = run_pelican_cli(
        content, tmp_path / "output", "-e", 'PLUGINS=["recommendations"]', f'CACHE_PATH="{tmp_path / "cache"}"'
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Unable to find" not in output
    box = Site(tmp_path / "output").html("beitrag-1/index.html").select_one("aside.recommendations")
    assert box is not None and "Mit Grafik" in box.get_text()
    image = Site(tmp_path / "output").html("beitrag-1/index.html").select_one("article img")
    assert image["src"].endswith("images/x.svg") and "{static}" not in image["src"]
