"""Page weight budget: every article page's HTML + CSS + JS ≤ 48 KB, nothing third-party, nothing
render-blocking (the figures are printed by `invoke audit`)."""

from __future__ import annotations

from sitetools.qa.audit import PAGE_BUDGET_BYTES, article_pages, audit_site, german_number, kilobytes, page_weight


def test_article_pages_stay_within_the_budget(starter_site):
    pages = article_pages(starter_site.output)
    assert len(pages) >= 10
    over = {}
    for page in pages:
        weight = page_weight(starter_site.output, page)
        assert weight.asset_bytes, f"{weight.page} loads no stylesheet: the audit would not count it"
        if weight.total_bytes > PAGE_BUDGET_BYTES:
            over[weight.page] = weight.total_bytes
    assert over == {}


def test_no_page_loads_third_party_or_render_blocking_resources(starter_site):
    for weight in audit_site(starter_site.output):
        assert weight.third_party == [], weight.page
        assert weight.render_blocking == [], weight.page


def test_the_audit_counts_assets_and_flags_blocking_and_foreign_scripts(tmp_path):
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme/a.css").write_text("x" * 1000)
    (tmp_path / "theme/a.js").write_text("y" * 500)
    page = tmp_path / "index.html"
    page.write_text(
        '<head><link rel="stylesheet" href="theme/a.css"><script src="theme/a.js"></script>'
        '<script defer src="https://cdn.example/x.js"></script></head><body><img src="https://img.example/b.png"></body>'
    )
    weight = page_weight(tmp_path, page)
    assert weight.total_bytes == page.stat().st_size + 1500
    assert weight.render_blocking == ["theme/a.js"]
    assert weight.third_party == ["https://cdn.example/x.js", "https://img.example/b.png"]


def test_the_audit_formats_numbers_not_the_file_names_around_them():
    assert kilobytes(47411) == "46,3 KB"
    assert german_number(12345) == "12.345"
    assert german_number(1234567.891, 2) == "1.234.567,89"
    assert f"Schwerster Artikel: a/index.html {kilobytes(1024)}" == "Schwerster Artikel: a/index.html 1,0 KB"
