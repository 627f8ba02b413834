"""Security headers, CSRF, language choice, error pages, health."""
from __future__ import annotations

import pytest

from tests.conftest import login
from tests.support.queries import statements as sql_of


def test_security_headers_on_every_page(demo_client):
    response = demo_client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(demo_client):
    response = demo_client.post("/login", data={"email": "larare.norr@exempelkommun.se", "password": "demo"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_have_no_inline_script_or_style(demo_app, as_user):
    client = as_user("central@exempelkommun.se")
    for path in ("/", "/account", "/directory/", "/login"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_state_changes_need_a_csrf_token(demo_client):
    response = demo_client.post("/login", data={"email": "larare.norr@exempelkommun.se", "password": "demo"})
    assert response.status_code == 400
    assert "Ladda om sidan" in response.get_data(as_text=True)
    # A bearer-token API call is not a browser form and needs none; the token request is a login.
    token = demo_client.post("/api/v1/auth/token", json={"email": "larare.norr@exempelkommun.se", "password": "demo"})
    assert token.status_code == 201


def test_language_choice_sticks_for_visitors_and_users(demo_client):
    assert 'lang="sv"' in demo_client.get("/").get_data(as_text=True)
    demo_client.post("/language", data={"lang": "en", "next": "/"})
    assert 'lang="en"' in demo_client.get("/").get_data(as_text=True)
    login(demo_client, "larare.norr@exempelkommun.se")
    assert "Welcome" in demo_client.get("/").get_data(as_text=True)
    # The user's choice is stored: a fresh browser that logs in gets English too.
    fresh = demo_client.application.test_client()
    login(fresh, "larare.norr@exempelkommun.se")
    assert "Welcome" in fresh.get("/").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_targets(demo_client):
    response = demo_client.post("/language", data={"lang": "xx", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    assert 'lang="sv"' in demo_client.get("/").get_data(as_text=True)


def test_error_pages_are_friendly_and_translated(demo_client):
    response = demo_client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.get_data(as_text=True)
    demo_client.post("/language", data={"lang": "en"})
    assert "The page could not be found" in demo_client.get("/finns-inte").get_data(as_text=True)


def test_unmigrated_database_gets_a_clear_message(tmp_path):
    from helpdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}",
                      "TESTING": True, "WTF_CSRF_ENABLED": False}, instance_path=str(tmp_path))
    response = app.test_client().post("/login", data={"email": "a@b.se", "password": "x"})
    assert response.status_code == 503
    assert "flask --app helpdesk db upgrade" in response.get_data(as_text=True)
    health = app.test_client().get("/healthz")
    assert health.status_code == 503 and health.json["database"]["state"] == "not migrated"
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["database"] is False
    assert ready.headers["Retry-After"] == "5"


def test_livez_touches_nothing_and_readyz_stays_cheap(demo_app):
    client = demo_app.test_client()
    live, statements = sql_of(demo_app, lambda: client.get("/livez"))
    assert live.status_code == 200 and live.json == {"status": "alive"}
    assert statements == []
    client.get("/readyz")  # the first call looks at the schema once
    ready, statements = sql_of(demo_app, lambda: client.get("/readyz"))
    assert ready.status_code == 200 and ready.json == {"status": "ready", "database": True, "search": True}
    assert statements and all("count(" not in s.lower() and "sqlite_master" not in s.lower()
                              and "information_schema" not in s.lower() for s in statements)
    assert len(statements) <= 4  # SELECT 1, and on PostgreSQL one search row inside a savepoint


def test_healthz_reports_database_state(demo_client):
    body = demo_client.get("/healthz").json
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    from helpdesk import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    second = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_without_its_database_the_portal_answers_503_with_retry_after_never_500(tmp_path):
    from helpdesk import create_app

    gone = tmp_path / "no-such-folder" / "helpdesk.sqlite"  # SQLite cannot open it: "the database is away"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{gone}", "TESTING": True,
                      "WTF_CSRF_ENABLED": False}, instance_path=str(tmp_path))
    client = app.test_client()
    assert client.get("/").status_code == 200  # the anonymous start page needs no database
    page = client.get("/kb/", headers={"Accept-Language": "sv"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "databas" in page.get_data(as_text=True)
    login = client.post("/login", data={"email": "central@exempelkommun.se", "password": "demo"})
    assert login.status_code == 503 and "når inte sin databas" in login.get_data(as_text=True)
    api = client.get("/api/v1/tickets", headers={"Authorization": "Bearer x"})
    assert api.status_code == 503 and api.json["error"] == "ServiceUnavailable" and api.json["retry_after"] == 5
    assert client.get("/livez").status_code == 200
    assert client.get("/readyz").status_code == 503


def test_the_client_address_comes_from_the_proxy_only_when_configured(tmp_path):
    from flask import request

    from helpdesk import create_app

    seen = {}
    for hops in (0, 1):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}", "TESTING": True,
                          "TRUSTED_PROXIES": hops}, instance_path=str(tmp_path))
        app.add_url_rule("/_whoami", "whoami", lambda: {"addr": request.remote_addr, "scheme": request.scheme})
        seen[hops] = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.7",
                                                               "X-Forwarded-Proto": "https"}).json
    assert seen[0] == {"addr": "127.0.0.1", "scheme": "http"}
    assert seen[1] == {"addr": "203.0.113.7", "scheme": "https"}
