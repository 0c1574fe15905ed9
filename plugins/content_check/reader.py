"""Pelican's Markdown reader with the author's mistakes caught where Pelican reads them.

``CheckedReading`` is mixed into whatever Markdown reader the site uses (Pelican's, or one a
plugin such as checklists put in its place), so it reads exactly as that reader does (BOM,
``---`` headers and every extension included) and only adds: German dates read day first,
unknown or doubled metadata keys, and files that cannot be read at all (empty, not UTF-8).
What it finds travels with the metadata (``REPORT_KEY``), so it survives Pelican's reader cache.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader
from pelican.utils import pelican_open

from .dates import DateError, parse_date
from .problems import Problem, header_line, key_as_written, shown_path, source_lines_of

REPORT_KEY = "content_check_report"
# How Python-Markdown's meta extension (Pelican's Markdown reader) reads the header, line by line:
# it stops at the first line that is none of these, and that line and all below become text.
META_RE = re.compile(r"[ ]{0,3}[A-Za-z0-9_-]+:")
META_MORE_RE = re.compile(r"[ ]{4,}\S")
META_FENCE_RE = re.compile(r"(?:-{3}|\.{3})(?:\s.*)?")
# A line that an author meant as metadata: a name (umlauts, spaces) and a colon, then a value.
LOOKS_LIKE_META_RE = re.compile(r"[ ]{0,3}(?P<key>[^\W\d_][\w -]{0,40}?)\s*:(?:\s.*)?")
# German names for keys the site reads (lower case): "Schlagwörter" is meant as "Tags".
GERMAN_KEYS = {
    "titel": "title", "datum": "date", "geändert": "modified", "aktualisiert": "modified",
    "schlagwörter": "tags", "schlagworte": "tags", "stichwörter": "tags", "stichworte": "tags",
    "kategorie": "category", "rubrik": "category", "autor": "author", "autorin": "author",
    "autoren": "authors", "zusammenfassung": "summary", "kurzfassung": "summary", "beschreibung": "summary",
    "bild": "image", "titelbild": "image", "alternativtext": "image_alt", "bildnachweis": "image_credit",
    "empfehlungen": "recommendations", "leseempfehlungen": "recommendations", "kommentare": "comments",
    "sprache": "lang", "vorlage": "template", "adresse": "slug",
}  # fmt: skip
DATE_KEYS = ("date", "modified")
# Metadata Pelican itself reads (docs: "File metadata").
PELICAN_METADATA_KEYS = frozenset(
    {
        "title", "date", "modified", "tags", "keywords", "category", "slug", "author", "authors",
        "summary", "lang", "translation", "status", "template", "save_as", "url",
    }
)  # fmt: skip


@dataclass
class ReadReport:
    """What the reader found in one file; the generator's context signal turns it into problems."""

    path: str
    problems: list[Problem] = field(default_factory=list)


def known_keys(settings: dict) -> frozenset[str]:
    """Every metadata key someone reads: Pelican, the theme, the plugins, the site itself."""
    keys = set(PELICAN_METADATA_KEYS)
    keys.update(settings.get("DEFAULT_METADATA", {}))
    for setting in ("THEME_METADATA_KEYS", "PLUGIN_METADATA_KEYS", "EXTRA_METADATA_KEYS"):
        keys.update(settings.get(setting) or ())
    return frozenset(key.lower() for key in keys)


def unknown_key_text(written: str, known: frozenset[str]) -> str:
    """German message for an unknown key, with the closest known key as a suggestion."""
    german = written.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    meant = [key for name, key in GERMAN_KEYS.items() if written.lower() == name or german == _ascii(name)]
    guess = [key for key in meant if key in known] or difflib.get_close_matches(
        written.lower(), sorted(known), n=1, cutoff=0.6
    )
    if guess:
        return f"Unbekanntes Feld „{written}“ – meinten Sie „{guess[0].capitalize()}“?"
    return (
        f"Unbekanntes Feld „{written}“: weder Pelican noch Theme oder Plugins lesen es. "
        "Tippfehler? Eigene Felder gehören in EXTRA_METADATA_KEYS (pelicanconf.py)."
    )


