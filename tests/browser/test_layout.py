"""Layout in chromium: a compact header, tables that scroll on their own, charts that follow dark mode."""

from __future__ import annotations

import pytest
from browser_fixtures import PAGE_TYPES

from sitetools.qa.site_pages import DESKTOP, PHONE

pytestmark = pytest.mark.browser

ARTICLE_WITH_TABLE = "/ein-redaktionsplan-der-im-alltag-haelt/"
ROW_TOPS = "sel => [...document.querySelectorAll(sel)].map(e => Math.round(e.getBoundingClientRect().top))"


def test_header_is_one_row_on_desktop(visit):
    page = visit("/", viewport=DESKTOP).page
    tops = page.evaluate(ROW_TOPS, ".header-bar > *")
    assert max(tops) - min(tops) < 20, tops
    assert page.evaluate("document.querySelector('.site-header').offsetHeight") <= 90


def test_menu_is_one_short_row_on_a_phone(visit):
    page = visit("/", viewport=PHONE).page
    assert len(set(page.evaluate(ROW_TOPS, ".site-nav li"))) == 1
    assert page.evaluate("document.querySelector('.site-header').offsetHeight") <= 160


@pytest.mark.parametrize("path", [ARTICLE_WITH_TABLE, PAGE_TYPES["article"][0]])
def test_nothing_makes_the_phone_page_scroll_sideways(visit, path):
    page = visit(path, viewport=PHONE).page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_wide_table_scrolls_inside_its_region(visit):
    page = visit(ARTICLE_WITH_TABLE, viewport=PHONE).page
    region = page.locator(".table-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    words_split = region.evaluate(
        """el => [...el.querySelectorAll('td, th')].filter(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return lines.size > cell.textContent.trim().split(/[\\s\\-–]+/).length;
        }).map(cell => cell.textContent)"""
    )
    assert words_split == [], "a cell broke inside a word"


def chart_background(page) -> list[int]:
    """The colour of the lead chart's top-left corner, read back through a canvas."""
    return page.evaluate(
        """() => { const img = document.querySelector('.article-image img');
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
            return [...ctx.getImageData(2, 2, 1, 1).data].slice(0, 3); }"""
    )


def test_charts_follow_the_colour_scheme(visit):
    path = PAGE_TYPES["article"][0]
    light = chart_background(visit(path, color_scheme="light").page)
    dark = chart_background(visit(path, color_scheme="dark").page)
    assert sum(light) > 600, light
    assert sum(dark) < 200, dark
