"""`invoke bench`: build a synthetic German corpus several ways, run every measurement, print all figures.

The variants and the corpus come from sitetools.bench.core; each further figure is one function
in MEASUREMENTS, from the measurement modules beside this one.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from plugins.pluginkit.progress import progress
from sitetools.bench.comments import measure_comment_build, measure_intake
from sitetools.bench.core import Bench, Figure, Variant, build_once, build_variants, warm_up, write_corpus
from sitetools.bench.plugins import measure_content_check, measure_feeds
from sitetools.bench.preview import measure_live_reload
from sitetools.bench.recommendations import measure_recommendations
from sitetools.bench.search_share import measure_search, measure_section_links, measure_share_images

# Further figures: each function gets the Bench and returns its Figures (append yours here).
MEASUREMENTS: list[Callable[[Bench], list[Figure]]] = [
    measure_live_reload,
    measure_recommendations,
    measure_comment_build,
    measure_intake,
    measure_search,
    measure_share_images,
    measure_section_links,
    measure_feeds,
    measure_content_check,
]


def run_benchmark(articles: int, repeats: int, project: Path) -> tuple[list[Variant], list[Figure]]:
    """Build the corpus with each variant `repeats` times, alternating, run MEASUREMENTS, print all."""
    repeats = max(2, repeats)
    with tempfile.TemporaryDirectory(prefix="kmu-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        content = write_corpus(root, articles)
        size_kb = sum(p.stat().st_size for p in (content / "articles").glob("*.md")) / 1024
        print(f"Korpus: {articles} Artikel, im Schnitt {size_kb / max(articles, 1):.1f} KB, "
              f"geschrieben in {time.perf_counter() - started:.1f} s")  # fmt: skip
        vanilla_settings = root / "vanilla.py"
        vanilla_settings.write_text('TIMEZONE = "Europe/Berlin"\n')
        variants = build_variants(content, project, vanilla_settings)
        warm = [variant for variant in variants if variant.cache == "warm"]
        steps = len(warm) + repeats * len(variants) + len(MEASUREMENTS)
        with progress("Benchmark", total=steps, minimum=1) as advance:
            for variant in warm:  # fills its caches; not counted
                warm_up(variant, root / "out")
                advance()
            for round_number in range(repeats):
                shift = round_number % len(variants)
                for variant in variants[shift:] + variants[:shift]:
                    build_once(variant, root / "out")
                    print(f"  Runde {round_number + 1}: {variant.name:<12} {_de(variant.seconds[-1])} s Wandzeit, "
                          f"{_de(variant.cpu_seconds[-1])} s CPU")  # fmt: skip
                    advance()
            _print_variants(variants)
            bench = Bench(content, project, root, repeats, min(variants[0].cpu_seconds))
            figures = []
            for measure in MEASUREMENTS:
                figures += measure(bench)
                advance()
    _print_figures(figures, min(variants[0].cpu_seconds))
    return variants, figures


def _de(number: float, digits: int = 2) -> str:
    """A number the German way: 1,25."""
    return f"{number:.{digits}f}".replace(".", ",")


def _verdict(value: float, budget: float | None) -> str:
    if budget is None:
        return ""
    return f"≤ {_de(budget)} {'ok' if value <= budget else 'ÜBER BUDGET'}"


def _print_variants(variants: list[Variant]) -> None:
    by_name = {variant.name: variant for variant in variants}
    base = variants[0]
    print(f"\n{'Variante':<13} {'min s':>7} {'Median s':>9} {'min CPU s':>10} {'Spitze MB':>10} "
          f"{'Zeit ×':>7} {'CPU ×':>6} {'Speicher ×':>11}  Budget (CPU-Zeit)")  # fmt: skip
    for variant in variants:
        verdict = ""
        if variant.budget:
            reference, limit = variant.budget
            ratio = min(variant.cpu_seconds) / min(by_name[reference].cpu_seconds)
            verdict = f"{_de(ratio)}× {reference}, {_verdict(ratio, limit)}"
        print(
            f"{variant.name:<13} {_de(min(variant.seconds)):>7} {_de(statistics.median(variant.seconds)):>9} "
            f"{_de(min(variant.cpu_seconds)):>10} {_de(max(variant.peak_mb), 1):>10} "
            f"{_de(min(variant.seconds) / min(base.seconds)):>7} "
            f"{_de(min(variant.cpu_seconds) / min(base.cpu_seconds)):>6} "
            f"{_de(max(variant.peak_mb) / max(base.peak_mb)):>11}  {verdict}"
        )


def _print_figures(figures: list[Figure], plain_cpu: float) -> None:
    if not figures:
        return
    print(f"\nPelican pur (Referenz der Verhältnisse): {_de(plain_cpu)} s CPU")
    print(f"{'Messung':<55} {'Wert':>9}  Budget")
    for figure in figures:
        print(f"{figure.name:<55} {_de(figure.value):>7} {figure.unit:<2} {_verdict(figure.value, figure.budget)}")
