"""Work a rebuild need not repeat: what the readers made of a source file, and compiled templates.

Pelican reads every source file again on every build (its own content cache is keyed on
modification times and does not notice a changed setting or plugin, so the site leaves it off).
This cache plugs into the hooks Pelican's reader cache uses (``Readers.get_cached_data`` /
``cache_data`` / ``save_cache``) and keys each entry on

- the file's bytes (not its modification time),
- every setting except the output and cache paths (extensions by class and configuration),
- the reader class and the source of the site's plugins and theme code, and the Markdown/Pelican versions.

A read that logged a warning or an error is never cached, so the next build reports it again.
Objects of the reader's metadata that point at the settings (categories, tags, authors) get the
current build's settings back when they are loaded. Entries no build used are dropped on save.

Jinja's compiled templates go to a bytecode cache beside it (Jinja checks each template's source).
Once every plugin has had its say (``all_generators_finalized``), each article's and page's URL is
computed once and kept as Pelican's own ``override_url``, instead of again at each of the dozens of
places a build asks for it (lists, feeds, sitemap, recommendations, links between articles).
Both live in CACHE_PATH; ``BUILD_CACHE = False`` (or the environment variable ``KMU_BUILD_CACHE=0``)
turns them off, e.g. to compare the output with and without them.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
import pickle
from collections.abc import Mapping
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache
from pelican.generators import ArticlesGenerator, PagesGenerator

from .kit import write_atomic

logger = logging.getLogger(__name__)

FORMAT_VERSION = "1"  # bump when what an entry holds changes
UNKEYED_SETTINGS = {"OUTPUT_PATH", "CACHE_PATH"}  # where a build goes does not change what is read
PACKAGES = ("pelican", "markdown", "pymdown-extensions", "jinja2")
ROOT = Path(__file__).resolve().parents[2]  # the project: plugins/ and theme/ below it


def enabled(settings: Mapping) -> bool:
    """Whether this build uses the cache (on unless BUILD_CACHE = False or KMU_BUILD_CACHE=0)."""
    if os.environ.get("KMU_BUILD_CACHE", "1").strip() in {"0", "false", "no", "off"}:
        return False
    return bool(settings.get("BUILD_CACHE", True))


@functools.cache
def code_version() -> str:
    """A hash of the code that shapes what a reader returns: plugins, theme code, package versions."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for folder in ("plugins", "theme"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in PACKAGES:
        try:
            digest.update(f"{name}={package_metadata.version(name)}\0".encode())
        except package_metadata.PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """A JSON-able stand-in for a setting value that json cannot write (stable across processes)."""
    kind = type(value)
    name = f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, value))
    if isinstance(value, functools.partial):
        return ["partial", _canonical(value.func)]
    if callable(getattr(value, "getConfigs", None)):  # a Markdown extension: its class and its options
        configs = sorted(value.getConfigs().items())
        return [name, {str(k): json.dumps(v, default=_canonical, sort_keys=True) for k, v in configs}]
    if isinstance(value, type) or callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', name)}"
    text = repr(value)
    return name if " at 0x" in text else [name, text]


def settings_fingerprint(settings: Mapping) -> str:
    """A hash of every setting that may change what a reader makes of a file."""
    keyed = {str(k): v for k, v in settings.items() if k not in UNKEYED_SETTINGS}
    try:
        text = json.dumps(keyed, default=_canonical, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):  # a circular or unsortable value: key on what can be written
        text = repr(sorted((k, _canonical(v)) for k, v in keyed.items()))
    return hashlib.sha256(text.encode()).hexdigest()


class _Pickler(pickle.Pickler):
    """Writes the build's settings dict as a reference, not as a copy inside every entry."""

    def __init__(self, stream, settings: Mapping) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj: Any) -> str | None:
        return "settings" if obj is self.settings else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream, settings: Mapping) -> None:
        super().__init__(stream)
        self.settings = settings

    def persistent_load(self, pid: Any) -> Any:
        if pid != "settings":
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self.settings


