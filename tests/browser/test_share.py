"""Share links: nothing loads before a click; "Link kopieren" and the Mastodon question work."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser_fixtures import PAGE_TYPES

pytestmark = pytest.mark.browser
ARTICLE = PAGE_TYPES["article"][0]


def test_article_requests_nothing_from_a_network_before_a_click(visit):
    page = visit(ARTICLE)
    page.page.wait_for_load_state("networkidle")
    assert page.foreign_requests == []
    assert page.page.locator(".share a[data-network]").count() == 7


def test_copy_link_copies_the_canonical_address(visit):
    page = visit(ARTICLE)
    page.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    button = page.page.get_by_role("button", name="Link kopieren")
    button.click()
    page.page.locator(".share-status", has_text="Link kopiert.").wait_for()
    canonical = page.page.locator('link[rel="canonical"]').get_attribute("href")
    assert page.page.evaluate("navigator.clipboard.readText()") == canonical


def test_mastodon_asks_for_the_server_and_opens_its_share_page(visit):
    page = visit(ARTICLE)
    page.page.get_by_role("button", name="Link kopieren").wait_for()  # share.js (deferred) has run
    page.page.once("dialog", lambda dialog: dialog.accept("https://social.example/@ich"))
    with page.page.context.expect_page() as popup:
        page.page.get_by_role("link", name="Mastodon").click()
    popup.value.wait_for_load_state()
    assert len(page.foreign_requests) == 1  # the one request the reader asked for (blocked by the test guard)
    address = urlsplit(page.foreign_requests[0])
    assert (address.scheme, address.hostname, address.path) == ("https", "social.example", "/share")
    canonical = page.page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical in parse_qs(address.query)["text"][0]
