"""`invoke check` reports what `invoke build` rejects, each with its Markdown file and line."""

from __future__ import annotations

from helpers import ROOT, write_files

from sitetools.findings import collect_findings

GOOD = """
    Title: Gute Zeilen
    Date: 2024-03-05 09:05
    Category: Strategie
    Summary: Alles da.

    Ein Absatz.
"""
SECOND = """
    Title: Zweiter Beitrag
    Date: 2024-04-01
    Category: Strategie
    Summary: Auch da.

    Text.
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg"/>'


def check(tmp_path, article: str, **overrides) -> list[str]:
    """What `invoke check` lists for a site with this article (gut.md) beside a good one."""
    content = write_files(
        tmp_path / "content", {"articles/gut.md": article, "articles/zweiter.md": SECOND, "images/bild.svg": SVG}
    )
    return [str(f) for f in collect_findings(content, ROOT / "pelicanconf.py", overrides)]


def test_links_and_images_the_build_would_refuse_are_errors_on_their_markdown_line(tmp_path):
    text = GOOD.replace(
        "Ein Absatz.", "Ein Absatz.\n\n    Mehr [hier](/gibt-es-nicht/).\n\n    ![Grafik](images/fehlt.svg)"
    )
    lines = check(tmp_path, text)
    assert "content/articles/gut.md:8: Fehler: Link „/gibt-es-nicht/“ führt ins Leere (Datei fehlt)." in lines
    assert (
        "content/articles/gut.md:10: Fehler: Bild „images/fehlt.svg“ gibt es nicht: prüfen Sie den Dateinamen "
        "(Bilder liegen in content/images/)." in lines
    )


def test_an_image_without_static_is_an_error_with_the_way_to_write_it(tmp_path):
    lines = check(tmp_path, GOOD.replace("Ein Absatz.", "![Grafik](images/bild.svg)"))
    assert lines == [
        "content/articles/gut.md:6: Fehler: Bild „images/bild.svg“ wird so nicht gefunden: schreiben Sie "
        "{static}/images/bild.svg (Pfad relativ zu content/)."
    ]


def test_a_header_line_pelican_did_not_read_is_an_error_with_a_suggestion(tmp_path):
    text = GOOD.replace("Category: Strategie", "Schlagwörter: Ziele, Budget\n    Category: Strategie")
    [line] = check(tmp_path, text)
    assert line.startswith("content/articles/gut.md:3: Fehler: Unbekanntes Feld „Schlagwörter“ – meinten Sie „Tags“?")


def test_a_german_key_pelican_reads_gets_the_same_suggestion(tmp_path):
    [line] = check(tmp_path, GOOD.replace("Category: Strategie", "Kategorie: Strategie"))
    assert line == "content/articles/gut.md:3: Fehler: Unbekanntes Feld „Kategorie“ – meinten Sie „Category“?"


def test_an_unknown_recommendation_names_its_line_and_the_close_slug(tmp_path):
    text = GOOD.replace("Summary:", "Recommendations: zweiter-beitag\n    Summary:")
    lines = check(tmp_path, text)
    assert lines == [
        "content/articles/gut.md:4: Fehler: „Recommendations:“ nennt „zweiter-beitag“, aber einen Artikel mit "
        "diesem Slug gibt es nicht – meinten Sie „zweiter-beitrag“?"
    ]


def test_a_two_digit_year_is_named_as_the_problem(tmp_path):
    [line] = check(tmp_path, GOOD.replace("2024-03-05 09:05", "3.12.26"))
    assert line == (
        "content/articles/gut.md:2: Fehler: Date: „3.12.26“ hat eine zweistellige Jahreszahl (1926 oder 2026?); "
        "schreiben Sie das Jahr vierstellig, z. B. „03.12.2026“"
    )
