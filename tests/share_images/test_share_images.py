"""share_images: every published article and page gets a 1200×630 PNG behind og:image, drawn once."""

from __future__ import annotations

import io
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from helpers import ROOT, Site, write_files
from PIL import Image
from share_images import cards
from share_images.cards import WIDTH, fit_title

SITE = "https://kmu.example.org"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450"><text x="10" y="40">Größe</text></svg>'
FILES = {
    "images/chart.svg": SVG,
    "articles/mit-bild.md": """
        Title: Mit Grafik
        Date: 2024-03-05
        Category: Praxis
        Image: images/chart.svg
        Image_alt: Balken zur Größe

        Text.
    """,
    "articles/ohne-bild.md": "Title: „Maße“ für Größe\nDate: 2024-03-06\nCategory: Praxis\n\nText.\n",
    "articles/entwurf.md": "Title: Entwurf\nDate: 2024-03-07\nStatus: draft\n\nText.\n",
    "pages/ueber.md": "Title: Über uns\n\nText.\n",
}


@pytest.fixture
def site(make_site):
    return make_site(FILES, SITEURL=SITE, ABSOLUTE_SITEURL=SITE)


def og(page, prop: str) -> str:
    """The content of one Open Graph property."""
    return page.select_one(f'meta[property="{prop}"]')["content"]


def decoded(site: Site, url: str) -> Image.Image:
    """The PNG behind an absolute og:image URL, decoded."""
    assert url.startswith(SITE + "/")
    path = site.output / urlsplit(url).path.lstrip("/")
    assert path.stat().st_size < 300_000
    image = Image.open(io.BytesIO(path.read_bytes()))
    image.load()
    return image


@pytest.mark.parametrize("page", ["mit-grafik/index.html", "masse-fuer-groesse/index.html", "ueber-uns/index.html"])
def test_every_article_and_page_has_a_decodable_1200x630_share_image(site, page):
    html = site.html(page)
    image = decoded(site, og(html, "og:image"))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert (og(html, "og:image:width"), og(html, "og:image:height"), og(html, "og:image:type")) == (
        "1200",
        "630",
        "image/png",
    )
    assert og(html, "og:image:alt")
    assert html.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"


def test_json_ld_names_the_share_image(site):
    import json

    data = json.loads(site.html("mit-grafik/index.html").select_one('script[type="application/ld+json"]').string)
    assert data["image"]["url"] == og(site.html("mit-grafik/index.html"), "og:image")


def test_lead_image_keeps_its_alt_text_and_the_hero_its_size(site):
    html = site.html("mit-grafik/index.html")
    assert og(html, "og:image:alt") == "Balken zur Größe"
    hero = html.select_one(".article-image img")
    assert (hero["width"], hero["height"]) == ("800", "450")


def test_drafts_get_no_share_image(site):
    assert not [p for p in site.files("share/*.png") if "entwurf" in p.name]
    assert len(site.files("share/*.png")) == 3


def test_a_rebuild_reuses_the_cached_images(make_site, monkeypatch, tmp_path):
    make_site(FILES, SITEURL=SITE, ABSOLUTE_SITEURL=SITE)
    cached = sorted((tmp_path / "output.cache" / "share-images").glob("*.png"))
    assert len(cached) == 3

    def refuse(*args):
        raise AssertionError("a cached image was drawn again")

    monkeypatch.setattr("share_images.share_images.draw_card", refuse)
    monkeypatch.setattr("share_images.share_images.draw_lead_image", refuse)
    again = make_site(FILES, SITEURL=SITE, ABSOLUTE_SITEURL=SITE)
    assert len(again.files("share/*.png")) == 3


def test_a_missing_lead_image_is_a_build_error(tmp_path):
    from helpers import run_pelican_cli

    source = "Title: A\nDate: 2024-01-01\nImage: images/fehlt.svg\n\nText.\n"
    content = write_files(tmp_path / "content", {"articles/a.md": source})
    result = run_pelican_cli(content, tmp_path / "out")
    assert result.returncode != 0
    assert "fehlt.svg" in result.stdout + result.stderr


def test_a_missing_dependency_fails_the_build(tmp_path):
    shadow = write_files(tmp_path / "shadow", {"resvg_py.py": "raise ImportError('resvg_py is not installed')\n"})
    content = write_files(tmp_path / "content", {"articles/a.md": "Title: A\nDate: 2024-01-01\n\nText.\n"})
    settings = str(ROOT / "pelicanconf.py")
    command = [sys.executable, "-m", "pelican", str(content), "-s", settings, "-o", str(tmp_path / "o")]
    result = subprocess.run(
        [*command, "--fatal", "errors"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(shadow), "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )
    assert result.returncode != 0
    assert "share_images" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "title",
    [
        "Kurz",
        "„Zehn Jahre danach“: Was die KMU-Studie über Größe, Maße und Kundschaft heute noch lehrt",
        "Donaudampfschifffahrtsgesellschaftskapitänsmütze " * 6,
    ],
)
def test_titles_wrap_between_words_into_at_most_three_lines(title):
    _face, lines = fit_title(title, WIDTH - 2 * cards.MARGIN)
    assert 1 <= len(lines) <= 3
    shown = " ".join(lines).removesuffix(" …").split()
    assert shown == title.split()[: len(shown)]  # whole words, in order, never cut inside one


def test_a_card_draws_umlauts_with_the_bundled_font():
    image = cards.draw_card(cards.CardText("Größe, Maße, „Zitate“", "Praxis", "kmu.example.org"))
    assert image.size == (1200, 630)
    assert len(image.getcolors(maxcolors=10_000)) > 2  # text was drawn, not an empty canvas


@pytest.mark.parametrize(
    "spelling", ["images/chart.svg", "/images/chart.svg", "{static}/images/chart.svg", "|static|/images/chart.svg"]
)
def test_every_image_spelling_the_content_check_accepts_draws_the_lead_image(make_site, spelling):
    # One parser (pluginkit.lead_image) for the content check, the share images and the theme.
    files = {**FILES, "articles/mit-bild.md": FILES["articles/mit-bild.md"].replace("images/chart.svg", spelling)}
    site = make_site(files, SITEURL=SITE, ABSOLUTE_SITEURL=SITE)  # build_site fails on any logged error
    page = site.html("mit-grafik/index.html")
    assert og(page, "og:image:alt") == "Balken zur Größe"  # the lead image's alt: the lead image was drawn
