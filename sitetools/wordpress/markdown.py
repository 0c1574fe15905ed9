"""WordPress post HTML as Markdown: WordPress' paragraph rules and a markdownify converter for posts."""

from __future__ import annotations

import re

from markdownify import MarkdownConverter

BLOCK_TAG_RE = re.compile(r"<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|dl|form)\b", re.I)
UPLOADS_MARK = "/wp-content/uploads/"


def autop(text: str) -> str:
    """WordPress' wpautop in short: blank lines separate paragraphs, single newlines become <br>."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n".join(
        p if BLOCK_TAG_RE.match(p) else f"<p>{p.replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs
    )


class PostConverter(MarkdownConverter):
    """markdownify with WordPress' figures, embeds, uploads and internal links."""

    def __init__(self, importer, **options) -> None:
        super().__init__(**options)
        self.importer = importer

    def convert_img(self, el, text, parent_tags):
        """Uploaded images are copied and linked with {static}; a missing one becomes a plain link."""
        src = el.get("src", "")
        alt = (el.get("alt") or "").replace("]", ")")
        local = self.importer.image(src)
        if local:
            return f"![{alt}]({local})"
        return f"[Bild: {alt or 'ohne Beschreibung'}]({src})" if src else ""

    def convert_a(self, el, text, parent_tags):
        """Internal links become {filename} links; a link around an uploaded image keeps just the image."""
        href = el.get("href", "")
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
        return f"\n\n{media}\n\n/// caption\n{caption_text}\n///\n\n"

    def convert_figcaption(self, el, text, parent_tags):
        """Handled by convert_figure."""
        return text

    def convert_iframe(self, el, text, parent_tags):
        """Embeds never load a third party: a plain link instead."""
        src = el.get("src", "")
        return f"\n\n[Eingebetteten Inhalt ansehen]({src})\n\n" if src.startswith("http") else ""

    def convert_script(self, el, text, parent_tags):
        """Scripts never survive."""
        return ""

    convert_object = convert_embed = convert_style = convert_noscript = convert_script
