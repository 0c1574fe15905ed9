"""`invoke recommend SLUG --explain`: the picks with score, shared words and topic words, in German."""

import re

import pytest
from helpers import ROOT, write_files
from recommendations.explain import UnknownArticle, read_articles, report

REVIEWS = "Kritische Bewertungen beantworten Sie ruhig. Danken Sie für jede Bewertung und bieten Sie Gespräche an."
FILES = {
    "articles/a.md": f"Title: Bewertungen beantworten\nDate: 2020-01-01\nTags: Bewertungen\n\n{REVIEWS}\n",
    "articles/b.md": f"Title: Eine schlechte Bewertung\nDate: 2020-02-01\nTags: Bewertungen\n\n{REVIEWS} Schnell.\n",
    "articles/c.md": "Title: Datenschutz\nDate: 2020-03-01\nTags: Recht\n\nDie Erklärung gehört ins Profil.\n",
    "articles/d.md": "Title: Kennzahlen\nDate: 2020-04-01\nTags: Zahlen\n\nZählen Sie Anfragen statt Likes.\n",
}


@pytest.fixture
def articles(tmp_path):
    content = write_files(tmp_path / "content", FILES)
    return read_articles(ROOT / "pelicanconf.py", content, CACHE_PATH=str(tmp_path / "cache"))


def test_explain_shows_each_pick_with_score_and_shared_words(articles) -> None:
    text = report(articles, "bewertungen-beantworten", explain=True)
    lines = text.splitlines()
    assert lines[0] == "Leseempfehlungen für „Bewertungen beantworten“ (bewertungen-beantworten):"
    assert lines[1] == "1. Eine schlechte Bewertung – /eine-schlechte-bewertung/ (automatisch)"
    parts = re.fullmatch(
        r"   Wert (\S+) = gemeinsame Wörter (\S+) \+ gemeinsame Themen (\S+) \+ Schlagwörter 0\.000 \(1 gemeinsam\)",
        lines[2],
    )
    assert parts, lines[2]
    score, words, topics = map(float, parts.groups())
    assert words > 0 and topics > 0 and abs(score - words - topics) <= 0.002
    assert lines[3].startswith("   gemeinsame Wörter: bewertungen (")
    assert lines[4].startswith("   Wörter der gemeinsamen Themen: bewertungen (")
    shown = [float(weight) for weight in re.findall(r"\((\d\.\d+)\)", lines[3])]
    assert sum(shown) <= words + 0.002  # each word's part of the score, the strongest five
    assert sum(line[:2] in {"1.", "2.", "3."} for line in lines) == 3


def test_a_pick_with_nothing_in_common_says_it_fills_up(articles) -> None:
    lines = report(articles, "bewertungen-beantworten", explain=True).splitlines()
    assert lines[5] == "2. Kennzahlen – /kennzahlen/ (automatisch)"
    assert lines[6] == "   Wert 0.000: nichts gemeinsam, aufgefüllt (gleiche Kategorie zuerst, dann die neueren)"


def test_topic_words_name_a_word_the_other_article_does_not_use(tmp_path) -> None:
    """Two newsletter articles: the topic words go beyond the two words they have in common."""
    files = {
        "articles/a.md": "Title: Abonnenten gewinnen\nDate: 2020-01-01\n\n"
        + "Newsletter Abonnenten Anmeldung Liste. " * 3,
        "articles/b.md": "Title: Abmeldungen\nDate: 2020-02-01\n\n" + "Newsletter Abmeldungen Liste Versand. " * 3,
        "articles/c.md": "Title: Versand planen\nDate: 2020-03-01\n\n"
        + "Newsletter Versand Anmeldung Abmeldungen. " * 3,
        "articles/d.md": "Title: Kennzahlen\nDate: 2020-04-01\n\n" + "Kennzahlen Anfragen Bericht Ziele. " * 3,
        "articles/e.md": "Title: Berichte\nDate: 2020-05-01\n\n" + "Bericht Ziele Monat Kennzahlen. " * 3,
    }
    content = write_files(tmp_path / "content", files)
    found = read_articles(ROOT / "pelicanconf.py", content, CACHE_PATH=str(tmp_path / "cache"))
    article = next(a for a in found if a.slug == "abonnenten-gewinnen")
    pick = next(p for p in article.recommendations if p.article.slug == "abmeldungen")
    shared = {word for word, _ in pick.terms}
    topical = {word for word, _ in pick.topic_terms}
    assert shared == {"newsletter", "liste"}
    assert {"abonnenten", "anmeldung"} <= topical  # words of one article that the topic links to the other


def test_without_explain_only_the_picks_are_listed(articles) -> None:
    lines = report(articles, "bewertungen-beantworten").splitlines()
    assert len(lines) == 4
    assert "Wert" not in "\n".join(lines)


def test_an_unknown_slug_names_close_matches(articles) -> None:
    with pytest.raises(UnknownArticle, match=r"„bewertungen“.*Meinten Sie: bewertungen-beantworten"):
        report(articles, "bewertungen")
