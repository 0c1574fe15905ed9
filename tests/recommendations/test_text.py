"""Tokenizing, stop words and Snowball-German stems."""

from recommendations.text import STOP_WORDS, count_stems, plain_text, stem, surface_forms


def test_umlauts_and_sharp_s_are_folded_by_the_stemmer() -> None:
    assert stem("größe") == stem("grösse") == "gross"
    assert stem("straße") == stem("strasse")
    assert stem("häuser") == stem("haus") == "haus"
    assert stem("übersicht") == "ubersicht"


def test_inflected_forms_share_one_stem() -> None:
    assert stem("unternehmen") == stem("unternehmens") == "unternehm"
    assert stem("kunden") == stem("kunde") == "kund"
    assert stem("bewertungen") == stem("bewertung")


def test_compounds_stay_whole_and_hyphenated_words_split() -> None:
    counts = count_stems("Kundenbeziehungen und Social-Media-Strategie")
    assert "kundenbezieh" in counts
    assert "kund" not in counts  # no decompounding: a compound is its own term
    assert {"social", "media", "strategi"} <= set(counts)


def test_stop_words_numbers_and_single_letters_are_dropped() -> None:
    counts = count_stems("Für die 3 Kunden und für uns ist es nicht schwer, z. B. über 2024 zu reden")
    assert set(counts) == {"kund", "schwer", "red"}
    assert {"für", "über", "dass", "daß", "können"} <= STOP_WORDS
    assert stem("und") == ""


def test_counts_are_weighted_and_case_insensitive() -> None:
    assert count_stems("Budget budget BUDGET") == {"budg": 3}
    assert count_stems("Budget", weight=3.0) == {"budg": 3.0}


def test_plain_text_drops_tags_and_decodes_entities() -> None:
    assert plain_text("<p>Gr&ouml;&szlig;e<br>und&nbsp;<a href='x'>Maß</a></p>").split() == ["Größe", "und", "Maß"]
    assert count_stems(plain_text("<p>Kunde<strong>n</strong></p>")) == {"kund": 1}


def test_surface_forms_show_the_most_frequent_word_of_a_stem() -> None:
    shown = surface_forms("Bewertungen, Bewertungen und eine Bewertung")
    assert shown == {"bewert": "bewertungen"}


def test_the_compiled_stemmer_gives_the_same_stems_as_snowballs_python_code() -> None:
    from snowballstemmer.german_stemmer import GermanStemmer

    words = ["größe", "straße", "häuser", "kundenbeziehungen", "unternehmens", "bewertungen", "öffentlichkeit"]
    assert [stem(word) for word in words] == GermanStemmer().stemWords(words)


def test_pieces_with_punctuation_count_like_plain_words() -> None:
    assert count_stems("Kunden, Kunden. (Kunden) „Kunden“") == {"kund": 4}
    assert count_stems("Social-Media-Strategie und Social Media") == {"social": 2, "media": 2, "strategi": 1}


def test_plain_text_leaves_out_section_links_and_checklist_controls() -> None:
    """What the search index ignores is no word of the article: "Link zum Abschnitt" would join every article."""
    heading = (
        '<h2 id="ziel">Vom Ziel<a class="heading-anchor" data-pagefind-ignore="" href="#ziel">'
        '<span aria-hidden="true">#</span><span class="visually-hidden">Link zum Abschnitt „Vom Ziel“</span></a></h2>'
    )
    controls = '<p class="checklist-actions" data-pagefind-ignore="" hidden><button>Zurücksetzen</button></p>'
    text = plain_text(f"{heading}<p>Ein Link im Text</p>{controls}<p>Ende</p>")
    assert text.split() == ["Vom", "Ziel", "Ein", "Link", "im", "Text", "Ende"]


def test_weighted_counts_add_the_weights_of_title_and_tags_per_stem() -> None:
    from recommendations.text import Analyzer

    analyzer = Analyzer()
    parts = [("Kunden fragen Kunden", 1.0), ("Kunde", 2.0), ("Social-Media Kunden", 1.0)]
    ids, counts = analyzer.weighted_counts(parts)
    found = {analyzer.stems[i]: float(c) for i, c in zip(ids.tolist(), counts.tolist(), strict=True)}
    assert found == {"kund": 5.0, "frag": 1.0, "social": 1.0, "media": 1.0}
    assert len(set(ids.tolist())) == len(ids)  # each stem once


def test_pieces_are_looked_up_as_written_and_stemmed_lower_case() -> None:
    assert count_stems("KUNDEN Kunden kunden Kunden,") == {"kund": 4}
    assert count_stems("Ä Öl ÖL") == {"ol": 2}  # a single letter is no word, also as a capital
