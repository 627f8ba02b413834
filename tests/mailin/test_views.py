"""The central team's pages: the quarantine of refused mail, and the address for questions."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.directory.models import Organisation
from helpdesk.extensions import db
from helpdesk.mailin.intake import take_in
from helpdesk.notify.reply_address import reply_address
from helpdesk.tickets.models import Ticket
from tests.mailin.mails import SUPPORT, mail, user


@pytest.fixture
def app_config():
    return {"MAIL_REPLY_ADDRESS": SUPPORT}


def test_the_quarantine_shows_central_its_own_refused_mail_with_the_reason(demo_app, as_user):
    with demo_app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number.like("EXK-%")))
        mine = take_in(mail("intruder@example.org", reply_address(ticket.id, user("larare.norr@exempelkommun.se").id,
                                                                 internal=False), "Hej", subject="Ett försök 19850101-1234"))
        grannby = db.session.scalar(select(Ticket).where(Ticket.number.like("GRB-%")) .limit(1)) or \
            db.session.scalar(select(Ticket).where(Ticket.organisation_id != ticket.organisation_id))
        take_in(mail("x@example.org", reply_address(grannby.id, 1, internal=False), "Hej", subject="Grannbys sak"))
        db.session.commit()
        assert mine.organisation_id == ticket.organisation_id
    page = as_user("central@exempelkommun.se").get("/mail/quarantine")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "intruder@example.org" in text and "Ett försök" in text and "1234" not in text
    assert "Svaret kom från en annan adress än den som aviseringen skickades till." in text
    assert "Grannbys sak" not in text  # organisations never see each other's mail
    assert "Grannbys sak" in as_user("central@grannby.se").get("/mail/quarantine").get_data(as_text=True)


def test_central_opens_and_closes_the_address_for_questions(demo_app, as_user):
    client = as_user("central@exempelkommun.se")
    bad = client.post("/mail/address", data={"address": "inte en adress"})
    assert bad.status_code == 400 and "giltig e-postadress" in bad.get_data(as_text=True)
    assert client.post("/mail/address", data={"address": "Fragor@Exempelkommun.se"}).status_code == 302
    with demo_app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Exempelkommun"))
        assert org.inbound_email == "fragor@exempelkommun.se"
    assert 'value="fragor@exempelkommun.se"' in client.get("/mail/address").get_data(as_text=True)
    client.post("/mail/address", data={"address": ""})
    with demo_app.app_context():
        assert db.session.get(Organisation, org.id).inbound_email is None
