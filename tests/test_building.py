"""sitetools.building: the atomic swap behind `invoke build` and `invoke publish`."""

from __future__ import annotations

import pytest
from helpers import ROOT, write_files

from sitetools.building import BuildError, atomic_swap, build_atomically


def make_dir(path, text):
    path.mkdir()
    (path / "index.html").write_text(text)
    return path


def test_swap_replaces_a_directory_and_removes_the_old_one(tmp_path):
    live = make_dir(tmp_path / "live", "alt")
    new = make_dir(tmp_path / "new", "neu")
    atomic_swap(new, live)
    assert (live / "index.html").read_text() == "neu"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live"]


def test_swap_into_a_missing_target_creates_it(tmp_path):
    new = make_dir(tmp_path / "new", "neu")
    atomic_swap(new, tmp_path / "live")
    assert (tmp_path / "live/index.html").read_text() == "neu"


def test_swap_repoints_a_symlinked_target(tmp_path):
    old = make_dir(tmp_path / "release-1", "alt")
    (tmp_path / "live").symlink_to(old)
    new = make_dir(tmp_path / "release-2", "neu")
    atomic_swap(new, tmp_path / "live")
    assert (tmp_path / "live").is_symlink()
    assert (tmp_path / "live/index.html").read_text() == "neu"
    assert not old.exists()


def test_a_rejected_build_leaves_the_target_and_no_staging_dir(tmp_path):
    content = write_files(tmp_path / "content", {"articles/a.md": "Title: A\nDate: 2020-01-01\n\nText.\n"})
    live = make_dir(tmp_path / "live", "alt")

    def reject(output):
        assert (output / "a/index.html").is_file()
        raise BuildError("rejected")

    with pytest.raises(BuildError, match="rejected"):
        build_atomically(content, ROOT / "pelicanconf.py", live, verify=reject)
    assert (live / "index.html").read_text() == "alt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "live"]
