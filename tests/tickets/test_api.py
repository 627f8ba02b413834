"""The JSON API: same services as the pages, 400/403/404 JSON errors."""
from __future__ import annotations

import io

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.tickets.demo import CENTRAL_SUBJECT, GUARDIAN_SUBJECT, LOCAL_SUBJECT, VENDOR_SUBJECT
from helpdesk.tickets.models import Ticket


def tid(app, subject):
    with app.app_context():
        return db.session.scalar(select(Ticket.id).where(Ticket.subject == subject))


def test_create_ticket_returns_number_tier_and_status(as_user):
    c = as_user("larare.ekback@exempelkommun.se")
    r = c.post("/api/v1/tickets", json={"subject": "Grupp", "body": "Hur?", "category": "administration"})
    assert r.status_code == 201
    assert r.json["tier"] == "central" and r.json["status"] == "new" and r.json["number"].startswith("EXK-")


def test_create_ticket_errors_are_json_with_the_field(as_user):
    c = as_user("larare.norr@exempelkommun.se")
    r = c.post("/api/v1/tickets", json={"subject": "", "body": "x", "category": "usage"})
    assert r.status_code == 400 and r.json["field"] == "subject" and r.json["message"]
    r = c.post("/api/v1/tickets", json={"subject": "x", "body": "x", "category": "usage", "school_id": "1"})
    assert r.status_code == 400 and r.json["field"] == "school_id"
    r = c.post("/api/v1/tickets", data="not json", content_type="application/json")
    assert r.status_code == 400
    assert as_user("leverantor@leverantor.example").post(
        "/api/v1/tickets", json={"subject": "x", "body": "x", "category": "usage"}).status_code == 403


def test_list_filters_and_cursor(demo_app, as_user):
    c = as_user("central@exempelkommun.se")
    r = c.get("/api/v1/tickets?limit=2")
    assert r.status_code == 200 and len(r.json["data"]) == 2 and r.json["next_cursor"]
    rest = c.get(f"/api/v1/tickets?limit=50&cursor={r.json['next_cursor']}").json["data"]
    ids = [t["id"] for t in r.json["data"]] + [t["id"] for t in rest]
    assert len(ids) == len(set(ids)) == 6  # every Exempelkommun ticket, none of Grannby's
    assert {t["tier"] for t in c.get("/api/v1/tickets?tier=vendor").json["data"]} == {"vendor"}
    assert c.get("/api/v1/tickets?tier=space").status_code == 400
    assert c.get("/api/v1/tickets?school=abc").status_code == 400
    assert c.get("/api/v1/tickets?assigned=me").json["data"] == []


def test_detail_shows_what_the_caller_may_see(demo_app, as_user):
    t = tid(demo_app, VENDOR_SUBJECT)
    vendor = as_user("leverantor@leverantor.example").get(f"/api/v1/tickets/{t}").json
    assert all(m["shared_with_vendor"] for m in vendor["messages"])
    assert "user_id" not in vendor["requester"] and vendor["requester"]["role"] == "staff"
    central = as_user("central@exempelkommun.se").get(f"/api/v1/tickets/{t}").json
    assert len(central["messages"]) > len(vendor["messages"]) and central["history"]
    assert as_user("larare.norr@exempelkommun.se").get(f"/api/v1/tickets/{t}").status_code == 404
    g = tid(demo_app, GUARDIAN_SUBJECT)
    assert as_user("vardnadshavare@grannby.se").get(f"/api/v1/tickets/{g}").status_code == 404


