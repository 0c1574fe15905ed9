"""A small preview server for output/: 127.0.0.1 by default, the site's 404 page for missing paths."""

from __future__ import annotations

import errno
import functools
import html
import logging
import mimetypes
import posixpath
import re
import socket
from collections.abc import Callable, Iterable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote

from sitetools.findings import BuildReport, Finding

logger = logging.getLogger(__name__)


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Serves a built site; answers missing paths with its 404.html and status 404."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml",
        ".svg": "image/svg+xml",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
    }
    extra_headers: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        """Add the configured extra headers (e.g. the production security headers) to every answer."""
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Use the site's own 404 page when there is one."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Log through logging instead of stderr (no client addresses)."""
        logger.debug("%s", format % args)


def make_server(
    directory: Path, host: str = "127.0.0.1", port: int = 8000, headers: dict[str, str] | None = None
) -> ThreadingHTTPServer:
    """A threading HTTP server for directory; port 0 picks a free port."""
    handler_class = type("Handler", (SiteRequestHandler,), {"extra_headers": dict(headers or {})})
    handler = functools.partial(handler_class, directory=str(directory))
    return ThreadingHTTPServer((host, port), handler)


MAIL_AREAS = ("moderation", "benachrichtigung", "abmelden")  # the intake's pages behind e-mail links
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".svg": "image/svg+xml",
                 ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}  # fmt: skip


def site_app(
    directory: Path, intake: Callable | None = None, mount: str | None = None, status: PreviewStatus | None = None
) -> Callable:
    """A WSGI app serving a built site (with its 404 page) and, under mount, the comment intake.

    mount is the intake's URL path (from COMMENTS["intake_path"]); without it, the one the intake
    itself was configured with (its config.mount). With status (the live-reload preview), every
    HTML page carries the panel of the last build.
    """
    if intake and mount is None:
        config = getattr(intake, "config", None)
        if config is None:
            raise TypeError("site_app: pass mount (COMMENTS['intake_path']) for an intake without a config")
        mount = config.mount

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        dynamic = "/api/" in path or path.startswith(tuple(f"{mount}{area}/" for area in MAIL_AREAS))
        if intake and path.startswith(mount.rstrip("/")) and (method not in ("GET", "HEAD") or dynamic):
            return intake(environ, start_response)
        status_line, headers, body = _static(directory, path)
        if status is not None and any(value.startswith("text/html") for _, value in headers):
            if status_line.startswith("404") and not (directory / "404.html").is_file():
                body = NO_SITE_YET
            body = inject_panel(body, status.panel(_page_of(path)))
            headers = [(k, v) for k, v in headers if k != "Cache-Control"] + [("Cache-Control", "no-store")]
        start_response(status_line, [*headers, ("Content-Length", str(len(body)))])
        return [b"" if method == "HEAD" else body]

    return app


def _page_of(path: str) -> str:
    """The output page a URL path stands for: "/a/" -> "a/index.html"."""
    relative = posixpath.normpath(unquote(path)).lstrip("/")
    if relative in ("", "."):
        return "index.html"
    return relative if relative.endswith(".html") else f"{relative}/index.html"


