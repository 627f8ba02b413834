"""A guardian logs in, switches language and logs out; every role's home page is accessible."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, log_in, narrow_page
from tests.matrix import ROLES

pytestmark = pytest.mark.browser


def test_guardian_logs_in_switches_language_and_logs_out(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page)
    page.get_by_role("link", name="Logga in").first.click()
    assert_accessible(page)
    log_in(page, "vardnadshavare.norr@exempelkommun.se")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Välkommen"))
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Welcome"))
    # The choice sticks: a new page load stays in English.
    page.goto("/directory/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_wrong_password_gives_one_generic_message(page):
    page.goto("/login")
    log_in(page, "vardnadshavare.norr@exempelkommun.se", "fel-lösenord")
    expect(page.get_by_text("E-postadressen eller lösenordet är fel").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("role", [r for r in ROLES if ROLES[r]])
def test_home_and_directory_pages_are_accessible_for_every_role(page, role):
    log_in(page, ROLES[role])
    assert_accessible(page)
    page.goto("/account")
    assert_accessible(page)
    page.goto("/directory/")
    if page.get_by_role("heading", level=1).count():
        assert_accessible(page)


def test_narrow_screen_has_no_horizontal_scroll(browser, live_server):
    context, page = narrow_page(browser, live_server, "central@exempelkommun.se")
    for path in ("/", "/directory/", "/account"):
        page.goto(path)
        assert_no_sideways_scroll(page)
    context.close()
