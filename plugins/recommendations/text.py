"""German words for similarity: lower-cased tokens, stop words dropped, Snowball-German stems."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import snowballstemmer

# Letters only (umlauts and ß included), at least two of them: digits, "_" and punctuation split
# words, so "Social-Media-Strategie" gives three tokens and compounds stay whole as written.
WORD_RE = re.compile(r"[^\W\d_]{2,}")
TAG_RE = re.compile(r"<[^>]*>")
# A link or paragraph the theme's plugins mark as no words of the article (the "#" section links with
# their hidden label "Link zum Abschnitt …", a checklist's buttons): left out, as the search index does.
IGNORED_RE = re.compile(r"<(a|p)\b[^>]*\sdata-pagefind-ignore\b[^>]*>.*?</\1>", re.DOTALL)

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
    beim bleibt gerade niemand vielleicht wirklich einfach viele vielen wenig weniger zwei drei
    """.split()
)

# snowballstemmer runs the Snowball algorithm in pure Python, or through PyStemmer's compiled
# version of the very same algorithm when that is installed (it is pinned: about 100 times faster).
_stemmer = snowballstemmer.stemmer("german")
if hasattr(_stemmer, "maxCacheSize"):
    _stemmer.maxCacheSize = 0  # PyStemmer's own cache: _stems below already stems each word once
NO_WORD, SEVERAL = -1, -2  # what a piece of text stands for, besides a stem id (codes below SEVERAL too)
_stems: dict[str, str] = {}  # word -> stem, "" for a stop word; shared by every analysis of a process


def stem(word: str) -> str:
    """The Snowball-German stem of a lower-case word, or "" for a stop word."""
    cached = _stems.get(word)
    if cached is None:
        cached = "" if word in STOP_WORDS else _stemmer.stemWord(word)
        _stems[word] = cached
    return cached


def plain_text(markup: str) -> str:
    """Text of an HTML fragment: tags become spaces, entities become characters; ignored controls go."""
    return html.unescape(TAG_RE.sub(" ", IGNORED_RE.sub(" ", markup)))


class _Pieces(dict):
    """Piece of text -> what it stands for; a piece not seen before is read once, on first look-up."""

    def __init__(self, learn) -> None:
        super().__init__()
        self._learn = learn

    def __missing__(self, piece: str) -> int:
        found = self[piece] = self._learn(piece)
        return found


class Analyzer:
    """Counts the stems of texts as numbers: one id per stem, the same for every text it reads.

    Texts are split at white space (fast, in C) and every piece ("Kunden," or
    "Social-Media-Strategie") is looked up in one dictionary, also in C, as written (lower-casing a
    whole text costs more than the few more pieces). A piece not seen before is lower-cased and read
    once, with WORD_RE unless it is letters only, stemmed, and remembered as the id of its one stem,
    as NO_WORD, or as a code below SEVERAL for a piece with several words, whose ids are kept aside.
    """

    def __init__(self) -> None:
        self.stems: list[str] = []  # id -> stem
        self.ids: dict[str, int] = {}  # stem -> id
        self._several: list[np.ndarray] = []  # the stem ids of pieces with several words
        self._pieces = _Pieces(self._learn)

    def id_of(self, word_stem: str) -> int:
        """The id of a stem, new stems get the next free one."""
        found = self.ids.get(word_stem)
        if found is None:
            found = self.ids[word_stem] = len(self.stems)
            self.stems.append(word_stem)
        return found

    def _learn(self, piece: str) -> int:
        piece = piece.lower()
        if piece.isalpha():  # one word, the common case: WORD_RE would find just the piece (if long enough)
            if len(piece) < 2:
                return NO_WORD
            word_stem = _stems.get(piece)
            if word_stem is None:
                word_stem = stem(piece)
            if not word_stem:
                return NO_WORD
            found = self.ids.get(word_stem)
            return self.id_of(word_stem) if found is None else found
        stems = [word_stem for word_stem in map(stem, WORD_RE.findall(piece)) if word_stem]
        if len(stems) > 1:
            self._several.append(np.array([self.id_of(word_stem) for word_stem in stems], dtype=np.int64))
            return SEVERAL - len(self._several) + 1
        return self.id_of(stems[0]) if stems else NO_WORD

    def counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Stem ids of a text's words and how often each occurs, each id once.

        Stop words, digits and single letters are left out.
        """
        return self.weighted_counts([(text, 1.0)])

    def weighted_counts(self, parts: Sequence[tuple[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """Stem ids of several texts' words and their counts, each occurrence counting its text's weight."""
        if all(float(weight).is_integer() and weight >= 0 for _, weight in parts):
            # Whole weights (the usual 2 for the title, 1 for tags): the text repeated that often, one count.
            pieces: list[str] = []
            for text, weight in parts:
                pieces += text.split() * int(weight)
            codes = self._codes(pieces)
            codes = self._expanded(codes, codes <= SEVERAL, None)[0] if codes.min(initial=0) <= SEVERAL else codes
            ids, numbers = np.unique(codes[codes >= 0], return_counts=True)
            return ids.astype(np.int32), numbers.astype(np.float32)
        pieces, lengths = [], []
        for text, _ in parts:
            split = text.split()
            pieces += split
            lengths.append(len(split))
        codes = self._codes(pieces)
        weights = np.repeat(np.array([weight for _, weight in parts], dtype=np.float64), lengths)
        codes, weights = self._expanded(codes, codes <= SEVERAL, weights)
        found = codes >= 0
        ids, inverse = np.unique(codes[found], return_inverse=True)
        counts = np.bincount(inverse, weights=weights[found], minlength=len(ids))
        return ids.astype(np.int32), counts.astype(np.float32)

    def _codes(self, pieces: list[str]) -> np.ndarray:
        """What each piece stands for (a stem id, NO_WORD or a code of several)."""
        return np.fromiter(map(self._pieces.__getitem__, pieces), dtype=np.int64, count=len(pieces))

    def _expanded(self, codes: np.ndarray, several: np.ndarray, weights: np.ndarray | None):
        """The codes with every piece of several words replaced by their stem ids (and the weights to match)."""
        if not several.any():
            return codes, weights
        words = [self._several[SEVERAL - code] for code in codes[several].tolist()]
        codes = np.concatenate((codes[~several], *words))
        if weights is not None:
            weights = np.concatenate((weights[~several], np.repeat(weights[several], [len(w) for w in words])))
        return codes, weights


def count_stems(text: str, weight: float = 1.0) -> Counter[str]:
    """Stem counts of a text (stop words left out), each occurrence counting `weight`."""
    analyzer = Analyzer()
    counts: Counter[str] = Counter()
    for found, number in zip(*analyzer.counts(text), strict=True):
        counts[analyzer.stems[found]] += float(number) * weight
    return counts


def surface_forms(text: str) -> dict[str, str]:
    """For each stem of a text the word it appears as most often (alphabetically first on a tie)."""
    ranked: dict[str, tuple[int, str]] = {}
    for word, number in Counter(WORD_RE.findall(text.lower())).items():
        word_stem = stem(word)
        if word_stem and (-number, word) < ranked.get(word_stem, (1, "")):
            ranked[word_stem] = (-number, word)
    return {word_stem: word for word_stem, (_, word) in ranked.items()}
