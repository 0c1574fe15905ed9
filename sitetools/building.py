"""Run Pelican and switch a finished build into place as a new release, so a failed build changes nothing."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from sitetools.findings import BuildReport, Finding
from sitetools.releases import build_release

logger = logging.getLogger(__name__)


class BuildError(RuntimeError):
    """Pelican exited with an error, or a finished build was rejected; the message says what to do.

    findings holds what the build reported (file, line and text of each error), where known.
    """

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


PROJECT = Path(__file__).resolve().parent.parent
_standby: list[subprocess.Popen] = []  # the live-reload preview's next build, already started


def _environment() -> dict[str, str]:
    """The environment of a build's child: this project importable as sitetools."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])))


def _run_child(arguments: list[str], standby: bool) -> int:
    """Run sitetools.pelican_run with arguments; with standby in the child started ahead, and start the next."""
    waiting = _standby.pop() if standby and _standby else None
    if waiting is not None and waiting.poll() is None:
        try:
            waiting.stdin.write(json.dumps(arguments) + "\n")
            waiting.stdin.close()
        except OSError:
            waiting = None
    else:
        waiting = None
    if waiting is None:
        command = [sys.executable, "-m", "sitetools.pelican_run", *arguments]
        code = subprocess.run(command, check=False, env=_environment()).returncode
    else:
        code = waiting.wait()
    if standby:
        command = [sys.executable, "-m", "sitetools.pelican_run", "--standby"]
        _standby.append(subprocess.Popen(command, stdin=subprocess.PIPE, text=True, env=_environment()))
    return code


def run_pelican(
    content: Path,
    settings_file: Path,
    output: Path,
    *extra: str,
    check_links: Sequence[str] | None = None,
    standby: bool = False,
) -> BuildReport:
    """Run Pelican in a child process with errors fatal (see sitetools.pelican_run); what it reported.

    Every problem is printed as one German line while it builds, then the German summary. Raises
    BuildError, with the findings, when the build fails or (check_links: the paths the link check
    skips, see build_into) has a broken link. standby (the live-reload preview) keeps the child of
    the next build started ahead, so an edit waits neither for Python nor for Pelican's imports.
    """
    handle, name = tempfile.mkstemp(prefix="kmu-build-", suffix=".json")
    os.close(handle)
    report = Path(name)
    arguments = [
        str(report),
        *_link_options(check_links),
        str(content),
        "-s",
        str(settings_file),
        "-o",
        str(output),
        "--fatal",
        "errors",
        *extra,
    ]
    try:
        code = _run_child(arguments, standby)
        built = BuildReport.load(report)
    finally:
        report.unlink(missing_ok=True)
    if code != 0:
        errors = sum(1 for f in built.findings if f.severity == "error")
        what = f"{errors} Fehler" if errors else f"Pelican ist mit Code {code} abgebrochen"
        raise BuildError(f"{what} (siehe oben)", built.findings)
    return built


def _link_options(check_links: Sequence[str] | None) -> list[str]:
    """sitetools.pelican_run's options for the link check (none without it)."""
    if check_links is None:
        return []
    return ["--check-links", *(part for path in check_links for part in ("--link-ignore", path))]


def build_into(
    content: Path,
    settings_file: Path,
    site: Path,
    *extra: str,
    finish: Callable[[Path], None] | None = None,
    check_links: Sequence[str] | None = None,
) -> BuildReport:
    """Build into the folder site, then run finish(site), which may add files or raise BuildError to reject it.

    With check_links (the URL paths a program answers, e.g. ["/kommentare/"]), a broken internal link
    rejects the build too, named by Markdown file and line.
    Returns what the build reported.
    """
    built = run_pelican(content, settings_file, site, *extra, check_links=check_links)
    if finish:
        finish(site)
    return built


def build_atomically(
    content: Path,
    settings_file: Path,
    target: Path,
    *extra: str,
    finish: Callable[[Path], None] | None = None,
    keep: int = 2,
    project: Path | None = None,
    adopt: bool = False,
    check_links: Sequence[str] | None = None,
) -> Path:
    """Build into a new release beside target and switch target to it; on any failure target stays as it was.

    See build_into for finish, and sitetools.releases for the layout, the guard and keep. Returns the release.
    """

    def build(site: Path) -> None:
        build_into(content, settings_file, site, *extra, finish=finish, check_links=check_links)

    return build_release(Path(target), build, keep, project=project, content=content, adopt=adopt)
