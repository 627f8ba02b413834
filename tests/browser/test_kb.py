"""A guardian who cannot log in finds the login help through the public search, with a typo;
the search, article and editor pages pass axe."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, log_in, narrow_page
from tests.search.conftest import build_index

pytestmark = pytest.mark.browser


@pytest.fixture
def indexed(demo_app):
    build_index(demo_app)
    return demo_app


def test_public_search_with_a_typo_finds_login_help(indexed, page):
    page.goto("/")
    page.get_by_label("Sök i hjälpsidorna").first.fill("vårdnadshavre logga in")
    page.get_by_role("button", name="Sök").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök")
    expect(page.get_by_text("Menade du")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Så loggar du in som vårdnadshavare").first.click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/kb/a/inloggning-vardnadshavare$"))
    assert_accessible(page)
    page.get_by_label("Ja, den hjälpte").check()
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_text("Tack! Ditt svar hjälper oss")).to_be_visible()


def test_help_index_and_editor_are_accessible(indexed, page):
    page.goto("/kb/")
    assert_accessible(page)
    log_in(page, "central@exempelkommun.se")
    page.goto("/kb/manage/")
    assert_accessible(page)
    page.get_by_role("link", name="Rutin: när en ny skola ansluts").click()
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Förhandsgranskning (inte sparad ännu)")).to_be_visible()
    assert_accessible(page)
    page.goto("/kb/manage/stats")
    assert_accessible(page)
    # Delete asks first, then the article waits under Deleted articles.
    page.goto("/kb/manage/")
    page.get_by_role("link", name="Rutin: när en ny skola ansluts").click()
    page.get_by_role("link", name="Ta bort …").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ta bort artikeln").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Borttagna artiklar")).to_be_visible()
    assert_accessible(page)


def test_help_pages_and_editor_fit_a_narrow_screen(indexed, browser, live_server):
    context, page = narrow_page(browser, live_server, "central@exempelkommun.se")
    for path in ("/kb/", "/kb/a/vardnadshavare-utan-personnummer", "/search/?q=lösenord",
                 "/kb/manage/", "/kb/manage/stats"):
        page.goto(path)
        assert_no_sideways_scroll(page)
    # Hiding a shipped article hides both its language versions, in one row of the list.
    page.goto("/kb/manage/")
    row = page.locator("tr", has=page.locator('a[href="/kb/a/hjalpresurser"]'))
    expect(row.locator('a[href="/kb/a/help-resources"]')).to_have_count(1)
    row.get_by_role("button", name="Dölj").click()
    expect(row).to_contain_text("Dold")
    assert_accessible(page)
    context.close()
