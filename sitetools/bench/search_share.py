"""`invoke bench` figures for search, share images and section links on the synthetic corpus.

- Search: the Pagefind indexing step against the full build (CPU, budget ≤ 10 %), and the bytes a
  reader downloads for one query (measured in chromium on the served site).
- Share images: drawing every card from scratch against a rebuild that finds them cached.
- Section links: what the heading ids and "#" links add to the Markdown conversion, against the
  full build (CPU, budget ≤ 3 %).
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

from sitetools.bench.core import PELICAN_CHILD, Bench, Figure, Variant, build_once, timed

SEARCH_BUDGET = 0.10
SECTION_LINKS_BUDGET = 0.03


def _full_build(bench: Bench, output: Path) -> float:
    """Build the corpus with our settings in a child process; its CPU seconds (the least of the repeats)."""

    variant = Variant("full", PELICAN_CHILD, [str(bench.content), "-o", "{output}", "-q", "--cache-path", "{cache}",
                                              "-s", str(bench.project / "pelicanconf.py")], cache="warm")  # fmt: skip
    for _ in range(bench.repeats):
        build_once(variant, output)
    return min(variant.cpu_seconds)


def _query_bytes(output: Path, query: str) -> tuple[int, int]:
    """Bytes of Pagefind files chromium loads for one query on the search page, and the result count."""
    from playwright.sync_api import sync_playwright

    from sitetools.devserver import make_server
    from sitetools.qa.browser import launch_chromium

    server = make_server(output, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    loaded: list[int] = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.on("response", lambda r: "/pagefind/" in r.url and loaded.append(len(r.body())))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/suche/?q={query}")
            page.locator(".search-result").first.wait_for(timeout=30_000)
            page.wait_for_load_state("networkidle")
            results = page.locator(".search-result").count()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return sum(loaded), results


def measure_search(bench: Bench) -> list[Figure]:
    """The indexing step's share of the full build, the index size and one query's download."""
    from search.search import DEFAULTS, index_site

    output = bench.workdir / "search-out"
    build_cpu = _full_build(bench, output)
    bundle = output / DEFAULTS["bundle_dir"]
    index_cpu = []
    for _ in range(bench.repeats):
        shutil.rmtree(bundle)
        index_cpu.append(timed(lambda: asyncio.run(index_site(output, DEFAULTS)))[1])
    total_kb = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()) / 1024
    query_bytes, results = _query_bytes(output, "Kunden")
    return [
        Figure("Suche: Index schreiben (CPU)", min(index_cpu), "s"),
        Figure("Suche: Index / ganzer Bau (CPU)", min(index_cpu) / build_cpu, "×", SEARCH_BUDGET),
        Figure("Suche: Index auf dem Server", total_kb, "KB"),
        Figure(f"Suche: Download für eine Anfrage ({results} Treffer gezeigt)", query_bytes / 1024, "KB"),
    ]


def measure_share_images(bench: Bench) -> list[Figure]:
    """Drawing every share card anew against finding them cached (copying only)."""
    from share_images.cards import CardText, draw_card, png_bytes

    titles = [p.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("Title: ")
              for p in sorted((bench.content / "articles").glob("*.md"))]  # fmt: skip
    cache = bench.workdir / "share-cache"
    cache.mkdir(exist_ok=True)

    def draw_all() -> None:
        for number, title in enumerate(titles):
            (cache / f"{number}.png").write_bytes(png_bytes(draw_card(CardText(title, "Strategie", "kmu.example"))))

    def copy_all() -> None:
        target = bench.workdir / "share-out"
        target.mkdir(exist_ok=True)
        for number in range(len(titles)):
            shutil.copyfile(cache / f"{number}.png", target / f"{number}.png")

    cold = timed(draw_all)[1]
    warm = min(timed(copy_all)[1] for _ in range(bench.repeats))
    return [
        Figure(f"Teilen-Bilder: {len(titles)} Karten neu zeichnen (CPU)", cold, "s"),
        Figure(f"Teilen-Bilder: {len(titles)} Karten aus dem Cache (CPU)", warm, "s"),
    ]


def measure_section_links(bench: Bench) -> list[Figure]:
    """What heading ids and "#" links add to converting every article, against the full build."""
    import markdown
    from pelican.settings import read_settings
    from section_links import SectionLinksExtension

    settings = read_settings(str(bench.project / "pelicanconf.py"))
    sources = sorted((bench.content / "articles").glob("*.md"))
    texts = [path.read_text(encoding="utf-8").split("\n\n", 1)[1] for path in sources]
    configs = settings["MARKDOWN"]["extension_configs"]

    def convert(with_links: bool) -> None:
        extensions = list(configs) + ([SectionLinksExtension(regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])]
                                      if with_links else [])  # fmt: skip
        md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        for text in texts:
            md.reset().convert(text)

    without = min(timed(lambda: convert(False))[1] for _ in range(bench.repeats))
    with_links = min(timed(lambda: convert(True))[1] for _ in range(bench.repeats))
    build_cpu = _full_build(bench, bench.workdir / "section-out")
    cost = max(with_links - without, 0.0)  # below zero is measurement noise
    return [
        Figure(f"Markdown aller {len(texts)} Artikel ohne Abschnitts-Links (CPU)", without, "s"),
        Figure(f"Markdown aller {len(texts)} Artikel mit Abschnitts-Links (CPU)", with_links, "s"),
        Figure("Abschnitts-Links / ganzer Bau (CPU)", cost / build_cpu, "×", SECTION_LINKS_BUDGET),
    ]
