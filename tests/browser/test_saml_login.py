"""A teacher logs in with her school account in Chromium: the portal's login page, the test
IdP's own login form (a real pysaml2 IdP on loopback), its auto-posted answer, and the start
page as the teacher with the requester role."""
from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, log_in
from tests.support.saml_idp import running_idp

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_idp(tmp_path):
    with running_idp(tmp_path / "idp") as idp:
        yield idp


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_teacher_logs_in_with_her_school_account(browser, live_server, demo_app, browser_idp):
    import requests

    # The portal's own addresses (entity id, ACS) are those of the live server.
    demo_app.config["PUBLIC_URL"] = live_server
    browser_idp.sp_metadata = requests.get(live_server + "/auth/saml/metadata", timeout=10).text
    browser_idp.reset()

    context = browser.new_context(base_url=live_server, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    # The central admin sets it up on the settings page.
    log_in(page, "central@exempelkommun.se")
    page.goto("/admin/sign-in/school-account")
    assert_accessible(page)
    page.get_by_label("Eller adressen till identitetsleverantörens metadata").fill(browser_idp.base_url + "/metadata")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Inloggningen med skolkonto är sparad" in page.content()
    context.close()

    context = browser.new_context(base_url=live_server, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    assert_accessible(page)
    page.get_by_role("link", name="Logga in med ditt skolkonto: Exempelkommun").click()
    # The IdP's own login form.
    page.wait_for_url(browser_idp.base_url + "/sso/redirect*")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password").fill("anna-pass")
    page.get_by_role("button", name="Log in").click()
    # Its answer posts itself back to the portal, which lands on the start page.
    page.wait_for_url(live_server + "/")
    content = page.content()
    assert "Anna Berglund" in content
    # The requester role: she may ask a question, and has no administration.
    assert page.get_by_role("link", name="Skolor och grupper").count() == 0
    assert page.locator("nav summary").count() == 0
    assert page.request.get(live_server + "/tickets/new").status == 200
    context.close()
