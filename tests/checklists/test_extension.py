"""The checklist block: Markdown in, HTML out (one behaviour per test), and its source errors."""

from __future__ import annotations

import textwrap
from functools import partial

import markdown
import pytest
from bs4 import BeautifulSoup
from checklists.extension import ChecklistDocument, ChecklistExtension
from checklists.plugin import site_slugify
from helpers import ROOT
from pelican.settings import read_settings

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))


def convert(source: str, **config) -> tuple[str, ChecklistDocument]:
    """Render dedented Markdown with the site's slug rules; return the HTML and what the block found."""
    extension = ChecklistExtension(slugify=partial(site_slugify, SETTINGS), **config)
    md = markdown.Markdown(extensions=[extension, "markdown.extensions.extra"], output_format="html5")
    html = md.convert(textwrap.dedent(source).strip())
    return html, md.checklist_documents[0]


def render(source: str, **config) -> BeautifulSoup:
    """The rendered HTML, parsed; fails if the source check found a problem."""
    html, document = convert(source, **config)
    assert document.problems == []
    return BeautifulSoup(html, "html.parser")


def problems(source: str) -> list[tuple[int, str]]:
    """The (line, message) problems the source check reports."""
    return convert(source)[1].problems


def test_block_renders_a_form_with_fieldset_legend_and_a_checkbox_and_label_per_item():
    html, _ = convert("""
        /// checklist | Vor dem Start
        - [ ] Ziel notiert
        ///
    """)
    assert html == "\n".join(
        [
            '<form class="checklist" data-checklist="vor-dem-start" id="checkliste-vor-dem-start">',
            "<fieldset>",
            "<legend>Vor dem Start</legend>",
            '<ul class="checklist-items">',
            '<li><input id="vor-dem-start--ziel-notiert" type="checkbox">'
            '<label for="vor-dem-start--ziel-notiert">'
            '<span aria-hidden="true">☐</span> Ziel notiert</label></li>',
            "</ul>",
            '<p aria-live="polite" class="checklist-progress" data-pagefind-ignore="" hidden>0 von 1 erledigt</p>',
            '<p class="checklist-actions" data-pagefind-ignore="" hidden><button type="reset">Zurücksetzen</button>'
            '<button class="checklist-print" type="button">Drucken</button></p>',
            "</fieldset>",
            "</form>",
        ]
    )


def test_ticked_item_is_checked_marked_and_counted_in_the_progress_line():
    soup = render("""
        /// checklist | Liste
        - [x] Erledigt
        - [ ] Offen
        - [X] Auch erledigt
        ///
    """)
    boxes = soup.select("input[type=checkbox]")
    assert [box.has_attr("checked") for box in boxes] == [True, False, True]
    assert [mark.text for mark in soup.select("label > span[aria-hidden=true]")] == ["☑", "☐", "☑"]
    assert soup.select_one(".checklist-progress").text == "2 von 3 erledigt"


def test_id_comes_from_the_title_by_the_sites_german_slug_rules():
    soup = render("""
        /// checklist | Größe für Ihr Geschäft?
        - [ ] Punkt
        ///
    """)
    assert soup.form["id"] == "checkliste-groesse-fuer-ihr-geschaeft"
    assert soup.form["data-checklist"] == "groesse-fuer-ihr-geschaeft"


def test_id_option_sets_the_id():
    soup = render("""
        /// checklist | Ein langer Titel
            id: kurz
        - [ ] Punkt
        ///
    """)
    assert soup.form["data-checklist"] == "kurz"
    assert soup.input["id"] == "kurz--punkt"


def test_item_ids_come_from_checklist_id_and_item_text_so_reordering_keeps_them():
    first = render("""
        /// checklist | Liste
        - [ ] Erster Punkt
        - [ ] Zweiter Punkt
        ///
    """)
    reordered = render("""
        /// checklist | Liste
        - [ ] Neuer Punkt
        - [ ] Zweiter Punkt
        - [ ] Erster Punkt
        ///
    """)
    ids = {label.text.strip("☐ "): label["for"] for label in first.select("label")}
    assert ids == {
        "Erster Punkt": "liste--erster-punkt",
        "Zweiter Punkt": "liste--zweiter-punkt",
    }
    assert {label.text.strip("☐ "): label["for"] for label in reordered.select("label")} == {
        **ids,
        "Neuer Punkt": "liste--neuer-punkt",
    }
    assert all(reordered.find(id=box_id).name == "input" for box_id in ids.values())


