"""Reading tickets: what each person may see of a ticket (messages, files, events) and the
lists of tickets a requester or the API works from (the agent's queue: views_of_queue.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from helpdesk.access import scope_of
from helpdesk.directory.models import (
    School,
)
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.tickets.models import (
    Attachment,
    EventKind,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    Tier,
)
from helpdesk.tickets.policies import (
    is_central_agent,
    is_local_agent,
    is_vendor_agent,
)

# The ticket rules' own helpers: this module is part of the ticket service, split off by size.
from helpdesk.tickets.changes import _parse_enum


def get_attachment(ticket: Ticket, actor, attachment_id: int) -> Attachment:
    """A file of the ticket on a message the actor may see (an internal note's file is as
    closed as the note); NotFound otherwise, also when the stored file is gone."""
    found = db.session.get(Attachment, attachment_id)
    visible = {a.id for m in visible_messages(ticket, actor) for a in m.visible_attachments}
    if found is None or found.ticket_id != ticket.id or found.id not in visible \
            or not attachment_path(found).exists():
        raise NotFound(_l("That file does not exist."))
    return found


def attachment_path(attachment: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "tickets" / attachment.storage_name


def visible_messages(ticket: Ticket, actor) -> list[TicketMessage]:
    """Requester: public replies. Local/central: everything. Vendor: what is shared with it."""
    scope = scope_of(actor)
    stmt = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)
    if is_local_agent(scope, ticket) or is_central_agent(scope, ticket):
        pass
    elif is_vendor_agent(scope, ticket):
        stmt = stmt.where(TicketMessage.shared_with_vendor)
    else:
        stmt = stmt.where(TicketMessage.internal.is_(False))
    messages = list(db.session.scalars(stmt))
    if ticket.attachment_count:
        by_message: dict[int, list[Attachment]] = {}
        for a in db.session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)
                                    .order_by(Attachment.id)):
            by_message.setdefault(a.message_id, []).append(a)
        for m in messages:
            m.visible_attachments = by_message.get(m.id, [])
    else:
        for m in messages:
            m.visible_attachments = []
    return messages


_REQUESTER_EVENTS = (EventKind.CREATED, EventKind.ROUTED_TO_CENTRAL, EventKind.ESCALATED,
                     EventKind.AUTO_ESCALATED, EventKind.PULLED_UP, EventKind.SENT_BACK,
                     EventKind.STATUS_CHANGED, EventKind.REOPENED, EventKind.RATED)


def visible_events(ticket: Ticket, actor) -> list[TicketEvent]:
    """Agents see the whole history; the requester sees the steps without internal notes;
    the vendor sees what happened since the ticket reached it."""
    scope = scope_of(actor)
    events = list(db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                     .order_by(TicketEvent.id)))
    if is_local_agent(scope, ticket) or is_central_agent(scope, ticket):
        return events
    if is_vendor_agent(scope, ticket):
        since = ticket.vendor_escalated_at
        return [e for e in events if e.created_at >= since - timedelta(seconds=1)]
    return [_without_note(e) for e in events if e.kind in _REQUESTER_EVENTS]


@dataclass
class EventView:
    kind: EventKind
    actor_name: str
    from_value: str | None
    to_value: str | None
    note: str | None
    created_at: datetime


def _without_note(e: TicketEvent) -> EventView:
    keep = e.kind is EventKind.ROUTED_TO_CENTRAL
    return EventView(e.kind, e.actor_name, e.from_value, e.to_value, e.note if keep else None, e.created_at)


def my_tickets(actor, *, limit: int = 100):
    return db.session.execute(
        select(Ticket.id, Ticket.number, Ticket.subject, Ticket.status, Ticket.tier, Ticket.updated_at,
               Ticket.rating, School.name.label("school_name"))
        .join(School, School.id == Ticket.school_id)
        .where(Ticket.requester_id == actor.id)
        .order_by(Ticket.id.desc()).limit(limit)).all()


def visible_ticket_conditions(actor):
    """SQL conditions for every ticket the actor may see (for the API list)."""
    scope = scope_of(actor)
    ors = [Ticket.requester_id == actor.id]
    if scope.local_school_ids:
        ors.append(Ticket.school_id.in_(scope.local_school_ids))
    if scope.central_org_ids:
        ors.append(Ticket.organisation_id.in_(scope.central_org_ids))
    if scope.vendor_id is not None:
        ors.append(and_(Ticket.vendor_id == scope.vendor_id, Ticket.vendor_escalated_at.is_not(None)))
    return or_(*ors)


def list_tickets(actor, *, tier=None, status=None, school_id=None, assigned=None, cursor=None, limit=25):
    """Tickets the actor may see, newest first, paginated by id cursor."""
    conds = [visible_ticket_conditions(actor)]
    if tier is not None:
        conds.append(Ticket.tier == _parse_enum(Tier, tier, "tier", _l("Unknown tier.")))
    if status is not None:
        conds.append(Ticket.status == _parse_enum(TicketStatus, status, "status", _l("Unknown status.")))
    if school_id is not None:
        conds.append(Ticket.school_id == school_id)
    if assigned == "me":
        conds.append(Ticket.assignee_id == actor.id)
    elif assigned == "none":
        conds.append(Ticket.assignee_id.is_(None))
    elif assigned is not None:
        raise ValidationFailed(_l("assigned must be 'me' or 'none'."), field="assigned")
    if cursor is not None:
        conds.append(Ticket.id < cursor)
    rows = list(db.session.scalars(select(Ticket).where(*conds).order_by(Ticket.id.desc()).limit(limit + 1)))
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor
