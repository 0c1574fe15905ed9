"""Which feeds the site has: the one place the theme reads feed links from (context variable ``feeds``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .options import Options

MIME_TYPES = {".atom.xml": "application/atom+xml", ".rss.xml": "application/rss+xml", ".json": "application/feed+json"}
FORMAT_NAMES = {".atom.xml": "Atom", ".rss.xml": "RSS", ".json": "JSON Feed"}


@dataclass(frozen=True)
class FeedLink:
    """One feed as the theme announces it: path below the site root, media type and a German label."""

    path: str
    label: str

    @property
    def suffix(self) -> str:
        """The file ending that decides the format."""
        return next(s for s in MIME_TYPES if self.path.endswith(s))

    @property
    def mime(self) -> str:
        """Media type for <link type=…> and the web server."""
        return MIME_TYPES[self.suffix]

    @property
    def format(self) -> str:
        """Format name shown to readers: Atom, RSS or JSON Feed."""
        return FORMAT_NAMES[self.suffix]


@dataclass(frozen=True)
class Section:
    """A group of feeds on the subscribe page."""

    heading: str
    links: list[FeedLink]


@dataclass
class SiteFeeds:
    """Every feed of the build; templates call site(), category(), tag(), article() and sections()."""

    options: Options
    categories: list[Any] = field(default_factory=list)
    tags: list[Any] = field(default_factory=list)
    articles: list[Any] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)

    @property
    def subscribe_url(self) -> str | None:
        """Relative URL of the page that explains the feeds, or None."""
        return self.options.subscribe_page

    def absolute(self, link: FeedLink) -> str:
        """The feed's absolute address, as readers subscribe to it."""
        return f"{self.options.site_url}/{link.path}"

    def site(self) -> list[FeedLink]:
        """The site-wide feeds, announced on every page."""
        labels = {
            "site_atom": "alle Beiträge",
            "site_rss": "alle Beiträge",
            "site_json": "alle Beiträge",
            "comments_atom": "neue Kommentare",
        }
        return [FeedLink(path, labels[key]) for key, path in self._paths(labels)]

    def category(self, category: Any) -> list[FeedLink]:
        """The feed of one category."""
        return self._slugged("category_atom", category.slug, f"Kategorie {category.name}")

    def tag(self, tag: Any) -> list[FeedLink]:
        """The feed of one tag."""
        return self._slugged("tag_atom", tag.slug, f"Schlagwort {tag.name}")

    def comments(self, article: Any) -> list[FeedLink]:
        """The comment feed of one article, if it has approved comments."""
        if not getattr(article, "comments", None):
            return []
        return self._slugged("article_comments_atom", article.slug, f"Kommentare zu „{article.title}“")

    def article(self, article: Any) -> list[FeedLink]:
        """The feeds an article page announces besides the site feeds: its category and its comments."""
        category = self.category(article.category) if getattr(article, "category", None) else []
        return category + self.comments(article)

    def sections(self) -> list[Section]:
        """Every feed of the site, grouped for the subscribe page."""
        site = self.site()
        sections = [
            Section("Alle Beiträge", [link for link in site if link.label == "alle Beiträge"]),
            Section("Alle neuen Kommentare", [link for link in site if link.label == "neue Kommentare"]),
            Section("Nach Kategorie", [link for c in self.categories for link in self.category(c)]),
            Section("Nach Schlagwort", [link for t in self.tags for link in self.tag(t)]),
            Section(
                "Kommentare zu einzelnen Beiträgen und Seiten",
                [link for a in [*self.articles, *self.pages] for link in self.comments(a)],
            ),
        ]
        return [section for section in sections if section.links]

    def _paths(self, keys: dict[str, str]) -> list[tuple[str, str]]:
        return [(key, path) for key in keys if (path := self.options.paths[key])]

    def _slugged(self, key: str, slug: str, label: str) -> list[FeedLink]:
        pattern = self.options.paths[key]
        return [FeedLink(pattern.format(slug=slug), label)] if pattern else []
