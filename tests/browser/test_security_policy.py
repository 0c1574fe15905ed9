"""The site works under the production Content-Security-Policy and security headers."""

from __future__ import annotations

import pytest
from browser_fixtures import PAGE_TYPES

from sitetools.qa.headers import SECURITY_HEADERS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_page_type_works_under_the_strict_policy(visit, csp_server, name):
    path, status = PAGE_TYPES[name]
    page = visit(path, server=csp_server)
    assert page.status == status
    for header, value in SECURITY_HEADERS.items():
        assert page.headers.get(header.lower()) == value, header
    problems = [p for p in page.problems() if "status of 404" not in p or status != 404]
    assert problems == []
    assert page.page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_a_violation_would_be_reported(visit, csp_server):
    page = visit("/", server=csp_server)
    page.page.evaluate("() => { const s = document.createElement('style'); s.textContent = 'p{}';"
                       " document.head.append(s); }")  # fmt: skip
    page.page.wait_for_function("window.__cspViolations.length > 0")
    assert any("style-src" in v for v in page.csp_violations())
