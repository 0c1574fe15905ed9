"""Checklists in built sites: script only where needed, `/checklisten/`, printable pages, feeds, build errors."""

from __future__ import annotations

import json
import re
import textwrap

import feedparser
import pytest
from helpers import ROOT, run_pelican_cli, write_files

from plugins.pluginkit import PluginSettingsError
from sitetools.findings import collect_findings

ARTICLE = """
    Title: {title}
    Date: {date}
    Category: Strategie
    Summary: Kurz.
    {extra}

    Einleitung.

    {body}
"""
CHECKLIST = """/// checklist | {title}
{options}- [ ] Ziele notiert
- [x] Zeit eingeplant
    Jede Woche fest im Kalender.
///"""


def article(title: str, body: str = "Nur Text.", date: str = "2024-03-05 09:05", extra: str = "") -> str:
    """An article's Markdown, metadata first, then the body as given."""
    return textwrap.dedent(ARTICLE).format(title=title, date=date, extra=extra, body=body)


def checklist(title: str = "Start", options: str = "") -> str:
    """A checklist block with two items, one ticked and explained."""
    return CHECKLIST.format(title=title, options=options)


@pytest.fixture
def site(make_site):
    return make_site(
        {
            "articles/mit.md": article("Mit Liste", checklist("Bereit für den Start?", "    download: true\n")),
            "articles/zwei.md": article("Zwei Listen", checklist("Eins") + "\n\nDazwischen.\n\n" + checklist("Zwei")),
            "articles/ohne.md": article("Ohne Liste"),
            "articles/entwurf.md": article("Entwurf", checklist("Geheim"), extra="Status: draft"),
            "pages/werkzeug.md": "Title: Werkzeug\n\n" + checklist("Auf der Seite"),
        }
    )


def test_article_with_a_checklist_loads_the_script_deferred_from_the_theme(site):
    scripts = site.html("mit-liste/index.html").head.find_all("script", src=True)
    assert [(s["src"], s.has_attr("defer")) for s in scripts] == [("../theme/js/checklists.js", True)]
    assert (site.output / "theme/js/checklists.js").is_file()


def test_a_page_with_a_checklist_loads_the_script_too(site):
    page = site.html("werkzeug/index.html")
    assert page.select_one("form.checklist")["data-checklist"] == "auf-der-seite"
    assert page.head.find("script", src="../theme/js/checklists.js").has_attr("defer")


def test_pages_without_a_checklist_load_no_script(site):
    for page in ("ohne-liste/index.html", "index.html", "checklisten/index.html"):
        scripts = [s["src"] for s in site.html(page).find_all("script", src=True)]
        assert not [s for s in scripts if "checklist" in s], page


def test_every_checkbox_has_its_own_id_and_label(site):
    soup = site.html("zwei-listen/index.html")
    boxes = soup.select("form.checklist input[type=checkbox]")
    ids = [box["id"] for box in boxes]
    assert len(ids) == 4 == len(set(ids))
    assert all(soup.find("label", attrs={"for": box_id}) for box_id in ids)


def test_overview_lists_every_published_checklist_with_its_article(site):
    items = site.html("checklisten/index.html").select(".checklist-overview > li")
    assert [li.a.text for li in items] == ["Bereit für den Start?", "Eins", "Zwei", "Auf der Seite"]
    assert items[0].a["href"] == "../mit-liste/#checkliste-bereit-fuer-den-start"
    assert "aus „Mit Liste“" in items[0].text
    assert "Geheim" not in site.text("checklisten/index.html")


def test_every_page_links_to_the_overview_in_its_footer(site):
    for page, href in (("ohne-liste/index.html", "../checklisten/"), ("index.html", "./checklisten/")):
        assert site.html(page).select_one("footer .checklists-link a")["href"] == href, page
    assert site.html("checklisten/index.html").select_one("footer .checklists-link a")["aria-current"] == "page"


