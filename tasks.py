"""The author's workflow. `invoke --list` shows every task, `invoke --help TASK` explains one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Collection, Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from content_lint import lint_content

from sitetools.building import BuildError, build_atomically, run_pelican
from sitetools.linkcheck import check_site

CONFIG = {
    "content": ROOT / "content",
    "settings": ROOT / "pelicanconf.py",
    "publish_settings": ROOT / "publishconf.py",
    "output": ROOT / "output",
    "host": "127.0.0.1",
    "port": 8000,
}

ARTICLE_TEMPLATE = """\
Title: {title}
Date: {date}
Category: Strategie
Tags: Ziele
Author: {author}
Summary: Ein bis zwei Sätze, die neugierig machen und in Übersicht und Feeds erscheinen.
Status: draft

Schreiben Sie hier die Einleitung. Entfernen Sie die Zeile „Status: draft“, wenn der Artikel
erscheinen soll.

## Erste Zwischenüberschrift

Text …

## Fazit

Text …
"""


def _settings(path: Path) -> dict:
    """Pelican's settings as read from a settings file (with Pelican's defaults)."""
    from pelican.settings import read_settings

    return read_settings(str(path))


def _lint_or_exit(settings: dict) -> None:
    """Print content errors with file and line and stop before Pelican runs."""
    findings = lint_content(CONFIG["content"], settings)
    errors = [f for f in findings if f.severity == "error"]
    for finding in errors:
        print(finding, file=sys.stderr)
    if errors:
        raise Exit(f"{len(errors)} content error(s) above; nothing was built or published.", code=1)


def _verify_links(settings: dict) -> Callable[[Path], None]:
    """A check for a finished build: every internal link, anchor and asset of the new pages resolves."""

    def verify(output: Path) -> None:
        broken = check_site(output, settings["ABSOLUTE_SITEURL"], settings.get("LINK_CHECK_IGNORE", ()))
        if broken:
            listing = "\n".join(f"  {b}" for b in broken)
            raise BuildError(f"{len(broken)} broken link(s) in the built pages; fix them in the content:\n{listing}")

    return verify


def _build(target: Path, settings_file: Path, check_links: bool = True) -> None:
    """Build the site atomically into target or stop with a clear message."""
    settings = _settings(settings_file)
    _lint_or_exit(settings)
    verify = _verify_links(settings) if check_links else None
    try:
        build_atomically(CONFIG["content"], settings_file, target, verify=verify)
    except BuildError as exc:
        raise Exit(f"Build failed, {target} is unchanged. {exc}") from exc


@task
def clean(c):
    """Remove the generated site (output/) and left-over build directories."""
    shutil.rmtree(CONFIG["output"], ignore_errors=True)
    for leftover in ROOT.glob(".build-*"):
        shutil.rmtree(leftover, ignore_errors=True)


@task(help={"check_links": "check every internal link of the new build before it replaces output/"})
def build(c, check_links: bool = True):
    """Build the site with pelicanconf.py into output/ (content errors stop it; output/ stays intact)."""
    _build(CONFIG["output"], CONFIG["settings"], check_links)
    print(f"Site built into {CONFIG['output']}")


@task(pre=[clean, build])
def rebuild(c):
    """Remove output/ and build the site from scratch."""


@task(help={"port": "port on 127.0.0.1 (default 8000)", "host": "address to listen on"})
def serve(c, port: int = CONFIG["port"], host: str = CONFIG["host"]):
    """Build the site and serve output/ at http://127.0.0.1:8000/ (Ctrl+C stops)."""
    from sitetools.devserver import make_server

    build(c, check_links=False)
    server = make_server(CONFIG["output"], host, port)
    print(f"Serving {CONFIG['output']} at http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task(help={"port": "port on 127.0.0.1 (default 8000)", "host": "address to listen on"})
def livereload(c, port: int = CONFIG["port"], host: str = CONFIG["host"]):
    """Build, serve and rebuild on every change in content/, theme/, plugins/ or the settings."""
    from sitetools.comments_tasks import intake_app
    from sitetools.devserver import livereload_server, site_app

    def rebuild_quietly() -> None:
        try:
            build_atomically(CONFIG["content"], CONFIG["settings"], CONFIG["output"])
        except BuildError as exc:
            print(f"Build failed, the previous version stays online: {exc}", file=sys.stderr)

    build(c, check_links=False)
    server = livereload_server(site_app(CONFIG["output"], intake_app(CONFIG["output"])))  # site + comment intake
    for watched in ("content", "theme", "plugins", "pelicanconf.py"):
        server.watch(str(ROOT / watched), rebuild_quietly)
    print(f"Serving with live reload at http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(host=host, port=port, root=str(CONFIG["output"]), open_url_delay=None)


@task
def check(c):
    """Lint the content: errors (build would fail) and findings (summary, alt text, image credit)."""
    findings = lint_content(CONFIG["content"], _settings(CONFIG["settings"]))
    for finding in findings:
        print(finding)
    errors = sum(1 for f in findings if f.severity == "error")
    hints = len(findings) - errors
    print(f"{errors} Fehler, {hints} Hinweise")
    if errors:
        raise Exit("Fix the errors above; the build stops on them.", code=1)


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
        raise Exit(f"Cannot make a file name from the title {title!r}; use letters or digits.")
    path = CONFIG["content"] / "articles" / f"{slug}.md"
    if path.exists():
        raise Exit(f"{path} already exists; choose another title or edit that file.")
    now = datetime.now(ZoneInfo(settings["TIMEZONE"])).strftime("%Y-%m-%d %H:%M")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ARTICLE_TEMPLATE.format(title=title, date=now, author=settings["AUTHOR"])
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"Created draft {path}")


def _publish_targets() -> tuple[Path | None, str | None, str | None]:
    """PUBLISH_DIR, PUBLISH_HOST and PUBLISH_PATH from the environment or publishconf.py."""
    settings = _settings(CONFIG["publish_settings"])
    values = [os.environ.get(key) or settings.get(key) for key in ("PUBLISH_DIR", "PUBLISH_HOST", "PUBLISH_PATH")]
    directory, host, remote_path = values
    return (Path(directory) if directory else None), host, remote_path


@task
def publish(c):
    """Build with publishconf.py and swap it atomically into PUBLISH_DIR, or rsync to PUBLISH_HOST."""
    directory, host, remote_path = _publish_targets()
    if directory:
        _build(directory, CONFIG["publish_settings"])
        print(f"Published into {directory}")
        return
    if not (host and remote_path):
        raise Exit("Set PUBLISH_DIR, or PUBLISH_HOST and PUBLISH_PATH (environment or publishconf.py).")
    settings = _settings(CONFIG["publish_settings"])
    _lint_or_exit(settings)
    staging = Path(tempfile.mkdtemp(prefix="kmu-publish-"))
    try:
        run_pelican(CONFIG["content"], CONFIG["publish_settings"], staging)
        _verify_links(settings)(staging)  # the same check as a local publish, before anything is uploaded
        # --delay-updates puts all files in place at the end, so readers never see a mix.
        command = [
            "rsync",
            "-az",
            "--delete-after",
            "--delay-updates",
            f"{staging}/",
            f"{host}:{remote_path}/",
        ]
        if subprocess.run(command, check=False).returncode != 0:
            raise Exit(f"rsync to {host}:{remote_path} failed; the live site was not changed or only partly.")
        print(f"Published to {host}:{remote_path}")
    except BuildError as exc:
        raise Exit(f"Build failed, the live site is unchanged. {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@task(help={"target": "folder for the PNGs (default screenshots/)", "dark": "also the dark colour scheme"})
def screenshots(c, target: str = "screenshots", dark: bool = True):
    """Build the site and write PNGs of every page type at 1280 px and 390 px into a folder."""
    from sitetools.screenshots import take_screenshots

    build(c)
    written = take_screenshots(CONFIG["output"], ROOT / target, ("light", "dark") if dark else ("light",))
    print(f"{len(written)} screenshots in {ROOT / target}")


@task(help={"lighthouse": "also run Lighthouse (npx lighthouse, CHROME_PATH=/usr/bin/chromium) on the article"})
def audit(c, lighthouse: bool = False):
    """Build the site and report page weight (HTML+CSS+JS per page), third-party and blocking resources."""
    from sitetools.audit import PAGE_BUDGET_BYTES, article_pages, audit_site

    build(c)
    output = CONFIG["output"]
    weights = audit_site(output)
    articles = {p.relative_to(output).as_posix() for p in article_pages(output)}
    print(f"{'page':<70} {'HTML':>7} {'CSS+JS':>7} {'total':>7}")
    for weight in sorted(weights, key=lambda w: -w.total_bytes):
        mark = " (Artikel)" if weight.page in articles else ""
        assets = weight.total_bytes - weight.html_bytes
        print(f"{weight.page + mark:<70} {weight.html_bytes:7d} {assets:7d} {weight.total_bytes:7d}")
    heaviest = max((w for w in weights if w.page in articles), key=lambda w: w.total_bytes, default=None)
    problems = [w for w in weights if w.third_party or w.render_blocking]
    settings = _settings(CONFIG["settings"])
    broken = check_site(output, settings["ABSOLUTE_SITEURL"], settings.get("LINK_CHECK_IGNORE", ()))
    if heaviest:
        print(f"Heaviest article: {heaviest.page} {heaviest.total_bytes / 1024:.1f} KB "
              f"(budget {PAGE_BUDGET_BYTES / 1024:.0f} KB)")  # fmt: skip
    print(f"Third-party or render-blocking resources: {len(problems)}; broken links: {len(broken)}")
    for item in problems + broken:
        print(f"  {item}")
    if lighthouse:
        _lighthouse(c)
    if problems or broken or (heaviest and heaviest.total_bytes > PAGE_BUDGET_BYTES):
        raise Exit("The audit found problems (see above).", code=1)


def _lighthouse(c) -> None:
    """Run Lighthouse on the article page and print its four scores (needs `npx lighthouse`)."""
    import json
    import threading

    from sitetools.devserver import make_server
    from sitetools.site_pages import PAGE_TYPES

    server = make_server(CONFIG["output"], "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{PAGE_TYPES['article'][0]}"
    flags = "--headless=new --no-sandbox --disable-gpu"
    report = ROOT / ".cache/lighthouse.json"
    report.parent.mkdir(exist_ok=True)
    try:
        c.run(
            f"npx --yes lighthouse {url} --quiet --output=json --output-path={report} "
            f'--chrome-flags="{flags}" --only-categories=performance,accessibility,best-practices,seo',
            env={"CHROME_PATH": "/usr/bin/chromium"},
        )
    finally:
        server.shutdown()
    scores = json.loads(report.read_text())["categories"]
    for key, category in scores.items():
        print(f"Lighthouse {key}: {round(category['score'] * 100)}")


@task(help={"articles": "number of synthetic articles (default 1000)", "repeats": "builds per variant"})
def bench(c, articles: int = 1000, repeats: int = 2):
    """Time vanilla Pelican, our theme without plugins and the full site on a synthetic corpus."""
    from sitetools.benchmark import run_benchmark

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


# The namespace: every task of this module plus `invoke comments.*`. Keep this block at the end,
# so tasks added above are part of it (tests/comments/test_tasks.py checks that none is missing).
from sitetools import comments_tasks

ns = Collection.from_module(sys.modules[__name__])
ns.add_collection(comments_tasks.namespace)
