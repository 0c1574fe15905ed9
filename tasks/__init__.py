"""The author's workflow. `invoke --list` shows every task, `invoke --help TASK` explains one."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Collection, Exit, task

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))  # the comments.* tasks use the intake of plugins/comments

from sitetools import releases
from sitetools.building import BuildError, build_atomically, build_into
from sitetools.linkcheck import check_site
from sitetools.publishing import copy_headers, placeholder_address, placeholder_pages, rsync_command, unsafe_remote_path
from sitetools.releases import TargetRefused

CONFIG = {
    "content": ROOT / "content",
    "settings": ROOT / "pelicanconf.py",
    "publish_settings": ROOT / "publishconf.py",
    "output": ROOT / "output",
    "preview_cache": ROOT / ".cache" / "pelican",  # Pelican's content cache, for live reload only
    "host": "127.0.0.1",
    "port": 8000,
}

# The content check refuses to publish while "Schreiben Sie hier" is left (CONTENT_CHECK placeholders).
ARTICLE_TEMPLATE = """\
Title: {title}
Slug: {slug}
Date: {date}
Category: Strategie
Tags: Ziele
Author: {author}
Summary: Schreiben Sie hier ein bis zwei Sätze, die neugierig machen (für Übersicht und Feeds).
Status: draft

Schreiben Sie hier die Einleitung. Entfernen Sie die Zeile „Status: draft“, wenn der Artikel
erscheinen soll. Die Zeile „Slug:“ hält die Adresse fest, auch wenn Sie den Titel noch ändern.

## Erste Zwischenüberschrift

Schreiben Sie hier …

## Fazit

