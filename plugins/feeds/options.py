"""The plugin's one setting, ``FEEDS``: defaults, and the start-up check that refuses nonsense."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from plugins.pluginkit import PluginSettingsError, absolute_siteurl, relative_output
from plugins.pluginkit import options as merged_options

# Every path is relative to the output root; None switches that feed (or the page) off.
# Each directory holds one format only, so static hosts can set the content type per path.
DEFAULTS: dict[str, Any] = {
    "site_atom": "feeds/alle.atom.xml",
    "site_rss": "feeds/alle.rss.xml",
    "site_json": "feeds/alle.json",
    "category_atom": "feeds/kategorie/{slug}.atom.xml",
    "tag_atom": "feeds/schlagwort/{slug}.atom.xml",
    "comments_atom": "feeds/kommentare.atom.xml",
    "article_comments_atom": "feeds/kommentare/{slug}.atom.xml",
    "summary_only": False,  # True: entries carry the summary and a link instead of the full text
    "id_authority": None,  # domain in the entry ids (tag: URIs); None: the host of ABSOLUTE_SITEURL
    "subscribe_page": "abonnieren/",  # URL of the page that explains and lists every feed
}
SITE_PATHS = ("site_atom", "site_rss", "site_json", "comments_atom")
SLUG_PATHS = ("category_atom", "tag_atom", "article_comments_atom")
SUFFIXES = {
    "site_atom": ".atom.xml",
    "site_rss": ".rss.xml",
    "site_json": ".json",
    "category_atom": ".atom.xml",
    "tag_atom": ".atom.xml",
    "comments_atom": ".atom.xml",
    "article_comments_atom": ".atom.xml",
}
# Pelican's own feed writer: the plugin needs every one of these off (None).
PELICAN_FEED_SETTINGS = (
    "FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS",
    "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS", "TRANSLATION_FEED_ATOM",
    "TRANSLATION_FEED_RSS",
)  # fmt: skip
DOMAIN_RE = re.compile(r"\A(?=.{1,253}\Z)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\Z")


class FeedSettingsError(PluginSettingsError):
    """A feed setting that cannot work; raised when Pelican starts, before anything is written."""


@dataclass(frozen=True)
class Options:
    """The checked settings of the feeds plugin."""

    paths: dict[str, str | None]
    summary_only: bool
    id_authority: str
    subscribe_page: str | None
    site_url: str
    max_items: int | None
    timezone: str


def read_options(settings: dict[str, Any]) -> Options:
    """Merge ``FEEDS`` over DEFAULTS and check it; raise FeedSettingsError naming what to fix."""
    try:  # unknown keys through the shared check; the values get the feed-specific checks below
        options = merged_options(settings, "FEEDS", DEFAULTS, types=dict.fromkeys(DEFAULTS, object))
    except PluginSettingsError as exc:
        raise FeedSettingsError(f"feeds: {exc}") from None
    paths = {key: _checked_path(key, options[key]) for key in SUFFIXES}
    taken: dict[str, str] = {}
    for key, path in paths.items():
        if path is not None and path in taken:
            raise FeedSettingsError(f"feeds: FEEDS[{key!r}] and FEEDS[{taken[path]!r}] both write {path!r}")
        if path is not None:
            taken[path] = key
    if not isinstance(options["summary_only"], bool):
        raise FeedSettingsError(f"feeds: FEEDS['summary_only'] must be True or False, not {options['summary_only']!r}")
    site_url = absolute_siteurl(settings)
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedSettingsError(
            f"feeds: feeds need an absolute site address, but ABSOLUTE_SITEURL/SITEURL is {site_url!r}; "
            "set it to e.g. 'https://www.example.de' in pelicanconf.py/publishconf.py"
        )
    authority = options["id_authority"] or parts.hostname
    if not isinstance(authority, str) or not DOMAIN_RE.match(authority):
        raise FeedSettingsError(
            f"feeds: FEEDS['id_authority'] must be a domain name like 'www.example.de', not {authority!r}"
        )
    return Options(
        paths=paths,
        summary_only=options["summary_only"],
        id_authority=authority,
        subscribe_page=_checked_page(options["subscribe_page"]),
        site_url=site_url,
        max_items=_checked_max_items(settings.get("FEED_MAX_ITEMS")),
        timezone=settings.get("TIMEZONE") or "UTC",
    )


def _checked_path(key: str, path: Any) -> str | None:
    if path is None:
        return None
    if not isinstance(path, str) or not path.strip():
        raise FeedSettingsError(f"feeds: FEEDS[{key!r}] must be a relative path or None, not {path!r}")
    if path.startswith("/") or "\\" in path or ".." in path.split("/") or urlsplit(path).scheme:
        raise FeedSettingsError(
            f"feeds: FEEDS[{key!r}] = {path!r} must be a path inside the output directory, like 'feeds/x.atom.xml'"
        )
    try:
        relative_output(path.replace("{slug}", "x"), f"FEEDS[{key!r}]")
    except PluginSettingsError as exc:
        raise FeedSettingsError(f"feeds: {exc}") from None
    if not path.endswith(SUFFIXES[key]):
        raise FeedSettingsError(f"feeds: FEEDS[{key!r}] = {path!r} must end with {SUFFIXES[key]!r}")
    if key in SLUG_PATHS and path.count("{slug}") != 1:
        raise FeedSettingsError(f"feeds: FEEDS[{key!r}] = {path!r} needs exactly one '{{slug}}' (one file each)")
    if key not in SLUG_PATHS and "{" in path:
        raise FeedSettingsError(f"feeds: FEEDS[{key!r}] = {path!r} is one file and takes no placeholder")
    return path


def _checked_page(url: Any) -> str | None:
    if url is None:
        return None
    if not isinstance(url, str) or not url.endswith("/") or url.startswith("/") or ".." in url or "{" in url:
        raise FeedSettingsError(
            f"feeds: FEEDS['subscribe_page'] must be a relative URL ending in '/' (e.g. 'abonnieren/') "
            f"or None, not {url!r}"
        )
    return url


def _checked_max_items(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FeedSettingsError(f"feeds: FEED_MAX_ITEMS must be a whole number of at least 1 or None, not {value!r}")
    return value
