"""A guardian logs in with e-legitimation in Chromium, through the test provider's own page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from helpdesk.auth.oidc.models import OidcSettings
from helpdesk.directory.models import Organisation
from helpdesk.extensions import db
from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll
from tests.support.oidc_op import CLIENT_ID, CLIENT_SECRET, running_op

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config():
    return {"OIDC_CLIENT_SECRET_EXK": CLIENT_SECRET}


@pytest.fixture
def op_for_live_server(demo_app, live_server):
    with running_op([f"{live_server}/auth/oidc/callback"]) as issuer:
        with demo_app.app_context():
            org = db.session.scalar(select(Organisation).where(Organisation.code == "EXK"))
            db.session.add(OidcSettings(organisation_id=org.id, issuer=issuer, client_id=CLIENT_ID,
                                        client_secret_env="OIDC_CLIENT_SECRET_EXK"))
            db.session.commit()
        yield issuer


def test_a_guardian_logs_in_with_e_legitimation(page, op_for_live_server):
    page.goto("/login")
    expect(page.get_by_role("heading", name="Vårdnadshavare: logga in med BankID eller Freja (e-legitimation)")).to_be_visible()
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    assert_accessible(page)
    page.get_by_role("link", name="Exempelkommun").click()
    # The provider's own login page.
    expect(page).to_have_url(re.compile(re.escape(op_for_live_server) + "/interaction/"))
    page.get_by_label("Användare").fill("emma")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Legitimera").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Välkommen"))
    expect(page.get_by_text("Emma Lindgren").first).to_be_visible()
    assert "personnummer" not in page.url and "198205175352" not in page.content()
    me = page.request.get("/api/v1/me").json()
    assert "guardian" in str(me)


def test_a_person_who_is_nobodys_guardian_sees_the_way_on(page, op_for_live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/auth/oidc/login/EXK")
    page.get_by_label("Användare").fill("ingen")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Legitimera").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen gick inte igenom")
    expect(page.get_by_role("link", name="Jag kan inte logga in: be supporten om hjälp")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
