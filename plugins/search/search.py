"""Write a German Pagefind index into the finished output and add the search page `/suche/`.

The index covers only what the theme marks with `data-pagefind-body` (the body of published
articles and pages); navigation, footer, comment form and drafts never reach it. Pagefind runs
through its Python package with the bundled binary, so nothing is downloaded at build time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex
from pelican import signals

from plugins.pluginkit import PluginSettingsError, active, options, output_file, relative_output

logger = logging.getLogger(__name__)

DEFAULTS = {
    "language": "de",  # Pagefind's stemming and the language of the whole index
    "bundle_dir": "pagefind",  # below the output directory
    "page_url": "suche/",  # the search page; the header form leads there
    "exclude_selectors": [],  # more CSS selectors Pagefind should skip inside indexed bodies
}
# Pagefind's ready-made interfaces; our own js/search.js uses only the API (pagefind.js).
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


class SearchSettingsError(PluginSettingsError):
    """The SEARCH setting is not usable; the message says which key and what to do."""


def search_settings(settings: dict) -> dict:
    """The SEARCH setting merged over DEFAULTS, checked."""
    try:
        merged = options(settings, "SEARCH", DEFAULTS)
        for key in ("language", "page_url"):
            if not merged[key].strip("/"):
                raise SearchSettingsError(f"SEARCH[{key!r}] must be a non-empty string")
        relative_output(merged["bundle_dir"], 'SEARCH["bundle_dir"]')
    except PluginSettingsError as exc:
        raise SearchSettingsError(f"search: {exc}") from None
    return merged


def enabled(settings: dict) -> bool:
    """Whether this build lists the plugin (Pelican's signals stay connected across builds in one process)."""
    return active(settings, __package__)


def add_search_page(pelican) -> None:
    """Make the theme show the search field and render `suche.html` as a direct template."""
    if not enabled(pelican.settings):
        return
    config = search_settings(pelican.settings)
    page_url = config["page_url"].strip("/") + "/"
    settings = pelican.settings
    if "suche" not in settings["DIRECT_TEMPLATES"]:
        settings["DIRECT_TEMPLATES"] = [*settings["DIRECT_TEMPLATES"], "suche"]
    settings["SUCHE_URL"] = page_url
    settings["SUCHE_SAVE_AS"] = page_url + "index.html"
    settings["SEARCH_URL"] = page_url
    settings["SEARCH_BUNDLE_URL"] = config["bundle_dir"].strip("/") + "/"


async def index_site(output: Path, config: dict) -> int:
    """Index the HTML files of output and write the bundle; returns the number of indexed pages."""
    index_config = IndexConfig(
        force_language=config["language"],
        exclude_selectors=list(config["exclude_selectors"]),
        output_path=str(output_file({}, config["bundle_dir"], 'SEARCH["bundle_dir"]', output=output)),
    )
    async with PagefindIndex(config=index_config) as index:
        indexed = await index.add_directory(str(output))
    return indexed["page_count"]  # leaving the context wrote the bundle


def _run(coroutine):
    """Run a coroutine to completion, also when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def write_index(pelican) -> None:
    """Index the finished site (Pelican's `finalized` signal)."""
    if not enabled(pelican.settings):
        return
    config = search_settings(pelican.settings)
    output = Path(pelican.output_path)
    started = time.perf_counter()
    try:
        pages = _run(index_site(output, config))
    except Exception as exc:  # the Pagefind service reports failures as plain exceptions
        logger.error("search: Pagefind could not index %s: %s", output, exc)
        return
    bundle = output_file({}, config["bundle_dir"], 'SEARCH["bundle_dir"]', output=output)
    for name in UNUSED_BUNDLE_FILES:
        (bundle / name).unlink(missing_ok=True)
    if pages == 0:
        logger.warning("search: nothing to index in %s (no page marks data-pagefind-body)", output)
    logger.info("search: %d pages indexed in %.2f s", pages, time.perf_counter() - started)


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(add_search_page)
    signals.finalized.connect(write_index)