class _Warnings(logging.Handler):
    """Counts warnings and errors logged anywhere while one file is read."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class ReadCache:
    """The reader-level cache of one generator's Readers (see the module docstring)."""

    def __init__(self, readers, settings: Mapping, name: str) -> None:
        self.readers = readers
        self.settings = settings
        self.path = Path(settings["CACHE_PATH"]) / f"reads-{name}.pickle"
        self.prefix = hashlib.sha256(f"{code_version()}\0{settings_fingerprint(settings)}".encode()).digest()
        self.entries: dict[str, bytes] = self._load()
        self.used: dict[str, bytes] = {}
        self.pending: dict[str, str] = {}  # path -> key of a read in progress
        self.warnings = _Warnings()
        self.hits = self.misses = 0

    def _load(self) -> dict[str, bytes]:
        try:
            with open(self.path, "rb") as stream:
                stored = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return {}
        return stored if isinstance(stored, dict) else {}

    def key(self, path: str) -> str:
        """The entry's key: prefix, reader class, file name and bytes."""
        reader = self.readers.readers.get(Path(path).suffix.lstrip("."))
        digest = hashlib.sha256(self.prefix)
        for cls in type(reader).__mro__:
            digest.update(f"{cls.__module__}.{cls.__qualname__}\0".encode())
        digest.update(os.path.abspath(path).encode() + b"\0")
        with open(path, "rb") as stream:
            digest.update(stream.read())
        return digest.hexdigest()

    def get_cached_data(self, path: str, default: Any = None) -> Any:
        try:
            key = self.key(path)
        except OSError:
            return default
        blob = self.entries.get(key)
        if blob is not None:
            try:
                data = _Unpickler(io.BytesIO(blob), self.settings).load()
            except Exception:  # an unreadable entry is a miss, never a failed build
                data = None
            if data is not None:
                self.used[key] = blob
                self.hits += 1
                return data
        self.misses += 1
        self.pending[path] = key
        self.warnings.count = 0
        logging.getLogger().addHandler(self.warnings)
        return default

    def cache_data(self, path: str, data: Any) -> None:
        logging.getLogger().removeHandler(self.warnings)
        key = self.pending.pop(path, None)
        if key is None or self.warnings.count:
            return
        stream = io.BytesIO()
        try:
            _Pickler(stream, self.settings).dump(data)
        except Exception:  # something unpicklable in the metadata: read it again next time
            return
        self.used[key] = stream.getvalue()

    def save_cache(self) -> None:
        logging.getLogger().removeHandler(self.warnings)
        if self.used.keys() == self.entries.keys():
            return
        try:
            write_atomic(self.path, pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            logger.warning("build cache: could not save %s: %s", self.path, exc)
        logger.debug("build cache %s: %d read from the cache, %d read again", self.path.name, self.hits, self.misses)


def pelican_caches_reads(settings: Mapping) -> bool:
    """Whether Pelican's own content cache is on for this build (the live-reload preview): keep it."""
    return bool(settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE"))


def install(generator) -> None:
    """Use the caches in this generator (connected to Pelican's `generator_init` signal)."""
    settings = generator.settings
    if not enabled(settings):
        return

    jinja_cache = Path(settings["CACHE_PATH"]) / "jinja"
    jinja_cache.mkdir(parents=True, exist_ok=True)
    generator.env.bytecode_cache = FileSystemBytecodeCache(str(jinja_cache))
    generator.env.auto_reload = False  # no template changes during one build: no stat() per include
    if not isinstance(generator, (ArticlesGenerator, PagesGenerator)) or pelican_caches_reads(settings):
        return  # only these two read sources and save their readers' cache
    readers = generator.readers
    cache = ReadCache(readers, settings, type(generator).__name__)
    readers.get_cached_data = cache.get_cached_data
    readers.cache_data = cache.cache_data
    readers.save_cache = cache.save_cache


CONTENT_LISTS = {
    ArticlesGenerator: ("articles", "translations", "drafts", "drafts_translations"),
    PagesGenerator: (
        "pages",
        "translations",
        "hidden_pages",
        "hidden_translations",
        "draft_pages",
        "draft_translations",
    ),
}


def freeze_urls(generators) -> None:
    """Keep each article's and page's URL as its override_url (connected to `all_generators_finalized`).

    Pelican computes `url` anew at every access (settings lookup, str.format, two abspath/relpath);
    nothing changes a slug or status once the generators are finalized, so the value stays the same.
    """
    for generator in generators:
        if not enabled(generator.settings):
            return
        for kind, lists in CONTENT_LISTS.items():
            if not isinstance(generator, kind):
                continue
            for name in lists:
                for content in getattr(generator, name, []):
                    if not hasattr(content, "override_url"):
                        content.override_url = content.url
