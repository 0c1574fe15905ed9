"""Text similarity of articles: TF-IDF over German stems, cosine, top-k per article.

Each article becomes a sparse vector of its strongest stems (title and tags weighted higher),
L2-normalised, so a row-times-matrix product is the cosine similarity. The products are computed a
block of rows at a time and only the best few columns of each row are kept, so memory stays flat
however many articles there are. Ties are broken inside one integer key, which makes the order
exact and reproducible: score, then same category, then newer, then slug.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy import sparse

from .text import count_stems, surface_forms

logger = logging.getLogger(__name__)

ANALYZER_VERSION = "1"  # bump when tokenising or stemming changes: it invalidates the cache
BLOCK_ROWS = 512  # rows of the similarity matrix computed at once
DENSE_LIMIT_BYTES = 64 * 1024 * 1024  # a term matrix up to this size is multiplied dense (BLAS)
SCORE_SCALE = 1_000_000  # scores are compared to six decimals, so float noise never decides
MAX_SHARED_TAGS = 3  # the tag boost counts at most this many shared tags


@dataclass(frozen=True)
class Document:
    """What the similarity needs to know of one published article."""

    key: str
    title: str
    tags: tuple[str, ...]
    category: str
    text: str
    date: datetime


@dataclass(frozen=True)
class Weights:
    """How the parts of an article count."""

    title: float = 3.0
    tags: float = 2.0
    tag_boost: float = 0.05
    max_terms: int = 80


@dataclass(frozen=True)
class Candidate:
    """An automatic pick: the other article's index, its score and the tags both share."""

    index: int
    score: float
    shared_tags: int


