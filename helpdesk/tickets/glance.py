"""An agent's numbers at a glance, for the start page: open in the queue, passed deadlines,
waiting for the agent (the other side answered), waiting for the tier above.

Scoped as the queues are (`reading._queue_base`): a local admin counts the schools they
support, a central admin the organisation (their own central queue, and the schools' and
the vendor's queues of the organisation beside it), a vendor agent the tickets at its tier.
Two SQL queries per role the person holds (the counters grouped, and passed deadlines on
the queue index, each tier's read up to the queue page's cap), whatever the number of tickets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from helpdesk.access import can, scope_of
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets.models import (
    ACTIVE_STATUSES,
    Ticket,
    TicketCount,
    TicketStatus,
    Tier,
)
from helpdesk.tickets.views_of_queue import overdue_count, overdue_text


@dataclass
class Figure:
    """One number and the queue view that lists its tickets (arguments of tickets.queue)."""

    label: str
    count: int
    link: dict[str, str] | None  # None: no queue view lists exactly these (shown unlinked)
    shown: str | None = None  # the count as shown, when it is not the plain number ("999+")


@dataclass
class Row:
    title: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class _Counts:
    open: int = 0
    overdue: int = 0
    answered: int = 0


def _per_tier(scope_condition, now: datetime, *, for_vendor: bool = False) -> dict[Tier, _Counts]:
    """Active tickets in scope per tier: open, past their deadline, and answered by the
    other side (the requester; for the vendor, central) since the agent's last word.

    `scope_condition(model)` picks the tickets on Ticket or on their counters. Open and
    answered are sums over the queue counters (counters.py: who wrote the last message is
    kept on the ticket by the reply service and counted under its key), so they cost the same
    whatever the organisation holds; passed deadlines are a range of the queue indexes."""
    answered = TicketCount.central_answered if for_vendor else TicketCount.asker_answered
    rows = db.session.execute(
        select(TicketCount.tier, func.sum(TicketCount.n),
               func.sum(case((and_(TicketCount.status == TicketStatus.OPEN, answered.is_(True)), TicketCount.n),
                             else_=0)))
        .where(scope_condition(TicketCount), TicketCount.status.in_(ACTIVE_STATUSES))
        .group_by(TicketCount.tier)).all()
    # Per tier, up to the queue page's cap (views_of_queue.OVERDUE_CAP), as the queue shows it.
    found = db.session.execute(select(*[
        overdue_count(scope_condition(Ticket), Ticket.tier == tier, Ticket.status.in_(ACTIVE_STATUSES),
                      Ticket.sla_due_at < now) for tier in Tier])).one()
    overdue = {tier: int(n or 0) for tier, n in zip(Tier, found, strict=True)}
    out = {tier: _Counts() for tier in Tier}
    for tier, total, answered_n in rows:
        out[tier] = _Counts(int(total or 0), overdue.get(tier, 0), int(answered_n or 0))
    return out


def _follow_link(actor, tab: str) -> dict[str, str] | None:
    """The queue tab that follows questions above the viewer's own tier ("escalated" for a
    school's contact, "vendor" for central), where the queue page offers it."""
    if tab == Tier.VENDOR.value and can(actor, "tickets.view_queue", Tier.VENDOR):
        return {"tier": tab}
    if can(actor, "tickets.follow_queue", tab):
        return {"tier": tab}
    return None


def _queue_figures(tier: Tier, counts: _Counts, *, answered_label, above: int | None, above_link) -> list[Figure]:
    figures = [
        Figure(_l("Open in the queue"), counts.open, {"tier": tier.value}),
        Figure(_l("Passed deadline"), counts.overdue, {"tier": tier.value, "overdue": "1"},
               overdue_text(counts.overdue)),
        Figure(answered_label, counts.answered, {"tier": tier.value, "status": TicketStatus.OPEN.value}),
    ]
    if above is not None:
        figures.append(Figure(_l("Waiting for the tier above"), above, above_link))
    return figures


def at_a_glance(actor, now: datetime | None = None) -> list[Row]:
    """The rows of numbers for the actor's start page; empty for anyone who is no agent."""
    scope = scope_of(actor)
    now = now or utcnow()
    rows: list[Row] = []
    requester_answered = _l("Waiting for you (the asker answered)")
    if scope.local_school_ids:
        counts = _per_tier(lambda m: m.school_id.in_(scope.local_school_ids), now)
        rows.append(Row(_l("Your schools' queue"), _queue_figures(
            Tier.LOCAL, counts[Tier.LOCAL], answered_label=requester_answered,
            above=counts[Tier.CENTRAL].open + counts[Tier.VENDOR].open,
            # The tab that follows the schools' questions up to central and the vendor.
            above_link=_follow_link(actor, "escalated"))))
    if scope.central_org_ids:
        counts = _per_tier(lambda m: m.organisation_id.in_(scope.central_org_ids), now)
        rows.append(Row(_l("Your queue: central"), _queue_figures(
            Tier.CENTRAL, counts[Tier.CENTRAL], answered_label=requester_answered,
            above=counts[Tier.VENDOR].open, above_link=_follow_link(actor, Tier.VENDOR.value))))
        rows.append(Row(_l("The organisation: at the schools"), _queue_figures(
            Tier.LOCAL, counts[Tier.LOCAL], answered_label=_l("The asker answered"),
            above=None, above_link=None)))
        vendor, link = counts[Tier.VENDOR], _follow_link(actor, Tier.VENDOR.value)
        rows.append(Row(_l("The organisation: with the vendor"), [
            Figure(_l("Open at the vendor"), vendor.open, link),
            Figure(_l("Passed deadline"), vendor.overdue, link and {**link, "overdue": "1"})]))
    if scope.vendor_id is not None:
        counts = _per_tier(lambda m: and_(m.vendor_id == scope.vendor_id, m.tier == Tier.VENDOR), now,
                           for_vendor=True)
        rows.append(Row(_l("Your queue: vendor"), _queue_figures(
            Tier.VENDOR, counts[Tier.VENDOR], answered_label=_l("Waiting for you (central answered)"),
            above=None, above_link=None)))
    return rows
