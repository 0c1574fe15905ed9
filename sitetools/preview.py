"""Live-reload builds: checked like `invoke build`, with Pelican's own content cache (never for publishing).

A preview build runs exactly as the real one (errors fatal, the link check included), so what
`invoke build` would reject is rejected here too and the last good site stays served. Pelican keeps
what its readers made of each source file (keyed on the file's modification time) in a cache
directory, so a rebuild after one edit reads one file instead of all of them. Its cache does not
notice a change of settings, plugins or packages, so the cache directory is named after a hash of
those: a changed pelicanconf.py or plugin starts a fresh cache. The search index of a rebuild is
written in the background (SEARCH["defer_index"]): the edited page is served with the last index
at once, and the new index follows a few seconds later.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from sitetools.building import run_pelican
from sitetools.findings import BuildReport
from sitetools.releases import build_release


def cache_key(settings_file: Path) -> str:
    """A short hash of the settings file, the plugin sources and the pinned packages next to it."""
    project = settings_file.resolve().parent
    sources = [settings_file.resolve(), project / "requirements.txt", *sorted((project / "plugins").rglob("*.py"))]
    digest = hashlib.sha256()
    for path in sources:
        if path.is_file():
            digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def cache_arguments(settings_file: Path, cache_root: Path) -> list[str]:
    """Pelican command-line options that use the content cache below cache_root.

    Caches of other settings/plugin versions are removed: they can never be valid again. (No
    --quiet: it would hide the errors that must stop the build.)
    """
    cache_dir = cache_root / cache_key(settings_file)
    if cache_root.is_dir():
        for stale in cache_root.iterdir():
            if stale != cache_dir:
                shutil.rmtree(stale, ignore_errors=True)
    return [
        "--cache-path",
        str(cache_dir),
        "-e",
        "CACHE_CONTENT=true",
        "LOAD_CONTENT_CACHE=true",
        'CONTENT_CACHING_LAYER="reader"',
        "GZIP_CACHE=false",
        "SEARCH=" + json.dumps(preview_search(settings_file)),
    ]


def preview_search(settings_file: Path) -> dict:
    """The site's SEARCH setting with the index deferred to the background (previews only)."""
    from pelican.settings import read_settings

    return dict(read_settings(str(settings_file)).get("SEARCH") or {}, defer_index=True)


def preview_build(
    content: Path, settings_file: Path, output: Path, cache_root: Path, link_ignore: Sequence[str] = ()
) -> BuildReport:
    """One live-reload build into output (atomically), reusing the content cache below cache_root.

    link_ignore: URL paths the link check skips (see sitetools.building.build_into). Returns what the
    build reported; raises sitetools.building.BuildError (with its findings) when
    the build is rejected, and output stays as it was.
    """
    arguments = cache_arguments(settings_file, cache_root)
    reports: list[BuildReport] = []

    def build(site: Path) -> None:
        reports.append(run_pelican(content, settings_file, site, *arguments, check_links=link_ignore, standby=True))

    build_release(output, build, keep=2, project=settings_file.resolve().parent, content=content, adopt=True)
    return reports[0]
