"""API: /api/v1/tickets, served by the same service functions as the pages."""
from __future__ import annotations

from typing import Literal

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from helpdesk.access import can
from helpdesk.api import api
from helpdesk.api.helpers import api_login_required, body_and_files, field, json_body
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id
from helpdesk.tickets import reading, services
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.views import download
from helpdesk.api.spec import MAX_ID, Binary, Schema, operation
from pydantic import Field


class TicketSummary(Schema):
    id: int
    number: str | int
    subject: str
    category: str
    tier: str
    status: str
    organisation_id: int | None
    school_id: int | None
    assignee_id: int | None
    created_at: str | None
    updated_at: str | None
    sla_due_at: str | None


class AttachmentOut(Schema):
    id: int
    filename: str
    size: int | None
    url: str


class MessageOut(Schema):
    id: int
    author: str | None
    author_role: str
    internal: bool
    shared_with_vendor: bool
    body: str
    created_at: str | None
    attachments: list[AttachmentOut]


class HistoryEntry(Schema):
    kind: str
    actor: str | None
    at: str | None


class TicketDetail(TicketSummary):
    requester: dict
    resolution_summary: str | None
    rating: int | None
    messages: list[MessageOut]
    history: list[HistoryEntry]


class TicketPage(Schema):
    data: list[TicketSummary]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page; null on the last.")


# A status word fits the column's 32 characters ("waiting_for_tier_above" is 22).
STATUS_LENGTH = 32


class TicketListQuery(Schema):
    tier: str | None = Field(None, max_length=20)
    status: str | None = Field(None, max_length=STATUS_LENGTH)
    school: int | None = Field(None, ge=1, le=MAX_ID)
    assigned: str | None = Field(None, max_length=20)
    cursor: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int | None = Field(None, ge=1, le=100)


class NewTicket(Schema):
    subject: str | None = Field(None, max_length=services.SUBJECT_MAX)
    body: str | None = Field(None, max_length=services.BODY_MAX)
    category: str | None = Field(None, max_length=40)
    school_id: int | None = Field(None, ge=1, le=MAX_ID)
    student_id: int | None = Field(None, ge=1, le=MAX_ID)


class TicketCreated(Schema):
    id: int
    number: str | int
    tier: str
    status: str


class NewMessage(Schema):
    body: str | None = Field(None, max_length=services.BODY_MAX)
    internal: bool | None = None
    share_with_vendor: bool | None = None


class MessageCreated(Schema):
    id: int
    internal: bool
    status: str


class RoutingNote(Schema):
    note: str | None = Field(None, max_length=services.NOTE_MAX)


class Assignment(Schema):
    assignee_id: int | Literal["me"] | None = Field(None, description="A user id, \"me\", or null to unassign.")


class StatusChange(Schema):
    status: str = Field(max_length=STATUS_LENGTH)
    note: str | None = Field(None, max_length=services.NOTE_MAX)
    resolution_summary: str | None = None


def _iso(value):
    return value.isoformat() if value else None


def ticket_summary(t: Ticket) -> dict:
    return {
        "id": t.id, "number": t.number, "subject": t.subject, "category": t.category.value,
        "tier": t.tier.value, "status": t.status.value, "organisation_id": t.organisation_id,
        "school_id": t.school_id, "assignee_id": t.assignee_id, "created_at": _iso(t.created_at),
        "updated_at": _iso(t.updated_at), "sla_due_at": _iso(t.sla_due_at),
    }


def ticket_detail(t: Ticket, user) -> dict:
    body = ticket_summary(t)
    body["requester"] = {"name": t.requester_name, "role": t.requester_role.value}
    if can(user, "tickets.view_requester_details", t):
        body["requester"]["user_id"] = t.requester_id
        body["student_id"] = t.student_id
    if can(user, "tickets.view_internal", t):
        body["vendor_reference"], body["vendor_status"] = t.vendor_reference, t.vendor_status
    body["resolution_summary"] = t.resolution_summary
    body["rating"] = t.rating
    body["messages"] = [
        {"id": m.id, "author": m.author_name, "author_role": m.author_role.value, "internal": m.internal,
         "shared_with_vendor": m.shared_with_vendor, "body": m.body, "created_at": _iso(m.created_at),
         "attachments": [{"id": a.id, "filename": a.filename, "size": a.size,
                          "url": url_for("api.tickets_attachment", ticket_id=t.id, attachment_id=a.id)}
                         for a in m.visible_attachments]}
        for m in reading.visible_messages(t, user)
    ]
    body["history"] = [
        {"kind": e.kind.value, "actor": e.actor_name, "from": e.from_value, "to": e.to_value, "note": e.note,
         "at": _iso(e.created_at)}
        for e in reading.visible_events(t, user)
    ]
    return body


def _int_arg(name: str):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    value = as_id(raw)
    if value is None:
        raise ValidationFailed(_l("The parameter %(name)s must be a number.", name=name), field=name)
    return value


