"""The helpers behind ``pluginkit`` (see its docstring)."""

from __future__ import annotations

import difflib
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pelican.utils import sanitised_join


class PluginSettingsError(ValueError):
    """A plugin setting is not usable; the message names the key and what to do.

    Pelican logs the exception that stops it with its traceback; for this one the message says all,
    so raising it installs a log filter that leaves the traceback out.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        pelican_logger = logging.getLogger("pelican")
        if not any(isinstance(f, _OneLineSettingsError) for f in pelican_logger.filters):
            pelican_logger.addFilter(_OneLineSettingsError())


class _OneLineSettingsError(logging.Filter):
    """Pelican's last word on a PluginSettingsError: the message, without a Python traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PluginSettingsError):
            record.exc_info = None
        return True


def _plugin_name(entry: Any) -> str:
    """The module name of a PLUGINS entry, given as a name or as the module itself (as Pelican allows)."""
    return entry if isinstance(entry, str) else getattr(entry, "__name__", type(entry).__qualname__)


def active(settings: Mapping, name: str) -> bool:
    """Whether this build lists the plugin `name` (its package name) in PLUGINS."""
    return name in {_plugin_name(entry) for entry in settings.get("PLUGINS") or []}


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def options(
    settings: Mapping, key: str, defaults: Mapping[str, Any], types: Mapping[str, type | tuple[type, ...]] | None = None
) -> dict[str, Any]:
    """settings[key] merged over defaults; unknown keys or values of the wrong type raise PluginSettingsError.

    A value's type must match its default's (int for float defaults too; bool never counts as a number),
    or the entry in `types`; a default of None accepts anything unless `types` names the type.
    """
    given = settings.get(key) or {}
    if not isinstance(given, Mapping):
        raise PluginSettingsError(f"{key} must be a dict, not {type(given).__name__}")
    for name in given:
        if name not in defaults:
            close = difflib.get_close_matches(str(name), [str(k) for k in defaults], n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(defaults)}"
            raise PluginSettingsError(f"unknown key {key}[{name!r}]; {hint}")
    merged = dict(defaults, **given)
    for name, value in given.items():
        expected = (types or {}).get(name)
        if expected is None:
            default = defaults[name]
            if default is None:
                continue
            expected = (int, float) if isinstance(default, float) else type(default)
        kinds = expected if isinstance(expected, tuple) else (expected,)
        if value is None and type(None) in kinds:
            continue
        if not isinstance(value, kinds) or (isinstance(value, bool) and not {bool, object} & set(kinds)):
            raise PluginSettingsError(f"{key}[{name!r}] must be {_type_name(expected)}, not {value!r}")
    return merged


def absolute_siteurl(settings: Mapping) -> str:
    """ABSOLUTE_SITEURL, or SITEURL when it is not set, without a trailing slash."""
    return str(settings.get("ABSOLUTE_SITEURL") or settings.get("SITEURL") or "").rstrip("/")


def relative_output(value: Any, key: str) -> PurePosixPath:
    """A path setting checked to stay below the output directory; raise PluginSettingsError naming key."""
    if not isinstance(value, str) or not value.strip("/"):
        raise PluginSettingsError(f"{key} must be a non-empty path below the output directory, not {value!r}")
    path = PurePosixPath(value)
    if path.is_absolute() or Path(value).is_absolute() or value.startswith("~"):
        raise PluginSettingsError(f"{key} is {value!r}: use a path relative to the output directory")
    if ".." in path.parts or "\\" in value:
        raise PluginSettingsError(f"{key} is {value!r}: the path must stay inside the output directory (no '..')")
    return path


def output_file(settings: Mapping, relative: Any, key: str, output: str | os.PathLike | None = None) -> Path:
    """The file `relative` below OUTPUT_PATH (or `output`); anything pointing outside raises PluginSettingsError."""
    base = Path(output or settings["OUTPUT_PATH"]).resolve()
    path = Path(sanitised_join(str(base), str(relative_output(relative, key))))
    if not path.resolve().is_relative_to(base):  # sanitised_join compares strings ("/out2" starts with "/out")
        raise PluginSettingsError(f"{key} is {relative!r}: the path must stay inside the output directory")
    return path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old or the new one, never half of it (mode 644)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


STATIC_PREFIXES = ("{static}", "|static|", "{attach}", "|attach|", "{filename}", "|filename|")


def lead_image(value: Any) -> str | None:
    """The `Image:` metadata as a path relative to the content folder ("images/x.svg"), or None.

    Accepts "images/x.svg", "/images/x.svg", "{static}/images/x.svg" (or {attach}, {filename}) and
    Pelican's older "|static|" spelling. A remote image (https://…) or an empty value gives None.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if urlsplit(text).scheme or text.startswith("//"):
        return None
    for prefix in STATIC_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text.lstrip("/") or None
