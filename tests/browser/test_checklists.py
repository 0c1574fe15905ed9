"""Checklists in chromium (plugins/checklists): tick by mouse and keyboard, progress kept over a reload, reset,
result texts, the deploy/ CSP, and the page without JavaScript."""

from __future__ import annotations

import pytest
from browser_fixtures import PAGE_TYPES
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCORED = PAGE_TYPES["checklist-article"][0]  # "Lohnt sich Social Media …?": six items, scores, printable page
PRETICKED = "/der-eigene-blog-als-basis/"  # "Vor dem ersten Post": the first of six items is pre-ticked


def ticks(form) -> list[bool]:
    """Whether each checkbox of the form is ticked."""
    return form.locator("input[type=checkbox]").evaluate_all("boxes => boxes.map(box => box.checked)")


def test_ticks_by_mouse_and_keyboard_are_counted_and_kept_over_a_reload(visit):
    page = visit(SCORED).page
    form = page.locator("form.checklist")
    progress = form.locator(".checklist-progress")
    assert progress.is_visible() and progress.inner_text() == "0 von 6 erledigt"
    assert progress.get_attribute("aria-live") == "polite"
    form.locator("label").nth(0).click()
    form.locator("input").nth(2).focus()
    page.keyboard.press("Space")
    assert progress.inner_text() == "2 von 6 erledigt"
    page.reload()
    assert ticks(form) == [True, False, True, False, False, False]
    assert progress.inner_text() == "2 von 6 erledigt"


def test_reset_returns_to_the_authors_ticks_and_forgets_the_saved_ones(visit):
    page = visit(PRETICKED).page
    form = page.locator("form.checklist")
    progress = form.locator(".checklist-progress")
    assert progress.inner_text() == "1 von 6 erledigt"
    form.locator("input").nth(0).uncheck()
    form.locator("input").nth(3).check()
    form.locator("input").nth(4).check()
    page.reload()
    assert ticks(form) == [False, False, False, True, True, False]
    form.get_by_role("button", name="Zurücksetzen").click()
    assert ticks(form) == [True, False, False, False, False, False]
    expect(progress).to_have_text("1 von 6 erledigt")  # the count follows the native reset a tick later
    assert page.evaluate("localStorage.getItem('checkliste:vor-dem-ersten-post')") is None
    page.reload()
    assert ticks(form) == [True, False, False, False, False, False]


def test_the_result_text_follows_the_ticks(visit):
    page = visit(SCORED).page
    form = page.locator("form.checklist")
    shown = form.locator(".checklist-scores li:visible")
    assert shown.count() == 1 and "Derzeit kaum" in shown.inner_text()
    for index in range(3):
        form.locator("input").nth(index).check()
    assert shown.count() == 1 and "vorsichtiger Anfang" in shown.inner_text()
    for index in range(3, 6):
        form.locator("input").nth(index).check()
    assert "Gute Voraussetzungen" in shown.inner_text()


def test_checklists_work_under_the_deploy_csp(visit, csp_server):
    for path in (SCORED, PRETICKED, PAGE_TYPES["checklist-print"][0]):
        visited = visit(path, server=csp_server)
        form = visited.page.locator("form.checklist")
        form.locator("label").nth(1).click()
        assert form.locator(".checklist-actions").is_visible()
        assert "von 6 erledigt" in form.locator(".checklist-progress").inner_text()
        assert visited.problems() == [], path


def test_without_javascript_the_checklist_is_a_plain_list_of_checkboxes(browser, site_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_server.base_url + PRETICKED)
        form = page.locator("form.checklist")
        assert not form.locator(".checklist-progress").is_visible()
        assert not form.locator(".checklist-actions").is_visible()
        assert form.locator("label > span").first.is_hidden()  # the ☐ of feeds; the real checkbox shows
        form.locator("label").nth(1).click()
        assert ticks(form) == [True, True, False, False, False, False]
        assert form.locator(".checklist-scores").count() == 0
    finally:
        context.close()
