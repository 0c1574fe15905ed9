"""What every task module shares: the project's paths (invoke configuration `blog.*`) and Pelican's settings.

The defaults below are configured on the namespace in tasks/__init__.py; a test or the benchmark
passes its own paths through `invoke.Context(config=Config(overrides={"blog": {...}}))`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# invoke puts only tasks/ itself on sys.path: the tasks import sitetools/ and theme/ from the project
# and the comments plugin from plugins/ (as pytest's pythonpath and pelicanconf.py do).
for _path in (ROOT, ROOT / "plugins"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

DEFAULTS = {
    "content": str(ROOT / "content"),
    "settings": str(ROOT / "pelicanconf.py"),
    "publish_settings": str(ROOT / "publishconf.py"),
    "output": str(ROOT / "output"),
    "preview_cache": str(ROOT / ".cache" / "pelican"),  # Pelican's content cache, for live reload only
    "host": "127.0.0.1",
    "port": 8000,
}


@dataclass(frozen=True)
class Blog:
    """The configured paths as Paths, and where the preview listens."""

    content: Path
    settings: Path
    publish_settings: Path
    output: Path
    preview_cache: Path
    host: str
    port: int


def blog(c) -> Blog:
    """The `blog.*` configuration of a task's context (keys it lacks keep their DEFAULTS)."""
    configured = {**DEFAULTS, **dict(c.config.get("blog") or {})}
    paths = {key: Path(configured[key]) for key in ("content", "settings", "publish_settings", "output")}
    paths["preview_cache"] = Path(configured["preview_cache"])
    return Blog(**paths, host=str(configured["host"]), port=int(configured["port"]))


def pelican_settings(path: Path) -> dict:
    """Pelican's settings as read from a settings file (with Pelican's defaults)."""
    from pelican.settings import read_settings

    return read_settings(str(path))


def link_check_ignore(settings: dict) -> list[str]:
    """URL paths a program answers: the comment intake (COMMENTS["intake_path"]) and LINK_CHECK_IGNORE."""
    return [intake_mount(settings), *settings.get("LINK_CHECK_IGNORE", ())]


def intake_mount(settings: dict) -> str:
    """The comment intake's URL path below the site root, from COMMENTS["intake_path"]."""
    from comments.plugin import comment_settings

    return "/" + comment_settings(settings)["intake_path"].strip("/") + "/"