Schreiben Sie hier …
"""


def _settings(path: Path) -> dict:
    """Pelican's settings as read from a settings file (with Pelican's defaults)."""
    from pelican.settings import read_settings

    return read_settings(str(path))


def _finisher(settings: dict, check_links: bool = True) -> Callable[[Path], None]:
    """What follows Pelican in every build: the hosting headers (publish) and the link check."""

    def finish(site: Path) -> None:
        if settings.get("PUBLISH_COPY_HEADERS"):
            copy_headers(ROOT / "deploy" / "_headers", site)
        if not check_links:
            return
        broken = check_site(site, settings["ABSOLUTE_SITEURL"], settings.get("LINK_CHECK_IGNORE", ()))
        if broken:
            listing = "\n".join(f"  {b}" for b in broken)
            raise BuildError(
                f"{len(broken)} kaputte(r) Link(s) in den erzeugten Seiten; bitte im Inhalt korrigieren:\n{listing}"
            )

    return finish


def _build(target: Path, settings_file: Path, check_links: bool = True, keep: int = 2, adopt: bool = False) -> Path:
    """Build a new release of target and switch to it, or stop with a German message and target unchanged."""
    settings = _settings(settings_file)
    try:
        return build_atomically(
            CONFIG["content"],
            settings_file,
            target,
            finish=_finisher(settings, check_links),
            keep=keep,
            project=ROOT,
            adopt=adopt,
        )
    except TargetRefused as exc:
        raise Exit(str(exc)) from exc
    except BuildError as exc:
        raise Exit(f"Der Build ist fehlgeschlagen, {target} bleibt unverändert. {exc}") from exc


@task
def clean(c):
    """Entfernt die erzeugte Website (output/ und ihre Stände in output.releases/) und den Vorschau-Zwischenspeicher."""
    output = CONFIG["output"]
    if output.is_dir() and not output.is_symlink():
        shutil.rmtree(output)  # a plain output/ from before the release layout
    releases.remove_all(output)
    shutil.rmtree(CONFIG["preview_cache"], ignore_errors=True)
    print(f"Entfernt: {output}, seine Stände und der Vorschau-Zwischenspeicher")


@task(help={"check_links": "vor dem Umschalten jeden internen Link des neuen Builds prüfen"})
def build(c, check_links: bool = True):
    """Baut die Website mit pelicanconf.py nach output/ (bei Fehlern bleibt output/ unverändert)."""
    _build(CONFIG["output"], CONFIG["settings"], check_links, adopt=True)  # output/ belongs to the project
    print(f"Website gebaut: {CONFIG['output']}")


@task(pre=[clean, build])
def rebuild(c):
    """Entfernt output/ und baut die Seite von Grund auf neu."""


def _require_free_port(host: str, port: int) -> None:
    """Stop with one German line, before anything is built, when the preview cannot listen on host:port."""
    from sitetools.devserver import port_problem

    problem = port_problem(host, port)
    if problem:
        raise Exit(problem)


@task(help={"port": "Port auf 127.0.0.1 (Standard 8000)", "host": "Adresse, auf der die Vorschau erreichbar ist"})
def serve(c, port: int = CONFIG["port"], host: str = CONFIG["host"]):
    """Baut die Seite und zeigt output/ unter http://127.0.0.1:8000/ (Strg+C beendet)."""
    from sitetools.devserver import make_server

    _require_free_port(host, port)
    build(c, check_links=False)
    server = make_server(CONFIG["output"], host, port)
    print(f"Vorschau unter http://{host}:{port}/ (Strg+C beendet sie)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task(help={"port": "Port auf 127.0.0.1 (Standard 8000)", "host": "Adresse, auf der die Vorschau erreichbar ist"})
def livereload(c, port: int = CONFIG["port"], host: str = CONFIG["host"]):
    """Vorschau mit Live-Reload und Kommentar-Annahme: baut neu bei jeder Änderung in content/, theme/, plugins/."""
    from sitetools.devserver import describe_bind_error, livereload_server, site_app
    from sitetools.preview import preview_build
    from tasks.comments import intake_app

    def rebuild_preview() -> None:
        started = time.perf_counter()
        try:
            preview_build(CONFIG["content"], CONFIG["settings"], CONFIG["output"], CONFIG["preview_cache"])
        except BuildError as exc:
            print(f"Bau fehlgeschlagen, die bisherige Fassung bleibt sichtbar: {exc}", file=sys.stderr)
        else:
            print(f"Neu gebaut in {time.perf_counter() - started:.1f} s".replace(".", ","))

    _require_free_port(host, port)
    rebuild_preview()
    server = livereload_server(site_app(CONFIG["output"], intake_app(CONFIG["output"])))  # site + comment intake
    for watched in (CONFIG["content"], ROOT / "theme", ROOT / "plugins", CONFIG["settings"]):
        server.watch(str(watched), rebuild_preview)
    print(f"Vorschau mit Live-Reload unter http://{host}:{port}/ (Strg+C beendet sie)")
    try:
        server.serve(host=host, port=port, root=str(CONFIG["output"]), open_url_delay=None)
    except OSError as exc:  # taken while the first build ran
        if exc.errno != errno.EADDRINUSE:
            raise
        raise Exit(describe_bind_error(exc, host, port)) from None


@task
def check(c):
    """Build the site into a temp dir and list every error and finding of Pelican and the plugins."""
    from sitetools.findings import collect_findings, count_line

    findings = collect_findings(CONFIG["content"], CONFIG["settings"])
    for finding in findings:
        print(finding)
    print(count_line(findings))
    if any(f.severity == "error" for f in findings):
        raise Exit("Beheben Sie die Fehler oben: an ihnen bricht auch „invoke build“ ab.", code=1)


@task(help={"title": 'the article\'s title, e.g. "Wann sich Social Media lohnt"'})
def new(c, title: str):
    """Create a draft article with a German slug and a metadata template (never overwrites)."""
    from pelican.utils import slugify

    settings = _settings(CONFIG["settings"])
    slug = slugify(
        title,
        regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"],
        use_unicode=settings["SLUGIFY_USE_UNICODE"],
    )
    if not slug:
        raise Exit(f"Aus dem Titel „{title}“ lässt sich kein Dateiname machen; verwenden Sie Buchstaben oder Ziffern.")
    path = CONFIG["content"] / "articles" / f"{slug}.md"
    if path.exists():
        raise Exit(f"{path} gibt es schon: wählen Sie einen anderen Titel oder bearbeiten Sie diese Datei.")
    now = datetime.now(ZoneInfo(settings["TIMEZONE"])).strftime("%Y-%m-%d %H:%M")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ARTICLE_TEMPLATE.format(title=title, slug=slug, date=now, author=settings["AUTHOR"])
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"Entwurf angelegt: {path}")


def _publish_setting(settings: dict, key: str):
    """A publishing setting: the environment variable of the same name wins over publishconf.py."""
    return os.environ.get(key) or settings.get(key)


def _keep_releases(settings: dict) -> int:
    """PUBLISH_KEEP_RELEASES as a number of at least 2 (the current and one to roll back to)."""
    value = _publish_setting(settings, "PUBLISH_KEEP_RELEASES")
    try:
        keep = int(value)
    except (TypeError, ValueError):
        keep = 0
    if keep < 2:
        raise Exit(f"PUBLISH_KEEP_RELEASES={value!r}: bitte eine ganze Zahl ab 2 angeben (Standard 5).")
    return keep


def _refuse_placeholder_address(settings: dict) -> None:
    """Stop before building when SITEURL is still the starter's example address."""
    if placeholder_address(settings["SITEURL"]):
        raise Exit(
            f"Die Adresse der Website ist noch ein Platzhalter: SITEURL={settings['SITEURL']}. "
            "Setzen Sie die öffentliche Adresse, z. B. `SITEURL=https://www.ihre-firma.de invoke publish`, "
            "oder tragen Sie sie in publishconf.py ein. Nichts wurde gebaut oder veröffentlicht."
        )


def _warn_placeholder_pages(settings: dict) -> None:
    """Warn loudly about every page still marked `Placeholder: true` (the starter Impressum)."""
    for source in placeholder_pages(dict(settings, PATH=str(CONFIG["content"]))):
        name = os.path.relpath(source, CONFIG["content"].parent)
        print(
            f"\n!!! ACHTUNG: {name} ist noch als Platzhalter markiert (Placeholder: true).\n"
            "!!! Ersetzen Sie die Angaben durch Ihre echten Daten und löschen Sie dann diese Zeile.\n",
            file=sys.stderr,
        )


@task(help={"rollback": "PUBLISH_DIR auf den vorherigen Stand zurückschalten, ohne zu bauen"})
def publish(c, rollback: bool = False):
    """Baut mit publishconf.py und schaltet PUBLISH_DIR atomar auf den neuen Stand, oder lädt per rsync hoch."""
    settings = _settings(CONFIG["publish_settings"])
    directory = _publish_setting(settings, "PUBLISH_DIR")
    host = _publish_setting(settings, "PUBLISH_HOST")
    remote_path = _publish_setting(settings, "PUBLISH_PATH")
    if rollback:
        _rollback(Path(directory) if directory else None)
        return
    if directory:
        _check_target(Path(directory))
    elif not host:
        raise Exit(
            "Setzen Sie PUBLISH_DIR, oder PUBLISH_HOST und PUBLISH_PATH (als Umgebungsvariable oder in publishconf.py)."
        )
    elif unsafe_remote_path(remote_path or ""):
        raise Exit(
            f"PUBLISH_PATH={remote_path or ''!r} ist kein sicheres Ziel: rsync würde dort alles löschen, was nicht "
            "zur Website gehört. Geben Sie den Ordner der Website auf dem Server an, z. B. /srv/www/blog."
        )
    _refuse_placeholder_address(settings)
    if directory:
        release = _build(Path(directory), CONFIG["publish_settings"], keep=_keep_releases(settings))
        print(f"Veröffentlicht: {directory} zeigt jetzt auf {release}.")
    else:
        _publish_with_rsync(settings, host, remote_path)
    _warn_placeholder_pages(settings)  # last, so that it is the last thing the author reads


def _publish_with_rsync(settings: dict, host: str, remote_path: str) -> None:
    """Build into a temporary folder exactly as for PUBLISH_DIR, then mirror it to host:remote_path."""
    with tempfile.TemporaryDirectory(prefix="kmu-publish-") as staging:
        site = Path(staging) / "site"
        try:
            build_into(CONFIG["content"], CONFIG["publish_settings"], site, finish=_finisher(settings))
        except BuildError as exc:
            raise Exit(f"Der Build ist fehlgeschlagen, die Website online bleibt unverändert. {exc}") from exc
        if subprocess.run(rsync_command(site, host, remote_path), check=False).returncode != 0:
            raise Exit(
                f"rsync nach {host}:{remote_path} ist fehlgeschlagen; online ist der alte Stand oder ein Teil davon."
            )
    print(f"Veröffentlicht nach {host}:{remote_path}")


def _check_target(directory: Path) -> None:
    """Stop with the guard's German message when PUBLISH_DIR is no safe place to publish into."""
    try:
        releases.check_target(directory, ROOT, CONFIG["content"])
    except TargetRefused as exc:
        raise Exit(str(exc)) from exc


def _rollback(directory: Path | None) -> None:
    """Switch PUBLISH_DIR back to the release before the current one."""
    if directory is None:
        raise Exit("Zurückschalten geht nur mit PUBLISH_DIR; bei rsync veröffentlichen Sie den früheren Stand neu.")
    try:
        abandoned, current = releases.rollback(directory)
    except TargetRefused as exc:
        raise Exit(str(exc)) from exc
    print(f"Zurückgeschaltet: {directory} zeigt wieder auf {current}; {abandoned.name} wurde entfernt.")


@task(help={"target": "Ordner für die PNGs (Standard screenshots/)", "dark": "auch im dunklen Farbschema"})
def screenshots(c, target: str = "screenshots", dark: bool = True):
    """Baut die Seite und speichert Bildschirmfotos jedes Seitentyps bei 1280 px und 390 px Breite."""
    from sitetools.qa.screenshots import take_screenshots

    build(c)
    written = take_screenshots(CONFIG["output"], ROOT / target, ("light", "dark") if dark else ("light",))
    print(f"{len(written)} Bildschirmfotos in {ROOT / target}")


@task(help={"lighthouse": "zusätzlich Lighthouse (aus tools/lighthouse/, mit Debians chromium) auf den Artikel"})
def audit(c, lighthouse: bool = False):
    """Baut die Seite und prüft Seitengewicht (HTML+CSS+JS), fremde und blockierende Ressourcen, Links."""
    from sitetools.qa.audit import PAGE_BUDGET_BYTES, article_pages, audit_site

    build(c)
    output = CONFIG["output"]
    weights = audit_site(output)
    articles = {p.relative_to(output).as_posix() for p in article_pages(output)}
    print(f"{'Seite':<70} {'HTML':>7} {'CSS+JS':>7} {'gesamt':>7}")
    for weight in sorted(weights, key=lambda w: -w.total_bytes):
        mark = " (Artikel)" if weight.page in articles else ""
        assets = weight.total_bytes - weight.html_bytes
        print(f"{weight.page + mark:<70} {weight.html_bytes:7d} {assets:7d} {weight.total_bytes:7d}")
    heaviest = max((w for w in weights if w.page in articles), key=lambda w: w.total_bytes, default=None)
    problems = [w for w in weights if w.third_party or w.render_blocking]
    settings = _settings(CONFIG["settings"])
    broken = check_site(output, settings["ABSOLUTE_SITEURL"], settings.get("LINK_CHECK_IGNORE", ()))
    if heaviest:
        print(f"Schwerster Artikel: {heaviest.page} {heaviest.total_bytes / 1024:.1f} KB "
              f"(Budget {PAGE_BUDGET_BYTES / 1024:.0f} KB)".replace(".", ","))  # fmt: skip
    print(f"Fremde oder blockierende Ressourcen: {len(problems)}; Links ins Leere: {len(broken)}")
    for item in problems + broken:
        print(f"  {item}")
    if lighthouse:
        _lighthouse()
    if problems or broken or (heaviest and heaviest.total_bytes > PAGE_BUDGET_BYTES):
        raise Exit("Die Prüfung hat Probleme gefunden (siehe oben).", code=1)


