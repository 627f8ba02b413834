"""A requester's ticket in plain words (issue 16), in Chromium at 320 px with axe: the
new-question form with all its errors at once, the one suggestions step, and the ticket
page that says where the question is and when to expect an answer."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, narrow_page

pytestmark = pytest.mark.browser


def test_new_question_form_lists_every_error_at_320px(browser, live_server):
    ctx, page = narrow_page(browser, live_server, "larare.norr@exempelkommun.se")
    page.goto("/tickets/new")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading"))
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)
    # Each link leads to its field, which names its error.
    links.nth(1).click()
    expect(page.locator("#subject")).to_be_focused()
    expect(page.locator("#subject")).to_have_attribute("aria-describedby", re.compile("subject-error"))
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    ctx.close()


def test_guardian_reads_where_her_question_is_at_320px(browser, live_server):
    ctx, page = narrow_page(browser, live_server, "vardnadshavare.norr@exempelkommun.se")
    page.goto("/tickets/mine")
    expect(page.get_by_text("Väntar på ditt svar")).to_be_visible()
    page.get_by_role("link", name="Kan inte logga in med BankID").click()
    steps = page.locator("ol.steps")
    expect(steps.locator("li")).to_have_count(3)
    expect(steps.locator("[aria-current=step]")).to_contain_text("Din skola")
    expect(steps.locator("[aria-current=step]")).to_contain_text("har din fråga nu")
    expect(page.get_by_text("Vi väntar på ditt svar")).to_be_visible()
    assert "Lokal (skolan)" not in page.content()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.goto("/tickets/new")
    assert page.locator("#category option[value=administration]").count() == 0
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    ctx.close()


def test_teacher_sees_the_vendor_step_and_an_english_date(browser, live_server, demo_app):
    from helpdesk.tickets.demo import VENDOR_SUBJECT
    from tests.tickets.test_views import vendor_reply

    vendor_reply(demo_app, VENDOR_SUBJECT)
    ctx, page = narrow_page(browser, live_server, "rektor.norr@exempelkommun.se", lang="en")
    page.goto("/tickets/mine")
    page.get_by_role("link", name="Fel när omdömen exporteras till PDF").click()
    expect(page.locator("ol.steps [aria-current=step]")).to_contain_text("The platform's vendor")
    expect(page.get_by_text("Vera Lind (Leverantören AB)").first).to_be_visible()
    # One date format in English: "2 Dec 2026, 14:05".
    assert re.search(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\b", page.content())
    assert "leverantor@leverantor.example" not in page.content()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    ctx.close()
