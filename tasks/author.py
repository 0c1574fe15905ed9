"""The author's everyday commands, at the top level of `invoke --list`: new, check, build, serve, publish, …"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit, task

from sitetools import releases
from sitetools.building import BuildError, build_atomically, build_into
from sitetools.publishing import copy_headers, placeholder_address, placeholder_pages, rsync_command, unsafe_remote_path
from sitetools.releases import TargetRefused
from tasks.project import DEFAULTS, ROOT, Blog, blog, link_check_ignore, pelican_settings

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


def _finisher(settings: dict) -> Callable[[Path], None]:
    """What follows Pelican (and its link check) in every build: the hosting headers, for publishconf."""

    def finish(site: Path) -> None:
        if settings.get("PUBLISH_COPY_HEADERS"):
            copy_headers(ROOT / "deploy" / "_headers", site)

    return finish


def _build(
    content: Path, target: Path, settings_file: Path, check_links: bool = True, keep: int = 2, adopt: bool = False
) -> Path:
    """Build a new release of target and switch to it, or stop with a German message and target unchanged."""
    settings = pelican_settings(settings_file)
    try:
        return build_atomically(
            content,
            settings_file,
            target,
            finish=_finisher(settings),
            keep=keep,
            project=ROOT,
            adopt=adopt,
            check_links=link_check_ignore(settings) if check_links else None,
        )
    except TargetRefused as exc:
        raise Exit(str(exc)) from exc
    except BuildError as exc:
        raise Exit(f"Der Build ist fehlgeschlagen, {target} bleibt unverändert: {exc}.") from exc


@task
def clean(c):
    """Entfernt die erzeugte Website (output/ und ihre Stände in output.releases/) und den Vorschau-Zwischenspeicher."""
    paths = blog(c)
    output = paths.output
    if output.is_dir() and not output.is_symlink():
        shutil.rmtree(output)  # a plain output/ from before the release layout
    releases.remove_all(output)
    shutil.rmtree(paths.preview_cache, ignore_errors=True)
    print(f"Entfernt: {output}, seine Stände und der Vorschau-Zwischenspeicher")


@task(help={"check_links": "vor dem Umschalten jeden internen Link des neuen Builds prüfen"})
def build(c, check_links: bool = True):
    """Baut die Website mit pelicanconf.py nach output/ (bei Fehlern bleibt output/ unverändert)."""
    paths = blog(c)
    _build(paths.content, paths.output, paths.settings, check_links, adopt=True)  # output/ belongs to the project
    print(f"Website gebaut: {paths.output}")


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
def serve(c, port: int = DEFAULTS["port"], host: str = DEFAULTS["host"]):
    """Baut die Seite und zeigt output/ unter http://127.0.0.1:8000/ (Strg+C beendet)."""
    from sitetools.devserver import make_server

    _require_free_port(host, port)
    build(c, check_links=False)
    server = make_server(blog(c).output, host, port)
    print(f"Vorschau unter http://{host}:{port}/ (Strg+C beendet sie)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task(help={"port": "Port auf 127.0.0.1 (Standard 8000)", "host": "Adresse, auf der die Vorschau erreichbar ist"})
def livereload(c, port: int = DEFAULTS["port"], host: str = DEFAULTS["host"]):
    """Vorschau mit Live-Reload und Kommentar-Annahme: baut bei jeder Änderung in content/, theme/, plugins/ neu.

    Lehnt der Bau etwas ab, bleibt die letzte fehlerfreie Fassung zu sehen, und jede Seite zeigt oben
    die Fehler mit Datei und Zeile, bis sie behoben sind.
    """
    from sitetools.devserver import PreviewStatus, describe_bind_error, livereload_server, site_app
    from sitetools.preview import preview_build
    from tasks.comment_tasks import intake_app
    from tasks.project import intake_mount

    paths = blog(c)
    settings = pelican_settings(paths.settings)
    status = PreviewStatus()

    def rebuild_preview() -> None:
        try:
            built = preview_build(
                paths.content, paths.settings, paths.output, paths.preview_cache, link_check_ignore(settings)
            )
        except BuildError as exc:
            status.failed(exc.findings, str(exc))
            print(
                f"Nicht übernommen: {exc}. Die Vorschau zeigt weiter die letzte fehlerfreie Fassung, "
                "mit den Fehlern oben in jeder Seite.",
                file=sys.stderr,
                flush=True,
            )
        else:
            if status.errors:
                print("Behoben: die Vorschau zeigt die neue Fassung, ohne Fehlermeldung.", flush=True)
            status.succeeded(built)

    _require_free_port(host, port)
    rebuild_preview()
    intake = intake_app(paths.settings, paths.output)
    server = livereload_server(site_app(paths.output, intake, intake_mount(settings), status))
    for watched in (paths.content, ROOT / "theme", ROOT / "plugins", paths.settings):
        server.watch(str(watched), rebuild_preview)
    print(f"Vorschau mit Live-Reload unter http://{host}:{port}/ (Strg+C beendet sie)")
    try:
        # debug=False: no restart of the whole preview when a Python file changes, no tracebacks in pages
        server.serve(host=host, port=port, root=str(paths.output), open_url_delay=None, debug=False)
    except OSError as exc:  # taken while the first build ran
        if exc.errno != errno.EADDRINUSE:
            raise
        raise Exit(describe_bind_error(exc, host, port)) from None


@task
def check(c):
    """Baut probeweise und nennt jeden Fehler (an dem „invoke build“ abbricht) und Hinweis mit Datei und Zeile."""
    from sitetools.findings import collect_findings, count_line

    paths = blog(c)
    ignore = link_check_ignore(pelican_settings(paths.settings))
    findings = collect_findings(paths.content, paths.settings, link_ignore=ignore)
    for finding in findings:
        print(finding)
    print(count_line(findings))
    if any(f.severity == "error" for f in findings):
        raise Exit("Beheben Sie die Fehler oben: an ihnen bricht auch „invoke build“ ab.", code=1)


@task(help={"title": 'Titel des Artikels, z. B. "Wann sich Social Media lohnt"'})
def new(c, title: str):
    """Legt einen Entwurf mit deutscher Adresse (Slug) und allen Kopfzeilen an (überschreibt nie etwas)."""
    from pelican.utils import slugify

    paths = blog(c)
    settings = pelican_settings(paths.settings)
    slug = slugify(
        title,
        regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"],
        use_unicode=settings["SLUGIFY_USE_UNICODE"],
    )
    if not slug:
        raise Exit(f"Aus dem Titel „{title}“ lässt sich kein Dateiname machen; verwenden Sie Buchstaben oder Ziffern.")
    path = paths.content / "articles" / f"{slug}.md"
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


def _warn_placeholder_pages(settings: dict, content: Path) -> None:
    """Warn loudly about every page still marked `Placeholder: true` (the starter Impressum)."""
    for source in placeholder_pages(dict(settings, PATH=str(content))):
        name = os.path.relpath(source, content.parent)
        print(
            f"\n!!! ACHTUNG: {name} ist noch als Platzhalter markiert (Placeholder: true).\n"
            "!!! Ersetzen Sie die Angaben durch Ihre echten Daten und löschen Sie dann diese Zeile.\n",
            file=sys.stderr,
        )


@task(help={"rollback": "PUBLISH_DIR auf den vorherigen Stand zurückschalten, ohne zu bauen"})
def publish(c, rollback: bool = False):
    """Baut mit publishconf.py und schaltet PUBLISH_DIR atomar auf den neuen Stand, oder lädt per rsync hoch."""
    paths = blog(c)
    settings = pelican_settings(paths.publish_settings)
    directory = _publish_setting(settings, "PUBLISH_DIR")
    host = _publish_setting(settings, "PUBLISH_HOST")
    remote_path = _publish_setting(settings, "PUBLISH_PATH")
    if rollback:
        _rollback(Path(directory) if directory else None)
        return
    if directory:
        _check_target(Path(directory), paths.content)
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
    _pull_remote_comments(c, settings)
    if directory:
        release = _build(paths.content, Path(directory), paths.publish_settings, keep=_keep_releases(settings))
        print(f"Veröffentlicht: {directory} zeigt jetzt auf {release}.")
    else:
        _publish_with_rsync(paths, settings, host, remote_path)
    _warn_placeholder_pages(settings, paths.content)  # last, so that it is the last thing the author reads


def _pull_remote_comments(c, settings: dict) -> None:
    """With COMMENTS_REMOTE set: first fetch the comments approved on the server by e-mail link (comments.pull)."""
    from comments.plugin import setting_from_env

    if not setting_from_env(settings, "COMMENTS_REMOTE", None):
        return
    from tasks.comment_tasks import pull_comments

    try:
        count = pull_comments(c)
    except Exit as exc:  # the site goes out anyway; what was not fetched waits on the server
        print(f"{exc.message}\nVeröffentlicht wird trotzdem; den Rest holt invoke comments.pull.", file=sys.stderr)
        return
    fetched = "1 freigeschalteter Kommentar" if count == 1 else f"{count} freigeschaltete Kommentare"
    print(f"Vom Kommentarserver geholt: {fetched}.")


def _publish_with_rsync(paths: Blog, settings: dict, host: str, remote_path: str) -> None:
    """Build into a temporary folder exactly as for PUBLISH_DIR, then mirror it to host:remote_path."""
    with tempfile.TemporaryDirectory(prefix="kmu-publish-") as staging:
        site = Path(staging) / "site"
        try:
            build_into(
                paths.content,
                paths.publish_settings,
                site,
                finish=_finisher(settings),
                check_links=link_check_ignore(settings),
            )
        except BuildError as exc:
            raise Exit(f"Der Build ist fehlgeschlagen, die Website online bleibt unverändert: {exc}.") from exc
        if subprocess.run(rsync_command(site, host, remote_path), check=False).returncode != 0:
            raise Exit(
                f"rsync nach {host}:{remote_path} ist fehlgeschlagen; online ist der alte Stand oder ein Teil davon."
            )
    print(f"Veröffentlicht nach {host}:{remote_path}")


def _check_target(directory: Path, content: Path) -> None:
    """Stop with the guard's German message when PUBLISH_DIR is no safe place to publish into."""
    try:
        releases.check_target(directory, ROOT, content)
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
    help={
        "slug": "Slug des Artikels, wie in seiner Adresse",
        "explain": "zu jeder Empfehlung auch Punktzahl und gemeinsame Wörter zeigen",
    }
)
def recommend(c, slug: str, explain: bool = False):
    """Zeigt die Leseempfehlungen eines Artikels (ohne zu bauen); --explain sagt, warum jede gewählt wurde."""
    from recommendations.explain import UnknownArticle, read_articles, report

    try:
        paths = blog(c)
        print(report(read_articles(paths.settings, paths.content), slug, explain))
    except UnknownArticle as exc:
        raise Exit(str(exc)) from exc