def _lighthouse() -> None:
    """Run the pinned Lighthouse on the article page of output/ and print its four scores."""
    import threading

    from sitetools.devserver import make_server
    from sitetools.qa.lighthouse import LighthouseError, run_lighthouse
    from sitetools.qa.site_pages import PAGE_TYPES

    server = make_server(CONFIG["output"], "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    report = ROOT / ".cache" / "lighthouse.json"
    report.parent.mkdir(exist_ok=True)
    try:
        scores = run_lighthouse(f"http://127.0.0.1:{server.server_address[1]}{PAGE_TYPES['article'][0]}", report)
    except LighthouseError as exc:
        raise Exit(str(exc)) from exc
    finally:
        server.shutdown()
    for category, score in scores.items():
        print(f"Lighthouse {category}: {score}")
    print(f"Vollständiger Bericht: {report}")


@task(
    help={
        "articles": "Zahl der erfundenen Artikel (Standard 1000)",
        "repeats": "Bauläufe je Variante (mind. 2)",
    }
)
def bench(c, articles: int = 1000, repeats: int = 2):
    """Misst Bauzeit und Speicher: Pelican pur, unser Theme, die volle Seite, invoke build, Live-Reload."""
    from sitetools.bench.run import run_benchmark

    run_benchmark(articles=articles, repeats=repeats, project=ROOT)


@task(
    help={"slug": "the article's slug, as in its URL", "explain": "also show score and the shared words of each pick"}
)
def recommend(c, slug: str, explain: bool = False):
    """Show an article's reading recommendations (nothing is built); --explain says why each was picked."""
    from recommendations.explain import UnknownArticle, read_articles, report

    try:
        print(report(read_articles(CONFIG["settings"], CONFIG["content"]), slug, explain))
    except UnknownArticle as exc:
        raise Exit(str(exc)) from exc


@task(
    help={
        "export": "the WordPress export file (Werkzeuge → Daten exportieren), e.g. export.xml",
        "uploads": "a copy of the old wp-content/uploads folder, for the images",
        "dry_run": "only report what would be imported, write nothing",
        "force": "replace files that an earlier import wrote",
        "content": "content folder to import into (default content/)",
    }
)
def import_wordpress(c, export: str, uploads: str = "", dry_run: bool = False, force: bool = False, content: str = ""):
    """Move a WordPress export into content/: posts, pages, images, comments, pingbacks and old URLs."""
    from comments.intake import config_from_settings
    from comments.queue import CommentQueue
    from sitetools.wordpress_import import ImportError_, WordPressImport

    settings = _settings(CONFIG["settings"])
    target = Path(content) if content else CONFIG["content"]
    importer = WordPressImport(
        Path(export),
        target,
        settings,
        uploads=Path(uploads) if uploads else None,
        force=force,
        deploy=ROOT / "deploy" if not content else target.parent / "deploy",
    )
    try:
        importer.plan()
    except ImportError_ as exc:
        raise Exit(f"Import abgebrochen, nichts wurde geschrieben: {exc}") from exc
    if not dry_run:
        importer.write()
        importer.queue_pending(CommentQueue(ROOT / config_from_settings(settings, CONFIG["output"]).db_path))
    print(importer.summary.report(dry_run))
    if not dry_run and importer.summary.counts["written"]:
        print("Nächster Schritt: invoke build (Vorschau mit make serve), dann invoke publish.")


# The namespace: every task of this module plus `invoke comments.*`. Keep this block at the end,
# so tasks added above are part of it (tests/comments/test_tasks.py checks that none is missing).
from tasks import comments as comments_tasks

ns = Collection.from_module(sys.modules[__name__])
ns.add_collection(comments_tasks.namespace)