def test_message_escalate_send_back_assign_status(demo_app, as_user):
    t = tid(demo_app, LOCAL_SUBJECT)
    local = as_user("lokal.norr@exempelkommun.se")
    assert local.post(f"/api/v1/tickets/{t}/messages", json={"body": "Internt", "internal": True}).json["internal"]
    assert local.post(f"/api/v1/tickets/{t}/messages", json={"body": "x", "internal": "yes"}).status_code == 400
    assert local.post(f"/api/v1/tickets/{t}/assign", json={"assignee_id": "me"}).json["assignee_id"]
    assert local.post(f"/api/v1/tickets/{t}/status", json={"status": "nope"}).status_code == 400
    # The longest status words fit what the API's document lets through (21 and 22 characters).
    r = local.post(f"/api/v1/tickets/{t}/status", json={"status": "waiting_for_requester"})
    assert r.status_code == 200 and r.json["status"] == "waiting_for_requester"
    assert local.get("/api/v1/tickets?status=waiting_for_tier_above").status_code == 200
    assert local.post(f"/api/v1/tickets/{t}/status", json={"status": "open"}).json["status"] == "open"
    teacher = as_user("larare.norr@exempelkommun.se")
    assert teacher.post(f"/api/v1/tickets/{t}/escalate", json={"note": "Snälla"}).status_code == 403
    assert local.post(f"/api/v1/tickets/{t}/escalate", json={}).status_code == 400
    r = local.post(f"/api/v1/tickets/{t}/escalate", json={"note": "Provat"})
    assert r.status_code == 200 and r.json["tier"] == "central"
    central = as_user("central@exempelkommun.se")
    r = central.post(f"/api/v1/tickets/{t}/send-back", json={"note": "Lös lokalt"})
    assert r.json["tier"] == "local"
    c = tid(demo_app, CENTRAL_SUBJECT)
    assert central.post(f"/api/v1/tickets/{c}/status", json={"status": "resolved"}).json["field"] == "resolution_summary"
    r = central.post(f"/api/v1/tickets/{c}/status", json={"status": "resolved", "resolution_summary": "Synken rättad"})
    assert r.json["status"] == "resolved"
    assert central.post("/api/v1/tickets/999999/escalate", json={"note": "x"}).status_code == 404


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_files_go_with_a_question_and_a_reply_as_multipart(demo_app, as_user):
    teacher = as_user("larare.norr@exempelkommun.se")
    r = teacher.post("/api/v1/tickets", content_type="multipart/form-data", data={
        "subject": "Skärmbild på felet", "body": "Se bilden.", "category": "usage",
        "attachment": (io.BytesIO(PNG), "fel.png")})
    assert r.status_code == 201
    ticket_id = r.json["id"]
    r = teacher.post(f"/api/v1/tickets/{ticket_id}/messages", content_type="multipart/form-data", data={
        "body": "En till.", "internal": "false", "attachment": (io.BytesIO(b"rad 1\n"), "logg.txt")})
    assert r.status_code == 201 and r.json["internal"] is False
    files = [a for m in teacher.get(f"/api/v1/tickets/{ticket_id}").json["messages"] for a in m["attachments"]]
    assert [a["filename"] for a in files] == ["fel.png", "logg.txt"]
    response = teacher.get(files[0]["url"])
    assert response.status_code == 200 and response.data == PNG
    response.close()  # a file response keeps the stored file open until closed
    # A file type that is not allowed is refused by the same rule as on the page; nothing is filed.
    r = teacher.post("/api/v1/tickets", content_type="multipart/form-data", data={
        "subject": "Program", "body": "x", "category": "usage", "attachment": (io.BytesIO(b"MZ"), "verktyg.exe")})
    assert r.status_code == 400 and r.json["field"] == "attachment"
    assert tid(demo_app, "Program") is None
    r = teacher.post("/api/v1/tickets", content_type="multipart/form-data",
                     data={"subject": "x", "body": "x", "category": "usage", "school_id": "Norrskolan"})
    assert r.status_code == 400 and r.json["field"] == "school_id"


def test_bearer_token_works(demo_app):
    c = demo_app.test_client()
    token = c.post("/api/v1/auth/token", json={"email": "larare.norr@exempelkommun.se", "password": "demo"}).json["token"]
    r = c.get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json["data"]
    assert demo_app.test_client().get("/api/v1/tickets").status_code == 401
