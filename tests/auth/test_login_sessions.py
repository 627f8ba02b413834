"""The server-side session rows: idle sessions end on the server, and `tick` tidies up."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from helpdesk.auth import login_sessions
from helpdesk.auth.models import LoginSession
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from tests.conftest import login

TEACHER = "larare.norr@exempelkommun.se"


def test_the_server_ends_an_idle_session_even_if_the_cookie_says_otherwise(demo_app):
    client = demo_app.test_client()
    login(client, TEACHER)
    with demo_app.app_context():
        row = db.session.scalar(select(LoginSession))
        row.last_seen_at = utcnow() - timedelta(minutes=50)
        db.session.commit()
    assert client.get("/account").status_code == 302
    with demo_app.app_context():
        assert db.session.scalar(select(LoginSession.end_reason)) == "idle"


def test_tick_removes_sessions_ended_a_month_ago(demo_app):
    for _ in range(3):
        client = demo_app.test_client()
        login(client, TEACHER)
    with demo_app.app_context():
        old, recent, idle = db.session.scalars(select(LoginSession).order_by(LoginSession.id)).all()
        old.ended_at = utcnow() - timedelta(days=31)
        recent.ended_at = utcnow() - timedelta(days=29)
        idle.last_seen_at = utcnow() - timedelta(hours=2)
        db.session.commit()
        old, recent, idle = old.id, recent.id, idle.id
        login_sessions.prune()
        db.session.commit()
        left = {row.id: row.end_reason for row in db.session.scalars(select(LoginSession))}
        assert old not in left and recent in left and left[idle] == "idle"


def test_unknown_and_malformed_session_ids_are_refused(demo_app):
    with demo_app.app_context():
        for bad in ("", "1:abc", "s:", "s:" + "x" * 200, None, 42):
            assert login_sessions.find_live(bad) is None
