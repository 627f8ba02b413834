"""Sessions end for real: logout, a new password, a reset link and "log out everywhere else"
end them on the server, so a copied cookie or an old API token is worth nothing after."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from helpdesk.admin.models import AuditEntry
from helpdesk.auth import sessions
from helpdesk.auth.models import LoginSession, User
from helpdesk.extensions import db
from tests.conftest import login

TEACHER = "larare.norr@exempelkommun.se"
NEW = {"pw-current": "demo", "pw-password": "ett-nytt-lösen", "pw-confirm": "ett-nytt-lösen"}


def _replay(app, cookie_name: str, value: str):
    """A fresh browser that only has the copied cookie."""
    thief = app.test_client()
    thief.set_cookie(cookie_name, value)
    return thief


def _token(client) -> str:
    page = client.post("/account/tokens", data={"tok-name": "skript"}).get_data(as_text=True)
    return re.search(r"(hd_[\w-]+)", page).group(1)


def _api_me(app, token: str) -> int:
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_copied_session_cookie_is_worthless_after_logout(demo_app):
    client = demo_app.test_client()
    login(client, TEACHER)
    stolen = client.get_cookie("session").value
    assert _replay(demo_app, "session", stolen).get("/account").status_code == 200  # it did work
    client.post("/logout")
    assert client.get("/account").status_code == 302
    response = _replay(demo_app, "session", stolen).get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with demo_app.app_context():
        row = db.session.scalar(select(LoginSession))
        assert row.ended_at is not None and row.end_reason == "logout" and row.method == "password"


def test_a_copied_remember_me_cookie_is_worthless_after_logout(demo_app):
    client = demo_app.test_client()
    client.post("/login", data={"email": TEACHER, "password": "demo", "remember": "y"})
    remembered = client.get_cookie("remember_token").value
    assert _replay(demo_app, "remember_token", remembered).get("/account").status_code == 200
    client.post("/logout")
    assert _replay(demo_app, "remember_token", remembered).get("/account").status_code == 302


def test_a_password_change_ends_other_sessions_and_revokes_every_token(demo_app):
    one, other = demo_app.test_client(), demo_app.test_client()
    login(one, TEACHER)
    login(other, TEACHER)
    token = _token(one)
    assert _api_me(demo_app, token) == 200
    assert one.post("/account/password", data=NEW).status_code == 302
    assert one.get("/account").status_code == 200  # the session that changed it lives on
    assert other.get("/account").status_code == 302
    assert _api_me(demo_app, token) == 401
    page = one.get("/account").get_data(as_text=True)
    assert "Återkallad" in page and "Logga ut överallt annars" not in page  # one session left
    with demo_app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.operation == "password_changed"))
        from helpdesk import audit_phrases

        assert audit_phrases.describe(entry).startswith("Anna Berglund bytte sitt lösenord")


def test_a_reset_link_ends_every_session_and_token(demo_app):
    browser = demo_app.test_client()
    login(browser, TEACHER)
    token = _token(browser)
    demo_app.test_client().post("/forgot", data={"email": TEACHER})
    mail = next(Path(demo_app.config["MAIL_DROP_DIR"]).glob("*.eml"))
    link = re.search(r"/reset/([\w-]+)", mail.read_text()).group(1)
    form = {"password": "ett-helt-nytt", "confirm": "ett-helt-nytt"}
    assert demo_app.test_client().post(f"/reset/{link}", data=form).status_code == 302
    assert browser.get("/account").status_code == 302
    assert _api_me(demo_app, token) == 401
    with demo_app.app_context():
        assert db.session.scalar(select(LoginSession.ended_at).where(LoginSession.ended_at.is_(None))) is None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.operation == "password_reset_used"))


def test_the_account_page_lists_sessions_and_logs_out_everywhere_else(demo_app):
    here, phone, laptop = (demo_app.test_client() for _ in range(3))
    for client in (here, phone, laptop):
        login(client, TEACHER)
    other_user = demo_app.test_client()
    login(other_user, "rektor.norr@exempelkommun.se")
    page = here.get("/account").get_data(as_text=True)
    assert "Där du är inloggad" in page and page.count("E-postadress och lösenord") == 3
    assert "Ja, den här" in page
    response = here.post("/account/sessions/end-others", follow_redirects=True)
    assert "2 andra inloggningar har loggats ut." in response.get_data(as_text=True)
    assert phone.get("/account").status_code == 302 and laptop.get("/account").status_code == 302
    assert here.get("/account").status_code == 200
    assert other_user.get("/account").status_code == 200  # somebody else's sessions stay
    here.post("/language", data={"lang": "en"})
    page = here.get("/account").get_data(as_text=True)
    assert "Where you are logged in" in page and page.count("E-mail address and password") == 1
    with demo_app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.operation == "logged_out_everywhere"))


def test_end_everywhere_ends_all_sessions_of_the_user(demo_app):
    one, two = demo_app.test_client(), demo_app.test_client()
    login(one, TEACHER)
    login(two, TEACHER)
    with demo_app.app_context():
        sessions.end_everywhere(db.session.scalar(select(User).where(User.email == TEACHER)))
        db.session.commit()
    assert one.get("/account").status_code == 302 and two.get("/account").status_code == 302


def test_two_different_users_are_never_equal_without_a_login_session(demo_app):
    from sqlalchemy import select

    from helpdesk.auth.models import User
    from helpdesk.extensions import db

    with demo_app.app_context():
        a, b = db.session.scalars(select(User).order_by(User.id).limit(2)).all()
        assert a != b and a not in [b] and len({a, b}) == 2
        assert a == db.session.get(User, a.id)
