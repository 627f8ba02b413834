"""My account's open sessions at 320 px, in Swedish and English: readable, accessible, and
"log out everywhere else" works without script; the 429 page says how long to wait."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, log_in, narrow_page

pytestmark = pytest.mark.browser

TEACHER = "larare.norr@exempelkommun.se"


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("lang,heading,button,done", [
    ("sv", "Där du är inloggad", "Logga ut överallt annars", "1 annan inloggning har loggats ut."),
    ("en", "Where you are logged in", "Log out everywhere else", "1 other session has been logged out."),
])
def test_open_sessions_and_log_out_everywhere_else_at_320px(browser, live_server, lang, heading, button, done):
    other_context, _other = narrow_page(browser, live_server, TEACHER, lang)
    context, page = narrow_page(browser, live_server, TEACHER, lang)
    page.goto("/account")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(done)).to_be_visible()
    assert_accessible(page)
    context.close()
    other_context.close()


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_the_too_many_attempts_page_fits_and_says_how_long(browser, live_server):
    context, page = narrow_page(browser, live_server, None)
    for _ in range(11):
        log_in(page, TEACHER, "fel")
    expect(page.get_by_text("Vänta 15 minuter")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    context.close()
