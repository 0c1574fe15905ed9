"""Live-reload builds: Pelican's own content cache, for previews only (never for publishing).

Pelican keeps what its readers made of each source file (keyed on the file's modification time)
in a cache directory, so a rebuild after one edit reads one file instead of all of them. Its cache
does not notice a change of settings, plugins or packages, so the cache directory is named after
a hash of those: a changed pelicanconf.py or plugin starts a fresh cache.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sitetools.building import build_atomically


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
    """Pelican command-line options (quiet but for problems) that use the content cache below cache_root.

    Caches of other settings/plugin versions are removed: they can never be valid again.
    """
    cache_dir = cache_root / cache_key(settings_file)
    if cache_root.is_dir():
        for stale in cache_root.iterdir():
            if stale != cache_dir:
                shutil.rmtree(stale, ignore_errors=True)
    return [
        "--quiet",
        "--cache-path",
        str(cache_dir),
        "-e",
        "CACHE_CONTENT=true",
        "LOAD_CONTENT_CACHE=true",
        'CONTENT_CACHING_LAYER="reader"',
        "GZIP_CACHE=false",
    ]


def preview_build(content: Path, settings_file: Path, output: Path, cache_root: Path) -> None:
    """One live-reload build into output (atomically), reusing the content cache below cache_root."""
    arguments = cache_arguments(settings_file, cache_root)
    build_atomically(content, settings_file, output, *arguments, project=settings_file.resolve().parent, adopt=True)
