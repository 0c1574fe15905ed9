"""content_check: Pelican's own reading, German errors and findings with file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from blog_context import blog_context
from helpers import ROOT, run_pelican_cli, write_files
from pelican.settings import read_settings

import tasks
from sitetools.findings import Finding, collect_findings, count_line

GOOD = """
    Title: Gute Zeilen
    Date: 2024-03-05 09:05
    Category: Strategie
    Summary: Alles da.
    Image: images/bild.svg
    Image_alt: Ein Bild
    Image_credit: Grafik: eigene Darstellung

    Ein [Link]({filename}/articles/zweiter.md#abschnitt) und ![Bild]({static}/images/bild.svg).
"""
SECOND = """
    Title: Zweiter Beitrag
    Date: 2024-04-01
    Category: Strategie
    Summary: Auch da.

    ## Abschnitt {#abschnitt}

    Text.
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg"/>'


def site(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """Write a tiny content dir (text is dedented, bytes are written as they are)."""
    content = tmp_path / "content"
    texts = {name: text for name, text in files.items() if isinstance(text, str)}
    write_files(content, {"images/bild.svg": SVG, "articles/zweiter.md": SECOND, **texts})
    for name, data in files.items():
        if isinstance(data, bytes):
            (content / name).parent.mkdir(parents=True, exist_ok=True)
            (content / name).write_bytes(data)
    return content


def check(tmp_path: Path, files: dict[str, str | bytes], every_plugin: bool = False, **overrides) -> list[str]:
    """What `invoke check` lists for these files (only content_check's, unless every_plugin)."""
    content = site(tmp_path, files)
    findings = collect_findings(content, ROOT / "pelicanconf.py", overrides)
    return [str(f) for f in findings if every_plugin or f.source.startswith("content_check")]


def errors(lines: list[str]) -> list[str]:
    return [line for line in lines if ": Fehler: " in line]


def test_clean_content_has_no_findings(tmp_path):
    assert check(tmp_path, {"articles/gut.md": GOOD}) == []


def test_what_the_old_lint_got_wrong_is_fine(tmp_path):
    files = {
        "articles/bom.md": "\ufeff" + textwrap.dedent(GOOD).lstrip(),
        "articles/yaml.md": "---\n" + textwrap.dedent(SECOND).lstrip().replace("\n\n", "\n---\n\n", 1),
        "articles/weg.md": "Title: Weg\nStatus: skip\nFoo: bar\nDate: gestern\n\nAlt.\n",
        "articles/code.md": textwrap.dedent(SECOND).replace("Zweiter Beitrag", "Code")
        + "\n    [Link]({filename}/gibt-es-nicht.md)\n\n`{filename}/auch-nicht.md`\n",
        "articles/bild.markdown": GOOD.replace("Gute Zeilen", "Bild").replace("Image: ", "Image: {static}/"),
    }
    files["articles/yaml.md"] = files["articles/yaml.md"].replace("Zweiter Beitrag", "Yaml")
    assert check(tmp_path, files) == []


def test_markdown_files_with_other_extensions_are_checked(tmp_path):
    lines = check(tmp_path, {"articles/alt.markdown": GOOD.replace("Category:", "Catgory:")})
    assert lines == ["content/articles/alt.markdown:3: Fehler: Unbekanntes Feld „Catgory“ – meinten Sie „Category“?"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [("05.03.2024", "2024-03-05"), ("5.3.2024 9:05", "2024-03-05T09:05:00+01:00")],
)
def test_german_dates_are_read_day_first(make_site, written, expected):
    built = make_site({"articles/gut.md": SECOND.replace("2024-04-01", written)})
    assert built.html("zweiter-beitrag/index.html").find("time")["datetime"] == expected


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("31.02.2024", "gibt es nicht im Kalender"),
        ("5/3/2024", "lässt sich nicht sicher lesen (Tag oder Monat?)"),
        ("5-3-2024", "lässt sich nicht sicher lesen (Tag oder Monat?)"),
        ("gestern", "ist kein Datum"),
    ],
)
def test_unreadable_dates_are_errors_on_their_line(tmp_path, written, reason):
    lines = check(tmp_path, {"articles/gut.md": GOOD.replace("2024-03-05 09:05", written)})
    assert lines == [
        f"content/articles/gut.md:2: Fehler: Date: „{written}“ {reason}; schreiben Sie z. B. "
        "„2024-03-05 09:05“ oder „05.03.2024 09:05“"
    ]


