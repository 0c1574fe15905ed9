"""Checks on the content objects Pelican built, before anything is written."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from html import unescape
from urllib.parse import unquote, urlparse

from babel.dates import format_date
from pelican.contents import Article, Content

from plugins.pluginkit import lead_image

from .problems import Problem, first_line_with, header_line, shown_path

IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ATTR_RE = re.compile(r"""\b(?P<name>src|alt)\s*=\s*(?P<quote>["'])(?P<value>.*?)(?P=quote)""", re.IGNORECASE | re.S)
ABSOLUTE_RE = re.compile(r"\A(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
STATIC_PREFIX_RE = re.compile(r"\A(?:\{static\}|\|static\|)?/*")
RESOLVED_KINDS = ("filename", "static")
MISSING_FILE = (
    "die Datei gibt es nicht. Pfad prüfen (mit / beginnend: relativ zu content/, sonst relativ zu dieser Datei)."
)
UNPUBLISHED = "das Ziel ist ein Entwurf oder erscheint erst später und steht nicht auf der Website."


def _problem(obj: Content, line: int | None, severity: str, text: str) -> Problem:
    return Problem(shown_path(obj.source_path, obj.settings), line, severity, text)


def _html_parts(obj: Content) -> Iterator[str]:
    """The HTML Pelican made from the body and the summary field."""
    for html in (obj._content, obj.metadata.get("summary")):
        if isinstance(html, str):
            yield html


def check_placeholders(obj: Content, placeholders: Iterable[str]) -> Iterator[Problem]:
    """Published text must not still carry the placeholder that `invoke new` wrote."""
    for phrase in placeholders:
        if any(phrase in html for html in _html_parts(obj)) or phrase in obj.title:
            yield _problem(
                obj,
                first_line_with(obj.source_path, phrase),
                "error",
                f"Hier steht noch der Platzhalter „{phrase} …“ von „invoke new“: ersetzen Sie ihn durch "
                "Ihren Text oder lassen Sie „Status: draft“ stehen, bis der Text fertig ist.",
            )
            return


def check_metadata_findings(obj: Content) -> Iterator[Problem]:
    """Softer findings: summary and category missing, lead image without alt text or credit."""
    path = obj.source_path
    if "summary" not in obj.metadata:
        yield _problem(obj, 1, "finding", "„Summary:“ fehlt: ein bis zwei Sätze für Übersicht, Feeds und Vorschau.")
    if isinstance(obj, Article) and header_line(path, "category") is None:
        yield _problem(
            obj, 1, "finding", f"„Category:“ fehlt: der Artikel landet in der Kategorie „{obj.category}“."
        )
    if obj.metadata.get("image"):
        line = header_line(path, "image")
        if not obj.metadata.get("image_alt"):
            yield _problem(obj, line, "finding", "„Image_alt:“ fehlt: beschreiben Sie in Worten, was das Bild zeigt.")
        if not obj.metadata.get("image_credit"):
            yield _problem(obj, line, "finding", "„Image_credit:“ fehlt: wer hat das Bild gemacht?")


def check_lead_image(obj: Content, static_content: dict) -> Iterator[Problem]:
    """`Image:` must name a static file of the site (images/x.svg or {static}/images/x.svg)."""
    image = obj.metadata.get("image")
    relative = lead_image(image)
    if relative is None:
        return
    if relative not in static_content:
        yield _problem(
            obj,
            header_line(obj.source_path, "image"),
            "error",
            f"Bild „{image}“ gibt es nicht: Pfad relativ zu content/ angeben, z. B. images/grafik.svg.",
        )


def check_body_images(obj: Content, static_content: dict) -> Iterator[Problem]:
    """Images in the text need {static} (relative paths break under pretty URLs) and alt text.

    A finding here: where the path leads nowhere from the page's address, the link check of
    `invoke build`, `invoke check` and the preview refuses it with the same words.
    """
    static_urls = {static.url for static in static_content.values()}
    for tag in IMG_RE.findall(obj._content or ""):
        attrs = {m["name"].lower(): unescape(m["value"]) for m in ATTR_RE.finditer(tag)}
        src = attrs.get("src", "")
        line = first_line_with(obj.source_path, f"]({src}", in_body=True) or first_line_with(
            obj.source_path, src, in_body=True
        )
        if src and not (src.startswith(("{", "|", "/", "#", "data:")) or ABSOLUTE_RE.match(src)):
            path = unquote(urlparse(src).path)
            reached = posixpath.normpath(posixpath.join(posixpath.dirname(obj.url or ""), path))
            written = posixpath.normpath(path).lstrip("./")
            if written in static_content or reached in static_urls:
                text = (
                    f"Bild „{src}“ wird so nicht gefunden: schreiben Sie {{static}}/{written} "
                    "(Pfad relativ zu content/)."
                )
            else:
                text = f"Bild „{src}“ gibt es nicht: prüfen Sie den Dateinamen (Bilder liegen in content/images/)."
            yield _problem(obj, line, "finding", text)  # the link check of every build makes it an error
        if not attrs.get("alt", "").strip():
            yield _problem(
                obj, line, "finding", f"Bild „{src}“ hat keinen Alternativtext: beschreiben Sie ihn in ![…](…)."
            )


def _link_source(obj: Content, link: str) -> str:
    """The source file a {filename} link names (only to recognise files left out for their own errors)."""
    path = unquote(urlparse(link).path)
    base = obj.settings["PATH"] if path.startswith("/") else os.path.dirname(obj.source_path)
    return os.path.normpath(os.path.join(base, path.lstrip("/")))


def check_links(obj: Content, unwritten: dict[str, str], left_out: set[str]) -> Iterator[Problem]:
    """{filename} and {static} links must lead to a page or file that exists in the built site.

    Pelican's own link replacer resolves each link; unwritten maps the URLs of what Pelican knows
    but will not write (drafts, {static} files that do not exist) to the reason. Links to files
    left out for their own errors (left_out) are not reported again.
    """
    links = obj._get_intrasite_link_regex()
    siteurl = obj.get_siteurl()
    for html in _html_parts(obj):
        for match in links.finditer(html):
            if match["what"] not in RESOLVED_KINDS:
                continue
            replaced = obj._link_replacer(siteurl, match)
            href = urlparse(unescape(replaced[len(match["markup"]) + 1 : -1]))._replace(query="", fragment="")
            target = href.geturl().removeprefix(siteurl).lstrip("/")
            why = MISSING_FILE if links.search(replaced) else unwritten.get(target)
            if why and _link_source(obj, unescape(match["value"])) not in left_out:
                link = unescape(match["path"])
                line = first_line_with(obj.source_path, link, in_body=True)
                yield _problem(obj, line, "error", f"Link „{link}“ führt ins Leere: {why}")


def check_future(obj: Content, now: datetime) -> Iterator[Problem]:
    """A future date hides an article until then: say so, so it is never a surprise."""
    if obj.status == "draft" and obj.metadata.get("status", "published") != "draft" and obj.date > now:
        day = format_date(obj.date, "d. MMMM y", locale="de")
        yield _problem(
            obj,
            header_line(obj.source_path, "date"),
            "finding",
            f"Der Artikel erscheint am {day}: bis dahin steht er nicht auf der Website "
            "(Vorschau mit PREVIEW_DRAFTS=1).",
        )


def check_duplicates(objects: Iterable[Content]) -> Iterator[Problem]:
    """Two files written to one address would overwrite each other: the later one is not written."""
    seen: dict[str, Content] = {}
    for obj in objects:
        if not obj.save_as:
            continue
        first = seen.setdefault(obj.save_as, obj)
        if first is obj:
            continue
        line = header_line(obj.source_path, "slug") or header_line(obj.source_path, "title")
        yield _problem(
            obj,
            line,
            "error",
            f"Die Adresse „{obj.url}“ hat schon {shown_path(first.source_path, obj.settings)}: geben Sie dieser Datei "
            "eine eigene Zeile „Slug: …“.",
        )
        obj.override_save_as = ""  # Pelican writes nothing for an empty save_as: no follow-up crash
