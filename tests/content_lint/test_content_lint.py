"""content_lint: errors and findings name the file and line and say what to fix."""

from __future__ import annotations

import pytest
from content_lint import lint_content
from helpers import ROOT, run_pelican_cli, write_files
from pelican.settings import read_settings

GOOD = """
    Title: Gute Zeilen
    Date: 2024-03-05 09:05
    Category: Strategie
    Summary: Alles da.
    Image: images/bild.svg
    Image_alt: Ein Bild
    Image_credit: Grafik: eigene Darstellung

    Ein [Link]({filename}/articles/gut.md#abschnitt) und ![Bild]({static}/images/bild.svg).
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg"/>'


@pytest.fixture
def settings():
    return read_settings(str(ROOT / "pelicanconf.py"))


def lint(tmp_path, settings, files):
    content = write_files(tmp_path / "content", {"images/bild.svg": SVG, **files})
    return [
        (f.path.relative_to("content").as_posix(), f.line, f.severity, f.message)
        for f in lint_content(content, settings)
    ]


def test_clean_content_has_no_findings(tmp_path, settings):
    assert lint(tmp_path, settings, {"articles/gut.md": GOOD}) == []


def test_bad_date_is_an_error_on_its_line(tmp_path, settings):
    text = GOOD.replace("2024-03-05 09:05", "5. März")
    [(path, line, severity, message)] = lint(tmp_path, settings, {"articles/gut.md": text})
    assert (path, line, severity) == ("articles/gut.md", 2, "error")
    assert "2024-03-05 09:05" in message


def test_missing_title_and_unknown_status_are_errors(tmp_path, settings):
    text = GOOD.replace("Title: Gute Zeilen", "Status: fertig")
    findings = lint(tmp_path, settings, {"articles/gut.md": text})
    messages = " ".join(f[3] for f in findings if f[2] == "error")
    assert "Title:" in messages
    assert "Status: fertig" in messages


def test_a_line_that_is_not_metadata_is_an_error(tmp_path, settings):
    text = GOOD.replace("Category: Strategie", "Kategorie Strategie")
    findings = lint(tmp_path, settings, {"articles/gut.md": text})
    [(_, line, _, message)] = [f for f in findings if f[2] == "error"]
    assert line == 3
    assert "Kategorie Strategie" in message


def test_links_and_images_to_missing_files_are_errors(tmp_path, settings):
    text = GOOD + "\n    Siehe [alt]({filename}/articles/fehlt.md), ![x]({static}/images/fehlt.svg).\n"
    text = text.replace("images/bild.svg\n", "images/weg.svg\n", 1)
    findings = lint(tmp_path, settings, {"articles/gut.md": text})
    errors = {(line, message.split("“")[0]) for _, line, severity, message in findings if severity == "error"}
    assert (5, "Bild „images/weg.svg") in errors
    assert (11, "Link „{filename}/articles/fehlt.md") in errors
    assert (11, "Link „{static}/images/fehlt.svg") in errors


def test_images_without_static_prefix_are_errors(tmp_path, settings):
    text = GOOD + "\n    ![Grafik](images/bild.svg) und ![Extern](https://example.org/b.png)\n"
    findings = lint(tmp_path, settings, {"articles/gut.md": text})
    assert [(f[1], f[2]) for f in findings] == [(11, "error")]
    assert "{static}/images/" in findings[0][3]


def test_missing_summary_alt_text_and_credit_are_only_findings(tmp_path, settings):
    text = (
        GOOD.replace("    Summary: Alles da.\n", "")
        .replace("    Image_alt: Ein Bild\n", "")
        .replace("    Image_credit: Grafik: eigene Darstellung\n", "")
        .replace("![Bild]", "![]")
    )
    findings = lint(tmp_path, settings, {"articles/gut.md": text})
    assert {f[2] for f in findings} == {"finding"}
    joined = " ".join(f[3] for f in findings)
    for expected in ("Summary:", "Image_alt:", "Image_credit:", "keinen Alternativtext"):
        assert expected in joined


def test_duplicate_slugs_across_articles_and_pages_are_errors(tmp_path, settings):
    page = "Title: Gute Zeilen\n\nSeite.\n"
    findings = lint(tmp_path, settings, {"articles/gut.md": GOOD, "pages/doppelt.md": page})
    [error] = [f for f in findings if f[2] == "error"]
    assert error[0] == "pages/doppelt.md"
    assert "gute-zeilen" in error[3]


def test_drafts_do_not_count_as_duplicates(tmp_path, settings):
    draft = GOOD.replace("    Summary:", "    Status: draft\n    Summary:")
    findings = lint(tmp_path, settings, {"articles/gut.md": GOOD, "articles/entwurf.md": draft})
    assert [f for f in findings if f[2] == "error"] == []


def test_pelican_with_fatal_errors_stops_before_writing_output(tmp_path):
    content = write_files(
        tmp_path / "content",
        {"images/bild.svg": SVG, "articles/gut.md": GOOD.replace("articles/gut.md#", "articles/weg.md#")},
    )
    out = tmp_path / "out"
    result = run_pelican_cli(content, out)
    assert result.returncode != 0
    assert "content/articles/gut.md:9" in result.stdout + result.stderr
    assert not (out / "gute-zeilen").exists()
