"""Comment text to HTML: a small Markdown subset (markdown-it-py), then an allow-list sanitizer (nh3)."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https"}
LINK_RESULT_REL = "nofollow ugc noopener"
# The "zero" preset parses nothing but paragraphs and escapes raw HTML; these rules are switched on.
# Not among them: images, headings, rules, tables, raw HTML.
MARKDOWN_RULES = ["emphasis", "strikethrough", "link", "autolink", "list", "blockquote", "backticks", "fence",
                  "code", "newline", "escape", "entity"]  # fmt: skip
LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
ANGLE_URL_RE = re.compile(r"<(?:https?|ftp)://[^>\s]*>")
BARE_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s)>\]]+")


class CommentRenderer:
    """Renders untrusted comment Markdown to safe HTML; one instance per build."""

    def __init__(self) -> None:
        self._markdown = MarkdownIt("zero", {"html": False, "linkify": False}).enable(MARKDOWN_RULES)

    def render(self, text: str) -> str:
        """Safe HTML for the Markdown text: no raw HTML, no images, links with rel=nofollow ugc noopener."""
        return nh3.clean(
            self._markdown.render(text),
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=LINK_RESULT_REL,
            strip_comments=True,
        )


def strip_links(text: str) -> str:
    """The Markdown text with every link replaced by its label and bare URLs removed."""
    text = LINK_RE.sub(r"\1", text)
    text = ANGLE_URL_RE.sub("", text)
    return BARE_URL_RE.sub("", text)
