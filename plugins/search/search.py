"""Write a German Pagefind index into the finished output and add the search page `/suche/`.

The index covers only what the theme marks with `data-pagefind-body` (the body of published
articles and pages); navigation, footer, comment form and drafts never reach it. Pagefind runs
through its Python package with the bundled binary, so nothing is downloaded at build time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata as package_metadata
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex
from pelican import signals

from plugins.pluginkit import PluginSettingsError, active, buildcache, options, output_file, relative_output

logger = logging.getLogger(__name__)

DEFAULTS = {
    "language": "de",  # Pagefind's stemming and the language of the whole index
    "bundle_dir": "pagefind",  # below the output directory
    "page_url": "suche/",  # the search page; the header form leads there
    "exclude_selectors": [],  # more CSS selectors Pagefind should skip inside indexed bodies
    # Live-reload preview: after an edit, serve the last build's index at once and index the new
    # pages in a background process, which puts its bundle into the output and the cache when done.
    "defer_index": False,
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


async def index_site(output: Path, config: dict, bundle: Path | None = None) -> int:
    """Index the HTML files of output and write the bundle (into output, or bundle); returns the number of pages."""
    index_config = IndexConfig(
        force_language=config["language"],
        exclude_selectors=list(config["exclude_selectors"]),
        output_path=str(bundle or output_file({}, config["bundle_dir"], 'SEARCH["bundle_dir"]', output=output)),
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


def index_key(output: Path, bundle: Path, config: dict) -> str:
    """A hash of everything Pagefind reads: its version, the settings and every HTML file outside the bundle."""
    digest = hashlib.sha256(json.dumps([package_metadata.version("pagefind"), config], sort_keys=True).encode())
    for path in sorted(output.rglob("*.html")):
        if bundle in path.parents:
            continue
        digest.update(path.relative_to(output).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _replace_tree(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)


def _cached_bundle(pelican, output: Path, bundle: Path, config: dict) -> tuple[Path | None, str]:
    """The cached bundle for exactly these pages (None: index again) and its key ("" without the cache)."""
    if not buildcache.enabled(pelican.settings):
        return None, ""
    key = index_key(output, bundle, config)
    cached = _store(pelican) / key
    return (cached if (cached / "pagefind-entry.json").is_file() else None), key


def _store(pelican) -> Path:
    return Path(pelican.settings["CACHE_PATH"]) / "pagefind"


def keep_bundle(store: Path, bundle: Path, key: str) -> None:
    """Keep this bundle as the only cached one (an older one can only match an older site)."""
    try:
        partial = Path(tempfile.mkdtemp(dir=store.parent, prefix=".pagefind-"))
        shutil.copytree(bundle, partial, dirs_exist_ok=True)
        shutil.rmtree(store, ignore_errors=True)
        store.mkdir(parents=True)
        partial.rename(store / key)
    except OSError as exc:
        logger.warning("search: could not keep the index in the cache %s: %s", store, exc)


def _previous_bundle(store: Path) -> Path | None:
    """The bundle the last build kept, whatever pages it indexed."""
    kept = [path for path in store.glob("*") if (path / "pagefind-entry.json").is_file()] if store.is_dir() else []
    return kept[0] if kept else None


def _defer(pelican, output: Path, bundle: Path, key: str, config: dict) -> bool:
    """Serve the last index now and index in a background process (SEARCH["defer_index"]); False: none kept."""
    previous = _previous_bundle(_store(pelican))
    if previous is None:
        return False
    _replace_tree(previous, bundle)
    arguments = json.dumps([str(output), str(bundle), str(_store(pelican)), key, config])
    project = str(Path(__file__).resolve().parents[2])
    script = f"import sys; sys.path.insert(0, {project!r}); from plugins.search.search import reindex; reindex()"
    subprocess.Popen(  # our own interpreter and module, no shell
        [sys.executable, "-c", script, arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # outlives the build; the preview serves the page meanwhile
    )
    logger.info("search: last index served, the changed pages are indexed in the background")
    return True


def reindex() -> None:
    """The background step of SEARCH["defer_index"]: index output, then swap the bundle in and keep it."""
    output, bundle, store, key, config = json.loads(sys.argv[1])
    output, bundle, store = Path(output), Path(bundle), Path(store)
    store.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=store.parent, prefix=".pagefind-index-"))
    try:
        asyncio.run(index_site(output, config, fresh))
        for name in UNUSED_BUNDLE_FILES:
            (fresh / name).unlink(missing_ok=True)
        if output.is_dir():
            _replace_tree(fresh, bundle)
        keep_bundle(store, fresh, key)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def write_index(pelican) -> None:
    """Index the finished site (Pelican's `finalized` signal).

    Pagefind's index depends only on the HTML it reads: when every page is the same as in the last
    build, the bundle of that build is copied from CACHE_PATH instead of indexing all pages again.
    """
    if not enabled(pelican.settings):
        return
    config = search_settings(pelican.settings)
    output = Path(pelican.output_path)
    bundle = output_file({}, config["bundle_dir"], 'SEARCH["bundle_dir"]', output=output)
    started = time.perf_counter()
    cached, key = _cached_bundle(pelican, output, bundle, config)
    if cached is not None:
        _replace_tree(cached, bundle)
        logger.info("search: index of unchanged pages taken from %s", cached)
        return
    if key and config["defer_index"] and _defer(pelican, output, bundle, key, config):
        return
    try:
        pages = _run(index_site(output, config))
    except Exception as exc:  # the Pagefind service reports failures as plain exceptions
        logger.error("search: Pagefind could not index %s: %s", output, exc)
        return
    for name in UNUSED_BUNDLE_FILES:
        (bundle / name).unlink(missing_ok=True)
    if pages == 0:
        logger.warning("search: nothing to index in %s (no page marks data-pagefind-body)", output)
    elif key:
        keep_bundle(_store(pelican), bundle, key)
    logger.info("search: %d pages indexed in %.2f s", pages, time.perf_counter() - started)


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(add_search_page)
    signals.finalized.connect(write_index)
