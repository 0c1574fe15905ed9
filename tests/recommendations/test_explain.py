"""`invoke recommend SLUG --explain`: the picks with score and shared words, in German."""

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
    assert lines[2].startswith("   Wert ") and "+ Schlagwörter 0.050 (1 gemeinsam)" in lines[2]
    assert lines[3].startswith("   gemeinsame Begriffe: bewertungen (")
    assert sum(line[:2] in {"1.", "2.", "3."} for line in lines) == 3


def test_without_explain_only_the_picks_are_listed(articles) -> None:
    lines = report(articles, "bewertungen-beantworten").splitlines()
    assert len(lines) == 4
    assert "Wert" not in "\n".join(lines)


def test_an_unknown_slug_names_close_matches(articles) -> None:
    with pytest.raises(UnknownArticle, match=r"„bewertungen“.*Meinten Sie: bewertungen-beantworten"):
        report(articles, "bewertungen")
