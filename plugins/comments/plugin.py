"""Pelican side of the comments: read content/comments/, attach them to articles and pages, write the manifest."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals

from plugins.pluginkit import (
    PluginSettingsError,
    absolute_siteurl,
    active,
    options,
    output_file,
    relative_output,
    write_atomic,
)

from .answers import write_answer_shell
from .model import Comment, CommentFileError, parse_comment_file
from .render import CommentRenderer

logger = logging.getLogger(__name__)

DEFAULTS = {
    "path": "comments",  # below PATH: content/comments/<article-slug>/<id>.md
    "close_after_days": None,  # close the form N days after an article's date; None: never
    "intake_path": "kommentare/",  # the form's action below SITEURL; the build writes a page there
    "manifest": "kommentare/manifest.json",  # below the output: open articles for the intake
    "max_body_chars": 5000,  # longest comment text the intake accepts
    "max_request_bytes": 65536,  # larger requests get 413
    "max_links": 2,  # more links than this hold a comment as spam
    "retention_days": 30,  # pending, spam and finished queue entries are purged after this
    "rate_window_seconds": 600,  # COMMENTS_RATE_LIMIT counts accepted posts in this window
    "webmention": True,  # receive Webmentions at the intake's address (advertised in the page head)
    "webmention_timeout": 5,  # seconds for the whole fetch of a mention's source (connect, headers, body, redirects)
    "webmention_max_bytes": 1_000_000,  # larger source pages are refused
    "webmention_allowed_networks": [],  # e.g. ["127.0.0.0/8"]: private networks the fetch may reach
    "moderation_link_days": 7,  # the links in the moderator's e-mail expire after this
    "notify_retention_days": 180,  # a reader's address for notifications is deleted after this at the latest
}
SETTING = "COMMENTS"
METADATA_KEYS = {"comments"}
OPEN_VALUES = {"open": True, "closed": False}


def comment_settings(settings: dict) -> dict:
    """The plugin's settings: COMMENTS merged over DEFAULTS and checked (PluginSettingsError names the key)."""
    merged = options(settings, SETTING, DEFAULTS)
    relative_output(merged["manifest"], f'{SETTING}["manifest"]')
    relative_output(merged["intake_path"], f'{SETTING}["intake_path"]')
    return merged


def intake_mount(settings: dict) -> str:
    """The URL path of the intake below the site root, "/kommentare/" (COMMENTS["intake_path"])."""
    return "/" + comment_settings(settings)["intake_path"].strip("/") + "/"


def queue_path(settings: dict) -> Path:
    """The moderation queue's SQLite file: $COMMENTS_DB, else the COMMENTS_DB setting, else var/ beside content/."""
    configured = setting_from_env(settings, "COMMENTS_DB", None)
    if configured:
        return Path(configured)
    return Path(settings.get("PATH") or "content").resolve().parent / "var" / "kommentare.sqlite3"


def setting_from_env(settings: dict, name: str, default):
    """A top-level setting (COMMENTS_DB, COMMENTS_RATE_LIMIT, ...) with the environment taking precedence."""
    return os.environ.get(name) or settings.get(name, default)


def _enabled(settings: dict) -> bool:
    """Whether this build lists the plugin (signals stay connected across builds in one process)."""
    return active(settings, __package__)


def _initialized(pelican) -> None:
    """Declare the metadata keys and check the settings once at start."""
    if not _enabled(pelican.settings):
        return
    pelican.settings.setdefault("PLUGIN_METADATA_KEYS", set()).update(METADATA_KEYS)
    merged = comment_settings(pelican.settings)  # raises PluginSettingsError: Pelican stops at start-up
    days = merged["close_after_days"]
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        raise PluginSettingsError(f"{SETTING}['close_after_days'] must be a whole number of days or None")


def comments_open(article, settings: dict) -> bool:
    """Whether the article or page takes new comments (metadata `Comments: closed`, close_after_days)."""
    value = str(article.metadata.get("comments", "open")).strip().lower()
    if value not in OPEN_VALUES:
        logger.error("comments: %s: Comments must be 'open' or 'closed', not %r", article.source_path, value)
        return False
    if not OPEN_VALUES[value]:
        return False
    days = comment_settings(settings)["close_after_days"]
    if days is None or getattr(article, "date", None) is None:  # pages need no date
        return True
    return datetime.now(ZoneInfo(settings["TIMEZONE"])) - article.date <= timedelta(days=days)


def read_comments(folder: Path, timezone: str, renderer: CommentRenderer) -> list[Comment]:
    """All comment files of one article folder, rendered and sorted by date; broken files are logged."""
    comments = []
    for path in sorted(folder.glob("*.md")):
        try:
            comment = parse_comment_file(path, timezone)
        except CommentFileError as exc:
            logger.error("comments: %s", exc)
            continue
        comment.content = renderer.render(comment.body)
        comments.append(comment)
    comments.sort(key=lambda c: (c.date, c.id))
    return comments


MAX_DEPTH = 5  # levels of replies shown, as WordPress' default; deeper replies join the deepest level


