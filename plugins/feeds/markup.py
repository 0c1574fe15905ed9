"""Turn a page's HTML into feed HTML: absolute URLs, no forms or scripts, nothing XML cannot hold."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from markupsafe import Markup

URL_ATTRIBUTES = ("href", "src", "poster", "cite", "action")
SRCSET_ATTRIBUTES = ("srcset",)
# Interactive parts mean nothing in a feed reader: dropped with their content.
DROPPED_ELEMENTS = ("script", "style", "template", "input", "button", "select", "textarea", "output", "iframe")
# Wrappers whose text still matters: the element goes, its content stays (a checklist reads as a list).
UNWRAPPED_ELEMENTS = ("form", "label", "noscript")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
RENAMED_ELEMENTS = {"fieldset": "div", "legend": "p"}
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Remove characters XML 1.0 cannot carry (control characters pasted from other programs)."""
    return XML_INVALID_RE.sub("", text or "")


def plain_text(html: str) -> str:
    """Text without tags and with entities resolved (for JSON Feed summaries)."""
    return xml_safe(Markup(html or "").striptags())


def feed_html(html: str, base_url: str) -> str:
    """The HTML fragment with every URL absolute against base_url and no interactive elements."""
    html = xml_safe(html).strip()
    if not html:
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in [e for e in root.iter(etree.Element) if e.tag in DROPPED_ELEMENTS or e.get("hidden") is not None]:
        element.drop_tree()
    for heading in root.iter(*HEADINGS):  # "#" links of a heading to itself: a reader shows them as text
        for link in [a for a in heading.iter("a") if heading.get("id") and a.get("href") == f"#{heading.get('id')}"]:
            link.drop_tree()
    for element in root.iter(etree.Element):
        if element.tag in RENAMED_ELEMENTS:
            element.tag = RENAMED_ELEMENTS[element.tag]
        for name in URL_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                element.set(name, urljoin(base_url, value.strip()))
        for name in SRCSET_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                element.set(name, _absolute_srcset(value, base_url))
    for element in list(root.iter(*UNWRAPPED_ELEMENTS)):
        element.drop_tag()
    return (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)


def _absolute_srcset(srcset: str, base_url: str) -> str:
    candidates = []
    for candidate in srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        if url:
            candidates.append(f"{urljoin(base_url, url)} {descriptor.strip()}".strip())
    return ", ".join(candidates)
