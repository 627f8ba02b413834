"""How every ticket change is written down: the text checks, the author's role, the history
event (and the webhook it announces), the SLA clocks and the touch that tells search.

Split off the ticket service (helpdesk.tickets.services) by size; filing, messages, routing,
resolution and the desks beside them (periodic, guests, accessibility, the vendor desk) share these.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from helpdesk import events as signals
from helpdesk.access import scope_of
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import sla
from helpdesk.tickets.models import AuthorRole, EventKind, Ticket, TicketEvent, TicketStatus, Tier
from helpdesk.tickets.policies import (
    is_central_agent,
    is_local_agent,
    is_requester,
    is_vendor_agent,
    works_current_tier,
)

SUBJECT_MAX = 200
BODY_MAX = 10_000
NOTE_MAX = 5_000


def _clean_text(value, field: str, *, max_length: int, label, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise ValidationFailed(_l("Write %(what)s.", what=label), field=field)
    if len(value) > max_length:
        raise ValidationFailed(_l("The text is too long (at most %(n)d characters).", n=max_length),
                               field=field)
    return value


def _parse_enum(enum_cls, value, field: str, message):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationFailed(message, field=field) from None


def _name_of(user) -> str:
    return user.display_name if user is not None else "System"


def _role_on(actor, ticket: Ticket) -> AuthorRole:
    if actor is None:
        return AuthorRole.SYSTEM
    scope = scope_of(actor)
    if is_requester(scope, ticket) and not works_current_tier(scope, ticket):
        return AuthorRole.REQUESTER
    if ticket.tier is Tier.VENDOR and is_vendor_agent(scope, ticket):
        return AuthorRole.VENDOR
    if is_central_agent(scope, ticket):
        return AuthorRole.CENTRAL
    if is_local_agent(scope, ticket):
        return AuthorRole.LOCAL
    if is_vendor_agent(scope, ticket):
        return AuthorRole.VENDOR
    return AuthorRole.REQUESTER


def _event(ticket: Ticket, actor, kind: EventKind, *, from_value=None, to_value=None, note=None,
           actor_name: str | None = None) -> TicketEvent:
    event = TicketEvent(ticket=ticket, actor_id=actor.id if actor is not None else None,
                        actor_name=actor_name or _name_of(actor), kind=kind,
                        from_value=getattr(from_value, "value", from_value),
                        to_value=getattr(to_value, "value", to_value), note=note,
                        tier_after=ticket.tier, status_after=ticket.status, created_at=utcnow())
    db.session.add(event)
    if kind is not EventKind.CREATED:  # announced by _route_new, once routed
        _announce(ticket, kind, to_value)
    return event


# The history events that other systems hear of as webhooks (see helpdesk.events.domain_event).
_ANNOUNCED = {EventKind.ESCALATED: "ticket.escalated", EventKind.AUTO_ESCALATED: "ticket.escalated",
              EventKind.PULLED_UP: "ticket.escalated", EventKind.RATED: "ticket.rated"}


def _announce(ticket: Ticket, kind: EventKind, to_value=None) -> None:
    """Tell listeners (webhooks) of a change, in its transaction: ids and states only."""
    if kind is EventKind.STATUS_CHANGED and to_value is TicketStatus.RESOLVED:
        event_type = "ticket.resolved"
    elif kind is EventKind.CREATED:
        event_type = "ticket.created"
    else:
        event_type = _ANNOUNCED.get(kind)
    if event_type is None:
        return
    if ticket.id is None:
        db.session.flush()
    data = {"ticket_id": ticket.id, "number": ticket.number, "school_id": ticket.school_id,
            "tier": ticket.tier.value, "status": ticket.status.value}
    if kind is EventKind.RATED:
        data["rating"] = ticket.rating
    signals.domain_event.send(event_type, organisation_id=ticket.organisation_id, data=data)


def _touch(ticket: Ticket) -> None:
    ticket.updated_at = utcnow()
    db.session.flush()
    signals.content_changed.send("ticket", object_id=ticket.id, deleted=False)


def _mark_response(ticket: Ticket, tier: Tier) -> None:
    attr = f"{tier.value}_responded_at"
    if getattr(ticket, attr) is None:
        setattr(ticket, attr, utcnow())
        setattr(ticket, f"{tier.value}_response_minutes", sla.response_minutes(ticket, tier, getattr(ticket, attr)))


def _mark_resolved(ticket: Ticket) -> None:
    ticket.resolved_at = ticket.resolved_at or utcnow()
    ticket.resolution_minutes = sla.resolution_minutes(ticket, ticket.resolved_at)


def _recompute(ticket: Ticket) -> None:
    db.session.flush()
    sla.recompute(ticket)
