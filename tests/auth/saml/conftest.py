"""A real test IdP on loopback (tests/support/saml_idp) and the demo organisation set up
to use it through the central admin's settings page."""
from __future__ import annotations

import re

import pytest
import requests

from tests.conftest import login
from tests.support.saml_idp import running_idp


@pytest.fixture
def idp(tmp_path):
    with running_idp(tmp_path / "idp") as idp:
        yield idp


@pytest.fixture
def central(demo_app):
    client = demo_app.test_client()
    login(client, "central@exempelkommun.se")
    return client


@pytest.fixture
def sso(demo_app, idp, central):
    """Exempelkommun trusts the test IdP (its metadata fetched from the IdP's address); the
    IdP knows the portal's metadata."""
    idp.sp_metadata = demo_app.test_client().get("/auth/saml/metadata").get_data(as_text=True)
    idp.reset()
    response = central.post("/admin/sign-in/school-account", data={
        "metadata_url": idp.base_url + "/metadata", "id_attribute": "eppn", "password_login": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return idp


def idp_login(client, idp, user, password=None, code="EXK", next_url=None):
    """Start at the portal, log in on the IdP's own form, return the IdP's answer (the
    SAMLResponse and RelayState its auto-posting form carries)."""
    from tests.support.saml_idp import USERS

    start = client.get(f"/auth/saml/login/{code}" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 303, start.get_data(as_text=True)
    session = requests.Session()
    page = session.get(start.headers["Location"], timeout=10)
    assert page.status_code == 200 and 'name="username"' in page.text, page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    fields = {k: _unescape(v) for k, v in fields.items()}
    fields.update(username=user, password=password or USERS[user][0])
    answer = session.post(idp.base_url + "/sso/login", data=fields, timeout=10)
    assert answer.status_code == 200, answer.text
    posted = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', answer.text))
    assert "SAMLResponse" in posted
    return {k: _unescape(v) for k, v in posted.items()}


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)
