"""With CSRF on, as in production: searching (the form, the next page, "did you mean") and
the suggestions while a question is written all go by POST and keep the words out of the
address bar; an expired follow link shows an accessible page that says how to ask again."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.search.conftest import build_index

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_search_words_never_reach_the_address_bar(demo_app, page):
    build_index(demo_app)
    page.goto("/")
    page.get_by_label("Sök i hjälpsidorna").first.fill("vårdnadshavre logga in 20140101-9995")
    page.get_by_role("button", name="Sök").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök")
    assert "?" not in page.url and "9995" not in page.url
    expect(page.get_by_role("link", name="Så loggar du in som vårdnadshavare").first).to_be_visible()
    assert "9995" not in page.content()  # the query is shown masked
    assert_accessible(page)
    # "Did you mean" searches again by POST.
    page.locator(".did-you-mean button").click()
    page.wait_for_load_state()
    assert "?" not in page.url
    expect(page.get_by_role("link", name="Så loggar du in som vårdnadshavare").first).to_be_visible()


def test_suggestions_are_asked_for_by_post_with_the_csrf_token(demo_app, page):
    build_index(demo_app)
    asked = []
    page.on("request", lambda r: asked.append((r.method, r.url)) if "/api/v1/search" in r.url else None)
    log_in(page, "larare.norr@exempelkommun.se")
    page.goto("/tickets/new")
    page.get_by_label("Ämne").fill("Jag har glömt mitt lösenord")
    page.get_by_label("Din fråga", exact=True).type("Jag kommer inte in", delay=20)
    page.locator("#live-suggestions").get_by_role("link", name="Glömt lösenordet? Så får du ett nytt").wait_for()
    assert asked and all(method == "POST" and "?" not in url for method, url in asked)


def test_an_expired_follow_link_says_how_to_ask_again(demo_app, page):
    from sqlalchemy import select

    from helpdesk.directory.models import School
    from helpdesk.extensions import db
    from helpdesk.models_base import utcnow
    from helpdesk.tickets import guests
    from helpdesk.tickets.models import TicketStatus

    with demo_app.test_request_context():
        norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
        _guest, token = guests.start_guest_request(name="Vera", email="vera@example.org",
                                                     school_id=norr, body="Jag har inget BankID.")
        ticket, follow = guests.confirm_guest_request(token)
        ticket.status = TicketStatus.CLOSED
        ticket.closed_at = utcnow() - timedelta(days=200)
        db.session.commit()
    page.goto(f"/help/follow/{follow}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Länken har slutat gälla")
    assert_accessible(page)
    page.get_by_role("link", name="Ställ en ny fråga").click()
    expect(page).to_have_url(re.compile(r"/help/cannot-log-in$"))
