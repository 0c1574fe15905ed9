"""The example hosting configuration: one set of security headers for nginx and _headers hosts."""

from __future__ import annotations

from sitetools.qa.headers import SECURITY_HEADERS, headers_from_nginx

REQUIRED = {
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Permissions-Policy",
}


def test_headers_file_and_nginx_snippet_agree():
    assert headers_from_nginx() == SECURITY_HEADERS
    assert set(SECURITY_HEADERS) >= REQUIRED


def test_content_security_policy_is_strict():
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in SECURITY_HEADERS["Content-Security-Policy"].split("; ")
    )
    assert directives["default-src"] == ["'none'"]
    assert directives["style-src"] == ["'self'"]
    # Exactly what Pagefind's WebAssembly needs beyond our own scripts, and nothing else.
    assert directives["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "'unsafe-eval'" not in policy
    assert "http" not in policy  # no third-party host is allowed anywhere
    assert directives["frame-ancestors"] == ["'none'"]
    assert SECURITY_HEADERS["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in SECURITY_HEADERS["Strict-Transport-Security"]


def test_no_inline_styles_or_event_handlers_in_the_site(starter_site):
    for page in starter_site.files("**/*.html"):
        soup = starter_site.html(page.relative_to(starter_site.output).as_posix())
        assert not soup.find(style=True), page
        assert not soup.find("style"), page
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.startswith("on")], (page, tag.name)
        for script in soup.find_all("script", src=False):
            assert script.get("type") == "application/ld+json", page
