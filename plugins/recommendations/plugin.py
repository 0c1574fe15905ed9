"""Pelican side: manual picks from `Recommendations:` plus automatic ones, as article.recommendations."""

from __future__ import annotations

import difflib
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator

from plugins.pluginkit import active

from .similarity import MAX_SHARED_TAGS, Candidate, Document, Model, TermCache, Weights
from .text import plain_text

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "count": 3,  # picks per article, manual ones included (RECOMMENDATIONS_COUNT overrides it)
    "only_older": False,  # automatic picks only from articles not newer than the article itself
    "title_weight": 2.0,  # a word in the title counts like this many in the text
    "tag_weight": 1.0,  # a word of a tag counts like this many in the text (tags are weak signals)
    "tag_boost": 0.0,  # added to the score per shared tag (at most three)
    "max_terms": 120,  # strongest stems kept per article
    "latent": 0.5,  # share of the score from latent topics (truncated SVD), the rest from shared words
    "dimensions": 0,  # latent topics; 0: the square root of the number of articles (at most 100)
    "cache": True,  # keep term counts per article in CACHE_PATH/recommendations.npz
    "summary_length": 160,  # characters of the one-line summary in the box
}
TYPES: dict[str, tuple[type, ...]] = {
    "count": (int,),
    "only_older": (bool,),
    "title_weight": (int, float),
    "tag_weight": (int, float),
    "tag_boost": (int, float),
    "max_terms": (int,),
    "latent": (int, float),
    "dimensions": (int,),
    "cache": (bool,),
    "summary_length": (int,),
}
METADATA_KEY = "recommendations"
ADVICE = (  # what to write instead of an unknown slug when none is close
    "; nennen Sie den Slug eines veröffentlichten Artikels (klein geschrieben, wie in seiner URL) oder einen "
    "externen Link als „Titel <https://…>“."
)
# One entry of `Recommendations:`: an external "Titel <https://…>" or a slug (lower case, as Pelican makes them).
ENTRY_RE = re.compile(
    r"\s*(?:(?P<slug>[a-z0-9][a-z0-9_.-]*)|(?P<title>[^<>]*?)\s*<(?P<url>[^<>]*)>|(?P<invalid>[^,]*?))\s*(?:,|$)"
)
EXTERNAL_URL_RE = re.compile(r"https?://[^\s/]+\S*", re.IGNORECASE)


@dataclass
class Recommendation:
    """One link of the box: an article of the site or an external page."""

    title: str
    url: str
    external: bool = False
    date: datetime | None = None
    summary: str = ""
    score: float | None = None  # automatic picks only
    shared_tags: int = 0
    tag_score: float = 0.0  # the part of the score that comes from shared tags
    words_score: float = 0.0  # the part that comes from the words both share
    topic_score: float = 0.0  # the part that comes from the latent topics both share
    article: Any = None  # the Pelican article of an internal pick
    _model: Model | None = field(default=None, repr=False)
    _pair: tuple[int, int] | None = field(default=None, repr=False)

    @property
    def automatic(self) -> bool:
        """True for a pick of the similarity, False for one the author wrote down."""
        return self.score is not None

    @cached_property
    def terms(self) -> list[tuple[str, float]]:
        """The words both articles weigh most, with their share of the score (automatic picks)."""
        if self._model is None or self._pair is None:
            return []
        return self._model.shared_terms(*self._pair)

    @cached_property
    def topic_terms(self) -> list[tuple[str, float]]:
        """The words that carry the latent topics both articles share, with their share of the topic score."""
        if self._model is None or self._pair is None:
            return []
        return self._model.topic_terms(*self._pair)


def options(settings: dict) -> dict[str, Any]:
    """The plugin's settings: RECOMMENDATIONS over DEFAULTS, RECOMMENDATIONS_COUNT for the count."""
    merged = dict(DEFAULTS, **(settings.get("RECOMMENDATIONS") or {}))
    if settings.get("RECOMMENDATIONS_COUNT") is not None:
        merged["count"] = settings["RECOMMENDATIONS_COUNT"]
    return merged


