"""The agent's numbers at a glance, on the demo with its history: 320 px, axe, both languages,
and each number leads to a queue page."""
from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, narrow_page
from tests.support.serve import serving

pytestmark = pytest.mark.browser


@pytest.fixture
def history_server(history_app):
    with serving(history_app) as url:
        yield url


@pytest.mark.parametrize("email", ["central@exempelkommun.se", "lokal.norr@exempelkommun.se",
                                   "leverantor@leverantor.example"])
def test_start_page_numbers_fit_320px_pass_axe_and_link_to_the_queue(browser, history_server, email):
    for lang in ("sv", "en"):
        context, page = narrow_page(browser, history_server, email, lang)
        try:
            page.goto("/")
            tiles = page.locator(".glance li")
            assert tiles.count() >= 3
            assert page.locator("html").get_attribute("lang") == lang
            assert_no_sideways_scroll(page)
            assert_accessible(page)
            link = page.locator(".glance a").first
            href = link.get_attribute("href")
            assert href.startswith("/tickets/queue?tier=")
            assert page.request.get(href).status == 200
        finally:
            context.close()
