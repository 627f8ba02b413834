from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.directory.models import Organisation, Person
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets.models import Ticket, TicketStatus

CENTRAL = "central@exempelkommun.se"
GUARDIAN = "vardnadshavare.norr@exempelkommun.se"
GRANNBY_CENTRAL = "central@grannby.se"
GRANNBY_GUARDIAN = "vardnadshavare@grannby.se"
DAYS = {"closed_ticket_days": "730", "ticket_text": "mask", "guest_request_days": "90",
        "search_log_days": "180", "audit_days": "1825", "deactivated_person_days": "365"}


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def person_of(email) -> Person:
    return user(email).person


def org(code) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def close_long_ago(ticket: Ticket, days: int = 800) -> Ticket:
    """A ticket closed `days` ago (relative to now, so the tests never depend on the date)."""
    ticket.status = TicketStatus.CLOSED
    ticket.resolved_at = ticket.closed_at = utcnow() - timedelta(days=days)
    db.session.flush()
    return ticket


def tickets_of(u: User) -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).where(Ticket.requester_id == u.id)))


@pytest.fixture
def ctx(demo_app):
    with demo_app.test_request_context():
        yield demo_app
