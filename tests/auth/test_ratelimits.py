"""Login limits count failed attempts only: per address (100 / 5 min) and per account
(10 / 15 min, with a lockout that grows); a school behind one address logs in freely."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from helpdesk import create_app
from helpdesk.auth.models import User
from helpdesk.auth.services import new_session_key
from helpdesk.extensions import db

LIMITS_ON = {"RATELIMIT_ENABLED": True}
TEACHER = "larare.norr@exempelkommun.se"


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


def _teachers(app, n: int) -> list[str]:
    """n extra teacher accounts at Norrskolan, password `demo` like the demo's."""
    with app.app_context():
        model = db.session.scalar(select(User).where(User.email == TEACHER))
        emails = [f"larare{i}.norr@exempelkommun.se" for i in range(n)]
        for email in emails:
            db.session.add(User(email=email, password_hash=model.password_hash, person_id=None,
                                organisation_id=model.organisation_id, session_key=new_session_key()))
        db.session.commit()
    return emails


def _login(client, email, password="demo"):
    return client.post("/login", data={"email": email, "password": password})


@pytest.mark.parametrize("app_config", [LIMITS_ON], indirect=True)
def test_a_whole_school_behind_one_address_logs_in_at_eight(demo_app):
    emails = _teachers(demo_app, 30)
    codes = []
    for email in emails:
        client = demo_app.test_client()  # every browser comes from 127.0.0.1
        codes.append(_login(client, email, "fel-lösenord").status_code)  # a typo first
        codes.append(_login(client, email).status_code)
    assert codes == [200, 302] * 30


@pytest.mark.parametrize("app_config", [LIMITS_ON], indirect=True)
def test_eleven_wrong_passwords_lock_the_account_even_for_the_right_one(demo_app):
    client = demo_app.test_client()
    codes = [_login(client, TEACHER, "fel").status_code for _ in range(10)]
    assert codes == [200] * 10
    refused = _login(client, TEACHER, "fel")
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 14 * 60 < wait <= 15 * 60
    page = refused.get_data(as_text=True)
    assert "för många gånger" in page and "Vänta 15 minuter" in page
    right = _login(demo_app.test_client(), TEACHER)
    assert right.status_code == 429 and "Retry-After" in right.headers
    # The API token endpoint shares the count and answers in JSON.
    api = demo_app.test_client().post("/api/v1/auth/token", json={"email": TEACHER, "password": "demo"})
    assert api.status_code == 429 and api.is_json
    assert api.json["retry_after"] == int(api.headers["Retry-After"]) > 0
    # English readers read it in English.
    english = demo_app.test_client()
    english.post("/language", data={"lang": "en"})
    assert "Wait 15 minutes" in _login(english, TEACHER).get_data(as_text=True)
    # Only that account is locked: a colleague at the same address logs in.
    assert _login(demo_app.test_client(), "rektor.norr@exempelkommun.se").status_code == 302


@pytest.mark.parametrize("app_config", [LIMITS_ON], indirect=True)
def test_repeated_lockouts_grow_and_a_success_starts_the_count_over(demo_app):
    client = demo_app.test_client()
    for _ in range(9):
        _login(client, TEACHER, "fel")
    assert _login(client, TEACHER).status_code == 302  # the right password clears the count
    client = demo_app.test_client()
    assert [_login(client, TEACHER, "fel").status_code for _ in range(10)] == [200] * 10
    first = int(_login(client, TEACHER, "fel").headers["Retry-After"])
    assert first <= 15 * 60
    # The first lock runs out (as if 15 minutes passed) ...
    guard = demo_app.extensions["helpdesk_login_guard"]
    lock_keys = [k for k in guard.storage.storage if "/login-lock/" in k]
    assert len(lock_keys) == 1
    guard.storage.clear(lock_keys[0])
    # ... and ten more failures lock it twice as long.
    assert [_login(client, TEACHER, "fel").status_code for _ in range(10)] == [200] * 10
    second = int(_login(client, TEACHER, "fel").headers["Retry-After"])
    assert 29 * 60 < second <= 30 * 60


@pytest.mark.parametrize("app_config", [LIMITS_ON], indirect=True)
def test_one_address_guessing_across_many_accounts_stops_at_100(demo_app):
    emails = _teachers(demo_app, 20)
    client = demo_app.test_client()
    codes = [_login(client, email, "fel").status_code for email in emails for _ in range(5)]
    assert codes == [200] * 100  # never more than 5 per account: the account limit is not it
    refused = _login(client, "rektor.norr@exempelkommun.se")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 5 * 60


@pytest.mark.parametrize("app_config", [LIMITS_ON], indirect=True)
def test_reset_requests_are_limited_alike_for_known_and_unknown_addresses(demo_app):
    client = demo_app.test_client()
    answers = {}
    for email in (TEACHER, "finns-inte@exempelkommun.se"):
        codes = [client.post("/forgot", data={"email": email}).status_code for _ in range(10)]
        answers[email] = (codes, client.post("/forgot", data={"email": email}).status_code)
    assert answers[TEACHER] == answers["finns-inte@exempelkommun.se"] == ([302] * 10, 429)
    # Reset requests have their own count: the teacher can still log in.
    assert _login(demo_app.test_client(), TEACHER).status_code == 302


def test_limits_are_off_when_disabled(demo_app):
    client = demo_app.test_client()
    assert {_login(client, TEACHER, "fel").status_code for _ in range(12)} == {200}


REDIS = "redis://127.0.0.1:6379/11"


@pytest.mark.parametrize("app_config", [{
    **LIMITS_ON, "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
    # Several workers keep the counts in Redis (tests use database 11 only).
    "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": "test-" + uuid.uuid4().hex,
}], indirect=True)
def test_two_app_instances_share_the_counts_in_redis(demo_app, tmp_path):
    import redis

    other = create_app({**demo_app.config}, instance_path=str(tmp_path / "other"))
    try:
        first, second = demo_app.test_client(), other.test_client()
        assert _login(first, TEACHER, "fel").status_code == 200
        assert _login(second, TEACHER, "fel").status_code == 200
        assert _login(first, TEACHER, "fel").status_code == 200
        # The third failure was counted by the first instance; the second one refuses.
        refused = _login(second, TEACHER)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    finally:
        with other.app_context():
            db.engine.dispose()
        conn = redis.Redis.from_url(REDIS)
        for key in conn.scan_iter(f"*{demo_app.config['RATELIMIT_KEY_PREFIX']}*"):
            conn.delete(key)


@pytest.mark.parametrize("app_config", [{
    # Nothing listens on this port (one of this project's test ports): the store is down.
    **LIMITS_ON, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:5119/11",
}], indirect=True)
def test_a_broken_counter_store_lets_logins_through_instead_of_failing(demo_app):
    client = demo_app.test_client()
    assert _login(client, TEACHER, "fel").status_code == 200
    assert _login(client, TEACHER).status_code == 302
