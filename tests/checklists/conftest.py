"""The browser fixtures of tests/browser (chromium, the served starter site) for the checklist tests."""

from browser.conftest import browser, csp_server, site_server, visit

__all__ = ["browser", "csp_server", "site_server", "visit"]
