"""Minify the theme's CSS in the output, so readers load fewer bytes than the commented source holds.

The source in theme/static/ stays readable; only the copy Pelican wrote into the output is replaced,
each file through a temporary file and a rename.
"""

from __future__ import annotations

import logging
from pathlib import Path

import rcssmin
from pelican import signals

from plugins.pluginkit import active, write_atomic

logger = logging.getLogger(__name__)


def minify_file(path: Path) -> int:
    """Minify one stylesheet in place; returns the bytes saved."""
    source = path.read_text(encoding="utf-8")
    minified = rcssmin.cssmin(source)
    write_atomic(path, minified)
    return len(source.encode()) - len(minified.encode())


def enabled(settings: dict) -> bool:
    """Whether this build lists the plugin (Pelican's signals stay connected across builds in one process)."""
    return active(settings, __package__)


def minify_theme_css(pelican) -> None:
    """Every .css file below the output's theme folder (Pelican's `finalized` signal)."""
    if not enabled(pelican.settings):
        return
    theme = Path(pelican.output_path) / pelican.settings["THEME_STATIC_DIR"]
    saved = sum(minify_file(path) for path in sorted(theme.rglob("*.css")))
    logger.debug("minify_css: %d bytes saved", saved)


def register() -> None:
    """Connect to Pelican's `finalized` signal."""
    signals.finalized.connect(minify_theme_css)
