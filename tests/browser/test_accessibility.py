"""axe-core on every page type, light and dark, desktop and phone; a keyboard-only walk."""

from __future__ import annotations

import pytest
from helpers import ROOT

from sitetools.site_pages import PAGE_TYPES, VIEWPORTS

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules/axe-core/axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations of the page as readable lines."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test`, which runs `npm ci` for the checks")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_no_serious_accessibility_violations(visit, name, width, scheme):
    page = visit(PAGE_TYPES[name][0], viewport=VIEWPORTS[width], color_scheme=scheme)
    assert page.page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    assert axe_violations(page.page) == []


def test_axe_does_report_a_violation(visit):
    page = visit("/")
    page.page.evaluate("document.querySelector('main img, main a').setAttribute('aria-hidden', 'true');"
                       "document.documentElement.removeAttribute('lang')")  # fmt: skip
    assert axe_violations(page.page)


def focused(page) -> dict:
    """What has keyboard focus: tag, text, href and whether a focus indicator is drawn."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.getAttribute('aria-label') || '').trim(),
                href: el.getAttribute('href'),
                inMain: !!el.closest('main'),
                inNav: !!el.closest('header nav'),
                visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
                    || style.boxShadow !== 'none',
            };
        }"""
    )


def tab_until(page, predicate, limit: int = 80) -> dict:
    """Press Tab until predicate(focused) holds; every stop must show a focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        assert state["visible"], f"no visible focus on {state}"
        if predicate(state):
            return state
    raise AssertionError("keyboard focus never reached the target")


def test_keyboard_skip_link_navigation_and_pagination(visit):
    page = visit("/").page
    page.keyboard.press("Tab")
    first = focused(page)
    assert (first["text"], first["href"]) == ("Zum Inhalt springen", "#inhalt")
    assert first["visible"]
    assert page.locator("a.skip-link, a[href='#inhalt']").first.is_visible()
    page.keyboard.press("Enter")
    assert tab_until(page, lambda s: True, limit=1)["inMain"], "after the skip link, Tab must go into <main>"

    page = visit("/").page
    nav_links = page.locator("header nav a").count()
    reached = set()
    tab_until(page, lambda s: s["inNav"] and reached.add(s["href"]) is None and len(reached) == nav_links)
    tab_until(page, lambda s: s["href"] and s["href"].endswith("seite/2/") and "Ältere" in s["text"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/seite/2/")
    assert "Seite 2" in page.locator("main").inner_text()


def test_keyboard_walk_through_an_article(visit):
    page = visit(PAGE_TYPES["article"][0]).page
    links_in_main = page.locator("main a[href]").count()
    seen = []
    tab_until(page, lambda s: s["inMain"] and seen.append(s["href"]) is None and len(seen) == links_in_main)
    assert len(seen) == links_in_main


def test_keyboard_ticks_and_resets_a_checklist(visit):
    page = visit(PAGE_TYPES["checklist-article"][0]).page
    progress = page.locator("form.checklist .checklist-progress")
    tab_until(page, lambda s: s["tag"] == "input" and s["inMain"])  # the first checkbox
    page.keyboard.press("Space")
    assert progress.inner_text() == "1 von 6 erledigt"
    tab_until(page, lambda s: s["text"] == "Zurücksetzen")
    page.keyboard.press("Enter")
    assert progress.inner_text() == "0 von 6 erledigt"
