"""`invoke qa.screenshots`: PNGs of every page type at desktop and phone width, light and dark."""

from __future__ import annotations

import threading
from pathlib import Path

from sitetools.devserver import make_server
from sitetools.qa.browser import launch_chromium
from sitetools.qa.site_pages import VIEWPORTS


def take_screenshots(
    site: Path, target: Path, pages: dict[str, tuple[str, int]], schemes: tuple[str, ...] = ("light", "dark")
) -> list[Path]:
    """Serve site on a free loopback port and write full-page PNGs of pages into target; return their paths.

    pages: page type -> (path, status), as site_pages.page_types() reads them from the built site.
    """
    from playwright.sync_api import sync_playwright

    target.mkdir(parents=True, exist_ok=True)
    server = make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    written = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for scheme in schemes:
                for viewport in VIEWPORTS.values():
                    context = browser.new_context(viewport=viewport, color_scheme=scheme)
                    page = context.new_page()
                    for name, (path, _status) in pages.items():
                        page.goto(base + path, wait_until="load")
                        png = target / f"{name}-{viewport['width']}-{scheme}.png"
                        page.screenshot(path=str(png), full_page=True)
                        written.append(png)
                    context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return written
