"""Logging in and out, remember me, passwords, reset links, the idle timeout."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from helpdesk.auth.models import PasswordReset, User
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from tests.conftest import login
from tests.support.smtp import smtp_server


def test_login_shows_the_users_home_and_logout_ends_the_session(demo_client):
    login(demo_client, "central@exempelkommun.se")
    page = demo_client.get("/").get_data(as_text=True)
    assert "Karin Ståhl" in page
    demo_client.post("/logout")
    assert demo_client.get("/account").status_code == 302


@pytest.mark.parametrize("email,password", [
    ("central@exempelkommun.se", "wrong-password"),
    ("nobody@exempelkommun.se", "demo"),
])
def test_wrong_credentials_give_one_generic_message(demo_client, email, password):
    response = demo_client.post("/login", data={"email": email, "password": password})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "E-postadressen eller lösenordet är fel." in text
    assert demo_client.get("/account").status_code == 302


def test_remember_me_sets_a_lasting_cookie(demo_client):
    response = demo_client.post("/login", data={"email": "larare.norr@exempelkommun.se",
                                                "password": "demo", "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "Expires" in c and "HttpOnly" in c for c in cookies)


def test_session_is_renewed_at_login(demo_client):
    with demo_client.session_transaction() as s:
        s["planted"] = "by an attacker"
    login(demo_client, "larare.norr@exempelkommun.se")
    with demo_client.session_transaction() as s:
        assert "planted" not in s


def test_idle_session_expires_after_45_minutes(demo_client):
    login(demo_client, "larare.norr@exempelkommun.se")
    assert demo_client.get("/account").status_code == 200
    with demo_client.session_transaction() as s:
        s["last_seen"] -= 46 * 60
    response = demo_client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # The server-side session ended too (kept a while for the audit).
    from helpdesk.auth.models import LoginSession

    with demo_client.application.app_context():
        assert db.session.scalar(select(LoginSession.end_reason)) == "idle"


def test_last_seen_is_rewritten_at_most_every_30_seconds(demo_client):
    """Reading pages does not re-sign and re-send the session cookie on every request."""
    login(demo_client, "larare.norr@exempelkommun.se")
    demo_client.get("/account")
    again = demo_client.get("/account")
    assert again.status_code == 200 and "Set-Cookie" not in again.headers
    with demo_client.session_transaction() as s:
        s["last_seen"] -= 40
        before = s["last_seen"]
    later = demo_client.get("/account")
    assert "Set-Cookie" in later.headers
    with demo_client.session_transaction() as s:
        assert s["last_seen"] > before + 39


def test_change_password_needs_the_current_one_and_ends_other_sessions(demo_app):
    one, other = demo_app.test_client(), demo_app.test_client()
    login(one, "larare.norr@exempelkommun.se")
    login(other, "larare.norr@exempelkommun.se")
    bad = one.post("/account/password", data={"pw-current": "nope", "pw-password": "ett-nytt-lösen",
                                              "pw-confirm": "ett-nytt-lösen"})
    assert bad.status_code == 400 and "Det nuvarande lösenordet" in bad.get_data(as_text=True)
    short = one.post("/account/password", data={"pw-current": "demo", "pw-password": "kort",
                                                "pw-confirm": "kort"})
    assert short.status_code == 400
    ok = one.post("/account/password", data={"pw-current": "demo", "pw-password": "ett-nytt-lösen",
                                             "pw-confirm": "ett-nytt-lösen"})
    assert ok.status_code == 302
    assert one.get("/account").status_code == 200  # this session lives on
    assert other.get("/account").status_code == 302  # the other one has ended
    login(demo_app.test_client(), "larare.norr@exempelkommun.se", "ett-nytt-lösen")


def test_password_reset_by_mail_is_single_use(demo_app):
    with smtp_server() as inbox:
        demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port)
        client = demo_app.test_client()
        response = client.post("/forgot", data={"email": "Larare.Norr@exempelkommun.se"})
        assert response.status_code == 302
        # An unknown address gets the same answer and no mail.
        client.post("/forgot", data={"email": "nobody@exempelkommun.se"})
        assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "larare.norr@exempelkommun.se"
    body = message.get_payload(decode=True).decode()
    token = re.search(r"/reset/([\w-]+)", body).group(1)
    with demo_app.app_context():
        assert token not in db.session.scalar(select(PasswordReset.token_hash))
    form = {"password": "ett-helt-nytt", "confirm": "ett-helt-nytt"}
    assert client.post(f"/reset/{token}", data=form).status_code == 302
    login(demo_app.test_client(), "larare.norr@exempelkommun.se", "ett-helt-nytt")
    again = client.post(f"/reset/{token}", data={"password": "ett-tredje-lösen", "confirm": "ett-tredje-lösen"})
    assert again.status_code == 302 and "/forgot" in again.headers["Location"]
    login(demo_app.test_client(), "larare.norr@exempelkommun.se", "ett-helt-nytt")


def test_expired_reset_link_is_refused(demo_app):
    client = demo_app.test_client()
    client.post("/forgot", data={"email": "larare.norr@exempelkommun.se"})
    mail = next(Path(demo_app.config["MAIL_DROP_DIR"]).glob("*.eml"))
    token = re.search(r"/reset/([\w-]+)", mail.read_text()).group(1)
    with demo_app.app_context():
        reset = db.session.scalar(select(PasswordReset))
        reset.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.post(f"/reset/{token}", data={"password": "ett-helt-nytt", "confirm": "ett-helt-nytt"})
    assert response.status_code == 302 and "/forgot" in response.headers["Location"]
    with demo_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "larare.norr@exempelkommun.se"))
        from werkzeug.security import check_password_hash

        assert check_password_hash(user.password_hash, "demo")


def test_next_parameter_cannot_send_to_another_site(demo_client):
    response = demo_client.post("/login?next=https://evil.example/", data={
        "email": "larare.norr@exempelkommun.se", "password": "demo"})
    assert response.headers["Location"] == "/"


def test_api_tokens_are_listed_and_revocable(demo_client):
    login(demo_client, "larare.norr@exempelkommun.se")
    page = demo_client.post("/account/tokens", data={"tok-name": "Mitt skript"}).get_data(as_text=True)
    raw = re.search(r"(hd_[\w-]+)", page).group(1)
    assert demo_client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    with demo_client.application.app_context():
        from helpdesk.auth.models import ApiToken

        token_id = db.session.scalar(select(ApiToken.id))
    demo_client.post(f"/account/tokens/{token_id}/revoke")
    assert "Återkallad" in demo_client.get("/account").get_data(as_text=True)
    anon = demo_client.application.test_client()
    assert anon.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(demo_app, as_user):
    teacher = as_user("larare.norr@exempelkommun.se")
    teacher.post("/account/tokens", data={"tok-name": "lärarens"})
    with demo_app.app_context():
        from helpdesk.auth.models import ApiToken

        token_id = db.session.scalar(select(ApiToken.id))
    assert as_user("central@exempelkommun.se").post(f"/account/tokens/{token_id}/revoke").status_code == 404


def test_the_account_page_offers_api_tokens_only_to_who_works_the_desk(as_user):
    """A teacher or guardian has no program to give a token to: the section is not offered
    (until she has a token, which she can then still see and revoke)."""
    for email in ("larare.norr@exempelkommun.se", "vardnadshavare.norr@exempelkommun.se"):
        assert 'id="tok-heading"' not in as_user(email).get("/account").get_data(as_text=True), email
    for email in ("lokal.norr@exempelkommun.se", "central@exempelkommun.se", "leverantor@leverantor.example"):
        assert 'id="tok-heading"' in as_user(email).get("/account").get_data(as_text=True), email
