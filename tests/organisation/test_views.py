"""The pages: support organisation, schools, the operator's organisations, the invitation,
and "Where do I turn?" on the start page, the ticket form and the ticket page."""
from __future__ import annotations

import re

from sqlalchemy import select

from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.directory.models import School
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail


def _school_id(app, name):
    with app.app_context():
        return db.session.scalar(select(School.id).where(School.name == name))


def test_support_page_highlights_schools_without_a_local_contact_and_appoints(demo_app, as_user):
    client = as_user("central@exempelkommun.se")
    page = client.get("/organisation/support").get_data(as_text=True)
    row = re.search(r'<tr class="row--highlight">\s*<th scope="row">([^<]+)</th>', page)
    assert row and row.group(1) == "Ekbackens skola"
    assert "Per Holm" in page and "support@exempelkommun.se" in page
    ekback = _school_id(demo_app, "Ekbackens skola")
    response = client.post("/organisation/support/appoint", data={
        "role": "local_admin", "email": "larare.ekback@exempelkommun.se", "school_id": str(ekback)})
    assert response.status_code == 302
    page = client.get("/organisation/support").get_data(as_text=True)
    assert "row--highlight" not in page and "Tove Ahl" in page
    bad = client.post("/organisation/support/appoint", data={"role": "local_admin", "email": "x@example.org",
                                                             "school_id": str(ekback)})
    assert bad.status_code == 404


def test_support_page_bad_input_goes_back_to_the_field(as_user):
    client = as_user("central@exempelkommun.se")
    response = client.post("/organisation/support/appoint", data={"role": "local_admin",
                                                                  "email": "larare.norr@exempelkommun.se"})
    assert response.status_code == 400 and "Välj skola." in response.get_data(as_text=True)
    response = client.post("/organisation/support/address", data={"support_email": "inte en adress"})
    assert response.status_code == 400 and "giltig" in response.get_data(as_text=True)


def test_removing_the_last_central_admin_on_the_page_says_why(demo_app, as_user):
    with demo_app.app_context():
        only = db.session.scalar(select(RoleAssignment.id).join(User).where(
            User.email == "central@grannby.se", RoleAssignment.role == Role.CENTRAL_ADMIN))
    client = as_user("central@grannby.se")
    response = client.post(f"/organisation/support/roles/{only}/remove", follow_redirects=True)
    assert "sista centrala administratör" in response.get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.get(RoleAssignment, only) is not None


def test_schools_page_adds_and_closes_without_autosync_and_is_read_only_with_it(as_user):
    grb = as_user("central@grannby.se")
    assert grb.post("/organisation/schools", data={"name": "Bygdeskolan", "kind": "compulsory",
                                                   "school_unit_code": ""}).status_code == 302
    page = grb.get("/organisation/schools").get_data(as_text=True)
    assert "Bygdeskolan" in page and "Grundskola" in page
    bad = grb.post("/organisation/schools", data={"name": "", "kind": "compulsory"})
    assert bad.status_code == 400 and "Ange skolans namn" in bad.get_data(as_text=True)
    exk = as_user("central@exempelkommun.se")
    page = exk.get("/organisation/schools").get_data(as_text=True)
    assert "Lägg till en skola" not in page and "autosynk" in page
    assert exk.post("/organisation/schools", data={"name": "Ny", "kind": "compulsory"}).status_code == 409


def test_where_do_i_turn_on_start_page_ticket_form_and_ticket_page(demo_app, as_user):
    client = as_user("larare.norr@exempelkommun.se")
    for url in ("/", "/tickets/new"):
        page = client.get(url).get_data(as_text=True)
        assert "Vart vänder jag mig?" in page and "Per Holm" in page and "support@exempelkommun.se" in page
    ekback = as_user("larare.ekback@exempelkommun.se").get("/tickets/new").get_data(as_text=True)
    assert "centrala teamet svarar" in ekback
    # The ticket page tells the requester, not the agents.
    from helpdesk.tickets.models import Ticket

    with demo_app.app_context():
        ticket = db.session.scalars(select(Ticket).join(User, User.id == Ticket.requester_id).where(
            User.email == "larare.norr@exempelkommun.se")).first()
    assert ticket is not None  # the demo has questions from this teacher
    assert "Vart vänder jag mig?" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    agent = as_user("lokal.norr@exempelkommun.se").get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Per Holm" in agent and "Vart vänder jag mig?" not in agent


def test_operator_creates_an_organisation_and_invites_its_central_admin(demo_app, as_user):
    client = as_user("drift@helpdesk.example")
    assert "Exempelkommun" in client.get("/admin/organisations").get_data(as_text=True)
    response = client.post("/admin/organisations", data={"code": "NYK", "name": "Nykommun", "autosync": "y",
                                                         "vendor": "Leverantören AB"})
    assert response.status_code == 302
    org_page = response.headers["Location"]
    assert "bjud in den första" in client.get(org_page).get_data(as_text=True).lower()
    bad = client.post("/admin/organisations", data={"code": "NYK", "name": "Igen"})
    assert bad.status_code == 409 and "NYK" in bad.get_data(as_text=True)
    assert client.post(org_page + "/invite", data={"email": "chef@nykommun.se"}).status_code == 302
    with demo_app.app_context():
        mail = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == "chef@nykommun.se",
                                                           OutboxMail.kind == "invitation")).one()
        token = mail.body.split("/invitation/")[1].split()[0]
    visitor = demo_app.test_client()
    assert visitor.get(f"/invitation/{token}").status_code == 200
    short = visitor.post(f"/invitation/{token}", data={"password": "kort", "confirm": "kort"})
    assert short.status_code == 400
    done = visitor.post(f"/invitation/{token}", data={"password": "ett bra lösenord", "confirm": "ett bra lösenord"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    reused = visitor.get(f"/invitation/{token}")
    assert reused.status_code == 400 and "Inbjudan har gått ut eller har redan använts" in reused.get_data(as_text=True)
    login = visitor.post("/login", data={"email": "chef@nykommun.se", "password": "ett bra lösenord"})
    assert login.status_code == 302
    assert visitor.get("/organisation/support").status_code == 200


def test_a_meeting_form_invites_the_vendor(demo_app, as_user):
    from datetime import datetime, timedelta

    client = as_user("central@exempelkommun.se")
    norr = _school_id(demo_app, "Norrskolan")
    when = (datetime.now() + timedelta(days=14)).strftime("%Y-%m-%dT10:00")
    response = client.post("/boards/meetings/new", data={"title": "Avstämning", "kind": "check_in",
                                                         "starts_at": when, "duration": "60",
                                                         "schools": str(norr), "invite_vendor": "y"})
    assert response.status_code == 302
    url = response.headers["Location"]
    vendor = as_user("leverantor@leverantor.example")
    assert "Avstämning" in vendor.get(url).get_data(as_text=True)
    assert vendor.get(url + ".ics").status_code == 200
    assert "Avstämning" in vendor.get("/boards/meetings").get_data(as_text=True)
