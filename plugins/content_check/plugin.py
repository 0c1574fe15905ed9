"""One content check, built on Pelican's own reading; it reports through Pelican's logging.

Errors (``logger.error``) make ``pelican … --fatal errors`` stop before anything is written;
findings (``logger.warning``) are worth fixing but keep the build going. Every message starts
with ``content_check: file:line:`` and says in German what to fix.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from pelican import signals
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import FatalLogger
from pelican.readers import MarkdownReader

from plugins.pluginkit import active, options

from . import checks
from .problems import Problem, header_line, shown_path
from .reader import REPORT_KEY, CheckedReading, ReadReport, checked

logger = logging.getLogger(__name__)

DEFAULTS = {
    "log_findings": True,  # log findings (warnings) too, not only errors
    "placeholders": ["Schreiben Sie hier"],  # the text `invoke new` writes; an error once published
}
CONTENT_LISTS = {
    ArticlesGenerator: (
        "articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations",
    ),
    PagesGenerator: (
        "pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations",
    ),
}  # fmt: skip
# Pelican's English warnings that this plugin reports itself, in German and with file and line.
REPORTED_HERE = {
    "Unable to find '%s', skipping url replacement.",  # a broken link, reported in German with its line
    "Other resources were not found and their urls not replaced",
    "Empty alt attribute for image %s in %s",
    "Other images have empty alt attributes",
    "Duplicate definition of `%s` for %s. Using first one.",
    "Cannot get modification stamp for %s\n\t%s",  # a {static} link to a missing file
}
FATAL_MESSAGE = "Warning or error encountered"  # what Pelican's FatalLogger raises with --fatal


class ContentCheckFailed(RuntimeError):
    """The build stops because of the errors logged above."""


class ReportedHere(logging.Filter):
    """Drop Pelican's English warnings that the content check reports in German."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in REPORTED_HERE


class CleanAbort(logging.Filter):
    """Pelican's last word after --fatal: one German line instead of a Python traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ContentCheckFailed):
            record.msg, record.args, record.exc_info = "%s", (str(error),), None
        elif isinstance(error, RuntimeError) and error.args == (FATAL_MESSAGE,):
            record.msg = "Abbruch wegen der Meldung oben (pelican --fatal): beheben Sie sie und bauen Sie neu."
            record.args, record.exc_info = (), None
        return True


def _add_filter(name: str, kind: type[logging.Filter]) -> None:
    target = logging.getLogger(name)
    if not any(isinstance(existing, kind) for existing in target.filters):
        target.addFilter(kind())


def contents(generators: Iterable) -> Iterator[Content]:
    """Every article and page Pelican read (published, hidden, drafts, translations), in a stable order."""
    for generator in generators:
        for kind, names in CONTENT_LISTS.items():
            if isinstance(generator, kind):
                found = [obj for name in names for obj in getattr(generator, name, [])]
                yield from sorted(found, key=lambda obj: obj.source_path)


class ContentCheck:
    """Collects problems while Pelican reads, checks the finished objects and reports once per run."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.settings: dict = {}
        self.left_out: set[str] = set()  # files skipped for their own errors
        self.active = False

    def start_run(self, pelican) -> None:
        """Forget the previous run (live reload runs Pelican again in the same process)."""
        self.problems = []
        self.left_out = set()
        self.settings = pelican.settings
        # Signals are global: a later Pelican in this process without the plugin must not be checked.
        self.active = active(pelican.settings, __package__)
        if self.active:
            options(pelican.settings, "CONTENT_CHECK", DEFAULTS)  # a wrong setting stops Pelican here
            read_flat_folder(pelican.settings)

    def use_checked_readers(self, generator) -> None:
        """Before a generator reads: mix the check into its Markdown readers, whoever provided them.

        Done here and not on `readers_init`, so a reader another plugin installed there is kept.
        """
        if not self.active:
            return
        readers = generator.readers.readers
        for extension, reader in readers.items():
            if isinstance(reader, MarkdownReader) and not isinstance(reader, CheckedReading):
                readers[extension] = checked(type(reader))(reader.settings)

    def article_metadata(self, generator, metadata: dict) -> None:
        """Check what the reader found in an article, before Pelican makes an Article of it."""
        self._check_read(Article, metadata)

    def page_metadata(self, generator, metadata: dict) -> None:
        """Check what the reader found in a page, before Pelican makes a Page of it."""
        self._check_read(Page, metadata)

    def _check_read(self, content_class: type[Content], metadata: dict) -> None:
        report: ReadReport | None = metadata.pop(REPORT_KEY, None)
        if report is None or not self.active:
            return
        problems = list(report.problems) or list(self._required(content_class, metadata, report.path))
        if problems:
            metadata["status"] = "skip"  # one clear message, no English follow-up from Pelican
            self.problems += problems
            self.left_out.add(os.path.normpath(report.path))

    def _required(self, content_class: type[Content], metadata: dict, path: str) -> Iterator[Problem]:
        shown = shown_path(path, self.settings)
        status = metadata.get("status", content_class.default_status)
        if status == "skip":
            return
        if status not in content_class.allowed_statuses:
            allowed = ", ".join(s for s in content_class.allowed_statuses)
            yield Problem(
                shown,
                header_line(path, "status"),
                "error",
                f"„Status: {status}“ gibt es nicht; erlaubt sind {allowed}.",
            )
        for key in content_class.mandatory_properties:
            if key not in metadata:
                example = "Date: 2024-03-05 09:05" if key == "date" else "Title: Ein klarer Titel"
                yield Problem(
                    shown, 1, "error", f"„{key.capitalize()}:“ fehlt: ergänzen Sie z. B. „{example}“."
                )

    def finish(self, generators: list) -> None:
        """Check every article and page, then log all problems, sorted by file and line."""
        if not self.active:
            return
        settings = generators[0].settings
        config = options(settings, "CONTENT_CHECK", DEFAULTS)
        static_content = generators[0].context.get("static_content", {})
        problems, self.problems = self.problems, []
        objects = list(contents(generators))
        now = datetime.now(UTC)
        unwritten = {obj.url: checks.UNPUBLISHED for obj in objects if obj.url and not obj.save_as}
        for static in static_content.values():
            if not os.path.exists(static.source_path):  # Pelican keeps {static} targets it could not find
                unwritten[static.url] = checks.MISSING_FILE
        for obj in objects:
            if obj.status != "draft":
                problems += checks.check_placeholders(obj, config["placeholders"])
                problems += checks.check_metadata_findings(obj)
                problems += checks.check_lead_image(obj, static_content)
            else:
                problems += checks.check_future(obj, now)
            if obj.save_as:
                problems += checks.check_body_images(obj, static_content)
                problems += checks.check_links(obj, unwritten, self.left_out)
        problems += checks.check_duplicates(obj for obj in objects if obj.status != "draft")
        if not config["log_findings"]:
            problems = [p for p in problems if p.severity == "error"]
        report(problems)