def document_hash(document: Document, weights: Weights) -> str:
    """A key for the cached term counts: changes with the text, the title, the tags or the weights."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (ANALYZER_VERSION, repr((weights.title, weights.tags)), document.title, "\x1f".join(document.tags)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    digest.update(document.text.encode("utf-8"))
    return digest.hexdigest()


def analyze(document: Document, weights: Weights) -> Counter[str]:
    """Weighted stem counts of one document: body once, title and tags with their weights."""
    counts = count_stems(document.text)
    counts.update(count_stems(document.title, weights.title))
    counts.update(count_stems(" ".join(document.tags), weights.tags))
    return counts


class TermCache:
    """Stem counts per document, keyed by a content hash, kept in one pickle file between builds."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
        self.used: set[str] = set()
        self.hits = 0
        if path and path.is_file():
            try:
                with path.open("rb") as handle:
                    stored = pickle.load(handle)
                if stored.get("version") == ANALYZER_VERSION:
                    self.entries = stored["entries"]
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError) as exc:
                logger.warning("recommendations: ignoring unreadable cache %s (%s); it will be rebuilt", path, exc)

    def counts(self, document: Document, weights: Weights) -> tuple[tuple[str, ...], np.ndarray]:
        """The document's stems and weighted counts, from the cache or freshly analysed."""
        key = document_hash(document, weights)
        self.used.add(key)
        entry = self.entries.get(key)
        if entry is not None:
            self.hits += 1
            return entry
        counts = analyze(document, weights)
        entry = (tuple(counts), np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        self.entries[key] = entry
        return entry

    def save(self) -> None:
        """Write the entries of this run atomically (entries of removed articles are dropped)."""
        if not self.path:
            return
        keep = {key: self.entries[key] for key in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".recommendations-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump({"version": ANALYZER_VERSION, "entries": keep}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            logger.warning("recommendations: could not write the cache %s (%s)", self.path, exc)


class Model:
    """TF-IDF vectors of a set of documents and the top-k similar documents of each."""

    def __init__(self, documents: Sequence[Document], weights: Weights, cache: TermCache | None = None) -> None:
        self.documents = list(documents)
        self.weights = weights
        self.stems: list[str] = []
        self.matrix = self._vectors(cache or TermCache(None))
        self._tags = self._tag_matrix()
        self._categories = np.unique([d.category for d in self.documents], return_inverse=True)[1]
        self._timestamps = np.array([d.date.timestamp() for d in self.documents], dtype=np.float64)
        # Rank 0 is the newest article (then by slug): the last tie-breaker, as a number per column.
        order = sorted(range(len(self.documents)), key=lambda i: (-self._timestamps[i], self.documents[i].key))
        self._tiebreak = np.empty(len(self.documents), dtype=np.int64)
        self._tiebreak[np.array(order, dtype=np.int64)] = np.arange(len(order) - 1, -1, -1, dtype=np.int64)

    def _vectors(self, cache: TermCache) -> sparse.csr_matrix:
        """Rows of L2-normalised TF-IDF weights, each cut to its strongest `max_terms` stems."""
        vocabulary: dict[str, int] = {}
        columns, values, indptr = [], [], [0]
        for document in self.documents:
            stems, counts = cache.counts(document, self.weights)
            columns.append(
                np.fromiter((vocabulary.setdefault(s, len(vocabulary)) for s in stems), np.int64, len(stems))
            )
            values.append(counts)
            indptr.append(indptr[-1] + len(stems))
        cache.save()
        self.stems = list(vocabulary)
        rows = len(self.documents)
        indices = np.concatenate(columns) if columns else np.zeros(0, np.int64)
        data = np.concatenate(values).astype(np.float32) if values else np.zeros(0, np.float32)
        df = np.bincount(indices, minlength=len(vocabulary))
        idf = (np.log((1.0 + rows) / (1.0 + df)) + 1.0).astype(np.float32)
        data = np.log1p(data) * idf[indices]
        indptr = np.asarray(indptr, dtype=np.int64)
        keep = np.ones(len(data), dtype=bool)
        limit = self.weights.max_terms
        for row in np.flatnonzero(np.diff(indptr) > limit):
            start, end = indptr[row], indptr[row + 1]
            weakest = np.argpartition(-data[start:end], limit)[limit:]
            keep[start + weakest] = False
        row_of = np.repeat(np.arange(rows), np.diff(indptr))
        matrix = sparse.csr_matrix(
            (data[keep], (row_of[keep], indices[keep])), shape=(rows, len(vocabulary)), dtype=np.float32
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms).astype(np.float32) @ matrix)

    def _tag_matrix(self) -> sparse.csr_matrix:
        """One column per tag (compared case-insensitively), 1 where an article carries it."""
        names: dict[str, int] = {}
        rows, cols = [], []
        for row, document in enumerate(self.documents):
            for tag in {t.casefold() for t in document.tags}:
                rows.append(row)
                cols.append(names.setdefault(tag, len(names)))
        data = np.ones(len(rows), dtype=np.float32)
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(self.documents), max(len(names), 1)))

    def top(self, k: int, only_older: bool = False) -> list[list[Candidate]]:
        """For every document its k best other documents, best first (fewer if there are fewer)."""
        total = len(self.documents)
        k = min(k, total - 1)
        if k <= 0:
            return [[] for _ in range(total)]
        columns = self.matrix[:, np.unique(self.matrix.indices)]  # only stems that survived the cut
        dense = columns.shape[0] * columns.shape[1] * 4 <= DENSE_LIMIT_BYTES
        right = columns.toarray().T if dense else columns.T.tocsc()
        left = columns.toarray() if dense else columns
        tags_t = self._tags.T.tocsc()
        result: list[list[Candidate]] = []
        for start in range(0, total, BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, total)
            cosine = left[start:stop] @ right
            cosine = cosine if dense else cosine.toarray()
            shared = (self._tags[start:stop] @ tags_t).toarray()
            scores = cosine + self.weights.tag_boost * np.minimum(shared, MAX_SHARED_TAGS)
            quantized = np.rint(scores * SCORE_SCALE).astype(np.int64)
            same_category = self._categories[start:stop, None] == self._categories[None, :]
            keys = (quantized * 2 + same_category) * total + self._tiebreak[None, :]
            rows = np.arange(stop - start)
            keys[rows, rows + start] = -1  # never the article itself
            if only_older:
                keys[self._timestamps[None, :] > self._timestamps[start:stop, None]] = -1
            best = np.argpartition(-keys, k - 1, axis=1)[:, :k]
            best_keys = np.take_along_axis(keys, best, axis=1)
            order = np.argsort(-best_keys, axis=1)
            best = np.take_along_axis(best, order, axis=1)
            for row, picks in enumerate(best):
                result.append(
                    [
                        Candidate(int(j), round(float(scores[row, j]), 6), int(shared[row, j]))
                        for j in picks
                        if keys[row, j] >= 0
                    ]
                )
        return result

    def shared_terms(self, source: int, other: int, limit: int = 5) -> list[tuple[str, float]]:
        """The stems both documents weigh most, shown as the source's most frequent word for each."""
        left, right = self.matrix.getrow(source), self.matrix.getrow(other)
        common, left_at, right_at = np.intersect1d(left.indices, right.indices, return_indices=True)
        contribution = left.data[left_at] * right.data[right_at]
        ranked = sorted(
            zip(common.tolist(), contribution.tolist(), strict=True), key=lambda t: (-t[1], self.stems[t[0]])
        )
        document = self.documents[source]
        shown = surface_forms(" ".join((document.title, " ".join(document.tags), document.text)))
        return [(shown.get(self.stems[c], self.stems[c]), round(w, 4)) for c, w in ranked[:limit]]
