"""COMMENTS["manifest"] and ["intake_path"] stay inside the output; the moderation client follows intake_path."""

from __future__ import annotations

import json

import pytest
from comments.api import RemoteQueue
from comments.plugin import comment_settings, intake_mount, queue_path
from helpers import run_pelican_cli, write_files

from plugins.pluginkit import PluginSettingsError

ARTICLE = {"articles/a.md": "Title: A\nDate: 2024-01-01\nCategory: Praxis\n\nText.\n"}


def test_an_absolute_manifest_stops_pelican_at_start_up_and_leaves_the_file(tmp_path) -> None:
    victim = tmp_path / "wichtig.json"
    victim.write_text("{}", encoding="utf-8")
    content = write_files(tmp_path / "content", ARTICLE)
    setting = "COMMENTS=" + json.dumps({"manifest": str(victim)})
    result = run_pelican_cli(content, tmp_path / "output", "-e", setting, f'CACHE_PATH="{tmp_path / "cache"}"')
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'COMMENTS["manifest"]' in output and "Traceback" not in output
    assert victim.read_text(encoding="utf-8") == "{}"
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("key, value", [("manifest", "../m.json"), ("intake_path", "/abs/"), ("manifest", "a/../../x")])
def test_paths_leaving_the_output_are_refused_naming_the_key(key, value) -> None:
    with pytest.raises(PluginSettingsError, match=rf'COMMENTS\["{key}"\]'):
        comment_settings({"COMMENTS": {key: value}})


def test_the_moderation_client_and_the_intake_follow_intake_path() -> None:
    settings = {"COMMENTS": {"intake_path": "leserpost/"}, "PATH": "/site/content"}
    assert intake_mount(settings) == "/leserpost/"
    assert RemoteQueue.for_settings("https://example.de", "t", settings).base == "https://example.de/leserpost/api/"
    assert RemoteQueue("https://example.de/", "t").base == "https://example.de/kommentare/api/"


def test_the_queue_path_has_one_root(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("COMMENTS_DB", raising=False)
    assert queue_path({"PATH": str(tmp_path / "content")}) == tmp_path / "var" / "kommentare.sqlite3"
    assert str(queue_path({"COMMENTS_DB": "/q/db.sqlite3"})) == "/q/db.sqlite3"
    monkeypatch.setenv("COMMENTS_DB", str(tmp_path / "env.sqlite3"))
    assert queue_path({"COMMENTS_DB": "/q/db.sqlite3"}) == tmp_path / "env.sqlite3"
