"""SEARCH["defer_index"] (live-reload preview): the last index is served at once, the new one follows."""

from __future__ import annotations

import gzip
import json
import time

from helpers import Site, build_site, write_files

FILES = {
    "articles/a.md": "Title: Bewertungen\nDate: 2024-03-05\nCategory: Praxis\n\nKundenstimmen sammeln.\n",
    "pages/ueber.md": "Title: Über\n\nEine Seite über das Blog.\n",
}


def indexed_text(output) -> str:
    """All words of every page Pagefind stored."""
    texts = []
    for path in Site(output).files("pagefind/fragment/*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes()).decode("utf-8")
        texts.append(json.loads(raw.removeprefix("pagefind_dcd"))["content"])
    return " ".join(texts)


def test_an_edit_serves_the_last_index_and_indexes_in_the_background(tmp_path):
    content = write_files(tmp_path / "content", FILES)
    output = build_site(content, tmp_path / "out", SEARCH={"defer_index": True})
    assert "Kundenstimmen" in indexed_text(output)  # nothing kept yet: indexed during the build
    source = content / "articles" / "a.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nZauberwort Augenmaß.\n", encoding="utf-8")
    build_site(content, tmp_path / "out", SEARCH={"defer_index": True})
    assert "Zauberwort" in (output / "bewertungen" / "index.html").read_text(encoding="utf-8")
    assert "Zauberwort" not in indexed_text(output)  # the page is there at once, its index follows
    deadline = time.monotonic() + 60
    while "Zauberwort" not in indexed_text(output) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Zauberwort" in indexed_text(output)
    assert [p.name for p in (tmp_path / "out.cache" / "pagefind").iterdir()] != []


def test_without_the_setting_the_build_indexes_the_edit_itself(tmp_path):
    content = write_files(tmp_path / "content", FILES)
    output = build_site(content, tmp_path / "out")
    source = content / "articles" / "a.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nZauberwort Augenmaß.\n", encoding="utf-8")
    build_site(content, tmp_path / "out")
    assert "Zauberwort" in indexed_text(output)
