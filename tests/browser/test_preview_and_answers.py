"""In chromium: the preview's error panel and the intake's answer pages, on a phone and a desktop, light and dark."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from comments.intake import IntakeApp, IntakeConfig

from sitetools.devserver import PreviewStatus, site_app
from sitetools.findings import BuildReport, Finding
from sitetools.qa.site_pages import DESKTOP, PHONE

pytestmark = pytest.mark.browser

ARTICLE = "/kritik-in-kommentaren-und-bewertungen-souveraen-beantworten/"
WHERE = "content/articles/kritik-in-kommentaren-und-bewertungen-souveraen-beantworten.md:12"
TYPED = "Danke! Eine Frage: Wie gehen Sie mit anonymen Bewertungen um?"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:  # no request lines in the test output
        pass


@pytest.fixture(scope="module")
def preview(starter_site, tmp_path_factory) -> Iterator[tuple[str, PreviewStatus]]:
    """The starter site through the preview's WSGI app (with the intake), and the status it shows."""
    output = starter_site.output
    queue = tmp_path_factory.mktemp("queue") / "queue.sqlite3"
    intake = IntakeApp(IntakeConfig(db_path=queue, manifest_path=output / "kommentare/manifest.json", rate_limit=0))
    status = PreviewStatus()
    server = make_server("127.0.0.1", 0, site_app(output, intake, status=status), handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", status
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_error_panel_is_on_top_readable_and_never_too_wide(browser, preview, viewport, scheme):
    base, status = preview
    status.failed([Finding(WHERE, "error", "der Block „/// checklist | Bereit?“ wird nicht geschlossen")], "1 Fehler")
    page = browser.new_page(viewport=viewport, color_scheme=scheme)
    try:
        page.goto(base + ARTICLE)
        panel = page.locator("#vorschau-meldung")
        assert panel.is_visible()
        box = panel.bounding_box()
        assert box["y"] < 10 and box["height"] > 60  # at the top, where the eye starts
        assert WHERE in panel.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        colors = panel.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
        assert colors[0] != colors[1]
    finally:
        page.close()
        status.succeeded(BuildReport())  # the next test starts without a panel


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_refused_comment_comes_back_as_a_styled_page_with_the_text_kept(browser, preview, viewport, scheme):
    base, _ = preview
    page = browser.new_page(viewport=viewport, color_scheme=scheme)
    try:
        page.goto(base + ARTICLE)
        page.fill("#kommentar-name", "Erika Muster")
        page.fill("#kommentar-email", "erika@example.org")
        page.fill("#kommentar-text", TYPED)
        page.evaluate("document.getElementById('kommentar-einwilligung').required = false")  # as an old browser
        with page.expect_navigation():
            page.click(".comment-submit")
        assert page.locator("h1").inner_text() == "Bitte prüfen Sie Ihre Angaben"
        assert "Einwilligung" in page.locator("#antwort-meldung").inner_text()
        assert page.input_value("#kommentar-text") == TYPED
        assert page.input_value("#kommentar-name") == "Erika Muster"
        font = page.evaluate("getComputedStyle(document.querySelector('.comment-answer-advice')).fontFamily")
        assert "system-ui" in font  # the site's stylesheet, not the browser's Times
        assert page.locator(f'a[href="..{ARTICLE}"]').is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        page.close()
