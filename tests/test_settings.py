"""pelicanconf/publishconf: German slugs and heading ids, publish overrides only what it must."""

from __future__ import annotations

import pytest
from helpers import ROOT
from pelican.settings import read_settings
from pelican.utils import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Für Größe", "fuer-groesse"),
        ("Wann sich Social Media für KMU nicht lohnt", "wann-sich-social-media-fuer-kmu-nicht-lohnt"),
        ("ÄRGER über Öffnungszeiten", "aerger-ueber-oeffnungszeiten"),
        ("Café & Crème: 3 Fragen?", "cafe-und-creme-3-fragen"),
        ("  – Straße –  ", "strasse"),
    ],
)
def test_slugs_spell_out_umlauts(title, slug):
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    regex_subs = settings["SLUG_REGEX_SUBSTITUTIONS"]
    assert slugify(title, regex_subs=regex_subs, use_unicode=settings["SLUGIFY_USE_UNICODE"]) == slug
    for kind in ("CATEGORY", "TAG", "AUTHOR"):
        assert settings[f"{kind}_REGEX_SUBSTITUTIONS"] == regex_subs


def test_publishconf_only_overrides_the_public_address(monkeypatch):
    monkeypatch.setenv("SITEURL", "https://kmu.example")
    develop = read_settings(str(ROOT / "pelicanconf.py"))
    publish = read_settings(str(ROOT / "publishconf.py"))
    assert publish["SITEURL"] == publish["ABSOLUTE_SITEURL"] == "https://kmu.example"
    assert publish["RELATIVE_URLS"] is True
    changed = {key for key in develop if develop[key] != publish.get(key)}
    assert changed <= {"SITEURL", "ABSOLUTE_SITEURL", "FEED_DOMAIN", "DELETE_OUTPUT_DIRECTORY"}


def test_settings_the_design_names():
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    assert settings["TIMEZONE"] == "Europe/Berlin"
    assert settings["DEFAULT_LANG"] == "de"
    assert settings["ARTICLE_URL"] == "{slug}/"
    assert settings["PLUGIN_PATHS"] == [str(ROOT / "plugins")]  # Pelican makes "plugins" absolute


def test_hidden_files_and_editor_leftovers_are_never_published(make_site):
    site = make_site(
        {
            "articles/erster.md": "Title: Erster\nDate: 2024-03-05\n\nText.\n",
            "articles/.#erster.md": "Title: Sperrdatei\nDate: 2024-03-05\n\nText.\n",
            "articles/erster.md~": "Title: Sicherung\nDate: 2024-03-05\n\nText.\n",
            "articles/.entwurf/geheim.md": "Title: Versteckt\nDate: 2024-03-05\n\nText.\n",
            "images/.DS_Store": "Finder-Metadaten",
            "images/bild.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
        }
    )
    published = {p.relative_to(site.output).as_posix() for p in site.files()}
    assert "images/bild.svg" in published
    assert "erster/index.html" in published
    assert [p for p in published if any(part.startswith(".") for part in p.split("/"))] == []
    assert not any(name.startswith(("sperrdatei", "sicherung", "versteckt")) for name in published)
