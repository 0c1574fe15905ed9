"""Text similarity of articles: TF-IDF over German stems plus latent topics, top-k per article.

Each article becomes a sparse vector of its strongest stems (title and tags count a little more
than the text), L2-normalised, so a row-times-matrix product is the cosine similarity of the words.
A truncated SVD of that matrix (latent semantic analysis) gives every article a short dense vector
of topics; articles that use different words of one topic ("Abonnenten", "Abmeldungen",
"Betreffzeile") end up close there. The score is a blend of both cosines. The products are
computed a block of rows at a time and only the best few columns of each row are kept, so memory
stays flat however many articles there are. Ties are broken inside one integer key, which makes
the order exact and reproducible: score, then same category, then newer, then slug.

From INCREMENTAL_MIN articles on, a build keeps its model (rows, IDF, topic basis, top-k lists)
next to the term cache. The next build analyses only the articles whose text, title, tags,
category or date changed, weighs them with the stored IDF, folds them into the stored topic basis
(x·V, the same coordinates a full build gives a row that took part in it) and updates only the
lists they can enter or leave. Such a warm build is deterministic, but it is not a cold build:
IDF and topics stay those of the last full build (scores of pairs of unchanged articles stay as
they were) until more than REFRESH_SHARE of the articles changed since, then everything is
computed anew. Below INCREMENTAL_MIN every build is a full one, identical to a cold build.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
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
EXACT_LIMIT = 500  # up to this many articles the SVD is exact (eigenvalues of the Gram matrix: cubic cost)
POWER_ITERATIONS, SEED = 2, 2013  # of the randomized SVD above that (it samples twice the dimensions)
INCREMENTAL_MIN = 2000  # from this many articles on, a rebuild folds changed articles into the stored model
REFRESH_SHARE = 0.02  # ... until more than this share of them changed since the last full build
MODEL_VERSION = "1"  # bump when the stored model's arrays change
WIDE_SLACK = 16  # columns beyond the k best of a row that are looked at for near ties


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


def state_key(document: Document, terms_key: str) -> str:
    """A key for an article's row of the stored model: its term key plus what ranks it (slug, category, date)."""
    parts = (terms_key, document.key, document.category, document.date.isoformat())
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


Terms = tuple[np.ndarray, np.ndarray]  # stem ids (int32) and weighted counts (float32) of one document