def thread(comments: list[Comment]) -> list[Comment]:
    """Link replies to their parents and return the top-level comments; bad reply_to ids are logged.

    A reply to a comment at the deepest shown level is listed beside it (its reply_to stays), so a
    long back-and-forth neither runs off a phone screen nor nests templates without end.
    """
    by_id = {c.id: c for c in comments}
    for comment in comments:
        if comment.reply_to and (comment.reply_to not in by_id or _loops(comment, by_id)):
            logger.error(
                "comments: %s: Reply_to %r names no earlier comment of this article; fix or remove it",
                comment.source_path,
                comment.reply_to,
            )
            comment.reply_to = None
    top = []
    for comment in comments:
        if not comment.reply_to:
            top.append(comment)
            continue
        holder = by_id[comment.reply_to]
        while _depth(holder, by_id) >= MAX_DEPTH - 1:
            holder = by_id[holder.reply_to]
        holder.replies.append(comment)
    return top


def _depth(comment: Comment, by_id: dict[str, Comment]) -> int:
    """How many reply_to steps lead from comment to a top-level comment."""
    depth = 0
    while comment.reply_to:
        comment, depth = by_id[comment.reply_to], depth + 1
    return depth


def _loops(comment: Comment, by_id: dict[str, Comment]) -> bool:
    """Whether following reply_to from comment comes back to it (a cycle of replies)."""
    seen = {comment.id}
    current = comment
    while current.reply_to:
        if current.reply_to in seen or current.reply_to not in by_id:
            return current.reply_to in seen
        seen.add(current.reply_to)
        current = by_id[current.reply_to]
    return False


def attach_comments(generator) -> None:
    """Attach comments, comment_threads and comments_open to every article (folders of pages wait for them)."""
    if not _enabled(generator.settings):
        return
    generator.context[SETTING] = comment_settings(generator.settings)
    _attach(generator, [*generator.articles, *generator.translations, *getattr(generator, "drafts", []),
                        *getattr(generator, "hidden_articles", [])])  # fmt: skip


def attach_page_comments(generator) -> None:
    """The same for every page; then report comment folders that belong to no article and no page."""
    if not _enabled(generator.settings):
        return
    pages = [*generator.pages, *generator.translations, *getattr(generator, "hidden_pages", []),
             *getattr(generator, "draft_pages", [])]  # fmt: skip
    _attach(generator, pages)
    context = generator.context
    known = {c.slug for c in pages}
    known |= {c.slug for key in ("articles", "drafts", "hidden_articles") for c in context.get(key, [])}
    known |= {t.slug for a in context.get("articles", []) for t in getattr(a, "translations", [])}
    folder = Path(generator.settings["PATH"]) / comment_settings(generator.settings)["path"]
    if not folder.is_dir():
        return
    for unknown in sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in known):
        for path in sorted(unknown.glob("*.md")):
            logger.error(
                "comments: %s: no article or page with the slug %r; move the file to the folder of an existing one",
                path,
                unknown.name,
            )


def _attach(generator, contents: list) -> None:
    """Attach the comments of content/comments/<slug>/ to each article or page with that slug."""
    settings = generator.settings
    folder = Path(settings["PATH"]) / comment_settings(settings)["path"]
    by_slug = {}
    for content in contents:
        content.comments = []
        content.comment_threads = []
        content.comments_open = comments_open(content, settings)
        by_slug.setdefault(content.slug, content)
    if not folder.is_dir():
        return
    renderer = CommentRenderer()
    for content_folder in sorted(p for p in folder.iterdir() if p.is_dir() and p.name in by_slug):
        content = by_slug[content_folder.name]
        content.comments = read_comments(content_folder, settings["TIMEZONE"], renderer)
        content.comment_threads = thread(content.comments)


def write_intake_files(generator, writer) -> None:
    """Write the page at the form's action path and the manifest of articles the intake reads."""
    if not _enabled(generator.settings):
        return
    options = comment_settings(generator.settings)
    writer.write_file(
        options["intake_path"] + "index.html",
        generator.get_template("comments_intake"),
        generator.context,
        relative_urls=generator.settings["RELATIVE_URLS"],
    )
    write_answer_shell(generator, writer, options["intake_path"])
    write_manifest(generator)


def write_manifest(generator) -> None:
    """Write the manifest the intake reads: every published article and page, open or not, with its comment ids."""
    manifest = {
        "site": absolute_siteurl(generator.settings),
        "articles": {  # keyed by slug, pages included: the form's field is called "article" for both
            article.slug: {
                "url": article.url,
                "title": article.title,
                "open": bool(getattr(article, "comments_open", False)),
                "comments": [c.id for c in getattr(article, "comments", [])],
            }
            for article in [*generator.articles, *generator.context.get("pages", [])]
        },
    }
    key = f'{SETTING}["manifest"]'
    path = output_file(generator.settings, comment_settings(generator.settings)["manifest"], key, generator.output_path)
    write_atomic(path, json.dumps(manifest, ensure_ascii=False, indent=1))


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(_initialized)
    signals.article_generator_finalized.connect(attach_comments)
    signals.page_generator_finalized.connect(attach_page_comments)
    signals.article_writer_finalized.connect(write_intake_files)
