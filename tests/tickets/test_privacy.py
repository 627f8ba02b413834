"""No personnummer in notes passed up to central and the vendor (page, API, e-mail), in the
guest form's stored question, nor behind a guest's follow link once it has expired."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from helpdesk.directory.models import School
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets import guests, services
from helpdesk.tickets.demo import CENTRAL_SUBJECT, VENDOR_SUBJECT
from helpdesk.tickets.models import GuestRequest, Ticket, TicketEvent, TicketMessage, TicketStatus, Tier
from tests.tickets.test_services import CENTRAL, VENDOR, ticket, user

NUMBER = "elev-20140101-9995"  # written the way the old masking missed
SECRET = "9995"


def _ticket_id(app, subject) -> int:
    with app.app_context():
        return db.session.scalar(select(Ticket.id).where(Ticket.subject == subject))


def _nothing_stored_holds_the_number(ticket_id: int) -> None:
    notes = db.session.scalars(select(TicketEvent.note).where(TicketEvent.ticket_id == ticket_id)).all()
    bodies = db.session.scalars(select(TicketMessage.body).where(TicketMessage.ticket_id == ticket_id)).all()
    mails = db.session.scalars(select(OutboxMail.body)).all()
    assert not [t for t in [*notes, *bodies, *mails] if t and SECRET in t]


def test_escalation_note_to_the_vendor_is_masked_on_page_api_and_mail(demo_app, as_user):
    tid = _ticket_id(demo_app, CENTRAL_SUBJECT)
    central = as_user(CENTRAL)
    r = central.post(f"/tickets/{tid}/escalate", data={"note": f"Synken saknar {NUMBER}, se bild."})
    assert r.status_code == 302
    with demo_app.app_context():
        t = db.session.get(Ticket, tid)
        assert t.tier is Tier.VENDOR
        assert t.events[-1].note == "Synken saknar elev-20140101-XXXX, se bild."
        vendor_mail = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "ticket_escalation", OutboxMail.to_address == VENDOR)).all()
        assert vendor_mail and all(SECRET not in m.body for m in vendor_mail)
        assert any("elev-20140101-XXXX" in m.body for m in vendor_mail)
        _nothing_stored_holds_the_number(tid)
    vendor = as_user(VENDOR)
    page = vendor.get(f"/tickets/{tid}").text
    assert "elev-20140101-XXXX" in page and SECRET not in page
    api = vendor.get(f"/api/v1/tickets/{tid}")
    assert api.status_code == 200 and SECRET not in api.text
    # Central may still read the note as written; the reveal is in the history.
    with demo_app.test_request_context():
        t = db.session.get(Ticket, tid)
        shared = [m for m in t.messages if m.shared_with_vendor][-1]
        assert services.reveal_original(t, shared.id, user(CENTRAL)) == f"Synken saknar {NUMBER}, se bild."


def test_escalation_note_through_the_api_is_masked(demo_app, as_user):
    tid = _ticket_id(demo_app, CENTRAL_SUBJECT)
    r = as_user(CENTRAL).post(f"/api/v1/tickets/{tid}/escalate", json={"note": f"ID-20140101\u20139995 {NUMBER}"})
    assert r.status_code == 200
    with demo_app.app_context():
        _nothing_stored_holds_the_number(tid)
    assert SECRET not in as_user(VENDOR).get(f"/api/v1/tickets/{tid}").text


def test_send_back_and_status_notes_are_masked(demo_app):
    with demo_app.test_request_context():
        t = ticket(VENDOR_SUBJECT)
        services.send_back(t, user(VENDOR), "Gäller 140101\u20139995, rättat.")
        services.set_status(t, user(CENTRAL), "waiting_for_requester", note="Frågat om x201401019995y")
        db.session.commit()
        assert [e.note for e in t.events[-2:]] == ["Gäller 140101\u2013XXXX, rättat.", "Frågat om x20140101XXXXy"]
        _nothing_stored_holds_the_number(t.id)


def test_guest_form_keeps_no_raw_number(demo_app):
    with demo_app.test_request_context():
        norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
        guest, token = guests.start_guest_request(
            name="Vera", email="vera@example.org", school_id=norr,
            body=f"Mitt barn {NUMBER} kommer inte in.")
        assert guest.body == "Mitt barn elev-20140101-XXXX kommer inte in."
        t, _follow = guests.confirm_guest_request(token)
        db.session.commit()
        stored = db.session.scalars(select(GuestRequest.body)).all()
        assert stored and all(SECRET not in b for b in stored)
        _nothing_stored_holds_the_number(t.id)


def _guest_ticket(app):
    with app.test_request_context():
        norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
        _guest, token = guests.start_guest_request(name="Vera", email="vera@example.org",
                                                     school_id=norr, body="Jag har inget BankID.")
        t, follow = guests.confirm_guest_request(token)
        db.session.commit()
        return t.id, follow


def _close(app, ticket_id: int, days_ago: int) -> None:
    with app.app_context():
        t = db.session.get(Ticket, ticket_id)
        t.status = TicketStatus.CLOSED
        t.closed_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


def test_follow_link_works_until_90_days_after_closing(demo_app):
    tid, follow = _guest_ticket(demo_app)
    c = demo_app.test_client()
    _close(demo_app, tid, days_ago=89)
    assert c.get(f"/help/follow/{follow}").status_code == 200
    _close(demo_app, tid, days_ago=91)
    page = c.get(f"/help/follow/{follow}")
    assert page.status_code == 410
    assert "Länken har slutat gälla" in page.text and 'href="/help/cannot-log-in"' in page.text
    assert "Jag har inget BankID." not in page.text
    assert c.post(f"/help/follow/{follow}", data={"body": "Hallå?"}).status_code == 410
    with demo_app.app_context():
        assert db.session.scalar(select(TicketMessage.id).where(TicketMessage.body == "Hallå?")) is None


def test_follow_link_lifetime_is_a_setting(demo_app):
    demo_app.config["GUEST_FOLLOW_LINK_DAYS"] = 7
    tid, follow = _guest_ticket(demo_app)
    _close(demo_app, tid, days_ago=8)
    assert demo_app.test_client().get(f"/help/follow/{follow}").status_code == 410
    assert re.search("7", demo_app.test_client().get(f"/help/follow/{follow}").text)
