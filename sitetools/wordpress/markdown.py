"""WordPress HTML as Markdown: WordPress' paragraph rules (wpautop) and markdownify converters.

Post bodies become the site's Markdown (images copied, internal links as `{filename}` links); comment
bodies become the small Markdown subset the comment renderer supports. Links with a script or data
scheme never survive: the link goes, its text stays, and the importer lists it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

UPLOADS_MARK = "/wp-content/uploads/"
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
# The block tags of WordPress' wpautop (wp-includes/formatting.php).
ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    r"blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
    r"footer|nav|figure|figcaption|details|menu|summary)"
)
TAG_OR_COMMENT_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
PRESERVED_RE = re.compile(r"<(script|style|svg|math)\b.*?</\1>", re.S | re.I)
MAX_DEPTH = 200  # deeper HTML cannot be converted safely (markdownify recurses per level)


def unsafe_scheme(url: str) -> bool:
    """Whether a link would run code or embed data (javascript:, data:, vbscript:), as browsers read it."""
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    return squeezed.startswith(UNSAFE_SCHEMES)


def autop(text: str) -> str:
    """WordPress' wpautop: blank lines separate paragraphs, single newlines become <br />, blocks stay.

    The rules and their order follow wpautop in WordPress' wp-includes/formatting.php.
    """
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    pre_tags: dict[str, str] = {}

    def keep_pre(match: re.Match) -> str:
        name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[name] = match[0]
        return name

    text = re.sub(r"<pre\b.*?</pre>", keep_pre, text, flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{ALL_BLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{ALL_BLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    # Newlines inside tags and comments are not line breaks (wp_replace_in_html_tags).
    text = TAG_OR_COMMENT_RE.sub(lambda m: m[0].replace("\n", " <!-- wpnl --> "), text)
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{ALL_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{ALL_BLOCKS}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{ALL_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = PRESERVED_RE.sub(lambda m: m[0].replace("\n", "<WPPreserveNewline />"), text)
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(rf"(</?{ALL_BLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


def html_depth(soup: BeautifulSoup) -> int:
    """How deeply the elements of a parsed body nest (counted without recursion)."""
    deepest, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in getattr(node, "contents", ()) if hasattr(child, "contents"))
    return deepest


class SafeConverter(MarkdownConverter):
    """markdownify that drops script and data links (keeping their text) and never lets text become markup."""

    def __init__(self, report: Callable[[str], None], **options) -> None:
        super().__init__(escape_misc=False, **options)
        self.report = report

    def escape(self, text, parent_tags):
        """Text stays text: no raw HTML, no Markdown links or images made of literal brackets."""
        text = super().escape(text, parent_tags)
        if not text or "_noformat" in parent_tags:
            return text
        return text.replace("<", "&lt;").replace("[", "\\[").replace("]", "\\]")

    def dropped_link(self, href: str, text: str) -> str:
        """Report a dropped script or data link; only its text stays."""
        label = " ".join(text.split()) or "ohne Text"
        self.report(f"Link „{label[:80]}“ entfernt ({href.strip()[:40]}…)")
        return text

    def convert_a(self, el, text, parent_tags):
        """Links with a script or data scheme lose the link and keep the text."""
        href = el.get("href", "")
        if unsafe_scheme(href):
            return self.dropped_link(href, text)
        return super().convert_a(el, text, parent_tags)

    def convert_script(self, el, text, parent_tags):
        """Scripts, styles and plugin objects never survive."""
        return ""

    convert_object = convert_embed = convert_style = convert_noscript = convert_template = convert_script


class PostConverter(SafeConverter):
    """markdownify with WordPress' figures, embeds, uploads and internal links."""

    def __init__(self, importer, report: Callable[[str], None], **options) -> None:
        super().__init__(report, heading_style="ATX", bullets="-", **options)
        self.importer = importer

    def convert_img(self, el, text, parent_tags):
        """Uploaded images are copied and linked with {static}; a missing one becomes a plain link."""
        src = el.get("src", "")
        alt = " ".join((el.get("alt") or "").split()).replace("[", "(").replace("]", ")")
        if unsafe_scheme(src):
            self.report(f"Bild „{alt or 'ohne Beschreibung'}“ mit {src.strip()[:20]}…-Adresse entfernt")
            return alt
        local = self.importer.image(src)
        if local:
            return f"![{alt}]({local})"
        return f"[Bild: {alt or 'ohne Beschreibung'}]({src})" if src.startswith(("http://", "https://")) else alt

    def convert_a(self, el, text, parent_tags):
        """Internal links become {filename} links; a link around an uploaded image keeps just the image."""
        href = el.get("href", "")
        if unsafe_scheme(href):
            return self.dropped_link(href, text)
        if el.find("img") is not None and UPLOADS_MARK in href:
            return text
        if href:
            el["href"] = self.importer.internal_link(href)
        return super().convert_a(el, text, parent_tags)

    def convert_figure(self, el, text, parent_tags):
        """A figure with a caption becomes an image plus a pymdownx caption block."""
        caption = el.find("figcaption")
        if caption is None:
            return f"\n\n{text.strip()}\n\n"
        caption_text = self.process_tag(caption, parent_tags).strip()
        media = text.replace(caption_text, "").strip()
        if not caption_text:
            return f"\n\n{media}\n\n"
        return f"\n\n{media}\n\n/// caption\n{caption_text}\n///\n\n"

    def convert_figcaption(self, el, text, parent_tags):
        """Handled by convert_figure."""
        return text

    def convert_iframe(self, el, text, parent_tags):
        """Embeds never load a third party: a plain link instead."""
        src = el.get("src", "")
        return f"\n\n[Eingebetteten Inhalt ansehen]({src})\n\n" if src.startswith(("http://", "https://")) else ""


class CommentConverter(SafeConverter):
    """Comment HTML as the comment renderer's Markdown subset: no images, headings or tables."""

    def __init__(self, report: Callable[[str], None]) -> None:
        super().__init__(report, heading_style="ATX", bullets="-", strip=["table"])

    def convert_img(self, el, text, parent_tags):
        """An image becomes a plain link named by its alt text (the renderer shows no images)."""
        src = el.get("src", "")
        alt = " ".join((el.get("alt") or "").split()).replace("[", "(").replace("]", ")") or "Bild"
        if src.startswith(("http://", "https://")):
            return f"[{alt}]({src})"
        return alt

    def convert_del(self, el, text, parent_tags):
        """Strike-through, as the renderer writes it."""
        return f"~~{text.strip()}~~" if text.strip() else ""

    convert_s = convert_strike = convert_del

    def convert_hN(self, n, el, text, parent_tags):
        """Headings are emphasis in a comment."""
        return f"\n\n**{text.strip()}**\n\n" if text.strip() else ""

    def convert_hr(self, el, text, parent_tags):
        """No rules in comments."""
        return "\n\n"
