from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from helpdesk.auth.oidc.models import OidcSettings
from helpdesk.directory.models import Organisation
from helpdesk.extensions import db
from tests.support.oidc_op import CLIENT_ID, CLIENT_SECRET, running_op, through_op

# The test client's host: where the provider sends the browser back.
CALLBACK = "http://localhost/auth/oidc/callback"


@pytest.fixture(scope="session")
def op():
    """One provider per test process (xdist worker): it only keeps short-lived login state."""
    with running_op([CALLBACK]) as issuer:
        yield issuer


@pytest.fixture
def app_config():
    return {"OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_CLIENT_SECRET_EXK": CLIENT_SECRET}


@pytest.fixture
def exk_settings(demo_app, op):
    """Exempelkommun uses the test provider."""
    with demo_app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.code == "EXK"))
        db.session.add(OidcSettings(organisation_id=org.id, issuer=op, client_id=CLIENT_ID,
                                    client_secret_env="OIDC_CLIENT_SECRET_EXK"))
        db.session.commit()
    return op


def log_in_with_op(client, login: str | None, start: str = "/auth/oidc/login/EXK", *, tamper=None):
    """The whole journey with the test client; returns the callback's response."""
    response = client.get(start)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    back = through_op(response.headers["Location"], login, stop_at=CALLBACK)
    if tamper:
        back = tamper(back)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")
