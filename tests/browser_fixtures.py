"""Browser fixtures: the starter site served on 127.0.0.1 and Debian's chromium via Playwright.

Registered once for the whole suite by tests/conftest.py: one Playwright per test process, since a
second sync_playwright() in the same process fails ("Sync API inside the asyncio loop").

Every visit records console errors, failed requests and any request to a host other than
127.0.0.1 (those are blocked, never sent). New page types join the checks with one line in
PAGE_TYPES.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, sync_playwright

from sitetools.devserver import make_server
from sitetools.qa.browser import launch_chromium
from sitetools.qa.headers import SECURITY_HEADERS
from sitetools.qa.site_pages import DESKTOP

# The starter site's pages, one per page type, that the browser tests visit (an author's own site:
# sitetools.qa.site_pages.page_types(), which tests/sitetools/qa/test_site_pages.py holds to these kinds).
PAGE_TYPES: dict[str, tuple[str, int]] = {
    "home": ("/", 200),
    "paginated-index": ("/seite/2/", 200),
    "article": ("/wann-sich-social-media-fuer-kmu-nicht-lohnt/", 200),
    "article-with-comments": ("/kritik-in-kommentaren-und-bewertungen-souveraen-beantworten/", 200),
    "page": ("/ueber/", 200),
    "category": ("/kategorie/strategie/", 200),
    "tag": ("/schlagwort/ziele/", 200),
    "author": ("/autor/katrin-albrecht/", 200),
    "archives": ("/archiv/", 200),
    "categories": ("/kategorien/", 200),
    "tags": ("/schlagwoerter/", 200),
    "search": ("/suche/?q=Bewertungen", 200),
    "subscribe": ("/abonnieren/", 200),
    "404": ("/diese-seite-gibt-es-nicht/", 404),
    "checklist-article": ("/social-media-im-b2b-mittelstand/", 200),
    "checklists": ("/checklisten/", 200),
    "checklist-print": ("/checklisten/lohnt-sich/", 200),
}

RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""
LOCAL_HOSTS = {"127.0.0.1"}


@dataclass
class Visit:
    """A page opened in the browser, with everything that went wrong while loading it."""

    page: Page
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        """Content-Security-Policy violations the page reported so far."""
        return self.page.evaluate("window.__cspViolations || []")

    def problems(self) -> list[str]:
        """Console errors, failed and third-party requests and CSP violations, for one assertion."""
        return (
            [f"console: {e}" for e in self.console_errors]
            + [f"failed: {r}" for r in self.failed_requests]
            + [f"third-party: {r}" for r in self.foreign_requests]
            + [f"csp: {v}" for v in self.csp_violations()]
        )


@dataclass
class SiteServer:
    """The built site served over HTTP on 127.0.0.1."""

    root: Path
    base_url: str


def serve_directory(root: Path, headers: dict[str, str] | None = None) -> Iterator[SiteServer]:
    """Serve root on a free port of 127.0.0.1 in a thread until the generator is closed."""
    server = make_server(root, "127.0.0.1", 0, headers=headers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SiteServer(root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_server(starter_site) -> Iterator[SiteServer]:
    """The starter site on a free port of 127.0.0.1."""
    yield from serve_directory(starter_site.output)


@pytest.fixture(scope="session")
def csp_server(starter_site) -> Iterator[SiteServer]:
    """The starter site served with the production security headers from deploy/_headers."""
    yield from serve_directory(starter_site.output, headers=SECURITY_HEADERS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright (no browser download)."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def visit(browser: Browser, site_server: SiteServer) -> Iterator[Callable[..., Visit]]:
    """Open a path of the served site; returns a Visit that recorded every problem."""
    contexts = []

    def open_path(
        path: str,
        viewport: dict[str, int] = DESKTOP,
        color_scheme: str = "light",
        server: SiteServer | None = None,
    ) -> Visit:
        context = browser.new_context(viewport=viewport, color_scheme=color_scheme, java_script_enabled=True)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page)

        def guard(route, request: Request) -> None:
            if urlsplit(request.url).hostname in LOCAL_HOSTS or request.url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                visit.foreign_requests.append(request.url)
                route.abort()

        context.route("**/*", guard)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
        page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
        page.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and r.request.resource_type != "document"
                and visit.failed_requests.append(f"{r.url} ({r.status})")
            ),
        )
        response = page.goto((server or site_server).base_url + path, wait_until="load")
        visit.status = response.status if response else None
        visit.headers = response.all_headers() if response else {}
        return visit

    yield open_path
    for context in contexts:
        context.close()
