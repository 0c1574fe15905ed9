"""Shared fixtures: tiny sites built into tmp dirs, and the starter site built once per session."""

from __future__ import annotations

import logging
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))


def write_files(base: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} below base (text is dedented) and return base."""
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return base


def build_site(content: Path, output: Path, **overrides) -> Path:
    """Build content with our pelicanconf.py in this process and return the output dir."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), **overrides},
    )
    Pelican(settings).run()
    return output


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


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    """Build a tiny site from {path: text} into tmp_path and return it."""

    def make(files: dict[str, str], **overrides) -> Site:
        content = write_files(tmp_path / "content", files)
        return Site(build_site(content, tmp_path / "output", **overrides))

    return make


@pytest.fixture(scope="session")
def starter_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real starter content from content/, built once for the whole session."""
    output = tmp_path_factory.mktemp("starter") / "output"
    return Site(build_site(ROOT / "content", output))


@pytest.fixture(autouse=True)
def _quiet_pelican_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
