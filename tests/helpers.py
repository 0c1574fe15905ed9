"""Helpers shared by the test modules: tiny sites written and built in tmp dirs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent


def write_files(base: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} below base (text is dedented) and return base."""
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return base


def build_site(content: Path, output: Path, settings_file: Path = ROOT / "pelicanconf.py", **overrides) -> Path:
    """Build content with our pelicanconf.py (or another settings file) in this process; return the output dir."""
    from pelican import Pelican
    from pelican.settings import read_settings

    # Every cache (Pelican's, the recommendations' term counts, the share images) lives in CACHE_PATH:
    # beside the output in the test's tmp dir, never in the project.
    cache = str(output.parent / f"{output.name}.cache")
    settings = read_settings(
        str(settings_file),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": cache, **overrides},
    )
    errors = _ErrorCollector()
    logging.getLogger().addHandler(errors)
    try:
        Pelican(settings).run()
    finally:
        logging.getLogger().removeHandler(errors)
    assert not errors.messages, "Pelican logged errors:\n" + "\n".join(errors.messages)
    return output


class _ErrorCollector(logging.Handler):
    """Collects the errors Pelican logs (it carries on after most of them)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        detail = f" ({record.exc_info[1]!r})" if record.exc_info else ""
        self.messages.append(record.getMessage() + detail)


class Site:
    """A built site: read its files as text or parsed HTML/XML."""

    def __init__(self, output: Path) -> None:
        self.output = output

    def text(self, relative: str) -> str:
        """The text of one output file."""
        return (self.output / relative).read_text(encoding="utf-8")

    def html(self, relative: str) -> BeautifulSoup:
        """One output page parsed with BeautifulSoup."""
        return BeautifulSoup(self.text(relative), "html.parser")

    def xml(self, relative: str) -> BeautifulSoup:
        """One XML output file parsed with BeautifulSoup's XML parser."""
        return BeautifulSoup(self.text(relative), "xml")

    def files(self, pattern: str = "**/*") -> list[Path]:
        """Output files matching a glob pattern."""
        return sorted(p for p in self.output.glob(pattern) if p.is_file())


def run_pelican_cli(content: Path, output: Path, *extra: str) -> subprocess.CompletedProcess:
    """`pelican <content> -s pelicanconf.py -o <output> --fatal errors`, as an author would run it."""
    command = [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output)]
    env = {**os.environ, "COLUMNS": "200"}  # rich would shorten long paths to the terminal width
    return subprocess.run(
        [*command, "--fatal", "errors", *extra], capture_output=True, text=True, env=env, cwd=content.parent
    )
