"""A small preview server for output/: 127.0.0.1 by default, the site's 404 page for missing paths."""

from __future__ import annotations

import errno
import functools
import logging
import mimetypes
import posixpath
import socket
from collections.abc import Callable, Iterable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote

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


CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".svg": "image/svg+xml",
                 ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}  # fmt: skip


def site_app(directory: Path, intake: Callable | None = None, mount: str | None = None) -> Callable:
    """A WSGI app serving a built site (with its 404 page) and, under mount, the comment intake.

    mount is the intake's URL path (from COMMENTS["intake_path"]); without it, the one the intake
    itself was configured with (its config.mount).
    """
    if intake and mount is None:
        config = getattr(intake, "config", None)
        if config is None:
            raise TypeError("site_app: pass mount (COMMENTS['intake_path']) for an intake without a config")
        mount = config.mount

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if intake and path.startswith(mount.rstrip("/")) and (method not in ("GET", "HEAD") or "/api/" in path):
            return intake(environ, start_response)
        status, headers, body = _static(directory, path)
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [b"" if method == "HEAD" else body]

    return app


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
    from livereload.handlers import StaticFileHandler

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
    server = Server(app=app)
    server.SFH = SiteStaticFileHandler
    return server
