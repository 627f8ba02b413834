"""Personal access tokens: scopes, expiry, revocation and the per-token rate limit, all
enforced by the API's auth layer (helpdesk/api/tokens.py)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.api.tokens import grants
from helpdesk.auth.models import ApiToken
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from tests.conftest import login

TEACHER = "larare.norr@exempelkommun.se"
LOCAL = "lokal.norr@exempelkommun.se"
NEW_TICKET = {"subject": "Kan inte logga in", "body": "Eleven kommer inte in.", "category": "login"}


def _token(client, email, **extra):
    r = client.post("/api/v1/auth/token", json={"email": email, "password": "demo", **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("held, needed, ok", [
    ("read", "read", True), ("read", "write", False), ("read write", "write", True),
    ("write", "admin", False), ("admin", "read", True), ("", "read", False), ("bogus", "read", False)])
def test_scopes_include_the_ones_below(held, needed, ok):
    assert grants(held, needed) is ok


def test_the_password_exchange_gives_read_and_write_by_default(demo_client):
    body = _token(demo_client, TEACHER)
    assert body["scopes"] == ["read", "write"] and body["expires_at"] is None


def test_a_read_token_reads_but_cannot_file(demo_client):
    h = _bearer(_token(demo_client, TEACHER, scopes=["read"])["token"])
    assert demo_client.get("/api/v1/tickets", headers=h).status_code == 200
    refused = demo_client.post("/api/v1/tickets", headers=h, json=NEW_TICKET)
    assert refused.status_code == 403 and refused.json["error"] == "InsufficientScope"
    write = _bearer(_token(demo_client, TEACHER)["token"])
    assert demo_client.post("/api/v1/tickets", headers=write, json=NEW_TICKET).status_code == 201


def test_admin_operations_need_the_admin_scope_and_the_role(demo_app, demo_client):
    with demo_app.app_context():
        from helpdesk.directory.models import School

        school = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
    url = f"/api/v1/admin/groups?school_id={school}"
    write = _bearer(_token(demo_client, LOCAL)["token"])
    assert demo_client.get(url, headers=write).status_code == 403
    admin = _bearer(_token(demo_client, LOCAL, scopes=["admin"])["token"])
    assert demo_client.get(url, headers=admin).status_code == 200
    # A teacher's admin-scoped token is still a teacher: the roles refuse.
    teacher = _bearer(_token(demo_client, TEACHER, scopes=["admin"])["token"])
    assert demo_client.get(url, headers=teacher).status_code in (403, 404)


@pytest.mark.parametrize("body", [{"scopes": ["root"]}, {"scopes": []}, {"scopes": "admin"},
                                  {"expires_in_days": 0}, {"expires_in_days": 10_000}, {"expires_in_days": "7"}])
def test_bad_scopes_or_expiry_are_refused_and_no_token_is_made(demo_app, demo_client, body):
    r = demo_client.post("/api/v1/auth/token", json={"email": TEACHER, "password": "demo", **body})
    assert r.status_code == 400 and r.json["field"] in ("scopes", "expires_in_days")
    with demo_app.app_context():
        assert db.session.scalar(select(ApiToken.id)) is None


def test_an_expired_token_stops_at_once(demo_app, demo_client):
    issued = _token(demo_client, TEACHER, expires_in_days=1)
    h = _bearer(issued["token"])
    assert issued["expires_at"] and demo_client.get("/api/v1/me", headers=h).status_code == 200
    with demo_app.app_context():
        token = db.session.scalar(select(ApiToken))
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert demo_client.get("/api/v1/me", headers=h).status_code == 401


def test_a_revoked_token_stops_at_once(demo_app, demo_client):
    h = _bearer(_token(demo_client, TEACHER)["token"])
    assert demo_client.get("/api/v1/me", headers=h).status_code == 200
    with demo_app.app_context():
        db.session.scalar(select(ApiToken)).revoked_at = utcnow()
        db.session.commit()
    assert demo_client.get("/api/v1/me", headers=h).status_code == 401


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"API_TOKEN_RATE_LIMIT": "3 per minute"}

    def test_each_token_has_its_own_limit_with_retry_after(self, demo_client):
        first = _bearer(_token(demo_client, TEACHER)["token"])
        second = _bearer(_token(demo_client, TEACHER)["token"])
        for _ in range(3):
            assert demo_client.get("/api/v1/me", headers=first).status_code == 200
        refused = demo_client.get("/api/v1/me", headers=first)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60 and refused.json["retry_after"]
        assert demo_client.get("/api/v1/me", headers=second).status_code == 200


def test_the_account_page_makes_a_scoped_expiring_token_shown_once(demo_app, demo_client):
    login(demo_client, TEACHER)
    page = demo_client.post("/account/tokens", data={"tok-name": "Läsare", "tok-scope": "read",
                                                     "tok-expires": "30"}).get_data(as_text=True)
    raw = re.search(r"(hd_[\w-]+)", page).group(1)
    assert raw not in demo_client.get("/account").get_data(as_text=True)
    with demo_app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.scopes == "read"
        assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    anon = demo_app.test_client()
    assert anon.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    assert anon.post("/api/v1/tickets", headers=_bearer(raw), json=NEW_TICKET).status_code == 403


def test_the_account_page_refuses_an_unknown_scope(demo_app, demo_client):
    login(demo_client, TEACHER)
    r = demo_client.post("/account/tokens", data={"tok-name": "X", "tok-scope": "root", "tok-expires": "30"})
    assert r.status_code == 400
    with demo_app.app_context():
        assert db.session.scalar(select(ApiToken.id)) is None
