"""A small preview server for output/: 127.0.0.1 by default, the site's 404 page for missing paths."""

from __future__ import annotations

import functools
import logging
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

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


def livereload_server():
    """A livereload Server whose static files answer missing paths with the site's 404 page."""
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

    server = Server()
    server.SFH = SiteStaticFileHandler
    return server
