"""What goes into a feed entry, read from Pelican's articles and the comments attached to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from .markup import feed_html, xml_safe
from .options import Options

COMMENT_KINDS = {"pingback": "Pingback", "webmention": "Webmention"}
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True)
class Person:
    """An author as feeds show them: a name and, where there is one, a page."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    """One feed entry, independent of the format it is written in."""

    id: str
    url: str
    title: str
    content_html: str
    summary_html: str
    published: datetime
    updated: datetime
    authors: tuple[Person, ...]
    terms: tuple[str, ...] = ()
    replies_url: str | None = None  # the entry's comment feed (Atom threading, RFC 4685)


def absolute_url(options: Options, url: str) -> str:
    """A site-relative URL made absolute, with non-ASCII characters percent-encoded."""
    return quote(f"{options.site_url}/{url}", safe=URL_SAFE)


def tag_uri(options: Options, date: datetime, specific: str) -> str:
    """A tag: URI (RFC 4151) from the site's domain, a date and a name: it never changes with edits."""
    return f"tag:{options.id_authority},{date:%Y-%m-%d}:{quote(specific, safe='/-._~')}"


def local_time(options: Options, value: datetime) -> datetime:
    """An aware datetime in the site's time zone, with the offset of its own date (CET or CEST)."""
    zone = ZoneInfo(options.timezone)
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)


def article_entry(options: Options, article: Any) -> Entry:
    """The entry of one published article: full content with absolute URLs, summary, dates, terms."""
    url = absolute_url(options, article.url)
    published = local_time(options, article.date)
    modified = getattr(article, "modified", None)
    updated = max(published, local_time(options, modified)) if modified else published
    content = article.get_content(options.site_url)
    summary = article.get_summary(options.site_url)
    authors = tuple(
        Person(xml_safe(author.name), absolute_url(options, author.url) if author.url else None)
        for author in getattr(article, "authors", [])
    )
    terms = [article.category.name] if getattr(article, "category", None) else []
    terms += [tag.name for tag in getattr(article, "tags", [])]
    return Entry(
        id=tag_uri(options, published, article.slug),
        url=url,
        title=xml_safe(article.title),
        content_html=feed_html(content, url),
        summary_html=feed_html(summary, url),
        published=published,
        updated=updated,
        authors=authors,
        terms=tuple(xml_safe(term) for term in terms),
        replies_url=_replies_url(options, article),
    )


def comment_entry(options: Options, article: Any, comment: Any) -> Entry:
    """The entry of one approved comment, linked to its anchor on the article page."""
    article_url = absolute_url(options, article.url)
    url = f"{article_url}#{comment.anchor}"
    date = local_time(options, comment.date)
    author = xml_safe(str(comment.author)).strip() or "Unbekannt"
    website = str(getattr(comment, "website", None) or "")
    kind = COMMENT_KINDS.get(getattr(comment, "type", "comment"), "Kommentar")
    if getattr(comment, "by_site_author", False):
        kind = "Antwort"
    return Entry(
        id=tag_uri(options, date, f"{article.slug}/{comment.anchor}"),
        url=url,
        title=f"{kind} von {author} zu „{xml_safe(article.title)}“",
        content_html=feed_html(str(comment.content), url) + _note(comment),
        summary_html="",
        published=date,
        updated=date,
        authors=(Person(author, website if website.startswith(("https://", "http://")) else None),),
    )


def _note(comment: Any) -> str:
    """The moderator's note, as the article page shows it."""
    note = xml_safe(str(getattr(comment, "note", None) or "")).strip()
    return f"<p><em>Hinweis der Moderation: {escape(note)}</em></p>" if note else ""


def _replies_url(options: Options, article: Any) -> str | None:
    pattern = options.paths["article_comments_atom"]
    if not pattern or not getattr(article, "comments", None):
        return None
    return absolute_url(options, pattern.format(slug=article.slug))
