"""Find problems in the Markdown sources, with file, line and what to fix.

Errors (a build must not go on) and findings (worth fixing, the build still works) are
reported the same way; ``invoke check`` prints both, a Pelican build logs errors as errors
(``--fatal errors`` stops it before anything is written) and findings as warnings.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pelican import signals
from pelican.utils import get_date, slugify

logger = logging.getLogger(__name__)

DEFAULTS = {
    "log_findings": True,  # log soft findings as warnings during a build
    "required_metadata": ["title", "date"],  # for articles; pages only need a title
}

Severity = Literal["error", "finding"]
STATUSES = {"published", "draft", "hidden"}
META_LINE_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)$")
LINK_RE = re.compile(r"\{(?P<kind>filename|static|attach)\}(?P<target>[^)\s\"'>]+)")
IMAGE_RE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one source file."""

    path: Path
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        label = "Fehler" if self.severity == "error" else "Hinweis"
        return f"{self.path}:{self.line}: {label}: {self.message}"


@dataclass
class Source:
    """A Markdown file split into its metadata header and body."""

    path: Path
    kind: Literal["article", "page"]
    metadata: dict[str, tuple[int, str]] = field(default_factory=dict)
    body: list[tuple[int, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def meta(self, key: str) -> str:
        """The value of a metadata key, or an empty string."""
        return self.metadata.get(key, (0, ""))[1].strip()

    def line_of(self, key: str) -> int:
        """The line of a metadata key, or 1 when it is missing."""
        return self.metadata.get(key, (1, ""))[0]


def read_source(path: Path, kind: Literal["article", "page"]) -> Source:
    """Split a Markdown file the way Python-Markdown's meta extension does."""
    source = Source(path, kind)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        source.findings.append(
            Finding(path, 1, "error", f"Datei ist nicht UTF-8 ({exc.reason}); bitte als UTF-8 speichern")
        )
        return source
    in_header, last_key = True, None
    for number, text in enumerate(lines, start=1):
        if in_header:
            if not text.strip():
                in_header = False
                continue
            match = META_LINE_RE.match(text)
            more = META_MORE_RE.match(text)
            if match:
                last_key = match["key"].lower()
                source.metadata[last_key] = (number, match["value"])
                continue
            if more and last_key:
                line, value = source.metadata[last_key]
                source.metadata[last_key] = (line, f"{value} {more['value']}")
                continue
            if source.metadata:
                source.findings.append(
                    Finding(
                        path,
                        number,
                        "error",
                        f"Zeile „{text.strip()[:40]}“ ist keine Metadaten-Zeile: schreiben Sie "
                        "„Schlüssel: Wert“ oder setzen Sie eine Leerzeile vor den Text",
                    )
                )
            in_header = False
        source.body.append((number, text))
    return source


def check_metadata(source: Source, required: list[str]) -> Iterator[Finding]:
    """Required keys, a parseable date, a known status, the softer summary/category hints."""
    path = source.path
    needed = required if source.kind == "article" else ["title"]
    for key in needed:
        if not source.meta(key):
            yield Finding(path, 1, "error", f"Metadatum „{key.capitalize()}:“ fehlt oder ist leer")
    for key in ("date", "modified"):
        if source.meta(key):
            try:
                get_date(source.meta(key))
            except ValueError:
                yield Finding(
                    path,
                    source.line_of(key),
                    "error",
                    f"„{key.capitalize()}: {source.meta(key)}“ ist kein Datum; schreiben Sie es als 2024-03-05 09:05",
                )
    status = source.meta("status")
    if status and status.lower() not in STATUSES:
        yield Finding(
            path,
            source.line_of("status"),
            "error",
            f"„Status: {status}“ ist unbekannt; erlaubt sind {', '.join(sorted(STATUSES))}",
        )
    if not source.meta("summary"):
        yield Finding(path, 1, "finding", "„Summary:“ fehlt: ein bis zwei Sätze für Übersicht und Feeds")
    if source.kind == "article" and not source.meta("category"):
        yield Finding(path, 1, "finding", "„Category:“ fehlt: der Artikel landet sonst unter „misc“")


def check_image_metadata(source: Source, content_dir: Path) -> Iterator[Finding]:
    """The article image must exist and should have alt text and a credit."""
    image = source.meta("image")
    if not image:
        return
    line = source.line_of("image")
    if not (content_dir / image.lstrip("/")).is_file():
        yield Finding(source.path, line, "error", f"Bild „{image}“ gibt es nicht; Pfad relativ zu content/ angeben")
    if not source.meta("image_alt"):
        yield Finding(source.path, line, "finding", "„Image_alt:“ fehlt: beschreiben Sie das Bild in Worten")
    if not source.meta("image_credit"):
        yield Finding(source.path, line, "finding", "„Image_credit:“ fehlt: wer hat das Bild gemacht?")


def resolve_link(source: Source, target: str, content_dir: Path) -> Path:
    """Where a {filename}/{static} link points: from content/ with a leading slash, else from the file."""
    target = target.split("#", 1)[0].split("?", 1)[0]
    base = content_dir if target.startswith("/") else source.path.parent
    return base / target.lstrip("/")


def check_body(source: Source, content_dir: Path) -> Iterator[Finding]:
    """Internal links and images must point at existing files; images need alt text."""
    for number, text in source.body:
        for match in LINK_RE.finditer(text):
            if not match["target"].split("#", 1)[0]:
                continue  # "{filename}#anchor" points into the same file
            if not resolve_link(source, match["target"], content_dir).exists():
                yield Finding(
                    source.path,
                    number,
                    "error",
                    f"Link „{{{match['kind']}}}{match['target']}“ zeigt auf keine Datei; "
                    "Pfad prüfen (mit / beginnend: relativ zu content/)",
                )
        for match in IMAGE_RE.finditer(text):
            src = match["src"]
            if not LINK_RE.match(src) and "://" not in src and not src.startswith("data:"):
                yield Finding(
                    source.path,
                    number,
                    "error",
                    f"Bild „{src}“ wird so nicht gefunden; schreiben Sie {{static}}/images/… (relativ zu content/)",
                )
            if not match["alt"].strip():
                yield Finding(source.path, number, "finding", f"Bild „{match['src']}“ hat keinen Alternativtext")


def slug_of(source: Source, settings: dict) -> str:
    """The slug Pelican will give this file (from Slug: or the title)."""
    if source.meta("slug"):
        return source.meta("slug")
    return slugify(
        source.meta("title"),
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def check_duplicate_slugs(sources: list[Source], settings: dict) -> Iterator[Finding]:
    """Two published files with one slug would overwrite each other's page."""
    seen: dict[tuple[str, str], Source] = {}
    for source in sources:
        if source.meta("status").lower() == "draft" or not source.meta("title"):
            continue
        slug = slug_of(source, settings)
        key = (source.meta("lang") or settings.get("DEFAULT_LANG", ""), slug)
        if key in seen:
            first = seen[key]
            yield Finding(
                source.path,
                source.line_of("title"),
                "error",
                f"Slug „{slug}“ hat schon {first.path}; geben Sie einer Datei einen eigenen Titel "
                "oder eine Zeile „Slug: …“",
            )
        else:
            seen[key] = source


def markdown_sources(content_dir: Path, settings: dict) -> list[Source]:
    """All Markdown articles and pages below the configured paths, in a stable order."""
    sources = []
    for kind, key in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for folder in settings.get(key, []):
            for path in sorted((content_dir / folder).rglob("*.md")):
                if path.name.lower() != "readme.md":
                    sources.append(read_source(path, kind))
    return sources


def plugin_checks(settings: dict) -> list[Callable[[list[str], dict], list[tuple[int, str]]]]:
    """`lint_markdown(lines, settings) -> [(line, message)]` of each enabled plugin that offers one."""
    checks = []
    for name in settings.get("PLUGINS") or []:
        try:
            module = importlib.import_module(name) if isinstance(name, str) else name
        except ImportError:
            continue  # Pelican reports a missing plugin itself
        if callable(getattr(module, "lint_markdown", None)):
            checks.append(module.lint_markdown)
    return checks


def check_with_plugins(source: Source, settings: dict) -> Iterator[Finding]:
    """Errors that enabled plugins find in the body (e.g. a broken checklist block), on their lines."""
    lines = [""] * (source.body[-1][0] if source.body else 0)
    for number, text in source.body:
        lines[number - 1] = text
    for check in plugin_checks(settings):
        for line, message in check(lines, settings):
            yield Finding(source.path, line, "error", message)


def lint_content(content_dir: Path, settings: dict) -> list[Finding]:
    """Every error and finding in the content directory, sorted by file and line."""
    options = dict(DEFAULTS, **settings.get("CONTENT_LINT", {}))
    sources = markdown_sources(content_dir, settings)
    findings: list[Finding] = []
    for source in sources:
        findings += source.findings
        findings += check_metadata(source, options["required_metadata"])
        findings += check_image_metadata(source, content_dir)
        findings += check_body(source, content_dir)
        findings += check_with_plugins(source, settings)
    findings += check_duplicate_slugs(sources, settings)
    # Paths relative to the project (content/articles/x.md) stay short in logs and terminals.
    return sorted(replace(f, path=f.path.relative_to(content_dir.parent)) for f in findings)


def lint_before_build(pelican) -> None:
    """Log errors (one message, so --fatal errors shows them all) and, if wanted, findings."""
    settings = pelican.settings
    options = dict(DEFAULTS, **settings.get("CONTENT_LINT", {}))
    findings = lint_content(Path(settings["PATH"]).resolve(), settings)
    errors = [str(f) for f in findings if f.severity == "error"]
    if options["log_findings"]:
        for finding in findings:
            if finding.severity == "finding":
                logger.warning("content_lint: %s", finding)
    if errors:
        logger.error("content_lint: %d Fehler im Inhalt:\n%s", len(errors), "\n".join(errors))


def register() -> None:
    """Lint the content once Pelican is configured, before any file is read or written."""
    signals.initialized.connect(lint_before_build)
