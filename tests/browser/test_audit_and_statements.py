"""In Chromium at 320 px: the audit log read in words and filtered; the privacy page and the
accessibility statement from the footer; an accessibility problem reported from it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, narrow_page

pytestmark = pytest.mark.browser


def _check(page):
    assert_accessible(page)
    assert_no_sideways_scroll(page)


@pytest.mark.sqlite_only
def test_central_reads_and_filters_the_audit_log(browser, live_server):
    context, page = narrow_page(browser, live_server, "central@exempelkommun.se")
    page.goto("/admin/audit")
    expect(page.get_by_text("Skapade medarbetargruppen Medarbetargrupp rektor Norr på Norrskolan")).to_be_visible()
    _check(page)
    page.get_by_label("Vad som hände").select_option(label="Skapade en grupp")
    page.get_by_label("Objekt (namn)").fill("rektor")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_text("1 post")).to_be_visible()
    _check(page)
    context.close()


@pytest.mark.sqlite_only
def test_a_visitor_reads_the_privacy_page_and_reports_a_problem(browser, live_server):
    context, page = narrow_page(browser, live_server, None)
    page.goto("/")
    page.get_by_role("link", name="Personuppgifter").click()
    page.get_by_role("link", name="Exempelkommun").click()
    expect(page.get_by_role("heading", name="Personuppgifter i Exempelkommun")).to_be_visible()
    _check(page)
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    _check(page)
    page.get_by_role("link", name="Rapportera ett tillgänglighetsproblem").click()
    _check(page)
    page.get_by_label("Ditt namn").fill("Vera")
    page.get_by_label("Din e-postadress").fill("vera@example.org")
    page.get_by_label("Vilken skolas portal använde du?").select_option(index=1)
    page.get_by_label("Vad fungerade inte för dig?").fill("Knappen läses inte upp.")
    page.get_by_role("button", name="Skicka rapporten").click()
    expect(page.get_by_role("heading", name="Titta i din e-post")).to_be_visible()
    context.close()
