"""The feeds generator: Pelican's articles (and their approved comments) as Atom, RSS and JSON Feed."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pelican import signals
from pelican.generators import Generator, PelicanTemplateNotFound

from plugins.pluginkit import active, output_file, write_atomic

from .catalogue import SiteFeeds
from .entries import Entry, absolute_url, article_entry, comment_entry, local_time
from .formats import FeedInfo, atom_bytes, json_bytes, rss_bytes
from .markup import xml_safe
from .options import PELICAN_FEED_SETTINGS, read_options

logger = logging.getLogger(__name__)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # "updated" of an empty feed on an empty site
WRITERS: dict[str, Callable[..., bytes]] = {".atom.xml": atom_bytes, ".rss.xml": rss_bytes, ".json": json_bytes}


class FeedsGenerator(Generator):
    """Fills the ``feeds`` context variable for the theme and writes every feed and the subscribe page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = read_options(self.settings)
        self.feeds = SiteFeeds(self.options)
        self.context["feeds"] = self.feeds
        self._entries: dict[str, Entry] = {}

    def generate_context(self) -> None:
        """Collect the published articles, newest first, with their categories and tags."""
        articles = sorted(self.context.get("articles", []), key=lambda a: (a.date, a.slug), reverse=True)
        self.feeds.articles = articles
        self.feeds.pages = list(self.context.get("pages", []))  # comments on pages have feeds too
        self.feeds.categories = sorted({a.category for a in articles if a.category}, key=lambda c: c.slug)
        self.feeds.tags = sorted({t for a in articles for t in getattr(a, "tags", [])}, key=lambda t: t.slug)

    def generate_output(self, writer: Any) -> None:
        """Write every feed, then the subscribe page."""
        # Summaries without a Summary: line are cut from the content Pelican links for this base.
        previous_base = self.context.get("localsiteurl")
        self.context["localsiteurl"] = self.options.site_url
        try:
            count = self._write_article_feeds() + self._write_comment_feeds()
        finally:
            self.context["localsiteurl"] = previous_base
        logger.info("feeds: wrote %d feeds", count)
        self._write_subscribe_page(writer)

    def _write_article_feeds(self) -> int:
        site_name = xml_safe(self.settings.get("SITENAME", ""))
        subtitle = xml_safe(self.settings.get("SITESUBTITLE") or "")
        articles = self.feeds.articles
        paths = self.options.paths
        count = 0
        for key in ("site_atom", "site_rss", "site_json"):
            if paths[key]:
                count += self._write(paths[key], site_name, subtitle, "", self._article_entries(articles))
        by_category: dict[Any, list[Any]] = defaultdict(list)
        by_tag: dict[Any, list[Any]] = defaultdict(list)
        for article in articles:
            if article.category:
                by_category[article.category].append(article)
            for tag in getattr(article, "tags", []):
                by_tag[tag].append(article)
        for groups, key, label in ((by_category, "category_atom", "Kategorie"), (by_tag, "tag_atom", "Schlagwort")):
            if not paths[key]:
                continue
            for term, members in groups.items():
                title = f"{site_name} – {label} {xml_safe(term.name)}"
                path = paths[key].format(slug=term.slug)
                count += self._write(path, title, subtitle, term.url, self._article_entries(members))
        return count

    def _write_comment_feeds(self) -> int:
        site_name = xml_safe(self.settings.get("SITENAME", ""))
        commented = [*self.feeds.articles, *self.feeds.pages]
        everything = [(a, c) for a in commented for c in getattr(a, "comments", None) or []]
        everything.sort(key=lambda pair: local_time(self.options, pair[1].date), reverse=True)
        count = 0
        if self.options.paths["comments_atom"]:
            entries = [comment_entry(self.options, a, c) for a, c in everything[: self.options.max_items]]
            title = f"{site_name} – neue Kommentare"
            count += self._write(self.options.paths["comments_atom"], title, "Freigeschaltete Kommentare", "", entries)
        pattern = self.options.paths["article_comments_atom"]
        if not pattern:
            return count
        by_article: dict[str, list[Any]] = defaultdict(list)
        for article, comment in everything:
            by_article[article.source_path].append(comment)
        for article in commented:
            if comments := by_article.get(article.source_path, [])[: self.options.max_items]:
                title = f"{site_name} – Kommentare zu „{xml_safe(article.title)}“"
                entries = [comment_entry(self.options, article, c) for c in comments]
                path = pattern.format(slug=article.slug)
                count += self._write(path, title, "Freigeschaltete Kommentare", article.url, entries)
        return count

    def _article_entries(self, articles: Sequence[Any]) -> list[Entry]:
        """Entries of the newest articles, each built once per build however many feeds it is in."""
        entries = []
        for article in articles[: self.options.max_items]:
            key = article.source_path
            if key not in self._entries:
                self._entries[key] = article_entry(self.options, article)
            entries.append(self._entries[key])
        return entries

    def _write(self, path: str, title: str, subtitle: str, page_url: str, entries: list[Entry]) -> int:
        newest_article = self.feeds.articles[0].date if self.feeds.articles else EPOCH
        info = FeedInfo(
            title=title,
            subtitle=subtitle,
            home_url=absolute_url(self.options, page_url),
            self_url=absolute_url(self.options, path),
            updated=local_time(self.options, newest_article),
        )
        write_bytes = WRITERS[next(suffix for suffix in WRITERS if path.endswith(suffix))]
        target = output_file(self.settings, path, "FEEDS", self.output_path)
        write_atomic(target, write_bytes(info, entries, self.options.summary_only))
        return 1

    def _write_subscribe_page(self, writer: Any) -> None:
        url = self.options.subscribe_page
        if not url:
            return
        try:
            template = self.get_template("subscribe")
        except PelicanTemplateNotFound:
            logger.warning("feeds: the theme has no subscribe.html template; %s is not written", url)
            return
        writer.write_file(
            f"{url}index.html", template, self.context, relative_urls=self.settings["RELATIVE_URLS"], url=url
        )


def _enabled(pelican: Any) -> bool:
    """Whether this Pelican run lists the plugin (signals stay connected for later runs in one process)."""
    return active(pelican.settings, __package__)


def check_settings(pelican: Any) -> None:
    """Refuse a nonsensical FEEDS setting at start-up and keep Pelican's own feed writer off."""
    if not _enabled(pelican):
        return
    read_options(pelican.settings)
    switched_off = [name for name in PELICAN_FEED_SETTINGS if pelican.settings.get(name)]
    for name in switched_off:
        pelican.settings[name] = None
    if switched_off:
        logger.warning(
            "feeds: Pelican's own feeds are switched off, the feeds plugin writes all feeds; "
            "set %s = None in your settings",
            ", ".join(switched_off),
        )


def get_generators(pelican: Any) -> type[FeedsGenerator] | None:
    """Pelican's hook for extra generators."""
    return FeedsGenerator if _enabled(pelican) else None


def register() -> None:
    """Check the settings when Pelican starts and add the feeds generator."""
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
