"""SEARCH["bundle_dir"] outside the output stops Pelican at start-up; nothing outside is touched."""

from __future__ import annotations

import json

import pytest
from helpers import run_pelican_cli, write_files

ARTICLE = {"articles/a.md": "Title: A\nDate: 2024-01-01\nCategory: Praxis\n\nText.\n"}


@pytest.mark.parametrize("where", ["absolute", "dotdot"])
def test_a_bundle_dir_outside_the_output_stops_pelican_naming_the_key(tmp_path, where) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "pagefind-ui.js").write_text("keep me", encoding="utf-8")  # a name the plugin deletes
    bundle_dir = str(outside) if where == "absolute" else "../outside"
    content = write_files(tmp_path / "content", ARTICLE)
    setting = "SEARCH=" + json.dumps({"bundle_dir": bundle_dir})
    result = run_pelican_cli(content, tmp_path / "output", "-e", setting, f'CACHE_PATH="{tmp_path / "cache"}"')
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'SEARCH["bundle_dir"]' in output
    assert "Traceback" not in output
    assert [p.name for p in outside.iterdir()] == ["pagefind-ui.js"]
    assert (outside / "pagefind-ui.js").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "output").exists()