def test_an_unknown_key_is_an_error_with_a_suggestion_and_the_draft_stays_unpublished(tmp_path):
    content = site(tmp_path, {"articles/gut.md": GOOD.replace("Category: Strategie", "Stauts: draft")})
    result = run_pelican_cli(content, tmp_path / "out")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "content/articles/gut.md:3: Unbekanntes Feld „Stauts“ – meinten Sie „Status“?" in output
    assert "Traceback" not in output
    assert "Abbruch: 1 Fehler im Inhalt" in output
    assert not (tmp_path / "out/gute-zeilen").exists()


def test_an_unknown_key_without_a_close_match_names_the_setting_for_own_keys(tmp_path):
    [line] = check(tmp_path, {"articles/gut.md": GOOD.replace("Category: Strategie", "Zielgruppe: Handwerk")})
    assert line.startswith("content/articles/gut.md:3: Fehler: Unbekanntes Feld „Zielgruppe“")
    assert "EXTRA_METADATA_KEYS" in line


def test_keys_of_plugins_and_of_the_site_are_known(tmp_path):
    plugins = write_files(
        tmp_path / "plugins",
        {
            "demo/__init__.py": """
                from pelican import signals


                def declare(pelican):
                    if "demo" not in pelican.settings["PLUGINS"]:  # signals outlive this build in the process
                        return
                    pelican.settings.setdefault("PLUGIN_METADATA_KEYS", set()).update({"leserkreis"})


                def register():
                    signals.initialized.connect(declare)
            """
        },
    )
    text = GOOD.replace("Category:", "Leserkreis: Handwerk\n    Zielgruppe: Handwerk\n    Category:")
    overrides = {"PLUGIN_PATHS": [str(ROOT / "plugins"), str(plugins)], "PLUGINS": ["content_check", "demo"]}
    assert check(tmp_path, {"articles/gut.md": text}, EXTRA_METADATA_KEYS=["zielgruppe"], **overrides) == []
    assert len(errors(check(tmp_path, {"articles/gut.md": text}))) == 2


def test_missing_title_date_and_unknown_status_are_one_german_error_each(tmp_path):
    lines = check(
        tmp_path,
        {
            "articles/ohne-titel.md": "Date: 2024-03-05\nSummary: x\n\nText.\n",
            "articles/ohne-datum.md": "Title: Ohne Datum\nSummary: x\n\nText.\n",
            "articles/fertig.md": "Title: Fertig\nDate: 2024-03-05\nStatus: fertig\n\nText.\n",
            "pages/seite.md": "Summary: x\n\nText.\n",
        },
    )
    assert lines == [
        "content/articles/fertig.md:3: Fehler: „Status: fertig“ gibt es nicht; erlaubt sind published, hidden, "
        "draft, skip.",
        "content/articles/ohne-datum.md:1: Fehler: „Date:“ fehlt: ergänzen Sie z. B. „Date: 2024-03-05 09:05“.",
        "content/articles/ohne-titel.md:1: Fehler: „Title:“ fehlt: ergänzen Sie z. B. „Title: Ein klarer Titel“.",
        "content/pages/seite.md:1: Fehler: „Title:“ fehlt: ergänzen Sie z. B. „Title: Ein klarer Titel“.",
    ]


def test_an_empty_and_a_latin1_file_get_one_clear_message_each(tmp_path):
    latin1 = "Title: Grüße\nDate: 2024-03-05\n\nÄrger.\n".encode("latin-1")
    lines = check(tmp_path, {"articles/leer.md": "", "articles/alt.md": latin1})
    assert lines == [
        "content/articles/alt.md:1: Fehler: Die Datei ist nicht als UTF-8 gespeichert (Byte 0xfc); "
        "speichern Sie sie im Editor mit der Kodierung UTF-8.",
        "content/articles/leer.md:1: Fehler: Die Datei ist leer: schreiben Sie Metadaten und Text hinein "
        "oder löschen Sie sie.",
    ]


