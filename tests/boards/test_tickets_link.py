"""The boards' ticket connections. They need the tickets capability (issue 3); without it
they are skipped with that reason, and the lead runs them after merging. Tickets are made
through the tickets API's documented contract, so these tests know nothing of its models."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.boards.models import Thread
from helpdesk.extensions import db


PERSONAL = ("Anna Berglund (larare.norr@exempelkommun.se) frågar om eleven 20140301-1236 "
            "som inte kan logga in.")


def _file_ticket(demo_app, email="larare.norr@exempelkommun.se"):
    c = demo_app.test_client()
    token = c.post("/api/v1/auth/token", json={"email": email, "password": "demo"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    with demo_app.app_context():
        from helpdesk.directory.models import School

        school_id = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
    r = c.post("/api/v1/tickets", headers=headers, json={
        "subject": "Inloggning för Anna Berglunds elev", "body": PERSONAL, "category": "login",
        "school_id": school_id})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def test_ask_the_support_group_from_a_ticket_without_personal_details(demo_app, as_user):
    ticket_id = _file_ticket(demo_app)
    local = as_user("lokal.norr@exempelkommun.se")
    form = local.get(f"/boards/from-ticket/{ticket_id}")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert "larare.norr@exempelkommun.se" not in page and "1236" not in page and "Anna Berglund" not in page
    r = local.post(f"/boards/from-ticket/{ticket_id}", data={
        "title": "Inloggning för en elev", "body": "Eleven 20140301-1236 kan inte logga in; mejla anna@example.org"})
    assert r.status_code == 302
    with demo_app.app_context():
        thread = db.session.scalar(select(Thread).where(Thread.linked_ticket_id == ticket_id))
        from helpdesk.boards.services import first_post, threads_for_ticket

        body = first_post(thread).body
        assert "1236" not in body and "anna@example.org" not in body
        assert threads_for_ticket(ticket_id) == [thread]
    # The ticket page links the thread and the way to ask; the teacher who asked sees neither.
    ticket_page = local.get(f"/tickets/{ticket_id}").get_data(as_text=True)
    assert f'href="/boards/threads/{thread.id}"' in ticket_page
    assert f'href="/boards/from-ticket/{ticket_id}"' in ticket_page
    own_page = as_user("larare.norr@exempelkommun.se").get(f"/tickets/{ticket_id}").get_data(as_text=True)
    assert "/boards/threads/" not in own_page and "/boards/from-ticket/" not in own_page
    # A guardian, a teacher and another organisation cannot take the ticket to the boards.
    assert as_user("larare.norr@exempelkommun.se").get(f"/boards/from-ticket/{ticket_id}").status_code in (403, 404)
    assert as_user("central@grannby.se").get(f"/boards/from-ticket/{ticket_id}").status_code in (403, 404)


def test_escalated_ticket_is_an_agenda_candidate(demo_app, as_user):
    ticket_id = _file_ticket(demo_app)
    local = demo_app.test_client()
    token = local.post("/api/v1/auth/token", json={"email": "lokal.norr@exempelkommun.se",
                                                   "password": "demo"}).get_json()["token"]
    r = local.post(f"/api/v1/tickets/{ticket_id}/escalate", headers={"Authorization": f"Bearer {token}"},
                   json={"note": "Vi har provat att byta lösenord."})
    assert r.status_code in (200, 201), r.get_data(as_text=True)
    with demo_app.app_context():
        from helpdesk.boards.models import Meeting

        meeting_id = db.session.scalar(select(Meeting.id))
    page = as_user("central@exempelkommun.se").get(f"/boards/meetings/{meeting_id}").get_data(as_text=True)
    assert f'name="ref" value="{ticket_id}"' in page
    r = as_user("central@exempelkommun.se").post(f"/boards/meetings/{meeting_id}/agenda",
                                                 data={"kind": "ticket", "ref": str(ticket_id)})
    assert r.status_code == 302


def test_central_makes_an_faq_draft_from_a_resolved_ticket_on_its_page(demo_app, as_user):
    ticket_id = _file_ticket(demo_app)
    central = as_user("central@exempelkommun.se")
    button = f'action="/boards/promote-ticket/{ticket_id}"'
    assert button not in central.get(f"/tickets/{ticket_id}").get_data(as_text=True)  # not resolved yet
    r = as_user("lokal.norr@exempelkommun.se").post(f"/tickets/{ticket_id}/status", data={
        "status": "resolved", "resolution_summary": "Eleven fick ett nytt aktiveringsbrev från skolan."})
    assert r.status_code == 302, r.get_data(as_text=True)
    assert button in central.get(f"/tickets/{ticket_id}").get_data(as_text=True)
    assert button not in as_user("lokal.norr@exempelkommun.se").get(f"/tickets/{ticket_id}").get_data(as_text=True)
    assert central.post(f"/boards/promote-ticket/{ticket_id}").status_code == 302
    with demo_app.app_context():
        from helpdesk.kb.models import Article

        draft = db.session.scalar(select(Article).where(Article.origin_kind == "ticket",
                                                        Article.origin_id == ticket_id))
        assert draft is not None and "aktiveringsbrev" in draft.body and "1236" not in draft.body


def test_a_ticket_that_reached_central_without_escalation_is_not_listed_as_escalated(demo_app, as_user):
    """A school without a local contact files straight to central: that ticket was never escalated."""
    ticket_id = _file_ticket(demo_app)
    with demo_app.app_context():
        from helpdesk.boards.models import Meeting
        from helpdesk.tickets.models import Ticket, Tier

        ticket = db.session.get(Ticket, ticket_id)
        ticket.tier = Tier.CENTRAL  # where a routed-to-central ticket sits, with no escalation in its history
        db.session.commit()
        meeting_id = db.session.scalar(select(Meeting.id))
    page = as_user("central@exempelkommun.se").get(f"/boards/meetings/{meeting_id}").get_data(as_text=True)
    assert f'name="ref" value="{ticket_id}"' not in page
