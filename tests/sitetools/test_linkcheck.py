"""Every internal link, anchor and asset of the built site resolves; external links are well-formed."""

from __future__ import annotations

import pytest
from helpers import ROOT, write_files
from pelican.settings import read_settings

from sitetools import linkcheck
from sitetools.linkcheck import check_site


def test_starter_site_has_no_broken_links(starter_site):
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    broken = check_site(starter_site.output, settings["ABSOLUTE_SITEURL"], settings["LINK_CHECK_IGNORE"])
    assert [str(b) for b in broken] == []


def test_the_checker_finds_missing_files_anchors_and_bad_external_links(tmp_path):
    write_files(
        tmp_path,
        {
            "index.html": """
                <a href="ziel/">ok</a> <a href="ziel/#da">ok</a> <a href="#oben">ok</a> <a id="oben"></a>
                <a href="fehlt/">kaputt</a> <a href="ziel/#weg">kaputt</a> <img src="bild.svg" alt="">
                <a href="https://">kaputt</a> <a href="mailto:niemand">kaputt</a> <a href="mailto:">kaputt</a>
                <a href="mailto:?subject=Tipp&amp;body=https%3A%2F%2Fkmu.example%2F">ok: Empfänger frei</a> <a href="https://example.org/x">ok</a>
                <link rel="canonical" href="https://elsewhere.example/">
                <link rel="stylesheet" href="/theme/site.css">
                <link rel="alternate" type="application/atom+xml" href="feeds/fehlt.atom.xml">
            """,
            "ziel/index.html": '<h2 id="da">Da</h2>',
        },
    )
    broken = {(b.target, b.reason.split(" in ")[0]) for b in check_site(tmp_path)}
    assert broken == {
        ("fehlt/", "Datei fehlt"),
        ("ziel/#weg", "kein Anker „weg“"),
        ("bild.svg", "Datei fehlt"),
        ("https://", "keine Domain"),
        ("mailto:niemand", "keine E-Mail-Adresse"),
        ("mailto:", "keine E-Mail-Adresse"),
        ("/theme/site.css", "Datei fehlt"),
        ("feeds/fehlt.atom.xml", "Datei fehlt"),
    }


def test_dynamic_endpoints_are_skipped_only_where_listed(tmp_path):
    form = '<form action="{}" method="post"></form>'
    write_files(
        tmp_path,
        {
            "index.html": form.format("kommentare/") + form.format("/kommentare") + form.format("kommentar/"),
            "artikel/index.html": form.format("../kommentare/") + '<a href="../kommentare/neu/">neu</a>',
            "tief/seite/index.html": form.format("../kommentare/") + '<a href="../../../weg/">weg</a>',
        },
    )
    broken = {(b.page, b.target, b.reason) for b in check_site(tmp_path, ignore=["/kommentare/"])}
    assert broken == {
        ("index.html", "kommentar/", "Datei fehlt"),
        ("tief/seite/index.html", "../kommentare/", "Datei fehlt"),  # that is /tief/kommentare/
        ("tief/seite/index.html", "../../../weg/", "Datei fehlt"),  # above the site root
    }
    assert len(check_site(tmp_path)) == 7


def test_each_page_is_parsed_once_and_special_paths_resolve(tmp_path, monkeypatch):
    write_files(
        tmp_path,
        {
            "index.html": """
                <a href="gr%C3%BC%C3%9Fe/#teil-2">ok</a> <a href="./.well-known/security.txt">ok</a>
                <a href="/">ok</a> <a href="index.html#oben">ok</a> <p id="oben"></p>
                <a href="gr%C3%BC%C3%9Fe/#teil-3">kaputt</a>
            """,
            "grüße/index.html": '<a name="teil-2"></a>',
            ".well-known/security.txt": "Contact: mailto:post@kmu.example",
            "leer.html": "",
        },
    )
    parsed = []
    scan = linkcheck.scan_page
    monkeypatch.setattr(linkcheck, "scan_page", lambda data: parsed.append(data) or scan(data))
    assert [str(b) for b in check_site(tmp_path)] == [
        "index.html: gr%C3%BC%C3%9Fe/#teil-3 (kein Anker „teil-3“ in grüße/index.html)"
    ]
    assert len(parsed) == 3


@pytest.mark.parametrize("site_url", ["https://kmu.example", "https://kmu.example/"])
def test_own_absolute_urls_are_checked_as_files(tmp_path, site_url):
    write_files(
        tmp_path,
        {
            "index.html": """
                <a href="https://kmu.example/da/">ok</a> <a href="https://kmu.example/fehlt/">kaputt</a>
                <link rel="canonical" href="https://kmu.example/weg/">
            """,
            "da/index.html": "<p>da</p>",
        },
    )
    assert {b.target for b in check_site(tmp_path, site_url)} == {"/fehlt/", "/weg/"}
