"""How a ticket ends: its status (open, waiting for the requester, resolved, closed), the
vendor's case reference, the help article that answers it, and the requester's rating.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from helpdesk import hooks
from helpdesk.access import can, require, scope_of
from helpdesk.errors import Conflict, ValidationFailed
from helpdesk.models_base import utcnow
from helpdesk.tickets import notifications
from helpdesk.tickets.changes import (
    NOTE_MAX,
    _clean_text,
    _event,
    _mark_resolved,
    _mark_response,
    _parse_enum,
    _recompute,
    _touch,
)
from helpdesk.tickets.models import EventKind, Ticket, TicketStatus, Tier
from helpdesk.tickets.policies import works_current_tier


AGENT_STATUSES = (TicketStatus.OPEN, TicketStatus.WAITING_FOR_REQUESTER, TicketStatus.RESOLVED,
                  TicketStatus.CLOSED)


def status_choices(ticket: Ticket, actor) -> list[TicketStatus]:
    if not can(actor, "tickets.set_status", ticket):
        return []
    if ticket.tier is Tier.VENDOR:
        allowed = [TicketStatus.OPEN, TicketStatus.RESOLVED]
    else:
        allowed = list(AGENT_STATUSES)
    return [s for s in allowed if s is not ticket.status]


def set_status(ticket: Ticket, actor, status, *, note=None, resolution_summary=None) -> Ticket:
    """Open, wait for the requester (pauses the clock), resolve or close.

    Resolving a ticket that went beyond the school asks central or the vendor for a short
    resolution summary, kept for the boards and the knowledge base.
    """
    require(actor, "tickets.set_status", ticket)
    status = _parse_enum(TicketStatus, status, "status", _l("Choose a status."))
    if status is ticket.status:
        # The status select opens on the current status: sent unchanged, say so.
        raise ValidationFailed(_l("The question already has that status. Choose another one."), field="status")
    if status not in status_choices(ticket, actor):
        raise ValidationFailed(_l("The question cannot be moved to that status now."), field="status")
    note = _clean_text(note, "note", max_length=NOTE_MAX, label=_l("a note"), required=False) or None
    if status is TicketStatus.RESOLVED:
        summary = _clean_text(resolution_summary, "resolution_summary", max_length=NOTE_MAX,
                              label=_l("a resolution summary"), required=ticket.was_escalated)
        ticket.resolution_summary = summary or ticket.resolution_summary
        ticket.resolved_at = None
        _mark_resolved(ticket)
    elif status is TicketStatus.CLOSED:
        ticket.closed_at = utcnow()
        if ticket.resolved_at is None:
            _mark_resolved(ticket)
    else:
        ticket.resolved_at = ticket.resolution_minutes = None
    if status in (TicketStatus.WAITING_FOR_REQUESTER, TicketStatus.RESOLVED) and works_current_tier(
            scope_of(actor), ticket):
        _mark_response(ticket, ticket.tier)
    old = ticket.status
    ticket.status = status
    _event(ticket, actor, EventKind.STATUS_CHANGED, from_value=old, to_value=status, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.status_changed(ticket, actor)
    return ticket


def update_vendor_case(ticket: Ticket, actor, reference, vendor_status) -> Ticket:
    require(actor, "tickets.vendor_case", ticket)
    reference = _clean_text(reference, "vendor_reference", max_length=64, label=_l("a case reference"),
                            required=False) or None
    vendor_status = _clean_text(vendor_status, "vendor_status", max_length=64, label=_l("a case status"),
                                required=False) or None
    ticket.vendor_reference, ticket.vendor_status = reference, vendor_status
    _event(ticket, actor, EventKind.VENDOR_CASE, to_value=reference, note=vendor_status)
    _touch(ticket)
    return ticket


def link_article(ticket: Ticket, actor, ref) -> Ticket:
    """Name the help article that answers the question (its address or slug), or clear it
    with an empty value. Only an article the agent may read can be named."""
    require(actor, "tickets.link_article", ticket)
    ref = _clean_text(ref, "article", max_length=300, label=_l("an article address"), required=False)
    if not ref:
        ticket.kb_article_id = None
    else:
        find = hooks.get("find_article")
        if find is None:
            raise Conflict(_l("The knowledge base is not installed, so no article can be linked."))
        found = find(actor, ref)
        if found is None:
            raise ValidationFailed(_l("There is no help article you can open at that address."), field="article")
        ticket.kb_article_id = found["id"]
    _event(ticket, actor, EventKind.ARTICLE_LINKED)
    _touch(ticket)
    return ticket


def rate(ticket: Ticket, actor, rating, comment=None) -> Ticket:
    """The requester rates the answer (1-5) once the ticket is resolved."""
    require(actor, "tickets.rate", ticket)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed(_l("Choose a rating from 1 to 5."), field="rating")
    comment = _clean_text(comment, "rating_comment", max_length=2000, label=_l("a comment"), required=False)
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment or None, utcnow()
    _event(ticket, actor, EventKind.RATED, to_value=str(rating))
    _touch(ticket)
    return ticket
