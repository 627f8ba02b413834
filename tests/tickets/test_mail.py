"""Ticket e-mail through a real SMTP server on loopback (aiosmtpd), sent by the tick."""
from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes

import pytest
from sqlalchemy import select, update

from helpdesk.auth.models import User
from helpdesk.core.tick import run_tick
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets import services
from helpdesk.tickets.models import Ticket, Tier


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    collector = Collector()
    collector.port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=collector.port)
    controller.start()
    yield collector
    controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_tick_escalates_and_mails_arrive_over_smtp(demo_app, smtp):
    demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    with demo_app.test_request_context():
        t = services.file_ticket(_user("larare.norr@exempelkommun.se"), subject="Appen kraschar",
                                 body="Den stängs direkt.", category="bug")
        services.add_message(t, _user("lokal.norr@exempelkommun.se"), "Vilken version?", internal=True)
        # The local first-response target has passed without a response.
        db.session.execute(update(Ticket).where(Ticket.id == t.id)
                           .values(local_response_due=utcnow() - timedelta(minutes=5)))
        db.session.commit()
        tid, number = t.id, t.number
    with demo_app.app_context():
        report = dict(run_tick())
        assert report["tickets: auto-escalate"] == "1 escalated"
        assert db.session.get(Ticket, tid).tier is Tier.CENTRAL
        assert db.session.scalar(select(OutboxMail.id).where(OutboxMail.sent_at.is_(None))) is None
    arrived = {(tuple(rcpt), msg["Subject"]) for rcpt, msg in smtp.messages}
    to_local = [s for r, s in arrived if "lokal.norr@exempelkommun.se" in r]
    to_central = [s for r, s in arrived if "central@exempelkommun.se" in r]
    to_teacher = [s for r, s in arrived if "larare.norr@exempelkommun.se" in r]
    # Two mails per agent: the new question (local tier) and the escalation (central tier).
    assert len(to_local) == 1 and number in to_local[0], arrived
    assert len(to_central) == 1 and number in to_central[0] and to_central[0] != to_local[0], arrived
    assert to_teacher, arrived  # the requester hears that the status changed
    # ... in a requester's words, not the desk's.
    teacher_body = next(m for r, m in smtp.messages if "larare.norr@exempelkommun.se" in r).get_payload(decode=True).decode()
    assert "nivån ovanför" not in teacher_body and "Nivå" not in teacher_body
    assert any(w in teacher_body for w in ("Mottagen", "Vi arbetar med frågan", "Skickad vidare för mer hjälp"))
    body = next(m for r, m in smtp.messages if "central@exempelkommun.se" in r).get_payload(decode=True).decode()
    assert f"/tickets/{tid}" in body


def test_a_down_mail_server_leaves_mail_in_the_outbox(demo_app):
    demo_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())
    with demo_app.test_request_context():
        services.file_ticket(_user("larare.norr@exempelkommun.se"), subject="Fråga", body="Text", category="usage")
        db.session.commit()
    with demo_app.app_context():
        report = dict(run_tick())
        assert report["mail"].startswith("sent 0")
        waiting = db.session.scalars(select(OutboxMail).where(OutboxMail.sent_at.is_(None))).all()
        assert waiting and all(m.attempts == 1 and m.last_error for m in waiting)