def _ascii(name: str) -> str:
    return name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")


def unread_header_line(lines: tuple[str, ...], keys_read: int) -> tuple[int, str] | None:
    """(line number, key) of a header line that looks like `Key: value` but ended the header unread.

    Only after at least one key was read: a file without a header has no such line.
    """
    start = 1 if lines and META_FENCE_RE.fullmatch(lines[0]) else 0
    for number, text in enumerate(lines[start:], start=start + 1):
        if not text.strip() or META_FENCE_RE.fullmatch(text):
            return None
        if META_RE.match(text) or (META_MORE_RE.match(text) and number > start + 1):
            continue
        match = LOOKS_LIKE_META_RE.fullmatch(text)
        return (number, match["key"].strip()) if match and keys_read else None
    return None


def unreadable(path: str, settings: dict, text: str, line: int | None = 1) -> tuple[None, dict]:
    """The reader's answer for a file that cannot be built: skip it and say why."""
    report = ReadReport(path, [Problem(shown_path(path, settings), line, "error", text)])
    return None, {"status": "skip", REPORT_KEY: report}


@cache
def checked(reader_class: type[MarkdownReader]) -> type[MarkdownReader]:
    """reader_class with CheckedReading mixed in (same name: Pelican records it as `reader`)."""
    return type(reader_class.__name__, (CheckedReading, reader_class), {"__module__": __name__})


class CheckedReading:
    """Mixin for a MarkdownReader: report what an author got wrong instead of guessing."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._problems: list[Problem] | None = None

    def read(self, source_path: str) -> tuple[str | None, dict]:
        """Read like Pelican; attach a ReadReport, or skip a file that cannot be read."""
        try:
            with pelican_open(source_path) as text:
                empty = not text.strip()
        except UnicodeDecodeError as exc:
            with open(source_path, "rb") as handle:
                line = handle.read()[: exc.start].count(b"\n") + 1
            return unreadable(
                source_path,
                self.settings,
                f"Die Datei ist nicht als UTF-8 gespeichert (Byte 0x{exc.object[exc.start]:02x}); "
                "speichern Sie sie im Editor mit der Kodierung UTF-8.",
                line,
            )
        if empty:
            empty_text = "Die Datei ist leer: schreiben Sie Metadaten und Text hinein oder löschen Sie sie."
            return unreadable(source_path, self.settings, empty_text)
        self._problems = []
        try:
            content, metadata = super().read(source_path)
            problems = self._problems
        finally:
            self._problems = None
        unread = unread_header_line(source_lines_of(source_path), len(metadata))
        if unread:
            line, key = unread
            text = unknown_key_text(key, known_keys(self.settings)) + (
                " Hier endet für Pelican der Kopf der Datei: alles darunter stünde als Text im Artikel."
            )
            problems.append(Problem(shown_path(source_path, self.settings), line, "error", text))
        if metadata.get("status") == "skip":
            problems = []  # the author keeps this file out on purpose
        metadata[REPORT_KEY] = ReadReport(source_path, problems)
        return content, metadata

    def _parse_metadata(self, meta: dict) -> dict:
        known = known_keys(self.settings)
        for key, values in meta.items():
            written = key_as_written(self._source_path, key)
            if key.lower() not in known:
                self._report(key, unknown_key_text(written, known))
            elif len(values) > 1 and not DUPLICATES_DEFINITIONS_ALLOWED.get(key.lower(), True):
                self._report(key, f"„{written}:“ steht mehrmals im Kopf; lassen Sie nur eine Zeile stehen.")
        return super()._parse_metadata(meta)

    def process_metadata(self, name: str, value):
        """Dates day first in German forms; an unreadable date becomes a problem, not a guess."""
        if name in DATE_KEYS and isinstance(value, str):
            try:
                return parse_date(value)
            except DateError as exc:
                if self._problems is None:
                    raise
                self._report(name, f"{key_as_written(self._source_path, name)}: {exc}")
                return value
        return super().process_metadata(name, value)

    def _report(self, key: str, text: str) -> None:
        line = header_line(self._source_path, key)
        self._problems.append(Problem(shown_path(self._source_path, self.settings), line, "error", text))
