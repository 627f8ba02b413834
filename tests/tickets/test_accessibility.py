"""Reporting an accessibility problem: a ticket to the central team, at once or after the
visitor confirms their address."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from helpdesk.auth.models import User
from helpdesk.directory.models import School
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets import accessibility, guests
from helpdesk.tickets.models import GuestRequest, Ticket, TicketCategory, Tier

TEACHER = "larare.norr@exempelkommun.se"


def _user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _school(name) -> School:
    return db.session.scalar(select(School).where(School.name == name))


def test_a_logged_in_report_goes_straight_to_central(demo_app):
    with demo_app.test_request_context():
        norr = _school("Norrskolan")  # has a local contact, yet the report skips the local tier
        t = accessibility.report_problem(_user(TEACHER), school_id=norr.id, page="Frågeformuläret",
                                         body="Knappen Skicka läses inte upp av skärmläsaren.")
        assert t.tier is Tier.CENTRAL and t.category is TicketCategory.FEEDBACK
        assert t.subject == "Tillgänglighetsproblem" and t.requester_id == _user(TEACHER).id
        assert t.messages[0].body.startswith("Frågeformuläret\n\nKnappen Skicka")


def test_a_report_names_a_school_of_the_reporters_own_organisation(demo_app):
    with demo_app.test_request_context():
        grannby = db.session.scalar(select(School.id).join(School.organisation).where(School.name != "Norrskolan")
                                    .where(School.organisation_id != _school("Norrskolan").organisation_id))
        before = db.session.scalar(select(func.count(Ticket.id)))
        for school_id in (grannby, None, "x", 2**40):
            with pytest.raises(ValidationFailed) as exc:
                accessibility.report_problem(_user(TEACHER), school_id=school_id, page="", body="Något")
            assert exc.value.field == "school_id"
        with pytest.raises(ValidationFailed) as exc:
            accessibility.report_problem(_user(TEACHER), school_id=_school("Norrskolan").id, page="", body="  ")
        assert exc.value.field == "body"
        assert db.session.scalar(select(func.count(Ticket.id))) == before


def test_a_visitors_report_waits_for_the_address_then_reaches_central(demo_app):
    with demo_app.test_request_context():
        norr = _school("Norrskolan")
        guest, token = accessibility.start_report(name="Vera", email="Vera@Example.org", school_id=norr.id,
                                                  page="Startsidan", body="Texten går inte att förstora.",
                                                  locale="en")
        assert guest.purpose == "accessibility" and guest.ticket_id is None
        ticket, _follow = guests.confirm_guest_request(token)
        assert ticket.tier is Tier.CENTRAL and ticket.subject == "Accessibility problem"
        assert ticket.guest_email == "vera@example.org" and ticket.requester_name == "Vera"
        # The "I can't log in" form still opens a login question in the local queue.
        login, token = guests.start_guest_request(name="Bo", email="bo@example.org", school_id=norr.id,
                                                    body="Inget BankID.")
        assert login.purpose == "login"
        assert guests.confirm_guest_request(token)[0].category is TicketCategory.LOGIN


def test_the_report_form_for_visitors_and_logged_in_people(demo_app, as_user):
    c = demo_app.test_client()
    statement = c.get("/accessibility").text
    assert "/help/accessibility-problem" in statement and "DIGG" in statement
    with demo_app.app_context():
        norr = _school("Norrskolan").id
    # The honeypot: pretends all went well, stores nothing.
    r = c.post("/help/accessibility-problem", data={"name": "Bot", "email": "bot@example.org",
                                                    "school_id": str(norr), "body": "spam", "website": "x"})
    assert r.status_code == 200
    r = c.post("/help/accessibility-problem", data={"name": "Vera", "email": "nope", "school_id": str(norr),
                                                    "body": "Kontrasten är för låg."})
    assert r.status_code == 400 and 'id="email-error"' in r.text
    r = c.post("/help/accessibility-problem", data={"name": "Vera", "email": "vera@example.org",
                                                    "school_id": str(norr), "page": "Sök",
                                                    "body": "Kontrasten är för låg."})
    assert r.status_code == 200
    with demo_app.app_context():
        mails = db.session.scalars(select(OutboxMail).where(
            OutboxMail.to_address.in_(["vera@example.org", "bot@example.org"]))).all()
        assert [m.to_address for m in mails] == ["vera@example.org"]
        assert "tillgänglighetsproblem" in mails[0].body
        assert db.session.scalar(select(func.count(GuestRequest.id)).where(GuestRequest.purpose == "accessibility")) == 1
        assert re.search(r"/help/verify/\S+", mails[0].body)

    teacher = as_user(TEACHER)
    form = teacher.get("/help/accessibility-problem").text
    assert 'name="email"' not in form  # a logged-in person is known
    r = teacher.post("/help/accessibility-problem", data={"school_id": str(norr), "page": "Mina frågor",
                                                          "body": "Tabellen går inte att läsa på mobilen."})
    assert r.status_code == 302
    assert "Tillgänglighetsproblem" in teacher.get("/tickets/mine").text