def test_a_future_article_is_a_finding_not_a_duplicate(tmp_path):
    future = SECOND.replace("2024-04-01", "03.03.2027 08:00").replace("Zweiter Beitrag", "Gute Zeilen")
    lines = check(tmp_path, {"articles/gut.md": GOOD, "articles/spaeter.md": future})
    assert lines == [
        "content/articles/spaeter.md:2: Hinweis: Der Artikel erscheint am 3. März 2027: bis dahin steht er "
        "nicht auf der Website (Vorschau mit PREVIEW_DRAFTS=1)."
    ]


def test_missing_summary_alt_text_and_credit_are_only_findings(tmp_path):
    text = (
        GOOD.replace("    Summary: Alles da.\n", "")
        .replace("    Image_alt: Ein Bild\n", "")
        .replace("    Image_credit: Grafik: eigene Darstellung\n", "")
        .replace("    Category: Strategie\n", "")
        .replace("![Bild]", "![]")
    )
    lines = check(tmp_path, {"articles/gut.md": text})
    assert lines == [
        "content/articles/gut.md:1: Hinweis: „Category:“ fehlt: der Artikel landet in der Kategorie „articles“.",
        "content/articles/gut.md:1: Hinweis: „Summary:“ fehlt: ein bis zwei Sätze für Übersicht, Feeds und Vorschau.",
        "content/articles/gut.md:3: Hinweis: „Image_alt:“ fehlt: beschreiben Sie in Worten, was das Bild zeigt.",
        "content/articles/gut.md:3: Hinweis: „Image_credit:“ fehlt: wer hat das Bild gemacht?",
        "content/articles/gut.md:5: Hinweis: Bild „{static}/images/bild.svg“ hat keinen Alternativtext: "
        "beschreiben Sie ihn in ![…](…).",
    ]


def test_links_and_images_that_lead_nowhere_are_errors_on_their_line(tmp_path):
    draft = SECOND.replace("Zweiter Beitrag", "Entwurf").replace("Summary:", "Status: draft\n    Summary:")
    text = (
        GOOD.replace("images/bild.svg\n", "images/weg.svg\n", 1)
        + "\n    Siehe [alt]({filename}/articles/fehlt.md), ![x]({static}/images/fehlt.svg).\n"
        + "\n    Und [bald]({filename}/articles/entwurf.md), ![y](images/bild.svg).\n"
    )
    lines = check(tmp_path, {"articles/gut.md": text, "articles/entwurf.md": draft})
    assert lines == [
        "content/articles/gut.md:5: Fehler: Bild „images/weg.svg“ gibt es nicht: Pfad relativ zu content/ angeben, "
        "z. B. images/grafik.svg.",
        "content/articles/gut.md:11: Fehler: Link „{filename}/articles/fehlt.md“ führt ins Leere: die Datei gibt es "
        "nicht. Pfad prüfen (mit / beginnend: relativ zu content/, sonst relativ zu dieser Datei).",
        "content/articles/gut.md:11: Fehler: Link „{static}/images/fehlt.svg“ führt ins Leere: die Datei gibt es "
        "nicht. Pfad prüfen (mit / beginnend: relativ zu content/, sonst relativ zu dieser Datei).",
        "content/articles/gut.md:13: Fehler: Bild „images/bild.svg“ wird so nicht gefunden: schreiben Sie "
        "{static}/images/bild.svg (Pfad relativ zu content/).",
        "content/articles/gut.md:13: Fehler: Link „{filename}/articles/entwurf.md“ führt ins Leere: das Ziel ist "
        "ein Entwurf oder erscheint erst später und steht nicht auf der Website.",
    ]