def analyze(document: Document, weights: Weights, analyzer: Analyzer) -> Terms:
    """Weighted stem counts of one document: body once, title and tags with their weights.

    Each stem appears once (terms stored by earlier versions may repeat one: building the matrix
    adds such entries up).
    """
    parts = [(document.text, 1.0), (document.title, weights.title), (" ".join(document.tags), weights.tags)]
    return analyzer.weighted_counts(parts)


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
        self._loaded = False  # read on the first look-up: a warm build of a big blog may need none

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.path and self.path.is_file():
            try:
                self._load(self.path)
            except (OSError, ValueError, KeyError) as exc:
                logger.warning("recommendations: ignoring unreadable cache %s (%s); it will be rebuilt", self.path, exc)

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

    def terms(self, document: Document, weights: Weights, analyzer: Analyzer, key: str | None = None) -> Terms:
        """The document's stem ids and weighted counts, from the cache or freshly analysed."""
        self._ensure_loaded()
        key = key or document_hash(document, weights)
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
        """Write this run's entries atomically (entries of removed or changed articles are dropped).

        The cache is spent afterwards: its arrays are let go, so they do not weigh on the steps after.
        """
        keys, parts = list(self.fresh), list(self.fresh.values())
        self.fresh = {}
        self._ids, self._counts, self._where = np.zeros(0, np.int32), np.zeros(0, np.float32), {}
        if not self.path:
            return
        arrays = {
            "version": np.array(ANALYZER_VERSION),
            "stems": np.array("\n".join(analyzer.stems)),
            "keys": np.array(keys, dtype="U32"),
            "lengths": np.array([len(ids) for ids, _ in parts], dtype=np.int64),
            "ids": np.concatenate([ids for ids, _ in parts]) if parts else np.zeros(0, np.int32),
            "counts": np.concatenate([counts for _, counts in parts]) if parts else np.zeros(0, np.float32),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_arrays(self.path, arrays, "cache")


def write_arrays(path: Path, arrays: dict[str, np.ndarray], what: str) -> None:
    """Write arrays as .npz atomically; a failure is logged (it only costs the next build time)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".recommendations-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        logger.warning("recommendations: could not write the %s %s (%s)", what, path, exc)


def decompose(matrix: sparse.csr_matrix, dimensions: int) -> tuple[np.ndarray, np.ndarray]:
    """Every row's coordinates in the `dimensions` strongest directions of a truncated SVD, and the basis.

    The coordinates are U·Σ of latent semantic analysis (their dot products approximate those of
    the rows in a space that merges terms used together); unit_rows of them give the topic cosine.
    The basis is V (one row per column of the matrix): a row x of the matrix has the coordinates
    x·V, so an edited or new article is folded in without a new decomposition. Up to EXACT_LIMIT
    rows the decomposition is exact (eigenvectors of the rows' Gram matrix); above, a randomized
    SVD with a fixed seed (Halko, Martinsson and Tropp 2011, with power iterations: the spectrum of
    TF-IDF rows is flat), so the result is reproducible.
    """
    rows, width = matrix.shape
    dimensions = min(dimensions, rows - 1, width)
    if dimensions < 1:
        return np.zeros((rows, 0), dtype=np.float32), np.zeros((width, 0), dtype=np.float32)
    transposed = matrix.T.tocsr()
    if rows <= EXACT_LIMIT:
        gram = (matrix @ matrix.T).toarray().astype(np.float64)
        values, vectors = linalg.eigh(gram, subset_by_index=(rows - dimensions, rows - 1))  # the strongest only
        sigma = np.sqrt(np.maximum(values, 0.0))
        coordinates = vectors * sigma
        basis = np.asarray(transposed @ vectors)  # V = Xᵀ·U·Σ⁻¹
    else:
        rng = np.random.default_rng(SEED)
        basis_q = orthonormal(matrix @ rng.standard_normal((width, 2 * dimensions), dtype=np.float32))
        for _ in range(POWER_ITERATIONS):
            basis_q = orthonormal(matrix @ (transposed @ basis_q))
        projected = np.asarray(transposed @ basis_q, dtype=np.float64)  # width x (2 * dimensions)
        values, vectors = np.linalg.eigh(projected.T @ projected)
        strongest = np.argsort(-values, kind="stable")[:dimensions]
        sigma = np.sqrt(np.maximum(values[strongest], 0.0))
        coordinates = (basis_q @ vectors[:, strongest]) * sigma
        basis = projected @ vectors[:, strongest]  # V = Xᵀ·Q·W·Σ⁻¹
    safe = np.where(sigma > 1e-9, sigma, np.inf)
    return coordinates.astype(np.float32), (basis / safe).astype(np.float32)


def orthonormal(columns: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the columns' span (float32): Cholesky QR twice, Householder QR if that fails.

    For a tall, thin matrix of moderate condition (the samples of the randomized SVD) CholeskyQR2 is
    as accurate as Householder QR and a few times faster; the SVD depends only on the span.
    """
    basis = columns.astype(np.float64)
    try:
        for _ in range(2):
            lower = np.linalg.cholesky(basis.T @ basis)
            basis = linalg.solve_triangular(lower, basis.T, lower=True).T
        if np.abs(basis.T @ basis - np.eye(basis.shape[1])).max() < 1e-6:
            return basis.astype(np.float32)
    except np.linalg.LinAlgError:
        pass
    return np.linalg.qr(columns)[0].astype(np.float32)


def latent_topics(matrix: sparse.csr_matrix, dimensions: int) -> np.ndarray:
    """Every row's coordinates in the `dimensions` strongest directions of a truncated SVD (see decompose)."""
    return decompose(matrix, dimensions)[0]


def unit_rows(coordinates: np.ndarray) -> np.ndarray:
    """The rows scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(coordinates, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (coordinates / norms).astype(np.float32)


def weigh(counts: sparse.csr_matrix, idf: np.ndarray, limit: int) -> sparse.csr_matrix:
    """Rows of L2-normalised TF-IDF weights (log-scaled counts), each cut to its strongest `limit` stems."""
    rows, width = counts.shape
    counts.sort_indices()
    indptr, indices = counts.indptr, counts.indices
    data = np.log1p(counts.data) * idf[indices]
    keep = np.ones(len(data), dtype=bool)  # pruning ties fall the same way: entries are in stem order
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


def count_matrix(terms: list[Terms], columns: np.ndarray, width: int) -> sparse.csr_matrix:
    """Rows of stem counts; `columns` maps an analyzer's stem id to its column (entries of one stem add up)."""
    rows = len(terms)
    lengths = np.fromiter((len(ids) for ids, _ in terms), dtype=np.int64, count=rows)
    if not lengths.sum():
        return sparse.csr_matrix((rows, width), dtype=np.float32)
    return sparse.csr_matrix(
        (
            np.concatenate([numbers for _, numbers in terms]),
            (np.repeat(np.arange(rows), lengths), columns[np.concatenate([ids for ids, _ in terms])]),
        ),
        shape=(rows, width),
        dtype=np.float32,
    )


@dataclass
class Picks:
    """The top-k lists of a set of rows as arrays (one row per source, -1 and zeros where fewer than k)."""

    columns: np.ndarray  # int64, documents picked
    raw: np.ndarray  # float32, their scores
    words: np.ndarray  # float32, the words' part of each score
    topics: np.ndarray  # float32, the topics' part
    count: np.ndarray  # int64, how many of the k are real picks (the rest: _fill)

    @classmethod
    def empty(cls, rows: int, k: int) -> Picks:
        return cls(
            np.full((rows, k), -1, dtype=np.int64),
            *(np.zeros((rows, k), dtype=np.float32) for _ in range(3)),
            np.zeros(rows, dtype=np.int64),
        )

    def put(self, rows: np.ndarray, other: Picks) -> None:
        """Overwrite the given rows with another set's lists."""
        for name in ("columns", "raw", "words", "topics", "count"):
            getattr(self, name)[rows] = getattr(other, name)


class Model:
    """TF-IDF vectors and latent topics of a set of documents, and the top-k similar documents of each."""

    def __init__(self, documents: Sequence[Document], weights: Weights, cache: TermCache | None = None) -> None:
        self.documents = list(documents)
        self.weights = weights
        self.stems: list[str] = []
        cache = cache or TermCache(None)
        total = len(self.documents)
        self._tags = self._tag_matrix()
        self._categories = np.unique([d.category for d in self.documents], return_inverse=True)[1]
        self._timestamps = np.array([d.date.timestamp() for d in self.documents], dtype=np.float64)
        # Rank 0 is the newest article (then by slug): the last tie-breaker, as a number per column.
        order = sorted(range(total), key=lambda i: (-self._timestamps[i], self.documents[i].key))
        self._tiebreak = np.empty(total, dtype=np.int64)
        self._tiebreak[np.array(order, dtype=np.int64)] = np.arange(total - 1, -1, -1, dtype=np.int64)
        self._newest_first = np.array(order, dtype=np.int64)
        self._by_category = {
            category: self._newest_first[self._categories[self._newest_first] == category]
            for category in np.unique(self._categories).tolist()
        }
        self._tag_sets = [frozenset(t.casefold() for t in d.tags) for d in self.documents]
        hashes = [document_hash(document, weights) for document in self.documents]
        self._keys = [state_key(document, key) for document, key in zip(self.documents, hashes, strict=True)]
        self._state_path = cache.path.with_name(cache.path.stem + "-model.npz") if cache.path else None
        self._previous: dict | None = None  # the stored lists a warm build updates
        self._folded = np.zeros(total, dtype=bool)  # rows not part of the last full build
        self._removed = 0  # articles of the last full build that are gone since
        stored = self._load_state() if self._state_path and total >= INCREMENTAL_MIN else None
        self.warm = stored is not None and self._fold(stored, cache, hashes)
        if not self.warm:
            self.matrix, self._idf = self._vectors(cache, hashes)
            self.coordinates, self._basis = decompose(self.matrix, self.dimensions)
        self.topics = unit_rows(self.coordinates)

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

    def _vectors(self, cache: TermCache, hashes: list[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Rows of L2-normalised TF-IDF weights, each cut to its strongest `max_terms` stems, and the IDF."""
        analyzer = Analyzer()
        terms = [cache.terms(d, self.weights, analyzer, key) for d, key in zip(self.documents, hashes, strict=True)]
        cache.save(analyzer)
        # Columns in alphabetical order of the stems: sums run in the same order whatever the cache held.
        order = np.array(sorted(range(len(analyzer.stems)), key=analyzer.stems.__getitem__), dtype=np.int64)
        column_of = np.empty(len(order), dtype=np.int32)
        column_of[order] = np.arange(len(order), dtype=np.int32)
        self.stems = [analyzer.stems[i] for i in order]
        rows, width = len(terms), len(self.stems)
        if not rows:
            return sparse.csr_matrix((0, width), dtype=np.float32), np.zeros(width, dtype=np.float32)
        counts = count_matrix(terms, column_of, width)
        counts.sum_duplicates()
        idf = (np.log((1.0 + rows) / (1.0 + np.bincount(counts.indices, minlength=width))) + 1.0).astype(np.float32)
        return weigh(counts, idf, self.weights.max_terms), idf

    def _signature(self) -> str:
        return repr((MODEL_VERSION, ANALYZER_VERSION, self.weights))

    def _load_state(self) -> dict | None:
        """The model of the previous build, or None when there is none (or it was made otherwise)."""
        if not self._state_path.is_file():
            return None
        try:
            with np.load(self._state_path, allow_pickle=False) as stored:
                if str(stored["signature"]) != self._signature():
                    return None
                state = {name: stored[name] for name in stored.files}
            rows, width = len(state["keys"]), len(state["idf"])
            matrix = sparse.csr_matrix((state["data"], state["indices"], state["indptr"]), shape=(rows, width))
            per_row = ("coordinates", "folded", "picks", "raw", "words", "topics", "count", "slugs")
            if any(len(state[name]) != rows for name in per_row) or state["basis"].shape[0] > width:
                raise ValueError("inconsistent arrays")
            if state["picks"].size and (state["picks"].max() >= rows or state["picks"].min() < -1):
                raise ValueError("picks out of range")
            state["matrix"] = matrix
            return state
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("recommendations: ignoring unreadable model %s (%s); rebuilding it", self._state_path, exc)
            return None

    def _fold(self, stored: dict, cache: TermCache, hashes: list[str]) -> bool:
        """Take the stored model, with the changed and new articles folded in; False: build anew."""
        total = len(self.documents)
        old_index = {key: number for number, key in enumerate(stored["keys"].tolist())}
        mapping = np.array([old_index.get(key, -1) for key in self._keys], dtype=np.int64)
        kept, changed = mapping >= 0, np.flatnonzero(mapping < 0)
        self._folded[kept] = stored["folded"][mapping[kept]]
        self._folded[changed] = True
        gone = set(stored["slugs"].tolist()).difference(d.key for d in self.documents)
        self._removed = int(stored["removed"]) + len(gone)
        if self._folded.sum() + self._removed > REFRESH_SHARE * total:
            self._folded[:], self._removed = False, 0
            return False
        stems_text = str(stored["stems"])
        self.stems = stems_text.split("\n") if stems_text else []
        column = {word_stem: number for number, word_stem in enumerate(self.stems)}
        analyzer = Analyzer()
        terms = [cache.terms(self.documents[i], self.weights, analyzer, hashes[i]) for i in changed.tolist()]
        for word_stem in analyzer.stems:  # a stem no stored article has: a new column, as rare as can be
            if word_stem not in column:
                column[word_stem] = len(self.stems)
                self.stems.append(word_stem)
        old_width, width = len(stored["idf"]), len(self.stems)
        rare = np.float32(math.log((1.0 + total) / 2.0) + 1.0)
        self._idf = np.concatenate((stored["idf"], np.full(width - old_width, rare, dtype=np.float32)))
        columns = np.fromiter((column[word_stem] for word_stem in analyzer.stems), np.int32, len(analyzer.stems))
        counts = count_matrix(terms, columns, width)
        counts.sum_duplicates()
        rows = weigh(counts, self._idf, self.weights.max_terms)
        old = stored["matrix"]
        old.resize((old.shape[0], width))
        position = np.where(kept, mapping, old.shape[0] + np.cumsum(~kept) - 1)
        self.matrix = sparse.csr_matrix(sparse.vstack((old, rows), format="csr")[position])
        self._basis = stored["basis"]
        folded = np.asarray(rows[:, : len(self._basis)] @ self._basis, dtype=np.float32)
        folded = folded.reshape(len(changed), self._basis.shape[1])
        self.coordinates = np.concatenate((stored["coordinates"], folded))[position]
        self._previous = {"mapping": mapping, **{name: stored[name] for name in ("k", "only_older", "picks", "raw")}}
        self._previous.update(words=stored["words"], topics=stored["topics"], count=stored["count"])
        return True

    def _save_state(self, k: int, only_older: bool, picks: Picks) -> None:
        """Write the model and its lists for the next build (atomically; a failure only costs speed)."""
        arrays = {
            "signature": np.array(self._signature()),
            "keys": np.array(self._keys, dtype="U32"),
            "slugs": np.array([d.key for d in self.documents], dtype=str),
            "stems": np.array("\n".join(self.stems)),
            "idf": self._idf,
            "indptr": self.matrix.indptr,
            "indices": self.matrix.indices,
            "data": self.matrix.data,
            "coordinates": self.coordinates,
            "basis": self._basis,
            "folded": self._folded,
            "removed": np.array(self._removed),
            "k": np.array(k),
            "only_older": np.array(only_older),
            "picks": picks.columns.astype(np.int32),
            "raw": picks.raw,
            "words": picks.words,
            "topics": picks.topics,
            "count": picks.count.astype(np.int32),
        }
        write_arrays(self._state_path, arrays, "model")

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
        picks = Picks.empty(total, k)
        stale = np.ones(total, dtype=bool)
        previous = self._previous
        if previous is not None and int(previous["k"]) == k and bool(previous["only_older"]) == only_older:
            stale = self._update(picks, previous, k, only_older)
        rows = np.flatnonzero(stale)
        if len(rows):
            self._rank_rows(picks, rows, k, only_older)
        if self._state_path and total >= INCREMENTAL_MIN:
            self._save_state(k, only_older, picks)
        return self._candidates(picks, k, only_older)

    def _scores(self, rows: np.ndarray, words: np.ndarray, columns: np.ndarray | None = None):
        """Blended scores of the rows against the columns (all documents when None) and the topic cosines."""
        share = self.share
        topics = self.topics[rows] @ (self.topics.T if columns is None else self.topics[columns].T)
        scores = np.float32(1.0 - share) * words + np.float32(share) * topics
        if self.weights.tag_boost:
            tags_t = (self._tags if columns is None else self._tags[columns]).T.tocsr()
            scores += (self._tags[rows] @ tags_t).minimum(MAX_SHARED_TAGS).toarray() * self.weights.tag_boost
        return scores, topics

    def _rank_rows(self, picks: Picks, rows: np.ndarray, k: int, only_older: bool) -> None:
        """The lists of the given rows, against every document, a block of rows at a time."""
        total = len(self.documents)
        used = np.unique(self.matrix.indices)  # only stems that survived the cut
        cells = self.matrix.shape[0] * len(used)
        dense = cells * 4 <= DENSE_LIMIT_BYTES and self.matrix.nnz >= DENSE_MIN_DENSITY * cells
        # Sparse products skip empty columns anyway (and add up in the same order): no copy without them.
        left = self.matrix[:, used].toarray() if dense else self.matrix
        right = left.T if dense else self.matrix.T.tocsr()
        share = np.float32(1.0 - self.share), np.float32(self.share)
        block = max(16, BLOCK_CELLS // total)
        for start in range(0, len(rows), block):
            part = rows[start : start + block]
            words = left[part] @ right
            words = words if dense else words.toarray()
            scores, topics = self._scores(part, words)
            scores[np.arange(len(part)), part] = 0.0  # never the article itself
            if only_older:
                scores[self._timestamps[None, :] > self._timestamps[part, None]] = 0.0
            # Every column within rounding of the k-th best score of its row goes on to _select, which
            # compares scores to six decimals and breaks ties there with the exact key.
            # The `wide` best columns of each row hold its k-th best score; they hold every column
            # near it unless even their weakest is near (then the row is searched whole).
            wide = min(total, k + WIDE_SLACK)
            best = np.argpartition(scores, total - wide, axis=1)[:, total - wide :]
            values = np.take_along_axis(scores, best, axis=1)
            kth = np.partition(values, wide - k, axis=1)[:, wide - k]
            floor = np.maximum(kth - np.float32(2.0 / SCORE_SCALE), np.float32(0.5 / SCORE_SCALE))
            whole = (values.min(axis=1) >= floor) & (wide < total)
            at, position = np.nonzero((values >= floor[:, None]) & ~whole[:, None])
            cols = best[at, position]
            if whole.any():
                more_at, more_cols = np.nonzero((scores >= floor[:, None]) & whole[:, None])
                at, cols = np.concatenate((at, more_at)), np.concatenate((cols, more_cols))
            parts = share[0] * words[at, cols], share[1] * topics[at, cols]
            picks.put(part, self._select(part, at, cols, scores[at, cols], *parts, k, only_older))

    def _select(self, sources, at, cols, values, words, topics, k: int, only_older: bool) -> Picks:
        """The k best of each source's candidates (pairs at, cols), ties broken exactly by one integer key.

        The key is the score to six decimals, then same category, then newer, then slug; `words` and
        `topics` are the parts of each score that the picks carry.
        """
        targets = sources[at]
        quantized = np.rint(values.astype(np.float64) * SCORE_SCALE).astype(np.int64)
        valid = (quantized > 0) & (cols != targets)  # a score of zero is no reason: see _fill
        if only_older:
            valid &= self._timestamps[cols] <= self._timestamps[targets]
        at, cols, targets, quantized = at[valid], cols[valid], targets[valid], quantized[valid]
        values, words, topics = values[valid], words[valid], topics[valid]
        same_category = self._categories[cols] == self._categories[targets]
        keys = (quantized * 2 + same_category) * len(self.documents) + self._tiebreak[cols]
        order = np.lexsort((-keys, at))
        at = at[order]
        rank = np.arange(len(at)) - np.searchsorted(at, at, side="left")
        take = rank < k
        found = Picks.empty(len(sources), k)
        where = at[take], rank[take]
        found.columns[where] = cols[order][take]
        found.raw[where] = values[order][take]
        found.words[where] = words[order][take]
        found.topics[where] = topics[order][take]
        found.count = np.minimum(np.bincount(at, minlength=len(sources)), k)
        return found

    def _update(self, picks: Picks, previous: dict, k: int, only_older: bool) -> np.ndarray:
        """A warm build's lists: the stored ones with the changed articles as candidates; returns rows to rank anew.

        A row is ranked anew when it is a changed article, when its stored list had fewer than k
        picks, or when it picked an article that changed or is gone (something further down may
        move up). Every other row keeps its picks (their scores did not change) unless a changed
        article now beats them.
        """
        mapping = previous["mapping"]
        kept = np.flatnonzero(mapping >= 0)
        new_index = np.full(len(previous["count"]), -1, dtype=np.int64)
        new_index[mapping[kept]] = kept
        stored = previous["picks"][mapping[kept]].astype(np.int64)
        columns = np.where(stored >= 0, new_index[np.maximum(stored, 0)], -1)
        full = (previous["count"][mapping[kept]] >= k) & (columns >= 0).all(axis=1)
        rows, columns = kept[full], columns[full]
        stale = np.ones(len(self.documents), dtype=bool)
        stale[rows] = False
        changed = np.flatnonzero(mapping < 0)
        old = mapping[rows]
        words = np.asarray((self.matrix[rows] @ self.matrix[changed].T).toarray(), dtype=np.float32)
        scores, topics = self._scores(rows, words, changed)
        kept_scores = [previous[name][old] for name in ("raw", "words", "topics")]
        count = len(changed)
        at = np.concatenate((np.repeat(np.arange(len(rows)), k), np.repeat(np.arange(len(rows)), count)))
        cols = np.concatenate((columns.ravel(), np.tile(changed, len(rows))))
        values = np.concatenate((kept_scores[0].ravel(), scores.ravel()))
        word_parts = np.concatenate((kept_scores[1].ravel(), (np.float32(1.0 - self.share) * words).ravel()))
        topic_parts = np.concatenate((kept_scores[2].ravel(), (np.float32(self.share) * topics).ravel()))
        picks.put(rows, self._select(rows, at, cols, values, word_parts, topic_parts, k, only_older))
        return stale

    def _candidates(self, picks: Picks, k: int, only_older: bool) -> list[list[Candidate]]:
        """The lists as Candidates, filled up where a row has fewer than k picks."""
        result: list[list[Candidate]] = []
        lists = zip(
            picks.columns.tolist(), picks.raw.tolist(), picks.words.tolist(), picks.topics.tolist(),
            picks.count.tolist(), strict=True,
        )  # fmt: skip
        for source, (columns, raw, words, topics, count) in enumerate(lists):
            tags = self._tag_sets[source]
            best = []
            for col, value, word_part, topic_part in zip(columns[:count], raw, words, topics, strict=False):
                score = round(value, 6)
                parts = (word_part, topic_part) if score else (0.0, 0.0)
                best.append(Candidate(col, score, len(tags & self._tag_sets[col]), *parts))
            if count < k:
                best += self._fill(source, set(columns[:count]), k - count, only_older)
            result.append(best)
        return result

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
