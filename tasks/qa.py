"""`invoke qa.*`: the audit (page weight, foreign resources, links, Lighthouse) and screenshots.

Needs requirements-dev.txt (playwright, the Lighthouse runner in tools/lighthouse/).
"""

from __future__ import annotations

from pathlib import Path

from invoke import Exit, task

from sitetools.linkcheck import check_site
from tasks.author import build
from tasks.project import ROOT, blog, link_check_ignore, pelican_settings


@task(help={"target": "Ordner für die PNGs (Standard screenshots/)", "dark": "auch im dunklen Farbschema"})
def screenshots(c, target: str = "screenshots", dark: bool = True):
    """Baut die Seite und speichert Bildschirmfotos jedes Seitentyps bei 1280 px und 390 px Breite."""
    from sitetools.qa.screenshots import take_screenshots
    from sitetools.qa.site_pages import page_types

    build(c)
    paths = blog(c)
    pages = page_types(paths.output, pelican_settings(paths.settings))
    written = take_screenshots(paths.output, ROOT / target, pages, ("light", "dark") if dark else ("light",))
    print(f"{len(written)} Bildschirmfotos in {ROOT / target}")


@task(help={"lighthouse": "zusätzlich Lighthouse (aus tools/lighthouse/, mit Debians chromium) auf den Artikel"})
def audit(c, lighthouse: bool = False):
    """Baut die Seite und prüft Seitengewicht (HTML+CSS+JS), fremde und blockierende Ressourcen, Links."""
    from sitetools.qa.audit import PAGE_BUDGET_BYTES, article_pages, audit_site, german_number, kilobytes

    build(c)
    paths = blog(c)
    output = paths.output
    weights = audit_site(output)
    articles = {p.relative_to(output).as_posix() for p in article_pages(output)}
    print(f"{'Seite':<70} {'HTML':>7} {'CSS+JS':>7} {'gesamt':>7}")
    for weight in sorted(weights, key=lambda w: -w.total_bytes):
        mark = " (Artikel)" if weight.page in articles else ""
        assets = weight.total_bytes - weight.html_bytes
        sizes = (german_number(size) for size in (weight.html_bytes, assets, weight.total_bytes))
        print(f"{weight.page + mark:<70}", *(f"{size:>7}" for size in sizes))
    heaviest = max((w for w in weights if w.page in articles), key=lambda w: w.total_bytes, default=None)
    problems = [w for w in weights if w.third_party or w.render_blocking]
    settings = pelican_settings(paths.settings)
    broken = check_site(output, settings["ABSOLUTE_SITEURL"], link_check_ignore(settings))
    if heaviest:
        print(f"Schwerster Artikel: {heaviest.page} {kilobytes(heaviest.total_bytes)} "
              f"(Budget {german_number(PAGE_BUDGET_BYTES / 1024)} KB)")  # fmt: skip
    print(f"Fremde oder blockierende Ressourcen: {len(problems)}; Links ins Leere: {len(broken)}")
    for item in problems + broken:
        print(f"  {item}")
    if lighthouse:
        _lighthouse(output, settings)
    if problems or broken or (heaviest and heaviest.total_bytes > PAGE_BUDGET_BYTES):
        raise Exit("Die Prüfung hat Probleme gefunden (siehe oben).", code=1)


def _lighthouse(output: Path, settings: dict) -> None:
    """Run the pinned Lighthouse on an article page of output/ and print its four scores."""
    import threading

    from sitetools.devserver import make_server
    from sitetools.qa.lighthouse import LighthouseError, run_lighthouse
    from sitetools.qa.site_pages import page_types

    article = page_types(output, settings).get("article", ("/", 200))[0]  # a site without articles: home
    server = make_server(output, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    report = ROOT / ".cache" / "lighthouse.json"
    report.parent.mkdir(exist_ok=True)
    try:
        scores = run_lighthouse(f"http://127.0.0.1:{server.server_address[1]}{article}", report)
    except LighthouseError as exc:
        raise Exit(str(exc)) from exc
    finally:
        server.shutdown()
    for category, score in scores.items():
        print(f"Lighthouse {category}: {score}")
    print(f"Vollständiger Bericht: {report}")
