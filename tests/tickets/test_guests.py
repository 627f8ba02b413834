"""Questions from people without an account."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.tickets import (
    guests,
    services,
)
from helpdesk.tickets.models import (
    Ticket,
    TicketMessage,
    Tier,
)
from tests.tickets.people import (
    LOCAL,
    user,
)


def test_guest_request_creates_a_ticket_only_after_confirmation(demo_app):
    with demo_app.test_request_context():
        from helpdesk.directory.models import School

        norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
        before = db.session.scalar(select(func.count(Ticket.id)))
        _req, token = guests.start_guest_request(name="Vera Vh", email="Vera@Example.org", school_id=norr,
                                                   body="Jag har inget BankID.")
        assert db.session.scalar(select(func.count(Ticket.id))) == before
        t, follow = guests.confirm_guest_request(token)
        assert t.tier is Tier.LOCAL and t.guest_email == "vera@example.org" and t.requester_id is None
        with pytest.raises(NotFound):
            guests.confirm_guest_request(token)  # single use
        assert guests.guest_ticket(follow).id == t.id
        services.add_message(t, user(LOCAL), "Du kan logga in med Freja eID.")
        guests.guest_reply(follow, "Tack!")
        assert t.messages[-1].author_name == "Vera Vh"
        assert db.session.scalar(select(TicketMessage.id).where(TicketMessage.ticket_id == t.id).limit(1))
