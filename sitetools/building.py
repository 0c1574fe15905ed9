"""Run Pelican and switch a finished build into place as a new release, so a failed build changes nothing."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sitetools.releases import build_release

logger = logging.getLogger(__name__)


class BuildError(RuntimeError):
    """Pelican exited with an error, or a finished build was rejected; the message says what to do."""


def run_pelican(content: Path, settings_file: Path, output: Path, *extra: str) -> None:
    """Run Pelican in a child process with errors fatal; raise BuildError if it fails."""
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-s",
        str(settings_file),
        "-o",
        str(output),
        "--fatal",
        "errors",
        *extra,
    ]
    env = dict(os.environ)
    if not sys.stdout.isatty():
        env.setdefault("COLUMNS", "200")  # rich would cut file paths in messages at 80 columns
    result = subprocess.run(command, check=False, env=env)
    if result.returncode != 0:
        raise BuildError(f"Pelican ist mit Code {result.returncode} abgebrochen; siehe die Meldungen oben.")


def build_into(
    content: Path, settings_file: Path, site: Path, *extra: str, finish: Callable[[Path], None] | None = None
) -> None:
    """Build into the folder site, then run finish(site), which may add files or raise BuildError to reject it."""
    run_pelican(content, settings_file, site, *extra)
    if finish:
        finish(site)


def build_atomically(
    content: Path,
    settings_file: Path,
    target: Path,
    *extra: str,
    finish: Callable[[Path], None] | None = None,
    keep: int = 2,
    project: Path | None = None,
    adopt: bool = False,
) -> Path:
    """Build into a new release beside target and switch target to it; on any failure target stays as it was.

    See build_into for finish, and sitetools.releases for the layout, the guard and keep. Returns the release.
    """

    def build(site: Path) -> None:
        build_into(content, settings_file, site, *extra, finish=finish)

    return build_release(Path(target), build, keep, project=project, content=content, adopt=adopt)
