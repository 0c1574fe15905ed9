"""The comment file format: `content/comments/<article-slug>/<id>.md`, metadata lines, a blank line, Markdown.

One module reads and writes it, so the build, the moderation tasks and the tests agree.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import get_date

from .cleaning import WebsiteError, check_website, clean_text

TYPES = ("comment", "pingback", "webmention")
# Keys of a comment file, in the order they are written.
KEYS = ("author", "date", "url", "reply_to", "type", "site_author", "note")
REQUIRED_KEYS = ("author", "date")
ID_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
SLUG_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,199}\Z")  # an article slug, safe as a folder name
META_LINE_RE = re.compile(r"\A(?P<key>[A-Za-z_]+):[ \t]*(?P<value>.*)\Z")
TRUE_WORDS = {"true", "yes", "ja", "1"}


class CommentFileError(ValueError):
    """A comment file that cannot be read; the message names the file and what to fix."""


@dataclass
class Comment:
    """One approved comment, pingback or webmention as shown under an article."""

    id: str
    author: str
    date: datetime
    content: str = ""
    type: str = "comment"
    by_site_author: bool = False
    reply_to: str | None = None
    website: str | None = None
    note: str | None = None
    body: str = ""
    source_path: str = ""
    replies: list[Comment] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The fragment id of the comment on the article page."""
        return f"comment-{self.id}"


def parse_comment_file(path: Path, timezone: str) -> Comment:
    """Read one comment file into a Comment (content not yet rendered) or raise CommentFileError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommentFileError(f"{path}: cannot read the file as UTF-8 ({exc})") from exc
    return parse_comment_text(text, path, timezone)


def parse_comment_text(text: str, path: Path, timezone: str) -> Comment:
    """A comment file's text as a Comment, path naming the file (and its id) in errors; or CommentFileError."""
    comment_id = path.stem
    if not ID_RE.match(comment_id):
        raise CommentFileError(f"{path}: the file name must be the comment id (letters, digits, - or _)")
    header, _, body = text.replace("\r\n", "\n").partition("\n\n")
    meta: dict[str, str] = {}
    for number, line in enumerate(header.splitlines(), start=1):
        match = META_LINE_RE.match(line.strip())
        key = match["key"].lower() if match else ""
        if key not in KEYS:
            raise CommentFileError(
                f"{path}:{number}: expected 'Key: value' with one of {', '.join(KEYS)}; "
                "put a blank line between the metadata and the text"
            )
        meta[key] = clean_text(match["value"])
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        raise CommentFileError(f"{path}: missing metadata {', '.join(k.capitalize() for k in missing)}")
    kind = meta.get("type") or "comment"
    if kind not in TYPES:
        raise CommentFileError(f"{path}: Type must be one of {', '.join(TYPES)}, not {kind!r}")
    try:
        date = _parse_date(meta["date"])
    except (ValueError, OverflowError) as exc:
        raise CommentFileError(f"{path}: Date {meta['date']!r} is not a date (use 2026-11-20 14:03)") from exc
    if date.tzinfo is None:
        date = date.replace(tzinfo=ZoneInfo(timezone))
    website = meta.get("url") or None
    if website:
        try:
            website = check_website(website)  # the intake's rule: what it accepts, the build accepts
        except WebsiteError as exc:
            raise CommentFileError(f"{path}: Url {website!r} is refused: {exc} Fix or remove the line.") from None
    reply_to = meta.get("reply_to") or None
    if reply_to and not ID_RE.match(reply_to):
        raise CommentFileError(f"{path}: Reply_to {reply_to!r} is not a comment id")
    body = clean_text(body, multiline=True)
    if not body and kind == "comment":
        raise CommentFileError(f"{path}: the comment has no text below the metadata")
    return Comment(
        id=comment_id,
        author=meta["author"],
        date=date,
        type=kind,
        by_site_author=meta.get("site_author", "").lower() in TRUE_WORDS,
        reply_to=reply_to,
        website=website,
        note=meta.get("note") or None,
        body=body,
        source_path=str(path),
    )


def _parse_date(value: str) -> datetime:
    """ISO 8601 quickly (what the moderation tasks write), anything else through Pelican's get_date."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return get_date(value)


def format_comment_file(comment: Comment) -> str:
    """The text of a comment file for comment (metadata lines, a blank line, the Markdown body)."""
    values = {
        "author": comment.author,
        "date": comment.date.isoformat(timespec="seconds"),
        "url": comment.website,
        "reply_to": comment.reply_to,
        "type": comment.type,
        "site_author": "true" if comment.by_site_author else None,
        "note": comment.note,
    }
    lines = [f"{key.capitalize()}: {clean_text(str(value))}" for key, value in values.items() if value]
    return "\n".join(lines) + "\n\n" + clean_text(comment.body, multiline=True) + "\n"


def write_comment_file(comments_dir: Path, article: str, comment: Comment) -> Path:
    """Write comment atomically to comments_dir/<article>/<id>.md (temp file + rename); never overwrite."""
    if not SLUG_RE.match(article) or not ID_RE.match(comment.id):
        raise CommentFileError(f"unsafe article slug or comment id: {article!r}/{comment.id!r}")
    folder = comments_dir / article
    target = folder / f"{comment.id}.md"
    text = format_comment_file(comment)
    parse_comment_text(text, target, "UTC")  # what the build would refuse is never written
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{comment.id}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.link(temp, target)  # fails instead of overwriting when the file already exists
    finally:
        os.unlink(temp)
    return target