def check_options(settings: dict) -> list[str]:
    """Problems with the settings, as messages that say what to change."""
    merged = options(settings)
    problems = [
        f"unknown key {key!r} in RECOMMENDATIONS; known: {', '.join(DEFAULTS)}" for key in merged if key not in DEFAULTS
    ]
    for key, allowed in TYPES.items():
        value = merged.get(key)
        wrong_type = not isinstance(value, allowed) or (bool not in allowed and isinstance(value, bool))
        if wrong_type or (not isinstance(value, bool) and value < 0):
            problems.append(f"RECOMMENDATIONS[{key!r}] must be a non-negative {allowed[0].__name__}, not {value!r}")
    if isinstance(merged.get("max_terms"), int) and merged["max_terms"] < 1:
        problems.append("RECOMMENDATIONS['max_terms'] must be at least 1")
    latent = merged.get("latent")
    if isinstance(latent, int | float) and latent > 1:
        problems.append(f"RECOMMENDATIONS['latent'] is a share between 0 and 1, not {latent!r}")
    return problems


def one_line(summary_html: str, limit: int) -> str:
    """A summary as plain text on one line, cut at a word boundary with an ellipsis."""
    text = " ".join(plain_text(summary_html).split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def parse_entries(value: str | list[str]) -> list[tuple[str, str]]:
    """Split a `Recommendations:` value into (kind, text) entries: "slug", "external" or "invalid".

    An external entry's text is "Titel\x00https://…"; titles may contain commas.
    """
    text = ", ".join(value) if isinstance(value, list) else str(value)
    entries, position = [], 0
    while position < len(text):
        match = ENTRY_RE.match(text, position)
        position = match.end() if match.end() > position else len(text)
        if match["slug"]:
            entries.append(("slug", match["slug"]))
        elif match["url"] is not None:
            entries.append(("external", f"{match['title']}\x00{match['url']}"))
        elif match["invalid"]:
            entries.append(("invalid", match["invalid"]))
    return entries


def source_name(article, settings: dict) -> str:
    """The article's file relative to the content's parent (content/articles/x.md), for messages."""
    path = Path(article.source_path)
    try:
        return str(path.relative_to(Path(settings["PATH"]).resolve().parent))
    except ValueError:
        return str(path)


def header_line_suffix(path: str) -> str:
    """The line of `Recommendations:` in a source file's header as ":7", or "" when it cannot be found."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    break
                if line.lower().startswith(f"{METADATA_KEY}:"):
                    return f":{number}"
    except (OSError, UnicodeDecodeError):
        pass
    return ""


class Recommender:
    """Attaches article.recommendations to every published article of one build."""

    def __init__(self, generator) -> None:
        self.generator = generator
        self.settings = generator.settings
        self.options = options(self.settings)
        self.published = {a.slug: a for a in generator.articles}
        self.unpublished = {a.slug: a for a in [*generator.drafts, *getattr(generator, "hidden_articles", [])]}

    def manual(self, article) -> list[Recommendation]:
        """The author's picks in their order; every wrong entry is logged as an error."""
        value = article.metadata.get(METADATA_KEY)
        if not value:
            return []
        where = source_name(article, self.settings) + header_line_suffix(article.source_path)
        picks: list[Recommendation] = []
        seen: set[str] = set()
        for kind, entry in parse_entries(value):
            if kind == "external":
                title, url = entry.split("\x00")
                if not title or not EXTERNAL_URL_RE.fullmatch(url):
                    logger.error(
                        "recommendations: %s: „Recommendations:“-Eintrag „%s <%s>“ ist kein externer Link; "
                        "schreiben Sie „Titel <https://…>“",
                        where, title, url,
                    )  # fmt: skip
                    continue
                if url not in seen:
                    seen.add(url)
                    picks.append(Recommendation(title=title, url=url, external=True))
                continue
            problem = self._slug_problem(article, entry) if kind == "slug" else "das ist weder ein Slug noch ein Link"
            if problem:
                logger.error(
                    "recommendations: %s: „Recommendations:“ nennt „%s“, %s%s",
                    where, entry, problem, self._close_slug(entry) or ADVICE,
                )  # fmt: skip
                continue
            if entry not in seen:
                seen.add(entry)
                picks.append(self._internal(self.published[entry]))
        return picks

    def _close_slug(self, slug: str) -> str:
        """The published slug closest to an unknown one as " – meinten Sie „x“?", or ""."""
        if slug in self.published or slug in self.unpublished:
            return ""
        close = difflib.get_close_matches(slug, sorted(self.published), n=1, cutoff=0.75)
        return f" – meinten Sie „{close[0]}“?" if close else ""

    def _slug_problem(self, article, slug: str) -> str:
        """Why a slug cannot be recommended, or "" when it can."""
        if slug == article.slug:
            return "also den Artikel selbst"
        if slug in self.published:
            return ""
        if slug in self.unpublished:
            return "aber dieser Artikel ist ein Entwurf, versteckt oder erscheint erst später"
        return "aber einen Artikel mit diesem Slug gibt es nicht"

    def _internal(self, article, candidate: Candidate | None = None, model: Model | None = None, source: int = 0):
        """A pick that links to one of the site's articles."""
        return Recommendation(
            title=article.title,
            url=article.url,
            date=article.date,
            summary=one_line(article.summary or "", self.options["summary_length"]),
            article=article,
            score=candidate.score if candidate else None,
            shared_tags=candidate.shared_tags if candidate else 0,
            tag_score=self.options["tag_boost"] * min(candidate.shared_tags, MAX_SHARED_TAGS) if candidate else 0.0,
            words_score=candidate.words if candidate else 0.0,
            topic_score=candidate.topics if candidate else 0.0,
            _model=model,
            _pair=(source, candidate.index) if candidate else None,
        )

    def run(self) -> None:
        """Attach manual picks first, then fill up with the most similar articles."""
        started = time.perf_counter()
        articles = sorted(self.generator.articles, key=lambda a: a.slug)
        count = self.options["count"]
        manual = {a.slug: self.manual(a) for a in articles}
        if not articles:
            return
        model = Model([document_of(a) for a in articles], weights_of(self.options), self._cache())
        extra = max(sum(1 for p in picks if not p.external) for picks in manual.values())
        candidates = model.top(count + extra, only_older=self.options["only_older"]) if count else []
        for index, article in enumerate(articles):
            picks = manual[article.slug]
            taken = {p.url for p in picks} | {article.url}
            for candidate in candidates[index] if count else []:
                if len(picks) >= count:
                    break
                other = articles[candidate.index]
                if other.url not in taken:
                    taken.add(other.url)
                    picks.append(self._internal(other, candidate, model, index))
            article.recommendations = picks
        logger.debug("recommendations: %d articles in %.3f s", len(articles), time.perf_counter() - started)

    def _cache(self) -> TermCache | None:
        """The term cache in Pelican's CACHE_PATH, unless switched off."""
        if not self.options["cache"]:
            return None
        return TermCache(Path(self.settings["CACHE_PATH"]) / "recommendations.npz")


def document_of(article) -> Document:
    """The parts of a Pelican article that the similarity reads."""
    tags = tuple(tag.name for tag in getattr(article, "tags", []) or [])
    category = article.category.name if getattr(article, "category", None) else ""
    # The reader's HTML, not article.content: that would resolve {static} links before Pelican knows the
    # static files, memoize the result and log a false "Unable to find" for every such link.
    text = plain_text(article._content or "")
    return Document(article.slug, article.title, tags, category, text, article.date)


def weights_of(merged: dict[str, Any]) -> Weights:
    """The similarity weights from the merged settings."""
    return Weights(
        title=float(merged["title_weight"]),
        tags=float(merged["tag_weight"]),
        tag_boost=float(merged["tag_boost"]),
        max_terms=merged["max_terms"],
        latent=float(merged["latent"]),
        dimensions=merged["dimensions"],
    )


def initialize(pelican) -> None:
    """Declare the metadata key and report wrong settings once, at start-up."""
    if not active(pelican.settings, __package__):
        return
    pelican.settings.setdefault("PLUGIN_METADATA_KEYS", set()).update({METADATA_KEY})
    for problem in check_options(pelican.settings):
        logger.error("recommendations: %s", problem)


def attach_recommendations(generators) -> None:
    """Give every published article its recommendations (drafts, pages and future articles get none).

    Runs once every generator has read its content: only then does Pelican know the static files, so
    reading an article's summary resolves its {static} links instead of caching them unresolved.
    """
    for generator in generators:
        if not isinstance(generator, ArticlesGenerator) or not active(generator.settings, __package__):
            continue
        if check_options(generator.settings):
            return  # already reported at start-up
        Recommender(generator).run()


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(initialize)
    signals.all_generators_finalized.connect(attach_recommendations)
