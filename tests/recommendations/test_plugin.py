"""The recommendations box on tiny sites: manual and automatic picks, exclusions, errors, determinism."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT, Site, build_site, run_pelican_cli, write_files

REVIEWS = (
    "Kritische Bewertungen im Netz beantworten Sie ruhig und sachlich. Eine schlechte Bewertung ist "
    "eine Chance: Kunden lesen die Antwort mit. Danken Sie für die Bewertung, nennen Sie den Fehler "
    "und bieten Sie ein Gespräch an. Bewertungen sammeln Sie, indem Sie zufriedene Kunden fragen."
)
PRIVACY = (
    "Datenschutz auf der Fanseite: Die Datenschutzerklärung muss erreichbar sein, das Impressum "
    "auch. Für Fotos von Beschäftigten brauchen Sie eine Einwilligung. Der Datenschutz gilt auch "
    "für Gewinnspiele und Kontaktformulare; eine Abmahnung kostet schnell viel Geld."
)
METRICS = (
    "Kennzahlen zeigen, ob sich der Aufwand lohnt. Zählen Sie Anfragen, nicht Likes: eine Kennzahl "
    "ohne Ziel ist wertlos. Monatlich messen, die Kennzahlen in einer Tabelle sammeln und nach "
    "einem Quartal entscheiden, welcher Kanal bleibt."
)


def article(title: str, date: str, body: str, tags: str = "Praxis", category: str = "Praxis", extra: str = "") -> str:
    """A Markdown article with the usual metadata."""
    lines = [f"Title: {title}", f"Date: {date}", f"Category: {category}", f"Tags: {tags}", "Author: Test"]
    lines += [line for line in extra.splitlines() if line.strip()]
    return "\n".join(lines) + "\n\n" + body + "\n"


def picks(site, slug: str) -> list[str]:
    """The hrefs in the recommendations box of an article page, in order."""
    box = site.html(f"{slug}/index.html").select_one("aside.recommendations")
    return [a["href"] for a in box.select("a")] if box else []


BASE = {
    "articles/bewertungen.md": article("Bewertungen beantworten", "2020-01-01 10:00", REVIEWS, "Bewertungen"),
    "articles/schlechte-bewertung.md": article(
        "Eine schlechte Bewertung", "2020-02-01 10:00", REVIEWS + " Antworten Sie schnell.", "Bewertungen, Kritik"
    ),
    "articles/datenschutz.md": article("Datenschutz auf der Fanseite", "2020-03-01 10:00", PRIVACY, "Recht"),
    "articles/impressum.md": article(
        "Impressum und Fotos", "2020-04-01 10:00", PRIVACY + " Impressum prüfen.", "Recht"
    ),
    "articles/kennzahlen.md": article("Kennzahlen, die zählen", "2020-05-01 10:00", METRICS, "Kennzahlen"),
}


@pytest.fixture
def build(make_site, tmp_path):
    """Build BASE plus extra files; the term cache goes into tmp_path."""

    def run(extra: dict[str, str] | None = None, **overrides):
        overrides.setdefault("CACHE_PATH", str(tmp_path / "cache"))
        return make_site({**BASE, **(extra or {})}, **overrides)

    return run


def test_every_article_gets_three_picks_in_an_aside_with_its_heading(build) -> None:
    site = build()
    for slug in ("bewertungen-beantworten", "eine-schlechte-bewertung", "kennzahlen-die-zaehlen"):
        box = site.html(f"{slug}/index.html").select_one("aside.recommendations")
        assert box.select_one("h2").get_text() == "Leseempfehlungen für Sie"
        assert len(box.select("li")) == 3
        assert f"../{slug}/" not in picks(site, slug)


def test_automatic_picks_are_the_most_similar_articles(build) -> None:
    site = build()
    assert picks(site, "bewertungen-beantworten")[0] == "../eine-schlechte-bewertung/"
    assert picks(site, "datenschutz-auf-der-fanseite")[0] == "../impressum-und-fotos/"


def test_each_pick_shows_title_date_and_summary(build) -> None:
    site = build()
    item = site.html("bewertungen-beantworten/index.html").select_one("aside.recommendations li")
    assert item.select_one("a").get_text() == "Eine schlechte Bewertung"
    assert item.select_one("time")["datetime"].startswith("2020-02-01T10:00")
    assert item.select_one("time").get_text() == "1. Februar 2020"
    assert item.select_one("p").get_text().startswith("Kritische Bewertungen im Netz")


def test_manual_picks_come_first_in_their_order_then_automatic_ones(build) -> None:
    manual = article(
        "Bewertungen und Recht",
        "2020-06-01 10:00",
        REVIEWS,
        "Bewertungen",
        extra="Recommendations: kennzahlen-die-zaehlen, Leitfaden, mit Komma <https://example.org/leitfaden>",
    )
    site = build({"articles/manuell.md": manual})
    assert picks(site, "bewertungen-und-recht") == [
        "../kennzahlen-die-zaehlen/",
        "https://example.org/leitfaden",
        "../bewertungen-beantworten/",  # the same text: the most similar article
    ]
    external = site.html("bewertungen-und-recht/index.html").select("aside.recommendations li")[1]
    assert external.select_one("a").get_text(" ", strip=True) == "Leitfaden, mit Komma (externer Link)"
    assert external.select_one("time") is None


def test_a_manual_pick_is_not_repeated_by_the_automatic_fill(build) -> None:
    manual = article(
        "Bewertungen und Recht",
        "2020-06-01 10:00",
        REVIEWS,
        "Bewertungen",
        extra="Recommendations: eine-schlechte-bewertung",
    )
    site = build({"articles/manuell.md": manual})
    found = picks(site, "bewertungen-und-recht")
    assert found[0] == "../eine-schlechte-bewertung/"
    assert len(found) == len(set(found)) == 3


def test_drafts_future_articles_and_pages_are_never_recommended(build) -> None:
    twins = {
        "articles/entwurf.md": article(
            "Entwurf Bewertungen", "2020-01-02 10:00", REVIEWS, "Bewertungen", extra="Status: draft"
        ),
        "articles/zukunft.md": article("Zukunft Bewertungen", "2099-01-01 10:00", REVIEWS, "Bewertungen"),
        "articles/versteckt.md": article(
            "Versteckt Bewertungen", "2020-01-03 10:00", REVIEWS, "Bewertungen", extra="Status: hidden"
        ),
        "pages/bewertungen.md": "Title: Seite Bewertungen\n\n" + REVIEWS + "\n",
    }
    site = build(twins)
    hrefs = {href for page in site.files("*/index.html") for href in picks(site, page.parent.name)}
    assert hrefs
    hidden = {f"../{name}-bewertungen/" for name in ("entwurf", "zukunft", "versteckt", "seite")}
    assert not hrefs & hidden
    assert not (site.output / "zukunft-bewertungen").exists()
    assert site.html("seite-bewertungen/index.html").select_one("aside.recommendations") is None


def test_recommendations_count_and_settings_dict(build) -> None:
    assert len(picks(build(RECOMMENDATIONS_COUNT=1), "bewertungen-beantworten")) == 1


def test_count_from_the_settings_dict(build) -> None:
    assert len(picks(build(RECOMMENDATIONS={"count": 2}), "bewertungen-beantworten")) == 2


def test_only_older_never_picks_a_newer_article(build) -> None:
    site = build(RECOMMENDATIONS={"only_older": True})
    assert picks(site, "bewertungen-beantworten") == []  # the oldest article has nothing older
    assert picks(site, "eine-schlechte-bewertung") == ["../bewertungen-beantworten/"]
    assert len(picks(site, "kennzahlen-die-zaehlen")) == 3


def test_equal_scores_prefer_the_same_category_then_newer_then_slug(build) -> None:
    same = "Ein Text über Bewertungen und Gespräche mit Kunden."
    files = {
        "articles/quelle.md": article("Quelle", "2020-01-01 10:00", same, "Gleich", "Format A", extra="Slug: quelle"),
        "articles/alt.md": article("Gleich", "2019-01-01 10:00", same, "Gleich", "Format B", extra="Slug: alt"),
        "articles/neu-b.md": article("Gleich", "2019-06-01 10:00", same, "Gleich", "Format B", extra="Slug: neu-b"),
        "articles/neu-a.md": article("Gleich", "2019-06-01 10:00", same, "Gleich", "Format B", extra="Slug: neu-a"),
        "articles/kategorie.md": article(
            "Gleich", "2018-01-01 10:00", same, "Gleich", "Format A", extra="Slug: kategorie"
        ),
    }
    site = build(files, RECOMMENDATIONS={"count": 4})
    assert picks(site, "quelle")[:4] == ["../kategorie/", "../neu-a/", "../neu-b/", "../alt/"]


def test_two_builds_give_identical_pages_cold_and_warm_cache(build, make_site, tmp_path) -> None:
    first = build()
    pages = {p.relative_to(first.output): p.read_bytes() for p in first.files("*/index.html")}
    assert (tmp_path / "cache" / "recommendations.npz").is_file()
    content = write_files(tmp_path / "content", BASE)
    second = Site(build_site(content, tmp_path / "zweite", CACHE_PATH=str(tmp_path / "cache")))
    assert second.output != first.output
    assert {p.relative_to(second.output): p.read_bytes() for p in second.files("*/index.html")} == pages


def test_without_plugins_the_theme_renders_no_box(tmp_path) -> None:
    # In a fresh process: signal receivers connected by earlier in-process builds would stay connected.
    content = write_files(tmp_path / "content", BASE)
    result = run_pelican_cli(content, tmp_path / "output", "-e", "PLUGINS=[]")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "output/bewertungen-beantworten/index.html").read_text(encoding="utf-8")
    assert "Leseempfehlungen" not in page
    assert 'class="recommendations"' not in page


WRONG_SOURCE = {
    **BASE,
    "articles/entwurf.md": article("Entwurf Bewertungen", "2020-01-02 10:00", REVIEWS, extra="Status: draft"),
}


def wrong_pick(entry: str) -> dict[str, str]:
    """BASE plus a draft and an article whose `Recommendations:` names entry."""
    source = article("Quelle", "2020-01-01 10:00", REVIEWS, extra=f"Slug: quelle\nRecommendations: {entry}")
    return {**WRONG_SOURCE, "articles/quelle.md": source}


def test_an_unknown_slug_fails_the_build_naming_file_and_slug(tmp_path) -> None:
    content = write_files(tmp_path / "content", wrong_pick("gibt-es-nicht"))
    result = run_pelican_cli(content, tmp_path / "output", "-e", f'CACHE_PATH="{tmp_path / "cache"}"')
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "content/articles/quelle.md" in output
    assert "„gibt-es-nicht“" in output
    assert "gibt es nicht" in output


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("entwurf-bewertungen", "ist ein Entwurf"),
        ("quelle", "den Artikel selbst"),
        ("Kein Link <ftp://example.org>", "ist kein externer Link"),
        ("Gross-Geschrieben", "weder ein Slug noch ein Link"),
    ],
)
def test_a_draft_self_or_broken_pick_is_logged_as_an_error(tmp_path, caplog, entry: str, reason: str) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    content = write_files(tmp_path / "content", wrong_pick(entry))
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "out"), "CACHE_PATH": str(tmp_path / "cache")}
    Pelican(read_settings(str(ROOT / "pelicanconf.py"), override=overrides)).run()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert re.match(r"recommendations: content/articles/quelle\.md:\d+: ", errors[0])  # file and line
    assert entry.split(" <")[0] in errors[0]
    assert reason in errors[0]


def test_the_latent_settings_are_checked() -> None:
    from recommendations.plugin import check_options

    assert check_options({"RECOMMENDATIONS": {"latent": 1.5}}) == [
        "RECOMMENDATIONS['latent'] is a share between 0 and 1, not 1.5"
    ]
    assert check_options({"RECOMMENDATIONS": {"dimensions": 2.5}}) == [
        "RECOMMENDATIONS['dimensions'] must be a non-negative int, not 2.5"
    ]
    assert check_options({"RECOMMENDATIONS": {"latent": 0, "dimensions": 12}}) == []
