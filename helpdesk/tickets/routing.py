"""Moving a ticket between the tiers: escalation, central pulling a ticket up, sending it back
down, the vendor asking for information, and assignment within a tier.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from helpdesk.access import require, scope_of
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import notifications
from helpdesk.tickets.agents import tier_agents
from helpdesk.tickets.changes import (
    NOTE_MAX,
    _clean_text,
    _event,
    _mark_response,
    _recompute,
    _touch,
)
from helpdesk.tickets.messages import _add_message
from helpdesk.tickets.models import AuthorRole, EventKind, Ticket, TicketMessage, TicketStatus, Tier
from helpdesk.tickets.policies import is_central_agent, is_local_agent


def school_has_local_contact(school_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        RoleAssignment.role == Role.LOCAL_ADMIN, RoleAssignment.school_id == school_id,
        RoleAssignment.user_id == User.id, User.enabled))))


def _note(note) -> str:
    return _clean_text(note, "note", max_length=NOTE_MAX,
                       label=_l("a note saying what has been tried"))


def escalate(ticket: Ticket, actor, note) -> Ticket:
    """Local → central (a local agent, with a required note of what was tried; central may
    pull a local ticket up); central → vendor (central only, with a required note, which is
    shared with the vendor). One transaction: if anything fails, nothing changes."""
    require(actor, "tickets.escalate", ticket)
    note = _note(note)
    scope = scope_of(actor)
    if ticket.tier is Tier.LOCAL:
        if is_central_agent(scope, ticket) and not is_local_agent(scope, ticket):
            return pull_up(ticket, actor, note)
        _mark_response(ticket, Tier.LOCAL)
        old = ticket.tier
        ticket.tier = Tier.CENTRAL
    elif ticket.tier is Tier.CENTRAL:
        org = ticket.organisation
        if org.vendor_id is None:
            raise ValidationFailed(_l("The organisation has no vendor to escalate to."), field="note")
        _mark_response(ticket, Tier.CENTRAL)
        old = ticket.tier
        ticket.tier = Tier.VENDOR
        ticket.vendor_id = org.vendor_id
        ticket.vendor_escalated_at = ticket.vendor_escalated_at or utcnow()
        _add_message(ticket, actor, note, role=AuthorRole.CENTRAL, internal=True, shared=True)
    else:
        raise PermissionDenied()
    ticket.status = TicketStatus.WAITING_FOR_TIER_ABOVE
    ticket.assignee_id, ticket.assignee_name = None, None
    _event(ticket, actor, EventKind.ESCALATED, from_value=old, to_value=ticket.tier, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.escalated(ticket, actor, note)
    return ticket


def pull_up(ticket: Ticket, actor, note=None) -> Ticket:
    """Central takes a ticket up from a school's local queue."""
    require(actor, "tickets.pull_up", ticket)
    note = _clean_text(note, "note", max_length=NOTE_MAX, label=_l("a note"), required=False) or None
    ticket.tier = Tier.CENTRAL
    ticket.status = TicketStatus.OPEN
    ticket.assignee_id, ticket.assignee_name = actor.id, actor.display_name
    _mark_response(ticket, Tier.CENTRAL)
    _event(ticket, actor, EventKind.PULLED_UP, from_value=Tier.LOCAL, to_value=Tier.CENTRAL, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.status_changed(ticket, actor)
    return ticket


def send_back(ticket: Ticket, actor, note) -> Ticket:
    """Central sends a ticket back down to the school's local contact, or the vendor back to
    central, with a required note."""
    require(actor, "tickets.send_back", ticket)
    note = _clean_text(note, "note", max_length=NOTE_MAX, label=_l("a note for the tier below"))
    old = ticket.tier
    if ticket.tier is Tier.CENTRAL:
        if not school_has_local_contact(ticket.school_id):
            raise ValidationFailed(_l("The school has no local support contact to send the question to."),
                                   field="note")
        _mark_response(ticket, Tier.CENTRAL)
        ticket.tier = Tier.LOCAL
    elif ticket.tier is Tier.VENDOR:
        _mark_response(ticket, Tier.VENDOR)
        ticket.tier = Tier.CENTRAL
        _add_message(ticket, actor, note, role=AuthorRole.VENDOR, internal=True, shared=True)
    ticket.status = TicketStatus.OPEN
    ticket.assignee_id, ticket.assignee_name = None, None
    _event(ticket, actor, EventKind.SENT_BACK, from_value=old, to_value=ticket.tier, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.sent_back(ticket, actor, note)
    return ticket


def request_info(ticket: Ticket, actor, note) -> TicketMessage:
    """The vendor asks central for more information (a shared note, and a line in history)."""
    require(actor, "tickets.request_info", ticket)
    note = _clean_text(note, "note", max_length=NOTE_MAX, label=_l("what you need to know"))
    _mark_response(ticket, Tier.VENDOR)
    message = _add_message(ticket, actor, note, role=AuthorRole.VENDOR, internal=True, shared=True)
    _event(ticket, actor, EventKind.INFO_REQUESTED, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.vendor_reply(ticket, message, actor)
    return message


def assign(ticket: Ticket, actor, assignee_id: int | None) -> Ticket:
    """Assign to oneself or another agent of the ticket's current tier (None: unassign)."""
    require(actor, "tickets.assign", ticket)
    if assignee_id is None:
        assignee = None
    else:
        assignee = next((u for u in tier_agents(ticket) if u.id == assignee_id), None)
        if assignee is None:
            raise ValidationFailed(_l("Choose someone who works this queue."), field="assignee_id")
    old = ticket.assignee_name
    ticket.assignee_id = assignee.id if assignee else None
    ticket.assignee_name = assignee.display_name if assignee else None
    if ticket.status is TicketStatus.NEW:
        ticket.status = TicketStatus.OPEN
    _event(ticket, actor, EventKind.ASSIGNED, from_value=(old or "")[:64] or None,
           to_value=(ticket.assignee_name or "")[:64] or None)
    _recompute(ticket)
    _touch(ticket)
    return ticket