def test_long_item_text_gives_a_short_id_cut_at_a_word():
    soup = render("""
        /// checklist | Liste
        - [ ] Eine Person im Team hat jede Woche drei bis fünf Stunden fest dafür eingeplant
        ///
    """)
    assert soup.input["id"] == "liste--eine-person-im-team-hat-jede"


def test_indented_lines_under_an_item_are_its_explanation_described_by_the_checkbox():
    soup = render("""
        /// checklist | Liste
        - [ ] Profil vollständig
            Logo, Adresse und Öffnungszeiten.
            Auch ein Link zur Website.
        - [ ] Nächster Punkt
        ///
    """)
    first, second = soup.select(".checklist-items > li")
    note = first.select_one("p.checklist-note")
    assert note.text == "Logo, Adresse und Öffnungszeiten. Auch ein Link zur Website."
    assert first.input["aria-describedby"] == note["id"]
    assert second.select_one(".checklist-note") is None
    assert not second.input.has_attr("aria-describedby")


def test_item_text_and_explanation_get_inline_markdown():
    soup = render("""
        /// checklist | Liste *kurz*
        - [ ] Die **Ziele** stehen [hier](https://example.org/).
            Mit `Code` erklärt.
        ///
    """)
    assert soup.legend.em.text == "kurz"
    assert soup.label.strong.text == "Ziele"
    assert soup.label.a["href"] == "https://example.org/"
    assert soup.select_one(".checklist-note code").text == "Code"


def test_scores_become_result_texts_with_their_range():
    soup = render("""
        /// checklist | Test
            scores:
              0-1: Eher nicht.
              2: Vielleicht.
              3+: Ja, **los** geht's.
        - [ ] A
        - [ ] B
        - [ ] C
        ///
    """)
    results = soup.select(".checklist-scores li")
    assert [(li["data-min"], li["data-max"]) for li in results] == [("0", "1"), ("2", "2"), ("3", "3")]
    assert [li.get_text(" ", strip=True) for li in results] == [
        "Bei 0–1 Häkchen: Eher nicht.",
        "Bei 2 Häkchen: Vielleicht.",
        "Ab 3 Häkchen: Ja, los geht's.",
    ]
    assert soup.select_one(".checklist-scores")["aria-live"] == "polite"


def test_weights_are_written_on_the_checkboxes_and_scores_count_points():
    soup = render("""
        /// checklist | Test
            weights: [3, 1]
            scores:
              0-2: Wenig.
              3-4: Viel.
        - [ ] Wichtig
        - [ ] Nebensache
        ///
    """)
    assert [box["data-weight"] for box in soup.select("input")] == ["3", "1"]
    assert soup.select_one(".checklist-scores li").strong.text == "Bei 0–2 Punkten:"


def test_download_option_links_to_the_printable_page():
    soup = render(
        """
        /// checklist | Test
            download: true
        - [ ] A
        ///
        """,
        download_href=lambda checklist_id: f"/druck/{checklist_id}/",
    )
    assert soup.select_one(".checklist-download a")["href"] == "/druck/test/"


def test_without_javascript_progress_and_buttons_are_hidden_and_the_marks_read_as_a_list():
    soup = render("""
        /// checklist | Test
        - [ ] A
        ///
    """)
    assert soup.select_one(".checklist-progress").has_attr("hidden")
    assert soup.select_one(".checklist-actions").has_attr("hidden")
    assert soup.select_one("button[type=reset]").text == "Zurücksetzen"
    assert soup.ul.get_text().strip() == "☐ A"


