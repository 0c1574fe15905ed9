"""Markdown extension of the theme: tables that scroll on phones, charts that open at full size.

Enabled in pelicanconf.py under ``MARKDOWN["extension_configs"]`` as ``theme.markdown_extensions``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor


class ResponsiveContentTreeprocessor(Treeprocessor):
    """Wrap each table in a focusable scroll region and link each chart image to its file."""

    TABLE_WRAPPER_CLASS = "table-scroll"
    NUMBER_CLASS = "number"
    IMAGE_LINK_CLASS = "image-link"
    # "10.350 €", "45 %", "−3,5": a cell that is only a number (with unit) is a number column.
    NUMBER_CELL_RE = re.compile(r"\A[+−-]?\d[\d.,\u00a0 ]*(?:€|%|Euro|Prozent)?\Z")
    # The space between a number and its unit never breaks: "45 €" stays on one line.
    NUMBER_UNIT_SPACE_RE = re.compile(r"(?<=\d) (?=€|%|Euro\b|Prozent\b|Stunden?\b|Minuten?\b|Wochen?\b)")

    def __init__(self, md: Markdown, link_suffixes: tuple[str, ...]) -> None:
        super().__init__(md)
        self.link_suffixes = link_suffixes

    def run(self, root: etree.Element) -> None:
        """Rewrite the document tree in place."""
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    parent[index] = self._scroll_region(child)
                elif parent.tag != "a" and child.tag == "img" and self._links_to_file(child):
                    parent[index] = self._image_link(child)

    def _scroll_region(self, table: etree.Element) -> etree.Element:
        """A keyboard-focusable, named region around a table that may be wider than a phone."""
        self._keep_numbers_whole(table)
        headings = [" ".join("".join(th.itertext()).split()) for th in table.iter("th")]
        label = "Tabelle: " + ", ".join(h for h in headings if h) if any(headings) else "Tabelle"
        wrapper = etree.Element(
            "div", {"class": self.TABLE_WRAPPER_CLASS, "role": "region", "tabindex": "0", "aria-label": label}
        )
        wrapper.tail, table.tail = table.tail, None
        wrapper.append(table)
        return wrapper

    def _keep_numbers_whole(self, table: etree.Element) -> None:
        """Glue numbers to their units and mark columns that hold only numbers."""
        for cell in (*table.iter("th"), *table.iter("td")):
            for node in cell.iter():
                if node.text:
                    node.text = self.NUMBER_UNIT_SPACE_RE.sub("\u00a0", node.text)
                if node is not cell and node.tail:
                    node.tail = self.NUMBER_UNIT_SPACE_RE.sub("\u00a0", node.tail)
        rows = list(table.iter("tr"))
        columns: dict[int, list[etree.Element]] = {}
        for row in rows:
            for index, cell in enumerate(row):
                columns.setdefault(index, []).append(cell)
        for cells in columns.values():
            values = [" ".join("".join(c.itertext()).split()) for c in cells if c.tag == "td"]
            if values and all(self.NUMBER_CELL_RE.match(v) for v in values if v) and any(values):
                for cell in cells:
                    cell.set("class", " ".join(filter(None, (cell.get("class"), self.NUMBER_CLASS))))

    def _links_to_file(self, image: etree.Element) -> bool:
        return image.get("src", "").lower().endswith(self.link_suffixes)

    def _image_link(self, image: etree.Element) -> etree.Element:
        """A link to the image file itself, so a tap on a phone opens a chart at full size."""
        link = etree.Element("a", {"class": self.IMAGE_LINK_CLASS, "href": image.get("src", "")})
        link.tail, image.tail = image.tail, None
        link.append(image)
        return link


class ResponsiveContentExtension(Extension):
    """Register the tree processor after Markdown's inline patterns have created the images."""

    def __init__(self, **kwargs) -> None:
        self.config = {
            "link_suffixes": [[".svg"], "File endings of images that link to their file. Default: ['.svg']"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the tree processor to md."""
        suffixes = tuple(s.lower() for s in self.getConfig("link_suffixes"))
        md.treeprocessors.register(ResponsiveContentTreeprocessor(md, suffixes), "responsive_content", 5)


def makeExtension(**kwargs) -> ResponsiveContentExtension:
    """Entry point Markdown calls when the extension is named by its module path."""
    return ResponsiveContentExtension(**kwargs)
