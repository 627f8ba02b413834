"""A vendor worked by e-mail: the case goes to its desk without personal data, and the
desk's answers come back as vendor messages (tests/mailin/test_imap.py runs it end to end)."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from helpdesk.directory.models import Vendor
from helpdesk.extensions import db
from helpdesk.mailin.intake import take_in
from helpdesk.mailin.models import Outcome
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets import services, vendor_desk
from helpdesk.labels import label
from helpdesk.tickets.models import TicketCategory
from helpdesk.tickets.models import AuthorRole, EventKind, Ticket, TicketStatus, Tier
from tests.mailin.mails import SUPPORT, mail, user

DESK = "desk@leverantor.example"
CENTRAL = "central@exempelkommun.se"
LOCAL = "lokal.norr@exempelkommun.se"
TEACHER = "larare.norr@exempelkommun.se"


@pytest.fixture
def app_config():
    return {"MAIL_REPLY_ADDRESS": SUPPORT}


@pytest.fixture
def at_desk(demo_app):
    """A teacher's question escalated by central to the vendor, whose desk works by mail."""
    with demo_app.test_request_context():
        db.session.scalar(select(Vendor)).desk_email = DESK
        t = services.file_ticket(user(TEACHER), subject="Exporten fastnar för 19850101-1234",
                                 body="Min elev 19850101-1234 syns inte.", category="bug")
        services.escalate(t, user(LOCAL), "Provat två webbläsare.")
        services.escalate(t, user(CENTRAL), "Återskapat för alla skolor, elev 20140301-1238.")
        db.session.commit()
        yield t


def _desk_mail() -> OutboxMail:
    return db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == DESK))


def test_escalating_sends_the_case_to_the_desk_without_personal_data(at_desk):
    sent = _desk_mail()
    assert sent is not None and sent.kind == "ticket_vendor_desk"
    assert sent.subject.startswith(f"[{at_desk.number}]")
    text = sent.subject + sent.body
    assert "Återskapat för alla skolor" in text and "Exempelkommun" in text
    with force_locale("sv"):
        assert str(label(TicketCategory.BUG)) in text  # the category, in the desk's Swedish
    # Never the requester's contact details, never a personnummer.
    teacher = user(TEACHER)
    assert teacher.email not in text and teacher.display_name not in text
    assert "1234" not in text and "1238" not in text
    assert sent.reply_to.startswith("support+v.") and sent.reply_to.endswith("@exempelkommun.se")


def test_a_vendor_logging_in_needs_no_desk_mail(demo_app):
    with demo_app.test_request_context():
        t = services.file_ticket(user(TEACHER), subject="Fel", body="Fel", category="bug")
        services.escalate(t, user(LOCAL), "Provat")
        services.escalate(t, user(CENTRAL), "Provat mer")
        db.session.commit()
        assert _desk_mail() is None


def test_the_desks_answer_becomes_a_vendor_message_with_its_case_number(at_desk):
    row = take_in(mail(DESK, _desk_mail().reply_to, "Vi har återskapat felet och felsöker.",
                       subject=f"Re: [{at_desk.number}] Exporten fastnar [Case #VS-4711]"))
    db.session.commit()
    assert row.outcome is Outcome.ACCEPTED
    ticket = db.session.get(Ticket, at_desk.id)
    last = ticket.messages[-1]
    assert last.author_role is AuthorRole.VENDOR and last.internal and last.shared_with_vendor
    assert last.author_name == "Leverantören AB" and last.body == "Vi har återskapat felet och felsöker."
    assert ticket.vendor_reference == "VS-4711" and ticket.status is TicketStatus.OPEN
    assert ticket.vendor_responded_at is not None
    assert ticket.events[-2].kind is EventKind.VENDOR_CASE or ticket.events[-1].kind is EventKind.VENDOR_CASE
    # Central hears of it, with a reply address for an internal note.
    to_central = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == CENTRAL)
                                   .order_by(OutboxMail.id.desc()))
    assert "Vi har återskapat felet" in to_central.body and ".i." in to_central.reply_to


def test_a_resolved_from_the_desk_resolves_and_asks_central_for_the_summary(at_desk):
    # Matched by the reference in the subject alone, from the desk's address.
    take_in(mail(DESK, SUPPORT, "Rättat i version 4.3.", subject=f"SV: [{at_desk.number}] Ärende 4711 löst"))
    db.session.commit()
    ticket = db.session.get(Ticket, at_desk.id)
    assert ticket.status is TicketStatus.RESOLVED and ticket.tier is Tier.VENDOR
    assert ticket.vendor_reference == "4711"
    ask = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == CENTRAL,
                                                     OutboxMail.kind == "ticket_status_change"))
    assert ask is not None and "/tickets/" in ask.body and at_desk.number in ask.subject


def test_only_the_desk_may_answer_for_the_desk(at_desk):
    before = len(at_desk.messages)
    row = take_in(mail("impostor@example.org", _desk_mail().reply_to, "Löst!", subject="resolved"))
    db.session.commit()
    assert (row.outcome, row.reason) == (Outcome.QUARANTINED, "not_from_desk")
    ticket = db.session.get(Ticket, at_desk.id)
    assert len(ticket.messages) == before and ticket.status is not TicketStatus.RESOLVED


@pytest.mark.parametrize("subject, expected", [
    ("Re: [EXK-2026-00009] Export [Case #VS-4711]", "VS-4711"),
    ("SV: [EXK-2026-00009] Ärende 12345 löst", "12345"),
    ("Re: [EXK-2026-00009] Export", None),
    ("Incident: INC0042 [EXK-2026-00009]", "INC0042"),
])
def test_the_desks_case_number_is_read_from_its_subject(subject, expected):
    ticket = Ticket(number="EXK-2026-00009")
    assert vendor_desk.case_number(subject, ticket) == expected