def test_a_broken_link_stops_pelican_with_the_markdown_file_and_line(tmp_path):
    text = GOOD + "\n    Siehe [alt]({filename}/articles/fehlt.md).\n"
    content = site(tmp_path, {"articles/gut.md": text})
    result = run_pelican_cli(content, tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "content_check: content/articles/gut.md:11: Link „{filename}/articles/fehlt.md“ führt ins Leere" in output
    assert "Unable to find" not in output
    assert "Traceback" not in output
    assert not (tmp_path / "out/gute-zeilen").exists()


def test_two_files_with_one_address_are_an_error(tmp_path):
    page = "Title: Gute Zeilen\nSummary: x\n\nSeite.\n"
    lines = check(tmp_path, {"articles/gut.md": GOOD, "pages/doppelt.md": page})
    assert lines == [
        "content/pages/doppelt.md:1: Fehler: Die Adresse „gute-zeilen/“ hat schon "
        "content/articles/gut.md: geben Sie dieser Datei eine eigene Zeile „Slug: …“."
    ]


def test_drafts_do_not_count_as_duplicates(tmp_path):
    draft = GOOD.replace("    Summary:", "    Status: draft\n    Summary:")
    assert check(tmp_path, {"articles/gut.md": GOOD, "pages/entwurf.md": draft}) == []


def test_placeholder_text_is_an_error_once_published(tmp_path, monkeypatch):
    content = site(tmp_path, {"articles/gut.md": GOOD})
    tasks.new(blog_context(content=content), "Ein neuer Gedanke")
    path = content / "articles/ein-neuer-gedanke.md"
    assert "\nSlug: ein-neuer-gedanke\n" in path.read_text(encoding="utf-8")
    assert check(tmp_path, {}) == []  # as a draft, the placeholders are fine
    path.write_text(path.read_text(encoding="utf-8").replace("Status: draft\n", ""), encoding="utf-8")
    assert check(tmp_path, {}) == [
        "content/articles/ein-neuer-gedanke.md:7: Fehler: Hier steht noch der Platzhalter „Schreiben Sie hier …“ "
        "von „invoke new“: ersetzen Sie ihn durch Ihren Text oder lassen Sie „Status: draft“ stehen, bis der Text "
        "fertig ist."
    ]


def test_drafts_can_be_previewed_locally_but_never_published(tmp_path, monkeypatch, make_site):
    monkeypatch.setenv("PREVIEW_DRAFTS", "1")
    preview = read_settings(str(ROOT / "pelicanconf.py"))
    published = read_settings(str(ROOT / "publishconf.py"))
    assert preview["DRAFT_SAVE_AS"] == "entwurf/{slug}/index.html"
    assert published["DRAFT_SAVE_AS"] == published["DRAFT_PAGE_SAVE_AS"] == ""
    draft = SECOND.replace("Summary:", "Status: draft\n    Summary:")
    built = make_site({"articles/entwurf.md": draft}, DRAFT_SAVE_AS=preview["DRAFT_SAVE_AS"])
    assert built.html("entwurf/zweiter-beitrag/index.html").h1.text.strip() == "Zweiter Beitrag"
    assert "entwurf" not in built.text("sitemap.xml")


def test_findings_of_every_plugin_are_listed_with_file_and_line_and_counted():
    findings = [
        Finding("content/a.md:3", "error", "kaputt"),
        Finding("content/a.md:1", "finding", "fehlt"),
    ]
    assert [str(f) for f in findings] == ["content/a.md:3: Fehler: kaputt", "content/a.md:1: Hinweis: fehlt"]
    assert count_line(findings) == "1 Fehler, 1 Hinweis"
    assert count_line(findings[1:] * 2) == "0 Fehler, 2 Hinweise"
    assert count_line([]) == "0 Fehler, 0 Hinweise"


def test_check_lists_what_other_plugins_log(tmp_path):
    plugins = write_files(
        tmp_path / "plugins",
        {
            "noisy/__init__.py": """
                import logging

                from pelican import signals

                logger = logging.getLogger(__name__)


                def complain(generator):
                    if "noisy" not in generator.settings["PLUGINS"]:  # signals outlive this build in the process
                        return
                    for article in generator.articles:
                        logger.error("noisy: %s:4: Empfehlung „x“ gibt es nicht", article.source_path)


                def register():
                    signals.article_generator_finalized.connect(complain)
            """
        },
    )
    overrides = {"PLUGIN_PATHS": [str(ROOT / "plugins"), str(plugins)], "PLUGINS": ["content_check", "noisy"]}
    lines = check(tmp_path, {"articles/gut.md": GOOD}, every_plugin=True, **overrides)
    assert f"{tmp_path}/content/articles/gut.md:4: Fehler: Empfehlung „x“ gibt es nicht" in lines


def test_the_check_keeps_the_reader_of_another_plugin(make_site):
    text = SECOND.replace("2024-04-01", "05.03.2024") + """
    /// checklist | Bereit?
    - [ ] Ziele stehen fest.
    ///
    """
    built = make_site({"articles/liste.md": text}, PLUGINS=["content_check", "checklists"])
    page = built.html("zweiter-beitrag/index.html")
    assert page.find("time")["datetime"] == "2024-03-05"  # content_check's reading
    assert page.select_one("form.checklist legend").text.strip() == "Bereit?"  # checklists' reader


def test_check_splits_a_plugin_message_that_lists_several_problems(tmp_path):
    text = GOOD + """
    /// checklist | Kaputt
    - [ ] Gut.
    Kein Punkt.
    ///
    """
    lines = check(tmp_path, {"articles/gut.md": text}, every_plugin=True, PLUGINS=["content_check", "checklists"])
    assert lines and all(line.startswith("content/articles/gut.md:") for line in lines), lines


def test_live_reload_reports_the_error_again_from_the_warm_cache_without_a_traceback(tmp_path, capfd):
    from sitetools.building import BuildError
    from sitetools.preview import preview_build

    content = site(tmp_path, {"articles/gut.md": GOOD})
    output, cache = tmp_path / "output", tmp_path / "cache"
    preview_build(content, ROOT / "pelicanconf.py", output, cache)
    capfd.readouterr()
    (content / "articles/zweiter.md").write_text(textwrap.dedent(SECOND).lstrip().replace("Category:", "Catgory:"))
    for _ in range(2):  # the second build reads the broken file from Pelican's reader cache
        with pytest.raises(BuildError):
            preview_build(content, ROOT / "pelicanconf.py", output, cache)
        printed = capfd.readouterr()
        assert printed.err.splitlines() == [
            "content/articles/zweiter.md:3: Fehler: Unbekanntes Feld „Catgory“ – meinten Sie „Category“?"
        ]  # one German line: no "Could not process", no "CRITICAL …", no traceback
        assert printed.out == ""  # no summary of a build that was rejected
    assert (output / "gute-zeilen/index.html").is_file()  # the last good build stays online


def test_another_plugins_fatal_error_ends_with_one_german_line_and_no_traceback(tmp_path):
    text = GOOD + "\n    /// checklist | Kaputt\n    - [ ] Gut\n    Kein Punkt.\n    ///\n"
    content = site(tmp_path, {"articles/gut.md": text})
    result = run_pelican_cli(content, tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "content/articles/gut.md:13: „Kein Punkt.“ ist kein Punkt der Checkliste" in output
    assert "Abbruch wegen der Meldung oben (pelican --fatal)" in output
    assert "Traceback" not in output


def test_a_wrong_content_check_setting_stops_the_build_naming_the_key(make_site):
    from plugins.pluginkit import PluginSettingsError

    with pytest.raises(PluginSettingsError, match=r"CONTENT_CHECK\['log_findings'\]"):
        make_site({"articles/a.md": "Title: A\nDate: 2024-01-01\n\nText.\n"}, CONTENT_CHECK={"log_findings": "ja"})
    with pytest.raises(PluginSettingsError, match=r"CONTENT_CHECK\['placeholder'\].*'placeholders'"):
        make_site({"articles/a.md": "Title: A\nDate: 2024-01-01\n\nText.\n"}, CONTENT_CHECK={"placeholder": []})
