"""Guardians log in through the real test provider (tests/support/oidc_op) on loopback."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from sqlalchemy import func, select

from helpdesk.admin.models import AuditEntry
from helpdesk.auth.models import Role, User
from helpdesk.auth.oidc.models import OidcSettings
from helpdesk.directory.models import GuardianRelation, Organisation, Person, PersonKind
from helpdesk.extensions import db
from tests.auth.oidc.conftest import log_in_with_op
from tests.conftest import login
from tests.support.oidc_op import EMMA, NEWCOMER, NOBODY


def _user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def _audit(app, operation):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.operation == operation)))


def _logged_in_as(client):
    """The user id behind the client's login session (the cookie holds only a session id)."""
    from helpdesk.auth.login_sessions import find_live

    with client.session_transaction() as sess:
        session_id, method = sess.get("_user_id"), sess.get("login_method")
    with client.application.app_context():
        row = find_live(session_id) if session_id else None
        return (row.user_id if row else None), method


def test_a_guardian_logs_in_on_the_providers_own_page(demo_app, exk_settings):
    client = demo_app.test_client()
    response = log_in_with_op(client, "emma")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user_id, method = _logged_in_as(client)
    assert method == "oidc"
    with demo_app.app_context():
        user = db.session.get(User, user_id)
        assert user.email == "vardnadshavare.norr@exempelkommun.se"
        assert any(r.role is Role.GUARDIAN for r in user.roles)
    home = client.get("/")
    assert home.status_code == 200 and "Emma Lindgren" in home.get_data(as_text=True)
    assert [e.object_label for e in _audit(demo_app, "oidc_login")] == ["Emma Lindgren"]


def test_the_first_login_makes_the_guardians_account(demo_app, exk_settings):
    with demo_app.app_context():
        exk = db.session.scalar(select(Organisation).where(Organisation.code == "EXK"))
        child = db.session.scalar(select(GuardianRelation)).student
        nora = Person(organisation_id=exk.id, kind=PersonKind.GUARDIAN, given_name="Nora", family_name="Ny",
                      civic_no=NEWCOMER)
        db.session.add(nora)
        db.session.flush()
        db.session.add(GuardianRelation(guardian_id=nora.id, student_id=child.id))
        db.session.commit()
        nora_id = nora.id
    client = demo_app.test_client()
    assert log_in_with_op(client, "ny").status_code == 302
    with demo_app.app_context():
        user = db.session.scalar(select(User).where(User.person_id == nora_id))
        assert [(r.role, r.organisation_id) for r in user.roles] == [(Role.GUARDIAN, user.organisation_id)]
        assert user.password_hash is None
    assert len(_audit(demo_app, "oidc_account_linked")) == 1
    # The second login uses the same account.
    again = demo_app.test_client()
    assert log_in_with_op(again, "ny").status_code == 302
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.person_id == nora_id)) == 1


def test_a_person_who_is_nobodys_guardian_gets_the_help_paths_and_no_account(demo_app, exk_settings):
    before = _user_count(demo_app)
    client = demo_app.test_client()
    response = log_in_with_op(client, "ingen")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "/help/cannot-log-in" in page and "/kb/" in page
    assert _user_count(demo_app) == before
    assert _logged_in_as(client)[0] is None
    [entry] = _audit(demo_app, "oidc_login_refused")
    assert entry.after == {"reason": "not_a_guardian"}
    # The audit log says it in words, to the organisation whose login it was.
    central = demo_app.test_client()
    login(central, "central@exempelkommun.se")
    assert "inte vårdnadshavare till ett barn på en skola här" in central.get("/admin/audit").get_data(as_text=True)


def _refused(app, client, response, reason, status=400):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert _logged_in_as(client)[0] is None
    assert [e.after["reason"] for e in _audit(app, "oidc_login_refused")] == [reason]


def _with_query(url, **changes):
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_a_state_that_does_not_match_is_refused(demo_app, exk_settings):
    before = _user_count(demo_app)
    client = demo_app.test_client()
    response = log_in_with_op(client, "emma", tamper=lambda url: _with_query(url, state="forged"))
    _refused(demo_app, client, response, "state_mismatch")
    assert _user_count(demo_app) == before


def test_the_providers_error_answer_is_refused(demo_app, exk_settings):
    client = demo_app.test_client()
    response = log_in_with_op(client, None)  # "Avbryt" on the provider's page
    assert "error=access_denied" in response.request.url
    _refused(demo_app, client, response, "provider_error", status=403)


def test_a_wrong_nonce_is_refused(demo_app, exk_settings):
    client = demo_app.test_client()

    def swap_nonce(url):
        with client.session_transaction() as sess:
            sess["oidc_pending"] = {**sess["oidc_pending"], "nonce": "not-the-one-sent"}
        return url

    _refused(demo_app, client, log_in_with_op(client, "emma", tamper=swap_nonce), "bad_nonce")


