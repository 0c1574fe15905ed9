"""German words for similarity: lower-cased tokens, stop words dropped, Snowball-German stems."""

from __future__ import annotations

import html
import re
from collections import Counter

import snowballstemmer

# Letters only (umlauts and ß included), at least two of them: digits, "_" and punctuation split
# words, so "Social-Media-Strategie" gives three tokens and compounds stay whole as written.
WORD_RE = re.compile(r"[^\W\d_]{2,}")
TAG_RE = re.compile(r"<[^>]*>")

# The Snowball project's German stop word list, plus the modal verbs, pronouns and adverbs that
# fill every article of this blog without saying what it is about.
STOP_WORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
    anderm andern anderr anders auch auf aus bei bin bis bist da damit dann das dass dasselbe dazu
    daß dein deine deinem deinen deiner deines dem demselben den denn denselben der derer derselbe
    derselben des desselben dessen dich die dies diese dieselbe dieselben diesem diesen dieser dieses
    dir doch dort du durch ein eine einem einen einer eines einig einige einigem einigen einiger
    einiges einmal er es etwas euch euer eure eurem euren eurer eures für gegen gewesen hab habe
    haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in
    indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine
    keinem keinen keiner keines können könnte machen man manche manchem manchen mancher manches mein
    meine meinem meinen meiner meines mich mir mit muss musste nach nicht nichts noch nun nur ob oder
    ohne sehr sein seine seinem seinen seiner seines selbst sich sie sind so solche solchem solchen
    solcher solches soll sollte sondern sonst über um und uns unser unsere unserem unseren unserer
    unseres unter viel vom von vor während war waren warst was weg weil weiter welche welchem welchen
    welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu
    zum zur zwar zwischen
    ab ja nein eben etwa immer schon mal bereits dabei darum deshalb daher denen deren dafür davon
    dagegen darauf darin darüber kaum mehr meist meisten oft gar ganz gut neue neuen sowie statt
    trotz wer wem wen wäre wären hätte hätten heute gibt geht gilt lässt sagen sagt wurde wurden
    müssen muß sollen dürfen darf mag mögen möchte eher erst fast genau jedoch rund ebenfalls
    """.split()
)

_stemmer = snowballstemmer.stemmer("german")
_stems: dict[str, str] = {}  # word -> stem, "" for a stop word; shared by every document of a run


def stem(word: str) -> str:
    """The Snowball-German stem of a lower-case word, or "" for a stop word."""
    cached = _stems.get(word)
    if cached is None:
        cached = "" if word in STOP_WORDS else _stemmer.stemWord(word)
        _stems[word] = cached
    return cached


def plain_text(markup: str) -> str:
    """Text of an HTML fragment: tags become spaces, entities become characters."""
    return html.unescape(TAG_RE.sub(" ", markup))


def count_stems(text: str, weight: float = 1.0) -> Counter[str]:
    """Stem counts of a text (stop words left out), each occurrence counting `weight`."""
    counts: Counter[str] = Counter()
    for word, number in Counter(WORD_RE.findall(text.lower())).items():
        word_stem = _stems.get(word)
        if word_stem is None:
            word_stem = stem(word)
        if word_stem:
            counts[word_stem] += number * weight
    return counts


def surface_forms(text: str) -> dict[str, str]:
    """For each stem of a text the word it appears as most often (alphabetically first on a tie)."""
    ranked: dict[str, tuple[int, str]] = {}
    for word, number in Counter(WORD_RE.findall(text.lower())).items():
        word_stem = stem(word)
        if word_stem and (-number, word) < ranked.get(word_stem, (1, "")):
            ranked[word_stem] = (-number, word)
    return {word_stem: word for word_stem, (_, word) in ranked.items()}