def test_a_site_without_checklists_has_no_overview_and_no_footer_link(make_site):
    site = make_site({"articles/ohne.md": article("Ohne Liste")})
    assert not (site.output / "checklisten").exists()
    assert site.html("index.html").select_one(".checklists-link") is None


def test_downloadable_checklist_has_its_own_printable_page_linked_from_the_article(site):
    link = site.html("mit-liste/index.html").select_one(".checklist-download a")
    assert link["href"] == "../checklisten/bereit-fuer-den-start/"
    page = site.html("checklisten/bereit-fuer-den-start/index.html")
    assert page.h1.text == "Bereit für den Start?"
    assert page.select_one("form.checklist")["data-checklist"] == "bereit-fuer-den-start"
    assert page.select_one(".checklist-download") is None
    assert page.find("script", src="../../theme/js/checklists.js").has_attr("defer")
    assert page.select_one(".lead a")["href"] == "../../mit-liste/"


def test_feed_entry_reads_as_a_list_with_box_marks(site):
    feed = feedparser.parse(site.text("feeds/alle.atom.xml"))
    [entry] = [e for e in feed.entries if e.title == "Mit Liste"]
    text = entry.content[0].value
    assert "☐</span> Ziele notiert" in text
    assert "☑</span> Zeit eingeplant" in text


def test_the_starter_site_has_at_least_three_checklists_and_one_printable_page(starter_site):
    overview = starter_site.html("checklisten/index.html").select(".checklist-overview > li")
    assert len(overview) >= 3
    assert starter_site.files("checklisten/*/index.html")


@pytest.mark.parametrize("plugins", [["checklists"], ["content_check", "checklists"]], ids=["reader", "check-first"])
def test_a_broken_checklist_stops_the_build_with_file_line_and_what_to_fix(tmp_path, plugins):
    body = "/// checklist | Kaputt\n- [ ] Gut\n- Schlecht\n///"
    content = write_files(tmp_path / "content", {"articles/kaputt.md": article("Kaputt", body)})
    result = run_pelican_cli(content, tmp_path / "out", "-e", f"PLUGINS={json.dumps(plugins)}")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert re.search(r"content/articles/kaputt\.md:11: (Fehler: )?„- Schlecht“ ist kein Punkt der Checkliste", output)
    assert "- [ ] " in output
    assert not (tmp_path / "out/kaputt/index.html").exists()


def test_an_unknown_option_stops_the_build(tmp_path):
    body = "/// checklist | Optionen\n    farbe: rot\n- [ ] Gut\n///"
    content = write_files(tmp_path / "content", {"articles/optionen.md": article("Optionen", body)})
    result = run_pelican_cli(content, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(r"content/articles/optionen\.md:9: (Fehler: )?unbekannte Option „farbe:“", result.stdout)


def test_invoke_check_reports_checklist_errors_on_their_lines(tmp_path):
    body = "/// checklist | Offen\n- [ ] Gut\n"
    content = write_files(tmp_path / "content", {"articles/offen.md": article("Offen", body)})
    findings = [f for f in collect_findings(content, ROOT / "pelicanconf.py") if f.severity == "error"]
    assert [f.where for f in findings] == ["content/articles/offen.md:9"]
    assert "nicht geschlossen" in findings[0].text


def test_the_same_checklist_id_in_two_articles_stops_the_build(tmp_path):
    content = write_files(
        tmp_path / "content",
        {
            "articles/a.md": article("Artikel A", checklist("Gleich"), date="2024-01-01"),
            "articles/b.md": article("Artikel B", checklist("Gleich"), date="2024-02-01"),
        },
    )
    result = run_pelican_cli(content, tmp_path / "out")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "die Kennung „gleich“ hat schon eine Checkliste in content/articles/" in output


def test_an_unknown_setting_key_stops_pelican_naming_the_key(make_site):
    with pytest.raises(PluginSettingsError, match=r"CHECKLISTS\['overview_ulr'\].*'overview_url'"):
        make_site({"articles/ohne.md": article("Ohne Liste")}, CHECKLISTS={"overview_ulr": "liste/"})
