"""Shared fixtures: tiny sites built into tmp dirs, and the starter site built once per session."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_fixtures import browser, csp_server, site_server, visit  # noqa: F401  (fixtures for every test dir)
from helpers import ROOT, Site, build_site, write_files


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
