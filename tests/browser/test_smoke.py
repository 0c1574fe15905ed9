"""Every page type of the starter site loads in chromium without errors or third-party requests."""

from __future__ import annotations

import pytest
from browser_fixtures import PAGE_TYPES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_page_type_loads_cleanly(visit, name):
    path, status = PAGE_TYPES[name]
    page = visit(path)
    assert page.status == status
    problems = page.problems()
    if status == 404:  # chromium reports the page's own 404 status as a console error
        problems = [p for p in problems if "status of 404" not in p]
    assert problems == []
    assert page.page.locator("h1").count() == 1
    assert page.page.title().endswith("Social Media mit Augenmaß")


def test_stylesheet_and_favicon_are_served(visit):
    page = visit("/").page
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(250, 248, 243)"  # theme's paper
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    response = page.request.get(icon)
    assert response.status == 200
    assert response.headers["content-type"] == "image/svg+xml"