def _errors_are_fatal() -> bool:
    """Whether Pelican runs with --fatal errors (or warnings)."""
    return FatalLogger.fatal_lvl <= logging.ERROR


def report(problems: list[Problem]) -> None:
    """Log every problem; with --fatal, stop after the last one with a German summary."""
    stopped = False
    for problem in sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.text)):
        log = logger.error if problem.severity == "error" else logger.warning
        try:
            log("content_check: %s", problem)
        except RuntimeError:  # Pelican's --fatal raises right after logging; show the rest first
            stopped = True
    errors = sorted({p for p in problems if p.severity == "error"}, key=lambda p: (p.path, p.line or 0))
    if errors and _errors_are_fatal() and not logger.isEnabledFor(logging.ERROR):
        # --quiet with --fatal: nothing was logged or raised, so the closing line lists the errors
        listing = "".join(f"\n  {p}" for p in errors)
        raise ContentCheckFailed(f"Abbruch: {len(errors)} Fehler im Inhalt:{listing}\nEs wurde nichts geschrieben.")
    if stopped:
        what = f"{len(errors)} Fehler im Inhalt" if errors else "Hinweise im Inhalt (--fatal warnings)"
        raise ContentCheckFailed(f"Abbruch: {what}, siehe oben. Es wurde nichts geschrieben.")


_check = ContentCheck()


def read_flat_folder(settings: dict) -> None:
    """A content folder without any of ARTICLE_PATHS (Markdown files lying flat) is read as articles.

    `pelican DIR -s pelicanconf.py` then builds such a folder too, as Pelican's own default
    (ARTICLE_PATHS = [""]) would; pages, comments and static folders stay out of the articles.
    """
    root = settings["PATH"]
    if not os.path.isdir(root) or any(os.path.isdir(os.path.join(root, p)) for p in settings["ARTICLE_PATHS"]):
        return
    comments = (settings.get("COMMENTS") or {}).get("path", "comments")
    excluded = [*settings["ARTICLE_EXCLUDES"], *settings["PAGE_PATHS"], *settings["STATIC_PATHS"], comments]
    logger.info("content_check: kein Ordner %s in %s, die Artikel werden aus dem ganzen Ordner gelesen",
                ", ".join(settings["ARTICLE_PATHS"]), root)
    settings["ARTICLE_PATHS"] = [""]
    settings["ARTICLE_EXCLUDES"] = list(dict.fromkeys(excluded))


def register() -> None:
    """Connect the check to Pelican's reading and to the end of the context phase."""
    _add_filter("pelican", CleanAbort)
    for name in ("pelican.contents", "pelican.readers", "pelican.cache"):
        _add_filter(name, ReportedHere)
    signals.get_generators.connect(_check.start_run)  # sent once at the start of every run
    signals.article_generator_preread.connect(_check.use_checked_readers)
    signals.page_generator_preread.connect(_check.use_checked_readers)
    signals.article_generator_context.connect(_check.article_metadata)
    signals.page_generator_context.connect(_check.page_metadata)
    signals.all_generators_finalized.connect(_check.finish)
