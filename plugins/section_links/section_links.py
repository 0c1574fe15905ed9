"""Give every `h2`/`h3` of Markdown content a German id from its own text and a "#" link to it.

An id depends only on its heading's text ("Budget & Zeit" → `budget-und-zeit`), so editing another
heading never moves it; a repeated heading gets `-2`, `-3`; ids the theme uses on the same page are
never taken. An id given in the source (`## Budget {#geld}`) is kept.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import escape
from pelican import signals
from pelican.utils import slugify

from plugins.pluginkit import active, buildcache, options

DEFAULTS = {
    # Ids of the theme and the other plugins on article and page templates.
    "reserved_ids": [
        "inhalt",
        "kommentare",
        "kommentar-formular",
        "teilen-titel",
        "artikel-schlagwoerter",
        "leseempfehlungen",
        "suche-kopf",
    ],
    "fallback_id": "abschnitt",
}


class SectionIdProcessor(Treeprocessor):
    """Sets the ids and appends the anchor links."""

    HEADINGS = ("h2", "h3")
    ANCHOR_CLASS = "heading-anchor"

    def __init__(self, md: Markdown, extension: SectionLinksExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def unique(self, base: str, used: set[str]) -> str:
        """base, or base-2, base-3 … whichever is still free."""
        candidate, number = base, 2
        while candidate in used:
            candidate, number = f"{base}-{number}", number + 1
        used.add(candidate)
        return candidate

    def run(self, root: etree.Element) -> None:
        """Visit the headings in document order."""
        config = self.extension.getConfigs()
        used = set(config["reserved_ids"])
        for heading in [e for e in root.iter() if e.tag in self.HEADINGS]:
            text = "".join(heading.itertext()).strip()
            base = heading.get("id") or self.extension.slug(text) or config["fallback_id"]
            section_id = self.unique(base, used)
            heading.set("id", section_id)
            # data-pagefind-ignore: the "#" and its hidden label are no words of the article, so the
            # search index (and its excerpts) leaves them out; the heading text itself stays in.
            attributes = {"class": self.ANCHOR_CLASS, "href": f"#{section_id}", "data-pagefind-ignore": ""}
            link = etree.SubElement(heading, "a", attributes)
            mark = etree.SubElement(link, "span", {"aria-hidden": "true"})
            mark.text = "#"
            label = etree.SubElement(link, "span", {"class": "visually-hidden"})
            label.text = f"Link zum Abschnitt „{text}“"


class SectionLinksExtension(Extension):
    """Python-Markdown extension: ids and "#" links for h2/h3."""

    def __init__(self, **kwargs) -> None:
        self.config = {
            "reserved_ids": [list(DEFAULTS["reserved_ids"]), "ids the page template already uses. Default: theme ids"],
            "fallback_id": [DEFAULTS["fallback_id"], "id base for a heading without letters. Default: abschnitt"],
            "regex_subs": [[], "slug substitutions (Pelican's SLUG_REGEX_SUBSTITUTIONS). Default: []"],
        }
        super().__init__(**kwargs)

    def slug(self, text: str) -> str:
        """The German slug of a heading's plain text: Pelican's slugify with the site's substitutions.

        The text is escaped first: it is plain text, so "<" in a heading is a character, not a tag.
        """
        return slugify(escape(text), regex_subs=self.getConfig("regex_subs"), use_unicode=True)

    def extendMarkdown(self, md: Markdown) -> None:
        """Run after attr_list (priority 8) so ids given in the source win."""
        md.treeprocessors.register(SectionIdProcessor(md, self), "section_links", 5)


def enabled(settings: dict) -> bool:
    """Whether this build lists the plugin (Pelican's signals stay connected across builds in one process)."""
    return active(settings, __package__)


def add_extension(pelican) -> None:
    """Add the extension to Pelican's Markdown settings with the site's slug rules."""
    if not enabled(pelican.settings):
        return
    config = options(pelican.settings, "SECTION_LINKS", DEFAULTS)
    markdown = pelican.settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    extensions[:] = [e for e in extensions if not isinstance(e, SectionLinksExtension)]
    extensions.append(
        SectionLinksExtension(
            reserved_ids=list(config["reserved_ids"]),
            fallback_id=config["fallback_id"],
            regex_subs=pelican.settings["SLUG_REGEX_SUBSTITUTIONS"],
        )
    )


def use_build_cache(generator) -> None:
    """Reuse unchanged reads and compiled templates (pluginkit.buildcache; this plugin shapes every Markdown read)."""
    if enabled(generator.settings):
        buildcache.install(generator)


def use_frozen_urls(generators) -> None:
    """Compute each URL once for the writing (pluginkit.buildcache.freeze_urls), after the other plugins."""
    if generators and enabled(generators[0].settings):
        buildcache.freeze_urls(generators)


def register() -> None:
    """Connect to Pelican's `initialized`, `generator_init` and `all_generators_finalized` signals."""
    signals.initialized.connect(add_extension)
    signals.generator_init.connect(use_build_cache)
    signals.all_generators_finalized.connect(use_frozen_urls)