def _static(directory: Path, path: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, headers and body of one file of the built site; paths never leave directory."""
    relative = posixpath.normpath(unquote(path)).lstrip("/")
    target = directory / relative if relative not in ("", ".") and not relative.startswith("..") else directory
    if target.is_dir():
        if not path.endswith("/"):
            return "301 Moved Permanently", [("Location", path + "/")], b""
        target = target / "index.html"
    if not target.is_file() or not target.resolve().is_relative_to(directory.resolve()):
        page = directory / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found"
        return "404 Not Found", [("Content-Type", "text/html; charset=utf-8")], body
    kind = CONTENT_TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return "200 OK", [("Content-Type", kind), ("Cache-Control", "no-cache")], target.read_bytes()


def port_problem(host: str, port: int) -> str | None:
    """Why a preview server cannot listen on host:port, as one German line for the author, or None."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            probe.bind((host, port))
        except OSError as exc:
            return describe_bind_error(exc, host, port)
    return None


def describe_bind_error(exc: OSError, host: str, port: int) -> str:
    """One German line for an error while binding host:port."""
    if exc.errno == errno.EADDRINUSE:
        return (f"Port {port} auf {host} ist schon belegt (läuft die Vorschau schon?): beenden Sie das andere "
                f"Programm oder wählen Sie einen anderen Port, z. B. make serve PORT={port + 1}")  # fmt: skip
    if exc.errno == errno.EACCES:
        return f"Port {port} dürfen nur Administratoren öffnen: wählen Sie einen ab 1024, z. B. make serve PORT=8000"
    return f"Die Vorschau kann {host}:{port} nicht öffnen: {exc.strerror}"


def livereload_server(app: Callable | None = None):
    """A livereload Server: for app (site_app) or, without one, its static files with the site's 404 page.

    Its English info lines and tornado's access log (client addresses) stay quiet; livereload's
    warnings and errors still show.
    """
    from livereload import Server
    from livereload.handlers import LiveReloadHandler, StaticFileHandler
    from livereload.watcher import Watcher
    from tornado.ioloop import PeriodicCallback

    class QuickWatcher(Watcher):
        """livereload's polling watcher, four times a second instead of every 0.8 s."""

        def start(self, callback) -> bool:
            PeriodicCallback(callback, WATCH_INTERVAL_MS).start()
            return True

    class SiteStaticFileHandler(StaticFileHandler):
        def write_error(self, status_code: int, **kwargs) -> None:
            page = Path(self.root) / "404.html"
            if status_code == 404 and page.is_file():
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(page.read_bytes())
            else:
                super().write_error(status_code, **kwargs)

    logging.getLogger("livereload").addFilter(lambda record: record.levelno >= logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # one line per request, with the client address
    # livereload skips the reload of a change within 3 s of the last one: a quick fix would stay unseen
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server = Server(app=app, watcher=QuickWatcher())
    server.SFH = SiteStaticFileHandler
    return server


PANEL_STYLE = """
#vorschau-meldung{all:initial;display:block;box-sizing:border-box;margin:0;padding:1rem 1.25rem;
font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fdecea;
border-bottom:4px solid #b3261e;overflow-wrap:anywhere}
#vorschau-meldung *{all:revert;box-sizing:border-box;font:inherit;color:inherit}
#vorschau-meldung>strong:first-child{display:block;font-size:1.15rem;font-weight:700;color:#8c1d18}
#vorschau-meldung p{margin:.35rem 0}
#vorschau-meldung ul{margin:.5rem 0 0;padding:0 0 0 1.2rem}
#vorschau-meldung li{margin:.3rem 0}
#vorschau-meldung code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em;
font-weight:700}
#vorschau-meldung.hinweise{background:#f3f1ea;border-bottom:2px solid #8a7f5c;padding:.5rem 1.25rem;font-size:.9rem}
#vorschau-meldung.hinweise>strong:first-child{font-size:1rem;color:#5a4e2a}
@media (prefers-color-scheme:dark){
#vorschau-meldung{color:#f4dedc;background:#3b1715;border-bottom-color:#f2b8b5}
#vorschau-meldung>strong:first-child{color:#ffb4ab}
#vorschau-meldung.hinweise{color:#e8e2d0;background:#2a2720;border-bottom-color:#b9ad86}
#vorschau-meldung.hinweise>strong:first-child{color:#e6d9a8}}
"""
WATCH_INTERVAL_MS = 250  # how often the preview looks for changed files
BODY_RE = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
NO_SITE_YET = (
    b'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
    b'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Vorschau</title></head>'
    b"<body><main><h1>Noch keine fehlerfreie Fassung</h1><p>Sobald der Bau gelingt, erscheint hier die Website.</p>"
    b"</main></body></html>"
)


class PreviewStatus:
    """What the last preview build said; the preview server shows it in every page it serves.

    errors: why the last build was rejected (the site served is the one before it); findings: the
    softer findings of the last build, keyed by nothing, shown per page (of its own source file).
    """

    def __init__(self) -> None:
        self.errors: list[Finding] = []
        self.findings: list[Finding] = []
        self.sources: dict[str, str] = {}  # output page -> Markdown file, from the last good build

    def succeeded(self, report: BuildReport) -> None:
        """A build was switched in: no panel but the findings of each page's own source."""
        self.errors = []
        self.findings = [f for f in report.findings if f.severity != "error"]
        self.sources = dict(report.pages)

    def failed(self, findings: list[Finding], message: str) -> None:
        """A build was rejected: its errors (or, when it named none, message) until the next good one."""
        errors = [f for f in findings if f.severity == "error"]
        self.errors = errors or [Finding("", "error", message)]

    def panel(self, page: str) -> bytes:
        """The HTML panel for the output page page ("a/index.html"), or b"" when there is nothing to say."""
        if self.errors:
            items = "".join(f"<li>{_where(f)}{html.escape(f.text)}</li>" for f in self.errors)
            count = "ein Fehler" if len(self.errors) == 1 else f"{len(self.errors)} Fehler"
            body = (
                f"<strong>Der letzte Bau wurde abgelehnt: {count}</strong>"
                "<p>Sie sehen noch die letzte fehlerfreie Fassung. Beheben Sie den Fehler und speichern Sie; "
                "die Seite lädt dann von selbst neu.</p>"
                f"<ul>{items}</ul>"
            )
            return _panel("fehler", body, "alert")
        source = self.sources.get(page)
        own = [f for f in self.findings if source and f.path == source]
        if not own:
            return b""
        items = "".join(f"<li>{f'Zeile {f.line}: ' if f.line else ''}{html.escape(f.text)}</li>" for f in own)
        count = "1 Hinweis" if len(own) == 1 else f"{len(own)} Hinweise"
        return _panel("hinweise", f"<strong>{count} zu dieser Seite</strong><ul>{items}</ul>", "status")


def _where(finding: Finding) -> str:
    return f"<code>{html.escape(finding.where)}</code>: " if finding.where else ""


def _panel(kind: str, body: str, role: str) -> bytes:
    return (
        f'<style>{PANEL_STYLE}</style><section id="vorschau-meldung" class="{kind}" role="{role}" '
        f'aria-label="Meldung der Vorschau">{body}</section>'
    ).encode()


def inject_panel(page: bytes, panel: bytes) -> bytes:
    """page with panel at the start of its body (or in front, for a page without one)."""
    if not panel:
        return page
    match = BODY_RE.search(page)
    if not match:
        return panel + page
    return page[: match.end()] + panel + page[match.end() :]
