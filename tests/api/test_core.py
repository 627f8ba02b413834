"""The API skeleton: tokens, /me, JSON errors."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.auth.models import ApiToken
from helpdesk.extensions import db
from tests.conftest import login


def test_token_then_me(demo_app, demo_client):
    response = demo_client.post("/api/v1/auth/token", json={"email": "lokal.norr@exempelkommun.se", "password": "demo"})
    assert response.status_code == 201
    raw = response.json["token"]
    with demo_app.app_context():
        stored = db.session.scalar(select(ApiToken.token_hash))
        assert stored != raw and len(stored) == 64
    me = demo_client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json
    assert me["email"] == "lokal.norr@exempelkommun.se"
    local = [r for r in me["roles"] if r["role"] == "local_admin"]
    assert local and all(r["school_id"] for r in local)  # the role comes with its school


def test_session_works_for_the_api_too(demo_client):
    login(demo_client, "central@grannby.se")
    assert demo_client.get("/api/v1/me").json["email"] == "central@grannby.se"


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"text"', b'{"email": 5, "password": "x"}', b'{"email": "a@b.se"}'])
def test_bad_token_requests_get_400_with_a_json_body(demo_client, body):
    response = demo_client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.is_json and response.json["message"]


def test_wrong_credentials_get_401_and_no_hint(demo_client):
    a = demo_client.post("/api/v1/auth/token", json={"email": "central@exempelkommun.se", "password": "fel"})
    b = demo_client.post("/api/v1/auth/token", json={"email": "ingen@exempelkommun.se", "password": "fel"})
    assert a.status_code == b.status_code == 401 and a.json == b.json


def test_unknown_api_route_is_json_404(demo_client):
    response = demo_client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json


def test_api_messages_follow_accept_language_of_the_user(demo_client):
    demo_client.post("/language", data={"lang": "en"})
    response = demo_client.post("/api/v1/auth/token", data=b"x", content_type="application/json")
    assert response.json["message"] == "The request body must be a JSON object."
