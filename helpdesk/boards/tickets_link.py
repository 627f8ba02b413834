"""The few places the boards touch tickets: a thread asked from a ticket, a resolved
ticket's summary promoted to the FAQ, and escalated tickets and top categories on a
meeting's agenda. Reading tickets happens here only, under the tickets' own view rule."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from helpdesk.access import can
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.labels import label
from helpdesk.text import mask_civic_numbers
from helpdesk.tickets.models import EventKind, Ticket, TicketCategory, TicketEvent, TicketMessage, TicketStatus

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def get_ticket(ticket_id: int) -> Ticket | None:
    if not isinstance(ticket_id, int) or not 0 < ticket_id < 2**31:
        return None
    return db.session.get(Ticket, ticket_id)


def can_see_ticket(user, ticket: Ticket) -> bool:
    return can(user, "tickets.view", ticket)


def ticket_title(ticket: Ticket) -> str:
    return mask_civic_numbers(f"{ticket.number} {ticket.subject}")[0]


def _requester_strings(ticket: Ticket) -> list[str]:
    """The requester's name and addresses as they may appear in the question's text."""
    found = [ticket.requester_name, ticket.guest_email]
    requester = db.session.get(User, ticket.requester_id) if ticket.requester_id else None
    if requester is not None:
        found.append(requester.email)
        if requester.person is not None:
            found += [requester.person.given_name, requester.person.family_name]
    return sorted({s for s in found if s and len(s) > 1}, key=len, reverse=True)


def strip_personal_details(text: str, ticket: Ticket | None = None) -> str:
    """No civic numbers, no e-mail addresses, and not the requester's name."""
    text, _ = mask_civic_numbers(text or "")
    for value in _requester_strings(ticket) if ticket is not None else []:
        text = re.sub(re.escape(value), "[…]", text, flags=re.IGNORECASE)
    return _EMAIL.sub("[…]", text)


def ticket_question(ticket: Ticket) -> tuple[str, str]:
    """(title, body) of a ticket's question with the requester's personal details removed."""
    first = db.session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == ticket.id, ~TicketMessage.internal)
        .order_by(TicketMessage.id).limit(1)
    ).first()
    return (strip_personal_details(ticket.subject, ticket),
            strip_personal_details(first.body if first else "", ticket))


def resolution_summary(ticket: Ticket) -> str | None:
    if not ticket.resolution_summary or ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return None
    return strip_personal_details(ticket.resolution_summary, ticket)


def escalated_tickets(organisation_id: int, since: datetime, limit: int = 20) -> list[tuple[int, str]]:
    """Tickets of the organisation escalated (by hand or by the clock) since `since`.

    Asked of the history, not the tier: a ticket filed straight to central (a school without a
    local contact) or sent back down was never escalated, or not in this period."""
    escalated = (select(TicketEvent.ticket_id)
                 .where(TicketEvent.kind.in_([EventKind.ESCALATED, EventKind.AUTO_ESCALATED]),
                        TicketEvent.created_at >= since))
    rows = db.session.scalars(
        select(Ticket).where(Ticket.organisation_id == organisation_id, Ticket.id.in_(escalated))
        .order_by(Ticket.updated_at.desc()).limit(limit)
    )
    return [(t.id, ticket_title(t)) for t in rows]


def category_label(code: str) -> str | None:
    """The category's name in the reader's language, or None for an unknown code."""
    try:
        return label(TicketCategory(code))
    except ValueError:
        return None


def top_categories(organisation_id: int, since: datetime, limit: int = 5) -> list[tuple[str, str, int]]:
    """(code, name, count) of the organisation's most asked-about categories since `since`."""
    rows = db.session.execute(
        select(Ticket.category, func.count()).where(Ticket.organisation_id == organisation_id,
                                                    Ticket.created_at >= since)
        .group_by(Ticket.category).order_by(func.count().desc()).limit(limit)
    )
    return [(category.value, label(category), n) for category, n in rows]
