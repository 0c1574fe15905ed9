"""Live-reload figures for `invoke bench`: the first preview build against the rebuild after one edit."""

from __future__ import annotations

import shutil

from sitetools.bench.core import Bench, Figure, timed
from sitetools.preview import preview_build


def measure_live_reload(bench: Bench) -> list[Figure]:
    """Live reload: the first build (empty content cache) against the rebuild after editing one article."""
    settings = bench.project / "pelicanconf.py"
    output, cache = bench.workdir / "preview", bench.workdir / "preview-cache"
    articles = sorted((bench.content / "articles").glob("*.md"))
    edited = articles[len(articles) // 2]
    cold, warm = [], []
    for _ in range(bench.repeats):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(timed(lambda: preview_build(bench.content, settings, output, cache)))
        edited.write_text(edited.read_text(encoding="utf-8") + "\nEin weiterer Satz.\n", encoding="utf-8")
        warm.append(timed(lambda: preview_build(bench.content, settings, output, cache)))
    cold_cpu, warm_cpu = min(c for _, c in cold), min(c for _, c in warm)
    plain = [Figure("Live-Reload, nach einer Änderung / Pelican pur (CPU)", warm_cpu / bench.plain_cpu, "×")]
    return [
        Figure("Live-Reload, erster Bau (Wandzeit)", min(w for w, _ in cold), "s"),
        Figure("Live-Reload, nach einer Änderung (Wandzeit)", min(w for w, _ in warm), "s"),
        Figure("Live-Reload, erster Bau (CPU)", cold_cpu, "s"),
        Figure("Live-Reload, nach einer Änderung (CPU)", warm_cpu, "s"),
        Figure("Live-Reload, nach einer Änderung / erster Bau (CPU)", warm_cpu / cold_cpu, "×", 0.15),
        *(plain if bench.plain_cpu else []),
    ]
