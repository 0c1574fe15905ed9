"""Every internal link, anchor and asset of the built site resolves; external links are well-formed."""

from __future__ import annotations

from helpers import write_files

from sitetools.linkcheck import check_site


def test_starter_site_has_no_broken_links(starter_site):
    assert [str(b) for b in check_site(starter_site.output, "http://127.0.0.1:8000")] == []


def test_the_checker_finds_missing_files_anchors_and_bad_external_links(tmp_path):
    write_files(
        tmp_path,
        {
            "index.html": """
                <a href="ziel/">ok</a> <a href="ziel/#da">ok</a> <a href="#oben">ok</a> <a id="oben"></a>
                <a href="fehlt/">kaputt</a> <a href="ziel/#weg">kaputt</a> <img src="bild.svg" alt="">
                <a href="https://">kaputt</a> <a href="mailto:niemand">kaputt</a> <a href="https://example.org/x">ok</a>
                <link rel="canonical" href="https://elsewhere.example/">
                <link rel="stylesheet" href="/theme/site.css">
                <link rel="alternate" type="application/atom+xml" href="feeds/fehlt.atom.xml">
            """,
            "ziel/index.html": '<h2 id="da">Da</h2>',
        },
    )
    broken = {(b.target, b.reason.split(" in ")[0]) for b in check_site(tmp_path)}
    assert broken == {
        ("fehlt/", "no such file"),
        ("ziel/#weg", "no id 'weg'"),
        ("bild.svg", "no such file"),
        ("https://", "no host"),
        ("mailto:niemand", "no e-mail address"),
        ("/theme/site.css", "no such file"),
        ("feeds/fehlt.atom.xml", "no such file"),
    }
