"""Pelican plugin: the checklist Markdown extension, build errors with file and line, `/checklisten/`.

- `initialized`: adds the extension (with the site's slug rules) to the MARKDOWN setting.
- `readers_init`: wraps the Markdown reader, so each article knows its checklists
  (`article.checklists`) and every problem is logged as an error naming file and line.
- `get_generators`: writes the overview `/checklisten/` and a printable page per checklist
  marked `download: true`; the article links to it through Pelican's own `{filename}` links.
"""

from __future__ import annotations

import logging
import re
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator
from pelican.readers import MarkdownReader as PelicanMarkdownReader
from pelican.utils import get_relative_path, slugify

from plugins.pluginkit import active, options

from .extension import ChecklistExtension
from .syntax import Checklist

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "overview_url": "checklisten/",  # the list of every checklist, with its article
    "overview_save_as": "checklisten/index.html",
    "page_url": "checklisten/{id}/",  # printable page of a checklist with `download: true`
    "page_save_as": "checklisten/{id}/index.html",
}
DOWNLOAD_KEY = "checklisten-druckseite/{id}"  # where `{filename}` links find a printable page
DOWNLOAD_LINK_RE = re.compile(r'<p class="checklist-download">.*?</p>\s*', re.S)


def checklist_options(settings: dict) -> dict[str, Any]:
    """The plugin's settings merged over DEFAULTS and checked (PluginSettingsError names the key)."""
    return options(settings, "CHECKLISTS", DEFAULTS)


def site_slugify(settings: dict, text: str) -> str:
    """Slugs by the site's own rules (the ones Pelican uses for article slugs)."""
    return slugify(
        text,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=False,
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def download_href(checklist_id: str) -> str:
    """The `{filename}` link to a checklist's printable page (a module function: settings must pickle)."""
    return "{filename}/" + DOWNLOAD_KEY.format(id=checklist_id)


def add_extension(pelican) -> None:
    """Check the CHECKLISTS setting; put the extension into a copy of MARKDOWN (never the module's dict)."""
    settings = pelican.settings
    if not active(settings, __package__):
        return
    checklist_options(settings)
    markdown = dict(settings.get("MARKDOWN", {}))
    extensions = [e for e in markdown.get("extensions", []) if not isinstance(e, ChecklistExtension)]
    extensions.append(
        ChecklistExtension(
            slugify=partial(site_slugify, settings),
            download_href=download_href,
        )
    )
    markdown["extensions"] = extensions
    settings["MARKDOWN"] = markdown


def source_name(settings: dict, source_path: str) -> str:
    """content/articles/x.md: the path as an author sees it in the project."""
    path = Path(source_path).resolve()
    try:
        return str(path.relative_to(Path(settings["PATH"]).resolve().parent))
    except ValueError:
        return str(path)


class MarkdownReader(PelicanMarkdownReader):
    """Pelican's Markdown reader, plus `checklists` metadata and an error log entry per broken block.

    Named like Pelican's, because Pelican records the class name as the article's `reader`.
    """

    def read(self, source_path: str) -> tuple[str, dict]:
        """Read as usual; log checklist problems with file and line; attach the checklists."""
        content, metadata = super().read(source_path)
        documents = getattr(self._md, "checklist_documents", [])
        if not documents:
            return content, metadata
        problems, checklists = documents[0].problems, documents[0].checklists  # the body; then the summary
        if problems:
            name = source_name(self.settings, source_path)
            logger.error(
                "checklists: %d Fehler in Checklisten:\n%s",
                len(problems),
                "\n".join(f"{name}:{line}: {message}" for line, message in problems),
            )
        if checklists:
            metadata["checklists"] = checklists
        return content, metadata


def use_checklist_reader(readers) -> None:
    """Read Markdown with our MarkdownReader (when Pelican's is enabled at all)."""
    if not active(readers.settings, __package__):
        return
    for extension in MarkdownReader.file_extensions:
        if readers.reader_classes.get(extension) is PelicanMarkdownReader:
            readers.reader_classes[extension] = MarkdownReader


class PrintablePage:
    """What `{filename}` links need of a printable checklist page: its URL."""

    def __init__(self, url: str) -> None:
        self.url = url


class ChecklistPagesGenerator(Generator):
    """Collects every checklist of published articles and pages; writes `/checklisten/` and printable pages."""

    def generate_context(self) -> None:
        """Pair each checklist with its article, reject ids used twice, register printable pages."""
        self.options = checklist_options(self.settings)
        self.entries: list[tuple[Any, Checklist]] = []
        first: dict[str, Any] = {}
        for content in chain(self.context.get("articles", []), self.context.get("pages", [])):
            for checklist in getattr(content, "checklists", []):
                if checklist.id in first:
                    logger.error(
                        "checklists: %s:%d: die Kennung „%s“ hat schon eine Checkliste in %s; geben Sie "
                        "einer der beiden mit einer eingerückten Zeile „id: …“ unter dem Titel eine eigene",
                        source_name(self.settings, content.source_path),
                        checklist.line,
                        checklist.id,
                        source_name(self.settings, first[checklist.id].source_path),
                    )
                    continue
                first[checklist.id] = content
                self.entries.append((content, checklist))
                if checklist.download:
                    url = self.options["page_url"].format(id=checklist.id)
                    self.context["generated_content"][DOWNLOAD_KEY.format(id=checklist.id)] = PrintablePage(url)
        self.context["checklists_url"] = self.options["overview_url"] if self.entries else None

    def generate_output(self, writer) -> None:
        """Write the overview (when any checklist exists) and each printable page."""
        if not self.entries:
            return
        relative = self.settings["RELATIVE_URLS"]
        writer.write_file(
            self.options["overview_save_as"],
            self.get_template("checklists"),
            self.context,
            relative_urls=relative,
            checklist_entries=[
                (content, checklist, self.options["page_url"].format(id=checklist.id) if checklist.download else None)
                for content, checklist in self.entries
            ],
            page_url=self.options["overview_url"],
        )
        for content, checklist in self.entries:
            if not checklist.download:
                continue
            save_as = self.options["page_save_as"].format(id=checklist.id)
            siteurl = get_relative_path(save_as) if relative else self.settings["SITEURL"]
            writer.write_file(
                save_as,
                self.get_template("checklist"),
                self.context,
                relative_urls=relative,
                checklist=checklist,
                checklist_html=Markup(checklist_html(content.get_content(siteurl), checklist)),
                source=content,
                page_url=self.options["page_url"].format(id=checklist.id),
            )


def checklist_html(content_html: str, checklist: Checklist) -> str:
    """The rendered form of one checklist cut from its article's HTML, without the link to itself."""
    start = content_html.rfind("<form", 0, content_html.index(f'id="{checklist.dom_id}"'))
    end = content_html.index("</form>", start) + len("</form>")
    return DOWNLOAD_LINK_RE.sub("", content_html[start:end])


def get_generators(pelican) -> type[Generator] | None:
    """The generator for `/checklisten/` and the printable pages."""
    return ChecklistPagesGenerator if active(pelican.settings, __package__) else None


def register() -> None:
    """Connect the extension, the reader and the generator to Pelican's signals."""
    signals.initialized.connect(add_extension)
    signals.readers_init.connect(use_checklist_reader)
    signals.get_generators.connect(get_generators)