def test_a_missing_claim_is_refused(demo_app, exk_settings):
    client = demo_app.test_client()
    _refused(demo_app, client, log_in_with_op(client, "utan"), "missing_claim")


def test_the_claim_is_read_from_the_configured_name(demo_app, exk_settings):
    with demo_app.app_context():
        db.session.scalar(select(OidcSettings)).claim = "somethingElse"
        db.session.commit()
    client = demo_app.test_client()
    _refused(demo_app, client, log_in_with_op(client, "emma"), "missing_claim")


def test_a_callback_without_a_login_started_is_refused(demo_app, exk_settings):
    client = demo_app.test_client()
    _refused(demo_app, client, client.get("/auth/oidc/callback?code=x&state=y"), "no_login_started")


def test_an_unknown_organisation_is_a_clear_404(demo_app, exk_settings):
    client = demo_app.test_client()
    response = client.get("/auth/oidc/login/NOPE")
    assert response.status_code == 404
    assert "ingen organisation" in response.get_data(as_text=True).lower()
    # Grannby has not turned it on.
    assert client.get("/auth/oidc/login/GRB").status_code == 404


def test_the_login_page_offers_e_legitimation(demo_app):
    client = demo_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "Vårdnadshavare: logga in med BankID eller Freja (e-legitimation)" in page
    assert 'href="/auth/oidc/login"' in page
    client.post("/language", data={"lang": "en"})
    assert "Guardians: log in with BankID or Freja (e-legitimation)" in client.get("/login").get_data(as_text=True)


def test_the_personnummer_is_in_no_log_audit_row_session_or_url(demo_app, exk_settings, caplog):
    caplog.set_level("DEBUG")
    client = demo_app.test_client()
    seen_urls = []

    def record(url):
        seen_urls.append(url)
        return url

    first = client.get("/auth/oidc/login/EXK")
    seen_urls.append(first.headers["Location"])
    response = log_in_with_op(client, "emma", tamper=record)
    seen_urls.append(response.headers["Location"])
    forms = {EMMA, EMMA[2:], f"{EMMA[:8]}-{EMMA[8:]}", f"{EMMA[2:8]}-{EMMA[8:]}"}
    with client.session_transaction() as sess:
        session_text = repr(dict(sess))
    with demo_app.app_context():
        rows = [repr({c.name: getattr(e, c.name) for c in AuditEntry.__table__.columns})
                for e in db.session.scalars(select(AuditEntry))]
    for text in [caplog.text, session_text, *rows, *seen_urls]:
        assert not any(f in text for f in forms), text
    # ... and the refused login of a non-guardian neither.
    log_in_with_op(demo_app.test_client(), "ingen")
    with demo_app.app_context():
        rows = [repr({c.name: getattr(e, c.name) for c in AuditEntry.__table__.columns})
                for e in db.session.scalars(select(AuditEntry))]
    assert not any(re.search(NOBODY[2:], r) for r in rows + [caplog.text])


@pytest.fixture
def installation_wide(demo_app, op):
    """The installation-wide provider (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)."""
    demo_app.config.update(OIDC_ISSUER=op, OIDC_CLIENT_ID="helpdesk")
    return op


def test_a_guardian_in_two_organisations_chooses_which_account(demo_app, installation_wide):
    with demo_app.app_context():
        kim = db.session.scalar(select(Person).where(Person.email == "vardnadshavare@grannby.se"))
        kim.civic_no = EMMA  # the same person is a guardian in Grannby too
        db.session.commit()
        kim_id = kim.id
    client = demo_app.test_client()
    response = log_in_with_op(client, "emma", start="/auth/oidc/login")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/oidc/choose"
    assert _logged_in_as(client)[0] is None
    page = client.get("/auth/oidc/choose").get_data(as_text=True)
    assert "Exempelkommun" in page and "Grannby" in page
    assert client.post("/auth/oidc/choose", data={"person_id": "999999"}).status_code == 400
    response = client.post("/auth/oidc/choose", data={"person_id": str(kim_id)})
    assert response.status_code == 302
    with demo_app.app_context():
        user = db.session.get(User, _logged_in_as(client)[0])
        assert user.email == "vardnadshavare@grannby.se"
    # The organisation in the URL decides without asking.
    other = demo_app.test_client()
    demo_app.config.update(OIDC_ISSUER=None)
    with demo_app.app_context():
        exk = db.session.scalar(select(Organisation).where(Organisation.code == "EXK"))
        db.session.add(OidcSettings(organisation_id=exk.id, issuer=installation_wide, client_id="helpdesk",
                                    client_secret_env="OIDC_CLIENT_SECRET_EXK"))
        db.session.commit()
    assert log_in_with_op(other, "emma", start="/auth/oidc/login/exk").headers["Location"] == "/"


def test_installation_wide_login_of_one_guardian(demo_app, installation_wide):
    client = demo_app.test_client()
    assert log_in_with_op(client, "emma", start="/auth/oidc/login").headers["Location"] == "/"