def test_any_number_of_checklists_per_article_with_text_between():
    html, document = convert("""
        /// checklist | Eins
        - [ ] A
        ///

        Text dazwischen.

        /// checklist | Zwei
        - [ ] B
        ///
    """)
    soup = BeautifulSoup(html, "html.parser")
    assert [form["data-checklist"] for form in soup.select("form.checklist")] == ["eins", "zwei"]
    assert [(c.id, c.line, c.title_text) for c in document.checklists] == [("eins", 1, "Eins"), ("zwei", 7, "Zwei")]
    assert soup.find("p", string="Text dazwischen.")


def test_a_checklist_inside_fenced_code_is_shown_as_code():
    html, document = convert("""
        ```
        /// checklist | Beispiel
        - kein Punkt
        ```
    """)
    assert document.problems == [] and document.checklists == []
    assert "/// checklist | Beispiel" in BeautifulSoup(html, "html.parser").code.text


def test_unclosed_block_is_an_error_at_its_header():
    [(line, message)] = problems("""
        Einleitung

        /// checklist | Offen
        - [ ] A
    """)
    assert line == 3
    assert "nicht geschlossen" in message and "///" in message


def test_item_that_is_not_a_checkbox_item_is_an_error_on_its_line():
    [(line, message)] = problems("""
        /// checklist | Liste
        - [ ] A
        - B ohne Kästchen
        ///
    """)
    assert line == 3
    assert "„- B ohne Kästchen“ ist kein Punkt" in message and "- [ ] " in message


@pytest.mark.parametrize("item", ["* [] leer", "1. [ ] nummeriert", "-[ ] ohne Abstand", "Text"])
def test_other_item_forms_are_errors(item):
    [(line, _)] = problems(f"""
        /// checklist | Liste
        {item}
        ///
    """)
    assert line == 2


def test_unknown_option_is_an_error_naming_the_allowed_ones():
    [(line, message)] = problems("""
        /// checklist | Liste
            farbe: rot
        - [ ] A
        ///
    """)
    assert line == 1
    assert "unbekannte Option „farbe:“" in message and "scores:" in message


def test_duplicate_id_on_one_page_is_an_error_at_the_second_block():
    [(line, message)] = problems("""
        /// checklist | Liste
        - [ ] A
        ///

        /// checklist | Andere
            id: liste
        - [ ] B
        ///
    """)
    assert line == 5
    assert "„liste“ hat schon die Checkliste in Zeile 1" in message and "id: …" in message


def test_two_items_with_the_same_text_are_an_error():
    [(line, message)] = problems("""
        /// checklist | Liste
        - [ ] Gleich
        - [x] Gleich!
        ///
    """)
    assert line == 3
    assert "Zeile 2" in message


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("    scores:\n      0: Nichts.\n      2: Zwei.", "für 1 Punkte fehlt"),
        ("    scores:\n      0-1: A.\n      1-2: B.", "überschneiden sich"),
        ("    scores:\n      0-2: A.\n      5: B.", "wird nie erreicht"),
        ("    scores:\n      viel: A.", "ist keine Auswertung"),
        ("    weights: [1]", "nennt 1 Zahlen"),
        ("    weights: [1, 0]", "größer als 0"),
        ("    id: Groß Schreiben", "taugt nicht als Kennung"),
        ("    download: vielleicht", "true"),
        ("    id: [kaputt", "kein gültiges"),
    ],
)
def test_bad_option_values_are_errors_at_the_header(options, expected):
    source = "Text\n\n/// checklist | Liste\n" + options + "\n- [ ] A\n- [ ] B\n///\n"
    [(line, message)] = problems(source)
    assert line == 3
    assert expected in message


def test_missing_title_and_empty_checklist_are_errors():
    assert [m for _, m in problems("/// checklist\n- [ ] A\n///")] == [
        "die Checkliste hat keinen Titel: schreiben Sie „/// checklist | Titel“"
    ]
    assert "hat keine Punkte" in problems("/// checklist | Leer\n///")[0][1]


def test_the_readme_example_renders_without_problems():
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Checklists", 1)[1]
    example = section.split("```markdown\n", 1)[1].split("```", 1)[0]
    soup = render(example)
    assert soup.select_one(".checklist-progress").text == "1 von 3 erledigt"
    assert "Gute Voraussetzungen: legen" in soup.select(".checklist-scores li")[-1].text
