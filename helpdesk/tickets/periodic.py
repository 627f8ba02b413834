"""The tick's ticket work: escalating overdue questions, warning of breaches, closing
resolved questions, refreshing the SLA clocks."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import notifications
from helpdesk.tickets.models import (
    ACTIVE_STATUSES,
    EventKind,
    Ticket,
    TicketStatus,
    Tier,
)

# The ticket rules' own helpers: this module is part of the ticket service, split off by size.
from helpdesk.tickets.changes import _event, _recompute, _touch


def auto_escalate_overdue(now: datetime | None = None) -> int:
    """Local tickets whose local first-response target passed without a response go to central.

    Each ticket is claimed with a conditional UPDATE (tier still local), so two ticks running
    at once never escalate the same ticket twice.
    """
    now = now or utcnow()
    ids = list(db.session.scalars(select(Ticket.id).where(
        Ticket.tier == Tier.LOCAL, Ticket.status.in_(ACTIVE_STATUSES),
        Ticket.local_responded_at.is_(None), Ticket.local_response_due < now)))
    done = 0
    for ticket_id in ids:
        claimed = db.session.execute(
            update(Ticket).where(Ticket.id == ticket_id, Ticket.tier == Tier.LOCAL,
                                 Ticket.local_responded_at.is_(None))
            .values(tier=Tier.CENTRAL, status=TicketStatus.WAITING_FOR_TIER_ABOVE,
                    assignee_id=None, assignee_name=None)
            .execution_options(synchronize_session=False)).rowcount
        if not claimed:
            continue
        ticket = db.session.get(Ticket, ticket_id)
        db.session.refresh(ticket)
        _event(ticket, None, EventKind.AUTO_ESCALATED, from_value=Tier.LOCAL, to_value=Tier.CENTRAL)
        _recompute(ticket)
        _touch(ticket)
        notifications.escalated(ticket, None, None)
        done += 1
    return done


def notify_breaches(now: datetime | None = None) -> int:
    """One notification per breached deadline, claimed with a conditional UPDATE."""
    now = now or utcnow()
    # Written as the breach index's condition (models.py), so the index answers it.
    rows = db.session.execute(select(Ticket.id, Ticket.sla_due_kind).where(
        Ticket.sla_due_at < now, Ticket.status.in_(ACTIVE_STATUSES),
        Ticket.breach_notified_kind.is_distinct_from(Ticket.sla_due_kind))).all()
    done = 0
    for ticket_id, kind in rows:
        claimed = db.session.execute(
            update(Ticket).where(Ticket.id == ticket_id, Ticket.sla_due_kind == kind,
                                 or_(Ticket.breach_notified_kind.is_(None), Ticket.breach_notified_kind != kind))
            .values(breach_notified_kind=kind).execution_options(synchronize_session=False)).rowcount
        if not claimed:
            continue
        ticket = db.session.get(Ticket, ticket_id)
        db.session.refresh(ticket)
        _event(ticket, None, EventKind.SLA_BREACHED, to_value=kind)
        notifications.breached(ticket, kind)
        done += 1
    db.session.flush()
    return done


def auto_close_resolved(now: datetime | None = None) -> int:
    now = now or utcnow()
    days = current_app.config.get("TICKET_AUTO_CLOSE_DAYS", 7)
    ids = list(db.session.scalars(select(Ticket.id).where(
        Ticket.status == TicketStatus.RESOLVED, Ticket.resolved_at < now - timedelta(days=days))))
    done = 0
    for ticket_id in ids:
        claimed = db.session.execute(
            update(Ticket).where(Ticket.id == ticket_id, Ticket.status == TicketStatus.RESOLVED)
            .values(status=TicketStatus.CLOSED, closed_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if not claimed:
            continue
        ticket = db.session.get(Ticket, ticket_id)
        db.session.refresh(ticket)
        _event(ticket, None, EventKind.STATUS_CHANGED, from_value=TicketStatus.RESOLVED,
               to_value=TicketStatus.CLOSED)
        _touch(ticket)
        done += 1
    return done


def refresh_clocks(now: datetime | None = None) -> int:
    """Nothing to recompute on a clock tick: deadlines are absolute until the next change."""
    return 0
