"""The central team's e-legitimation settings page (/admin/sign-in/e-legitimation)."""
from __future__ import annotations

import socket

from sqlalchemy import select

from helpdesk.admin.models import AuditEntry
from helpdesk.auth.oidc.models import OidcSettings
from helpdesk.extensions import db
from tests.auth.oidc.conftest import log_in_with_op

URL = "/admin/sign-in/e-legitimation"


def _form(issuer, **extra):
    return {"enabled": "y", "issuer": issuer, "client_id": "helpdesk", "client_secret_env": "OIDC_CLIENT_SECRET_EXK",
            "claim": "personalIdentityNumber", "scopes": "openid profile", **extra}


def _settings(app):
    with app.app_context():
        return list(db.session.scalars(select(OidcSettings)))


def _operations(app):
    with app.app_context():
        return [e.operation for e in db.session.scalars(select(AuditEntry).where(AuditEntry.operation.like("oidc%")))]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_central_saves_a_provider_and_guardians_log_in_with_it(demo_app, as_user, op):
    central = as_user("central@exempelkommun.se")
    page = central.get(URL)
    assert page.status_code == 200 and "/auth/oidc/login/EXK" in page.get_data(as_text=True)
    response = central.post(URL, data=_form(op))
    assert response.status_code == 302
    [saved] = _settings(demo_app)
    assert (saved.issuer, saved.client_id, saved.client_secret_env) == (op, "helpdesk", "OIDC_CLIENT_SECRET_EXK")
    assert _operations(demo_app) == ["oidc_settings_changed"]
    # The secret is in the environment (the app config here), never in the row.
    assert "op-test-secret" not in repr({c.name: getattr(saved, c.name) for c in OidcSettings.__table__.columns})
    assert log_in_with_op(demo_app.test_client(), "emma").status_code == 302


def test_an_issuer_whose_discovery_fails_is_refused_with_an_audit_entry(demo_app, as_user):
    central = as_user("central@exempelkommun.se")
    response = central.post(URL, data=_form(f"http://127.0.0.1:{_closed_port()}"))
    assert response.status_code == 400
    assert "svarade inte som en OpenID-leverantör" in response.get_data(as_text=True)
    assert _settings(demo_app) == []
    assert _operations(demo_app) == ["oidc_settings_refused"]


def test_bad_input_is_refused_in_english_too(demo_app, as_user, op):
    central = as_user("central@exempelkommun.se")
    central.post("/language", data={"lang": "en"})
    for data, words in [
        (_form("ftp://example.org"), "https://"),
        (_form(op, client_secret_env="SECRET_KEY"), "OIDC_CLIENT_SECRET_EXK"),
        # Not another organisation's secret, nor the installation-wide one for this issuer.
        (_form(op, client_secret_env="OIDC_CLIENT_SECRET_GRB"), "OIDC_CLIENT_SECRET_EXK"),
        (_form(op, client_secret_env="OIDC_CLIENT_SECRET"), "OIDC_CLIENT_SECRET_EXK"),
        (_form(op, scopes="profile"), "openid"),
        (_form(""), "Enter the provider"),
    ]:
        response = central.post(URL, data=data)
        assert response.status_code == 400, data
        assert words in response.get_data(as_text=True), data
    assert _settings(demo_app) == []


def test_only_the_organisations_central_team_reaches_it(demo_app, as_user, op):
    from helpdesk.directory.models import Organisation

    with demo_app.app_context():
        exk = db.session.scalar(select(Organisation.id).where(Organisation.code == "EXK"))
    grannby = as_user("central@grannby.se")
    # Another organisation's page answers like a missing one, and nothing is saved.
    assert grannby.get(f"{URL}?organisation_id={exk}").status_code == 404
    assert grannby.post(URL, data={**_form(op), "organisation_id": str(exk)}).status_code == 404
    assert as_user("lokal.norr@exempelkommun.se").get(URL).status_code == 403
    assert as_user("vardnadshavare.norr@exempelkommun.se").get(URL).status_code == 403
    assert _settings(demo_app) == []


def test_the_support_organisation_page_links_to_it(as_user):
    page = as_user("central@exempelkommun.se").get("/organisation/support").get_data(as_text=True)
    assert "/admin/sign-in/e-legitimation" in page


def test_a_secret_is_only_read_from_the_organisations_own_variable(demo_app):
    from helpdesk.auth.oidc.provider import secret_from_env

    demo_app.config.update(OIDC_CLIENT_SECRET_GRB="grannbys", SECRET_KEY_COPY="x", OIDC_ISSUER="https://idp.example")
    with demo_app.app_context():
        assert secret_from_env("OIDC_CLIENT_SECRET_EXK", "EXK", "https://evil.example") == "op-test-secret"
        assert secret_from_env("OIDC_CLIENT_SECRET_GRB", "EXK", "https://evil.example") is None
        assert secret_from_env("SECRET_KEY", "EXK", "https://evil.example") is None
        # The installation-wide secret goes to the installation-wide issuer only.
        assert secret_from_env("OIDC_CLIENT_SECRET", "EXK", "https://evil.example") is None
        assert secret_from_env("OIDC_CLIENT_SECRET", "EXK", "https://idp.example") == "op-test-secret"
