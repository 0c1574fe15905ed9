"""Text similarity of articles: TF-IDF over German stems plus latent topics, top-k per article.

Each article becomes a sparse vector of its strongest stems (title and tags count a little more
than the text), L2-normalised, so a row-times-matrix product is the cosine similarity of the words.
A truncated SVD of that matrix (latent semantic analysis) gives every article a short dense vector
of topics; articles that use different words of one topic ("Abonnenten", "Abmeldungen",
"Betreffzeile") end up close there. The score is a blend of both cosines. The products are
computed a block of rows at a time and only the best few columns of each row are kept, so memory
stays flat however many articles there are. Ties are broken inside one integer key, which makes
the order exact and reproducible: score, then same category, then newer, then slug.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy import linalg, sparse

from .text import Analyzer, surface_forms

logger = logging.getLogger(__name__)

ANALYZER_VERSION = "3"  # bump when tokenising or stemming changes: it invalidates the cache
BLOCK_CELLS = 2_000_000  # cells of the similarity matrix computed at once (rows x articles)
DENSE_LIMIT_BYTES = 32 * 1024 * 1024  # a term matrix up to this size ...
DENSE_MIN_DENSITY = 0.05  # ... and at least this full is multiplied dense (BLAS), else sparse
SCORE_SCALE = 1_000_000  # scores are compared to six decimals, so float noise never decides
MAX_SHARED_TAGS = 3  # the tag boost counts at most this many shared tags
MAX_DIMENSIONS = 100  # latent topics at most (the square root of the article count below that)
EXACT_LIMIT = 2000  # up to this many articles the SVD is exact (eigenvalues of the article Gram matrix)
POWER_ITERATIONS, SEED = 2, 2013  # of the randomized SVD above that (it samples twice the dimensions)


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
    """How the parts of an article count.

    Tags and category are weak, noisy signals on most blogs (they name audiences, channels and
    formats across topics), so by default the tags only count as words and the text decides.
    """

    title: float = 2.0
    tags: float = 1.0
    tag_boost: float = 0.0
    max_terms: int = 120
    latent: float = 0.5  # share of the score that comes from the latent topics (the rest: shared words)
    dimensions: int = 0  # latent topics; 0: the square root of the number of articles, at most MAX_DIMENSIONS


@dataclass(frozen=True)
class Candidate:
    """An automatic pick: the other article's index, its score and the tags both share.

    `words` and `topics` are the two parts of the score: the cosine of the stems and that of the
    latent topics, each times its share (the rest of the score comes from the tag boost).
    """

    index: int
    score: float
    shared_tags: int
    words: float = 0.0
    topics: float = 0.0


def document_hash(document: Document, weights: Weights) -> str:
    """A key for the cached term counts: changes with the text, the title, the tags or the weights."""
    digest = hashlib.sha256()  # hardware-accelerated on current CPUs: about 1 GB/s
    for part in (ANALYZER_VERSION, repr((weights.title, weights.tags)), document.title, "\x1f".join(document.tags)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    digest.update(document.text.encode("utf-8"))
    return digest.hexdigest()[:32]


Terms = tuple[np.ndarray, np.ndarray]  # stem ids (int32) and weighted counts (float32) of one document


def analyze(document: Document, weights: Weights, analyzer: Analyzer) -> Terms:
    """Weighted stem counts of one document: body once, title and tags with their weights.

    A stem may appear more than once (several word forms, or title and text); building the matrix
    adds such entries up.
    """
    parts = [(document.text, 1.0), (document.title, weights.title), (" ".join(document.tags), weights.tags)]
    ids: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for text, weight in parts:
        part_ids, part_counts = analyzer.counts(text)
        ids.append(part_ids)
        counts.append(part_counts * np.float32(weight))
    return np.concatenate(ids), np.concatenate(counts)


class TermCache:
    """Stem counts per document, keyed by a content hash, kept in one file between builds.

    The file (numpy's .npz, no pickled objects) holds one table of stems and all documents' stem
    positions and counts in three flat arrays, so loading it costs a few array operations rather
    than one look-up per word or one object per document.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.hits = 0
        self.fresh: dict[str, Terms] = {}
        self._stems: list[str] = []
        self._table = np.zeros(0, dtype=np.int32)  # position in the stored stem table -> id of this run
        self._where: dict[str, int] = {}  # content hash -> number of the stored document
        self._offsets = np.zeros(1, dtype=np.int64)
        self._ids = np.zeros(0, dtype=np.int32)
        self._counts = np.zeros(0, dtype=np.float32)
        if path and path.is_file():
            try:
                self._load(path)
            except (OSError, ValueError, KeyError) as exc:
                logger.warning("recommendations: ignoring unreadable cache %s (%s); it will be rebuilt", path, exc)

    def _load(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as stored:
            if str(stored["version"]) != ANALYZER_VERSION:
                return
            table = str(stored["stems"])
            stems, keys = (table.split("\n") if table else []), stored["keys"].tolist()
            offsets = np.concatenate(([0], np.cumsum(stored["lengths"])))
            ids, counts = stored["ids"], stored["counts"]
        if len(keys) + 1 != len(offsets) or offsets[-1] != len(ids) or len(ids) != len(counts):
            raise ValueError("inconsistent arrays")
        if len(ids) and (ids.min() < 0 or ids.max() >= len(stems)):
            raise ValueError("stem positions out of range")
        self._stems, self._offsets, self._ids, self._counts = stems, offsets, ids, counts
        self._where = {key: number for number, key in enumerate(keys)}

    def terms(self, document: Document, weights: Weights, analyzer: Analyzer) -> Terms:
        """The document's stem ids and weighted counts, from the cache or freshly analysed."""
        key = document_hash(document, weights)
        number = self._where.get(key)
        if number is None:
            terms = analyze(document, weights, analyzer)
        else:
            if len(self._table) != len(self._stems):
                self._table = np.fromiter(map(analyzer.id_of, self._stems), np.int32, len(self._stems))
            start, end = self._offsets[number], self._offsets[number + 1]
            terms = (self._table[self._ids[start:end]], self._counts[start:end])
            self.hits += 1
        self.fresh[key] = terms
        return terms

    def save(self, analyzer: Analyzer) -> None:
        """Write this run's entries atomically (entries of removed or changed articles are dropped)."""
        if not self.path:
            return
        keys = list(self.fresh)
        parts = list(self.fresh.values())
        arrays = {
            "version": np.array(ANALYZER_VERSION),
            "stems": np.array("\n".join(analyzer.stems)),
            "keys": np.array(keys, dtype="U32"),
            "lengths": np.array([len(ids) for ids, _ in parts], dtype=np.int64),
            "ids": np.concatenate([ids for ids, _ in parts]) if parts else np.zeros(0, np.int32),
            "counts": np.concatenate([counts for _, counts in parts]) if parts else np.zeros(0, np.float32),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".recommendations-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, **arrays)
            os.replace(temporary, self.path)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            logger.warning("recommendations: could not write the cache %s (%s)", self.path, exc)


def latent_topics(matrix: sparse.csr_matrix, dimensions: int) -> np.ndarray:
    """Every row's coordinates in the `dimensions` strongest directions of a truncated SVD.

    These are U·Σ of latent semantic analysis (their dot products approximate those of the rows in
    a space that merges terms used together); unit_rows of them give the topic cosine. Up to
    EXACT_LIMIT rows the decomposition is exact (eigenvectors of the rows' Gram matrix); above, a
    randomized SVD with a fixed seed (Halko, Martinsson and Tropp 2011, with power iterations: the
    spectrum of TF-IDF rows is flat), so the result is reproducible.
    """
    rows, width = matrix.shape
    dimensions = min(dimensions, rows - 1, width)
    if dimensions < 1:
        return np.zeros((rows, 0), dtype=np.float32)
    if rows <= EXACT_LIMIT:
        gram = (matrix @ matrix.T).toarray().astype(np.float64)
        values, vectors = linalg.eigh(gram, subset_by_index=(rows - dimensions, rows - 1))  # the strongest only
        coordinates = vectors * np.sqrt(np.maximum(values, 0.0))
    else:
        rng = np.random.default_rng(SEED)
        transposed = matrix.T.tocsr()
        sample = matrix @ rng.standard_normal((width, 2 * dimensions)).astype(np.float32)
        basis = np.linalg.qr(sample)[0].astype(np.float32)
        for _ in range(POWER_ITERATIONS):
            basis = np.linalg.qr(matrix @ (transposed @ basis))[0].astype(np.float32)
        projected = np.asarray(transposed @ basis, dtype=np.float64)  # width x (2 * dimensions)
        values, vectors = np.linalg.eigh(projected.T @ projected)
        strongest = np.argsort(-values, kind="stable")[:dimensions]
        coordinates = (basis @ vectors[:, strongest]) * np.sqrt(np.maximum(values[strongest], 0.0))
    return coordinates.astype(np.float32)


def unit_rows(coordinates: np.ndarray) -> np.ndarray:
    """The rows scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(coordinates, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (coordinates / norms).astype(np.float32)


class Model:
    """TF-IDF vectors and latent topics of a set of documents, and the top-k similar documents of each."""

    def __init__(self, documents: Sequence[Document], weights: Weights, cache: TermCache | None = None) -> None:
        self.documents = list(documents)
        self.weights = weights
        self.stems: list[str] = []
        self.matrix = self._vectors(cache or TermCache(None))
        self.coordinates = latent_topics(self.matrix, self.dimensions)
        self.topics = unit_rows(self.coordinates)
        self._tags = self._tag_matrix()
        self._categories = np.unique([d.category for d in self.documents], return_inverse=True)[1]
        self._timestamps = np.array([d.date.timestamp() for d in self.documents], dtype=np.float64)
        # Rank 0 is the newest article (then by slug): the last tie-breaker, as a number per column.
        order = sorted(range(len(self.documents)), key=lambda i: (-self._timestamps[i], self.documents[i].key))
        self._tiebreak = np.empty(len(self.documents), dtype=np.int64)
        self._tiebreak[np.array(order, dtype=np.int64)] = np.arange(len(order) - 1, -1, -1, dtype=np.int64)
        self._newest_first = np.array(order, dtype=np.int64)
        self._by_category = {
            category: self._newest_first[self._categories[self._newest_first] == category]
            for category in np.unique(self._categories).tolist()
        }
        self._tag_sets = [frozenset(t.casefold() for t in d.tags) for d in self.documents]

    @property
    def dimensions(self) -> int:
        """How many latent topics: as set, or the square root of the article count (at most MAX_DIMENSIONS)."""
        if self.weights.latent <= 0:
            return 0
        return self.weights.dimensions or min(MAX_DIMENSIONS, math.ceil(math.sqrt(len(self.documents))))

    @property
    def share(self) -> float:
        """The latent topics' share of the score (none without topics)."""
        return self.weights.latent if self.coordinates.shape[1] else 0.0

    def _vectors(self, cache: TermCache) -> sparse.csr_matrix:
        """Rows of L2-normalised TF-IDF weights, each cut to its strongest `max_terms` stems."""
        analyzer = Analyzer()
        terms = [cache.terms(document, self.weights, analyzer) for document in self.documents]
        cache.save(analyzer)
        # Columns in alphabetical order of the stems: sums run in the same order whatever the cache held.
        order = np.argsort(np.array(analyzer.stems, dtype=object), kind="stable")
        column_of = np.empty(len(order), dtype=np.int32)
        column_of[order] = np.arange(len(order), dtype=np.int32)
        self.stems = [analyzer.stems[i] for i in order]
        rows, width = len(terms), len(self.stems)
        if not rows:
            return sparse.csr_matrix((0, width), dtype=np.float32)
        lengths = np.fromiter((len(ids) for ids, _ in terms), dtype=np.int64, count=rows)
        counts = sparse.csr_matrix(  # adds up the entries of one stem (word forms, title, tags)
            (
                np.concatenate([numbers for _, numbers in terms]),
                (np.repeat(np.arange(rows), lengths), column_of[np.concatenate([ids for ids, _ in terms])]),
            ),
            shape=(rows, width),
            dtype=np.float32,
        )
        counts.sort_indices()
        indptr, indices = counts.indptr, counts.indices
        idf = np.log((1.0 + rows) / (1.0 + np.bincount(indices, minlength=width))) + 1.0
        data = np.log1p(counts.data) * idf.astype(np.float32)[indices]
        keep = np.ones(len(data), dtype=bool)  # pruning ties fall the same way: entries are in stem order
        limit = self.weights.max_terms
        for row in np.flatnonzero(np.diff(indptr) > limit).tolist():
            start, end = indptr[row], indptr[row + 1]
            weakest = np.argpartition(-data[start:end], limit, kind="introselect")[limit:]
            keep[start + weakest] = False
        kept_per_row = np.bincount(np.repeat(np.arange(rows), np.diff(indptr))[keep], minlength=rows)
        matrix = sparse.csr_matrix(
            (data[keep], indices[keep], np.concatenate(([0], np.cumsum(kept_per_row)))),
            shape=(rows, width),
            dtype=np.float32,
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
        cells = columns.shape[0] * columns.shape[1]
        dense = cells * 4 <= DENSE_LIMIT_BYTES and columns.nnz >= DENSE_MIN_DENSITY * cells
        left = columns.toarray() if dense else columns
        right = left.T if dense else columns.T.tocsr()
        tags_t = self._tags.T.tocsr()
        share = self.share
        block = max(16, BLOCK_CELLS // total)
        result: list[list[Candidate]] = []
        for start in range(0, total, block):
            stop = min(start + block, total)
            words = left[start:stop] @ right
            words = words if dense else words.toarray()
            topics = self.topics[start:stop] @ self.topics.T
            scores = np.float32(1.0 - share) * words + np.float32(share) * topics
            if self.weights.tag_boost:
                boost = (self._tags[start:stop] @ tags_t).minimum(MAX_SHARED_TAGS) * self.weights.tag_boost
                scores += boost.toarray()
            scores[np.arange(stop - start), np.arange(start, stop)] = 0.0  # never the article itself
            if only_older:
                scores[self._timestamps[None, :] > self._timestamps[start:stop, None]] = 0.0
            # Every column within rounding of the k-th best score of its row goes on to _best, which
            # compares scores to six decimals and breaks ties there with the exact key.
            kth = np.partition(scores, total - k, axis=1)[:, total - k]
            near = scores >= np.maximum(kth - np.float32(2.0 / SCORE_SCALE), np.float32(0.5 / SCORE_SCALE))[:, None]
            for row in range(stop - start):
                cols = np.flatnonzero(near[row])
                best = self._best(start + row, cols, scores[row, cols], k, only_older)
                result.append([self._parts(c, (1.0 - share) * words[row], share * topics[row]) for c in best])
        return result

    @staticmethod
    def _parts(candidate: Candidate, words: np.ndarray, topics: np.ndarray) -> Candidate:
        """The candidate with the two weighted cosines its score adds up (a filler with score 0 keeps zeros)."""
        if not candidate.score:
            return candidate
        return replace(candidate, words=float(words[candidate.index]), topics=float(topics[candidate.index]))

    def _best(self, source: int, cols: np.ndarray, values: np.ndarray, k: int, only_older: bool) -> list[Candidate]:
        """The k best candidates of one document, ties broken exactly by one integer key."""
        quantized = np.rint(values.astype(np.float64) * SCORE_SCALE).astype(np.int64)
        valid = (quantized > 0) & (cols != source)  # a score of zero is no reason: see _fill
        if only_older:
            valid &= self._timestamps[cols] <= self._timestamps[source]
        cols, values, quantized = cols[valid], values[valid], quantized[valid]
        if len(cols) > k:
            kth = np.partition(quantized, len(quantized) - k)[len(quantized) - k]
            near = quantized >= kth
            cols, values, quantized = cols[near], values[near], quantized[near]
        # The key: score to six decimals, then same category, then newer, then slug.
        same_category = self._categories[cols] == self._categories[source]
        keys = (quantized * 2 + same_category) * len(self.documents) + self._tiebreak[cols]
        order = np.argsort(-keys, kind="stable")[:k]
        tags = self._tag_sets[source]
        best = [
            Candidate(col, round(value, 6), len(tags & self._tag_sets[col]))
            for col, value in zip(cols[order].tolist(), values[order].tolist(), strict=True)
        ]
        if len(best) < k:
            best += self._fill(source, {c.index for c in best}, k - len(best), only_older)
        return best

    def _fill(self, source: int, taken: set[int], missing: int, only_older: bool) -> list[Candidate]:
        """Documents with nothing in common, in key order: same category first, then newer, then slug."""
        picks: list[Candidate] = []
        category = self._categories[source]
        for ranking in (self._by_category[category], self._newest_first):
            first = 0
            if only_older:  # rankings run from new to old: skip the newer ones at once
                first = int(np.searchsorted(-self._timestamps[ranking], -self._timestamps[source], side="left"))
            for other in ranking[first:].tolist():
                if other != source and other not in taken:
                    taken.add(other)
                    picks.append(Candidate(other, 0.0, 0))
                    if len(picks) == missing:
                        return picks
        return picks

    def shared_terms(self, source: int, other: int, limit: int = 5) -> list[tuple[str, float]]:
        """The stems both documents weigh most, shown as the source's most frequent word for each.

        The weights are each stem's part of the score, so they add up to the candidate's `words`.
        """
        left, right = self.matrix.getrow(source), self.matrix.getrow(other)
        common, left_at, right_at = np.intersect1d(left.indices, right.indices, return_indices=True)
        contribution = left.data[left_at] * right.data[right_at] * (1.0 - self.share)
        ranked = sorted(
            zip(common.tolist(), contribution.tolist(), strict=True), key=lambda t: (-t[1], self.stems[t[0]])
        )
        return self._shown(ranked[:limit], source)

    def topic_terms(self, source: int, other: int, limit: int = 5) -> list[tuple[str, float]]:
        """The words that carry the topics both documents share, with their part of the score (`topics`).

        The dot product of two rows' coordinates is the sum over stems of one row's weight times the
        other row projected onto the topics (X·V·Vᵀ, with V = Xᵀ·U·Σ⁻¹), so every stem of either
        document gets its part, also a stem only one of them uses ("Abmeldungen" for "Abonnenten").
        """
        if not self.coordinates.shape[1]:
            return []
        strength = np.maximum(np.square(self.coordinates).sum(axis=0), 1e-12)  # Σ² of each topic

        def projected(row: int) -> np.ndarray:
            return np.asarray(self.matrix.T @ (self.coordinates @ (self.coordinates[row] / strength))).ravel()

        left, right = self.matrix.getrow(source).toarray().ravel(), self.matrix.getrow(other).toarray().ravel()
        contribution = (left * projected(other) + right * projected(source)) / 2
        scale = np.linalg.norm(self.coordinates[source]) * np.linalg.norm(self.coordinates[other]) / self.share or 1.0
        columns = np.flatnonzero(contribution > 0)
        ranked = sorted(
            zip(columns.tolist(), (contribution[columns] / scale).tolist(), strict=True),
            key=lambda t: (-t[1], self.stems[t[0]]),
        )
        return self._shown(ranked[:limit], source, other)

    def _shown(self, ranked: list[tuple[int, float]], *documents: int) -> list[tuple[str, float]]:
        """Stems as the word they appear as most often in the documents (the first one's first)."""
        shown: dict[str, str] = {}
        for index in reversed(documents):
            document = self.documents[index]
            shown.update(surface_forms(" ".join((document.title, " ".join(document.tags), document.text))))
        return [(shown.get(self.stems[c], self.stems[c]), round(w, 4)) for c, w in ranked]