@api.post("/tickets")
@api_login_required
@operation("File a ticket (JSON, or multipart/form-data with files under `attachment`)", tag="tickets", body=NewTicket, multipart="attachment", responses={201: TicketCreated})
def tickets_create():
    body, files = body_and_files("attachment")
    ticket = services.file_ticket(
        current_user, subject=field(body, "subject", required=False) or "",
        body=field(body, "body", required=False) or "", category=field(body, "category", required=False),
        school_id=field(body, "school_id", int, required=False),
        student_id=field(body, "student_id", int, required=False), attachments=files)
    db.session.commit()
    return {"id": ticket.id, "number": ticket.number, "tier": ticket.tier.value,
            "status": ticket.status.value}, 201


@api.get("/tickets")
@api_login_required
@operation("Tickets the caller may see, newest first, a page at a time", tag="tickets", query=TicketListQuery, responses={200: TicketPage})
def tickets_list():
    limit = _int_arg("limit") or 25
    rows, next_cursor = reading.list_tickets(
        current_user, tier=request.args.get("tier") or None, status=request.args.get("status") or None,
        school_id=_int_arg("school"), assigned=request.args.get("assigned") or None,
        cursor=_int_arg("cursor"), limit=min(max(limit, 1), 100))
    return {"data": [ticket_summary(t) for t in rows], "next_cursor": next_cursor}


def _ticket_in_reach(ticket_id: int, **_):
    services.get_ticket(ticket_id, current_user)


@api.get("/tickets/<int:ticket_id>")
@api_login_required
@operation("One ticket with the messages and history the caller may see", tag="tickets", responses={200: TicketDetail})
def tickets_get(ticket_id: int):
    return ticket_detail(services.get_ticket(ticket_id, current_user), current_user)


@api.get("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
@api_login_required
@operation("Download an attachment", tag="tickets", responses={200: Binary})
def tickets_attachment(ticket_id: int, attachment_id: int):
    return download(reading.get_attachment(services.get_ticket(ticket_id, current_user), current_user,
                                            attachment_id))


@api.post("/tickets/<int:ticket_id>/messages")
@api_login_required
@operation("Answer, or add an internal note", tag="tickets", body=NewMessage, multipart="attachment", reach=_ticket_in_reach, responses={201: MessageCreated})
def tickets_add_message(ticket_id: int):
    ticket = services.get_ticket(ticket_id, current_user)
    body, files = body_and_files("attachment")
    message = services.add_message(ticket, current_user, field(body, "body", required=False) or "",
                                   internal=field(body, "internal", bool, required=False) or False,
                                   share_with_vendor=field(body, "share_with_vendor", bool, required=False) or False,
                                   attachments=files)
    db.session.commit()
    return {"id": message.id, "internal": message.internal, "status": ticket.status.value}, 201


def _routing(ticket_id: int, fn):
    ticket = services.get_ticket(ticket_id, current_user)
    body = json_body()
    fn(ticket, body)
    db.session.commit()
    return ticket_summary(ticket)


@api.post("/tickets/<int:ticket_id>/escalate")
@api_login_required
@operation("Escalate to the next tier", tag="tickets", body=RoutingNote, reach=_ticket_in_reach, responses={200: TicketSummary})
def tickets_escalate(ticket_id: int):
    return _routing(ticket_id, lambda t, b: services.escalate(t, current_user, field(b, "note", required=False)))


@api.post("/tickets/<int:ticket_id>/send-back")
@api_login_required
@operation("Send back to the tier below", tag="tickets", body=RoutingNote, reach=_ticket_in_reach, responses={200: TicketSummary})
def tickets_send_back(ticket_id: int):
    return _routing(ticket_id, lambda t, b: services.send_back(t, current_user, field(b, "note", required=False)))


@api.post("/tickets/<int:ticket_id>/assign")
@api_login_required
@operation("Assign to a user, to me, or to nobody", tag="tickets", body=Assignment, reach=_ticket_in_reach, responses={200: TicketSummary})
def tickets_assign(ticket_id: int):
    def run(t, b):
        raw = b.get("assignee_id")
        if raw == "me":
            raw = current_user.id
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int)):
            raise ValidationFailed(_l("assignee_id must be a user id, \"me\" or null."), field="assignee_id")
        services.assign(t, current_user, raw)
    return _routing(ticket_id, run)


@api.post("/tickets/<int:ticket_id>/status")
@api_login_required
@operation("Change the status (resolving needs a resolution summary where required)", tag="tickets", body=StatusChange, reach=_ticket_in_reach, responses={200: TicketSummary})
def tickets_set_status(ticket_id: int):
    return _routing(ticket_id, lambda t, b: services.set_status(
        t, current_user, field(b, "status"), note=field(b, "note", required=False),
        resolution_summary=field(b, "resolution_summary", required=False)))
