"""The public intake is limited per address and per e-mail."""
import pytest


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "GUEST_RATE_LIMIT": "3 per hour"}


def test_guest_intake_is_rate_limited_per_email(demo_app):
    c = demo_app.test_client()
    form = {"name": "A", "email": "same@example.org", "school_id": "1", "body": "x"}
    codes = [c.post("/help/cannot-log-in", data=form).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # The form itself can still be read.
    assert c.get("/help/cannot-log-in").status_code == 200
