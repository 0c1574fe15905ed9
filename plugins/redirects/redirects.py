"""Write a small redirect page at every old address of an article, page or archive.

Old addresses come from the metadata `Redirect_from: /2013/12/alter-slug/, /alt/` of an article or
page and from `content/redirects.txt` (one `old-path new-path` pair a line, e.g. old category
archives). A redirect page never replaces a real page of the site.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path, PurePosixPath

from pelican import signals

from plugins.pluginkit import PluginSettingsError, absolute_siteurl, active, options, output_file, write_atomic

logger = logging.getLogger(__name__)

DEFAULTS = {"file": "redirects.txt"}  # below the content directory
PAGE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Umgezogen: {title}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{canonical}">
<meta http-equiv="refresh" content="0; url={relative}">
</head>
<body>
<p>Diese Seite ist umgezogen: <a href="{relative}">{title}</a></p>
</body>
</html>
"""


def old_path(value: str) -> PurePosixPath | None:
    """A safe old address below the site root ("/2013/12/x/" -> 2013/12/x), or None."""
    value = value.strip()
    if not value.startswith("/") or value.startswith("//") or "?" in value or "#" in value:
        return None
    path = PurePosixPath(value.strip("/"))
    if not path.parts or any(part in ("..", ".") for part in path.parts):
        return None
    return path


class Redirects:
    """Collects old addresses while Pelican reads content and writes the pages at the end."""

    def __init__(self) -> None:
        self.targets: dict[PurePosixPath, tuple[str, str]] = {}
        self.active = False
        self.settings: dict = {}

    def initialize(self, pelican) -> None:
        """Start a new build; declare the metadata keys."""
        self.targets = {}
        self.settings = pelican.settings
        # Pelican's signals stay connected across builds in one process: act only where listed.
        self.active = active(pelican.settings, __package__)
        if self.active:
            config = options(pelican.settings, "REDIRECTS", DEFAULTS)  # raises at start-up, naming the key
            if not config["file"].strip():
                raise PluginSettingsError('REDIRECTS["file"] must name a file below the content directory')
        pelican.settings.setdefault("PLUGIN_METADATA_KEYS", set()).update({"redirect_from", "wordpress_id"})

    def add(self, value: str, url: str, title: str, source: str) -> None:
        """Remember one old address, or report a bad one with its file."""
        path = old_path(value)
        if path is None:
            logger.error("redirects: %s: alte Adresse „%s“ ist kein Pfad wie /2013/12/beitrag/", source, value)
            return
        self.targets.setdefault(path, (url, title))

    def collect(self, generator) -> None:
        """Redirect_from of published articles and pages (drafts have no address yet)."""
        if not self.active:
            return
        contents = getattr(generator, "articles", None)
        contents = [*contents, *getattr(generator, "translations", [])] if contents is not None else []
        contents += [*getattr(generator, "pages", []), *getattr(generator, "hidden_pages", [])]
        for content in contents:
            for value in str(getattr(content, "redirect_from", "") or "").split(","):
                if value.strip():
                    self.add(value, content.url, content.title, content.source_path)

    def read_file(self) -> None:
        """Pairs from content/redirects.txt."""
        config = options(self.settings, "REDIRECTS", DEFAULTS)
        path = Path(self.settings["PATH"]) / config["file"]
        if not path.is_file():
            return
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2:
                logger.error(
                    "redirects: %s:%d: erwartet „alte-adresse neue-adresse“, gefunden „%s“", path, number, line
                )
                continue
            self.add(parts[0], parts[1].lstrip("/"), parts[1], f"{path}:{number}")

    def write(self, pelican) -> None:
        """Write the pages into the finished output; never over a real page."""
        if not self.active:
            return
        self.read_file()
        output = Path(pelican.output_path)
        site = absolute_siteurl(self.settings)
        for path, (url, title) in sorted(self.targets.items()):
            target = output_file(self.settings, f"{path}/index.html", "Redirect_from", output)
            if target.exists():
                logger.warning(
                    "redirects: %s/ ist eine Seite der Website; keine Weiterleitung dorthin geschrieben", path
                )
                continue
            relative = "../" * len(path.parts) + url
            page = PAGE.format(
                title=html.escape(title), canonical=html.escape(f"{site}/{url}"), relative=html.escape(relative)
            )
            write_atomic(target, page)


REDIRECTS = Redirects()  # module level: blinker holds bound methods weakly


def register() -> None:
    """Connect one Redirects across Pelican's signals."""
    signals.initialized.connect(REDIRECTS.initialize)
    signals.article_generator_finalized.connect(REDIRECTS.collect)
    signals.page_generator_finalized.connect(REDIRECTS.collect)
    signals.finalized.connect(REDIRECTS.write)
