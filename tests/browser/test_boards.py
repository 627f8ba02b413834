"""One school's local contact asks in Supportgruppen, another school's contact answers,
central accepts the answer, puts the thread on a check-in meeting's agenda and downloads
the meeting's .ics file. Every page on the way is checked with axe."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, log_in, narrow_page

pytestmark = pytest.mark.browser

TITLE = "Hur delar vi ut inloggningsuppgifter till nya elever?"


def _as(browser, live_server, email):
    context = browser.new_context(base_url=live_server, locale="sv-SE", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, email)
    return context, page


def test_ask_answer_accept_and_plan_a_check_in(browser, live_server, tmp_path):
    # Söderskolan's local contact asks.
    ctx, page = _as(browser, live_server, "lokal.soder@exempelkommun.se")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Supportforum").click()
    assert_accessible(page)
    page.get_by_role("link", name="Supportgruppen", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Starta en tråd").click()
    page.get_by_role("button", name="Publicera frågan").click()  # empty: refused, field marked
    expect(page.get_by_text("Skriv en rubrik.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Rubrik").fill(TITLE)
    page.get_by_label("Din fråga").fill("Vi har fått tre nya elever i 4A. Skriver ni ut lappar eller skickar ni e-post?")
    page.get_by_role("button", name="Publicera frågan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)
    thread_url = page.url
    ctx.close()

    # Norrskolan's local contact answers.
    ctx, page = _as(browser, live_server, "lokal.norr@exempelkommun.se")
    page.goto(thread_url)
    page.get_by_label("Ditt svar").fill("Vi skriver ut lappar och lämnar dem till **mentorn**.")
    page.get_by_role("button", name="Publicera svaret").click()
    expect(page.get_by_text("Ditt svar är publicerat.")).to_be_visible()
    assert_accessible(page)
    ctx.close()

    # Central accepts the answer, then plans the agenda of the check-in meeting.
    ctx, page = _as(browser, live_server, "central@exempelkommun.se")
    page.goto(thread_url)
    page.get_by_role("button", name="Godkänn som svar").click()
    expect(page.locator("section.post--accepted")).to_contain_text("mentorn")
    expect(page.locator(".badge--ok", has_text="Löst").first).to_be_visible()
    assert_accessible(page)

    page.goto("/boards/meetings")
    assert_accessible(page)
    page.get_by_role("link", name="Avstämningsmöte för supportgruppen").click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Lägg till: {TITLE}").click()
    expect(page.locator("ol.agenda")).to_contain_text(TITLE)
    for path in ("/boards/new", "/boards/meetings/new", "/boards/meetings/1/edit", "/boards/reports", "/boards/following"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/boards/meetings/new")
    page.get_by_role("button", name="Planera mötet").click()  # empty: refused, fields marked
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto("/boards/meetings")
    page.get_by_role("link", name="Avstämningsmöte för supportgruppen").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Lägg till i kalendern (.ics)").click()
    path = tmp_path / "meeting.ics"
    download_info.value.save_as(path)
    text = path.read_bytes().decode("utf-8").replace("\r\n ", "")
    assert text.startswith("BEGIN:VCALENDAR") and "TZID=Europe/Stockholm" in text
    assert TITLE in text.replace("\\,", ",")
    ctx.close()


def test_board_pages_fit_a_narrow_screen(browser, live_server):
    context, page = narrow_page(browser, live_server, "central@exempelkommun.se")
    page.goto("/boards/")
    page.get_by_role("link", name="Supportgruppen", exact=True).click()
    page.wait_for_url(re.compile(r"/boards/\d+$"))
    board_url = page.url
    page.get_by_role("link", name="Hur lägger jag till en specialpedagog som inte kommer med synken?").click()
    page.wait_for_url(re.compile(r"/boards/threads/\d+"))
    for path in ("/boards/", board_url, page.url, "/boards/meetings"):
        page.goto(path)
        assert_no_sideways_scroll(page)
    context.close()
