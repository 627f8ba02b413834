"""GET /api/v1/insight: the same figures as the page, the same scope and the same errors."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.directory.models import School
from helpdesk.extensions import db
from tests.insight.fixtures import add_recent_history

CENTRAL, LOCAL, VENDOR = "central@exempelkommun.se", "lokal.norr@exempelkommun.se", "leverantor@leverantor.example"


def test_api_serves_the_figures_of_the_page(demo_app, as_user):
    with demo_app.app_context():
        add_recent_history("Exempelkommun")
    body = as_user(CENTRAL).get("/api/v1/insight?category=login").get_json()
    assert body["filters"]["category"] == "login"
    period = body["period"]
    assert period["asked"] == sum(period["categories"].values()) == period["categories"]["login"]
    assert set(period["first_response_business"]) == {"local", "central", "vendor"}
    assert len(body["weeks"]) >= 13 and "comments" in body
    assert body["searches_without_result"] is not None


def test_api_scope_and_bad_input(demo_app, as_user):
    with demo_app.app_context():
        soder = db.session.scalar(select(School.id).where(School.name == "Söderskolan"))
    local = as_user(LOCAL)
    assert local.get(f"/api/v1/insight?school_id={soder}").status_code == 404
    bad = local.get("/api/v1/insight?from=2026-02-01&to=2026-01-01")
    assert bad.status_code == 400 and bad.get_json()["field"] == "from"
    # Not a number: no school at all, so the document's rule answers (a 400 naming the field).
    not_a_number = local.get("/api/v1/insight?school_id=abc")
    assert not_a_number.status_code == 400 and not_a_number.get_json()["field"] == "school_id"
    vendor = as_user(VENDOR).get("/api/v1/insight").get_json()
    assert "comments" not in vendor and vendor["searches_without_result"] is None
    assert as_user("larare.norr@exempelkommun.se").get("/api/v1/insight").status_code == 404
