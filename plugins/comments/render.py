"""Comment text to HTML: a small Markdown subset, then an allow-list sanitizer (nh3)."""

from __future__ import annotations

import operator
import re

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https"}
LINK_REL = "nofollow ugc noopener"
# Python-Markdown processors that would let raw HTML, images, headings or rules through.
DROPPED = {
    "preprocessors": ("html_block",),
    "parser.blockprocessors": ("hashheader", "setextheader", "hr"),
    "inlinePatterns": ("html", "image_link", "image_reference", "short_image_ref", "automail"),
}


class CommentRenderer:
    """Renders untrusted comment Markdown to safe HTML; one instance per build."""

    def __init__(self) -> None:
        self._markdown = markdown.Markdown(output_format="html")
        for registry, names in DROPPED.items():
            processors = operator.attrgetter(registry)(self._markdown)
            for name in names:
                processors.deregister(name, strict=False)

    def render(self, text: str) -> str:
        """Safe HTML for the Markdown text: no raw HTML, no images, links with rel=nofollow ugc."""
        html = self._markdown.reset().convert(text)
        return nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=LINK_REL,
            strip_comments=True,
        )


def strip_links(text: str) -> str:
    """The Markdown text with every link replaced by its label and bare URLs removed."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<(?:https?|ftp)://[^>\s]*>", "", text)
    return re.sub(r"\b(?:https?://|www\.)[^\s)>\]]+", "", text)
