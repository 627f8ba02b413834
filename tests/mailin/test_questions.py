"""New questions by mail to an organisation's open address."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.directory.models import Organisation
from helpdesk.extensions import db
from helpdesk.mailin import services as mail_services
from helpdesk.mailin.intake import take_in
from helpdesk.mailin.models import Outcome
from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets.models import Ticket, Tier
from tests.mailin.mails import SUPPORT, mail, user

OPEN = "fragor@exempelkommun.se"
TEACHER = "larare.norr@exempelkommun.se"


@pytest.fixture
def app_config():
    return {"MAIL_REPLY_ADDRESS": SUPPORT}


@pytest.fixture
def opened(demo_app):
    with demo_app.test_request_context():
        mail_services.set_inbound_address(user("central@exempelkommun.se"), OPEN.upper())
        db.session.commit()
        yield


def _tickets() -> int:
    return db.session.scalar(select(func.count(Ticket.id)))


def test_mail_from_a_person_in_the_directory_becomes_a_routed_ticket(opened):
    before = _tickets()
    row = take_in(mail(TEACHER, OPEN, "Jag kan inte se klass 6B.\n\n-- \nAnna", subject="Saknar 6B"))
    db.session.commit()
    assert row.outcome is Outcome.ACCEPTED and _tickets() == before + 1
    ticket = db.session.get(Ticket, row.ticket_id)
    assert ticket.requester_id == user(TEACHER).id and ticket.subject == "Saknar 6B"
    assert ticket.tier is Tier.LOCAL  # the school's local queue, as on the web
    assert ticket.messages[0].body == "Jag kan inte se klass 6B."


def test_an_unknown_sender_gets_a_polite_answer_and_nothing_is_created(opened):
    before = _tickets()
    row = take_in(mail("stranger@example.org", OPEN, "Hej, hur loggar jag in?", subject="Inlogg"))
    db.session.commit()
    assert (row.outcome, row.reason) == (Outcome.ANSWERED, "unknown_sender") and _tickets() == before
    answer = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "stranger@example.org"))
    assert "/help/cannot-log-in" in answer.body and answer.kind == "mailin_unknown_sender"


def test_a_person_of_another_organisation_is_unknown_here(opened):
    row = take_in(mail("larare@grannby.se", OPEN, "Hej", subject="Fråga"))
    assert row.outcome is Outcome.ANSWERED


def test_the_address_is_central_s_to_set_and_is_checked(demo_app):
    with demo_app.test_request_context():
        with pytest.raises(PermissionDenied):
            mail_services.set_inbound_address(user(TEACHER), OPEN)
        with pytest.raises(ValidationFailed):
            mail_services.set_inbound_address(user("central@exempelkommun.se"), "inte en adress")
        mail_services.set_inbound_address(user("central@grannby.se"), "support@grannby.se")
        with pytest.raises(ValidationFailed):  # another organisation's, without saying whose
            mail_services.set_inbound_address(user("central@exempelkommun.se"), "support@grannby.se")
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Exempelkommun"))
        assert org.inbound_email is None
        mail_services.set_inbound_address(user("central@exempelkommun.se"), OPEN)
        assert org.inbound_email == OPEN
        mail_services.set_inbound_address(user("central@exempelkommun.se"), "")
        assert org.inbound_email is None
