"""minify_css: the built site serves the theme's CSS minified, with the same rules."""

from __future__ import annotations

import re

from helpers import ROOT


def test_theme_css_is_minified_and_keeps_every_rule(make_site):
    site = make_site({"articles/a.md": "Title: A\nDate: 2024-01-01\n\nText.\n"})
    built = site.text("theme/css/site.css")
    source = (ROOT / "theme/static/css/site.css").read_text(encoding="utf-8")
    assert len(built) < 0.9 * len(source)
    assert "/*" not in built
    rules = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    assert built.count("{") == rules.count("{")  # every rule and at-rule is still there
    assert "@media (prefers-color-scheme:dark)" in built