@task(
    help={
        "export": "die Export-Datei aus WordPress (Werkzeuge → Daten exportieren), z. B. export.xml",
        "uploads": "eine Kopie des alten Ordners wp-content/uploads, für die Bilder",
        "dry_run": "nur berichten, was übernommen würde, nichts schreiben",
        "force": "Dateien ersetzen, die ein früherer Import geschrieben hat",
        "content": "Inhaltsordner, in den importiert wird (Standard content/)",
    }
)
def import_wordpress(c, export: str, uploads: str = "", dry_run: bool = False, force: bool = False, content: str = ""):
    """Übernimmt einen WordPress-Export nach content/: Beiträge, Seiten, Bilder, Kommentare, alte Adressen."""
    from comments.intake import config_from_settings
    from comments.queue import CommentQueue

    from sitetools.wordpress import ImportError_, WordPressImport

    paths = blog(c)
    settings = pelican_settings(paths.settings)
    target = Path(content) if content else paths.content
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
        if not dry_run:
            importer.write()  # all files or none: a failed rename rolls back what was moved
    except ImportError_ as exc:
        raise Exit(f"Import abgebrochen, nichts wurde geschrieben: {exc}") from exc
    if not dry_run:
        importer.queue_pending(CommentQueue(ROOT / config_from_settings(settings, paths.output).db_path))
    print(importer.summary.report(dry_run))
    if not dry_run and importer.summary.counts["written"]:
        print("Nächster Schritt: invoke build (Vorschau mit make serve), dann invoke publish.")
