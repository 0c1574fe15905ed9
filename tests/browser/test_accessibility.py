"""axe-core on every page type, light and dark, desktop and phone; a keyboard-only walk.

All of axe's rules run once per page type (desktop, light). What changes with the colour scheme
or the width is colour contrast and the size of tap targets: those rules run at the other three
combinations, switching the scheme inside one visit per width.
"""

from __future__ import annotations

import pytest
from browser_fixtures import PAGE_TYPES
from helpers import ROOT
from playwright.sync_api import expect

from sitetools.qa.site_pages import VIEWPORTS

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules/axe-core/axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
ALL_RULES = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
VARIANT_RULES = {"type": "rule", "values": ["color-contrast", "target-size"]}
# Width -> the colour schemes still to check there with VARIANT_RULES (desktop light gets ALL_RULES).
VARIANTS = {"desktop": ["dark"], "phone": ["light", "dark"]}


def axe_violations(page, rules: dict = ALL_RULES) -> list[str]:
    """Serious and critical axe-core violations of the page as readable lines."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test`, which runs `npm ci` for the checks")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", {"runOnly": rules, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def use_scheme(page, scheme: str) -> None:
    """Switch the page's colour scheme in place and make sure the CSS follows."""
    page.emulate_media(color_scheme=scheme)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_no_serious_accessibility_violations(visit, name):
    page = visit(PAGE_TYPES[name][0], viewport=VIEWPORTS["desktop"], color_scheme="light").page
    use_scheme(page, "light")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", sorted(VARIANTS))
@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_contrast_and_tap_targets_in_every_scheme_and_width(visit, name, width):
    page = visit(PAGE_TYPES[name][0], viewport=VIEWPORTS[width]).page
    found = {}
    for scheme in VARIANTS[width]:
        use_scheme(page, scheme)
        found[scheme] = axe_violations(page, VARIANT_RULES)
    assert found == {scheme: [] for scheme in VARIANTS[width]}


def test_axe_does_report_a_violation(visit):
    page = visit("/")
    page.page.evaluate("document.querySelector('main img, main a').setAttribute('aria-hidden', 'true');"
                       "document.documentElement.removeAttribute('lang')")  # fmt: skip
    assert axe_violations(page.page)


def test_the_variant_rules_catch_poor_contrast_and_tiny_targets(visit):
    page = visit("/", viewport=VIEWPORTS["phone"]).page
    use_scheme(page, "dark")
    page.evaluate(
        """() => {
            const link = document.querySelector('main a');
            link.style.cssText = 'color: #222 !important; background: #111 !important';
            const button = document.createElement('button');
            button.textContent = 'x';
            button.style.cssText = 'display: inline-block; width: 10px; height: 10px; padding: 0; margin: 0; border: 0';
            const row = document.createElement('p');
            row.append(button, button.cloneNode(true), button.cloneNode(true));
            document.querySelector('main').prepend(row);
        }"""
    )
    ids = {line.split(" ")[0] for line in axe_violations(page, VARIANT_RULES)}
    assert ids == {"color-contrast", "target-size"}


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
    expected = page.evaluate(
        """() => Array.from(document.querySelectorAll('main a[href]'))
            .filter(link => link.checkVisibility()).map(link => link.getAttribute('href'))"""
    )
    reached, entered = [], False
    for _ in range(len(expected) + 60):  # the links, plus form fields and what comes before <main>
        page.keyboard.press("Tab")
        state = focused(page)
        assert state["visible"], f"no visible focus on {state}"
        if state["inMain"]:
            entered = True
            if state["tag"] == "a":
                reached.append(state["href"])
        elif entered:
            break
    assert expected, "the article has no links to walk through"
    assert reached == expected  # every visible link of the article, in reading order, by keyboard alone


def test_keyboard_ticks_and_resets_a_checklist(visit):
    page = visit(PAGE_TYPES["checklist-article"][0]).page
    progress = page.locator("form.checklist .checklist-progress")
    tab_until(page, lambda s: s["tag"] == "input" and s["inMain"])  # the first checkbox
    page.keyboard.press("Space")
    expect(progress).to_have_text("1 von 6 erledigt")  # waits: the script updates after the event
    tab_until(page, lambda s: s["text"] == "Zurücksetzen")
    page.keyboard.press("Enter")
    expect(progress).to_have_text("0 von 6 erledigt")
