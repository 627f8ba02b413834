"""How tickets read on screen: one date format per language, time left in business hours
(the SLA clocks count business hours, so "2 days" would mislead), and the requester's view
of a ticket in plain words: a status without the desk's jargon, where the question is now
(school → municipality → vendor) and when an answer can be expected."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import g
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from helpdesk.models_base import utcnow
from helpdesk.tickets.models import Ticket, TicketStatus, Tier

# What requesters read; agents keep the desk's words (helpdesk/tickets/labels.py).
REQUESTER_STATUS = {
    TicketStatus.NEW: _l("Received"),
    TicketStatus.OPEN: _l("Being worked on"),
    TicketStatus.WAITING_FOR_REQUESTER: _l("Waiting for your answer"),
    TicketStatus.WAITING_FOR_TIER_ABOVE: _l("Passed on for more help"),
    TicketStatus.RESOLVED: _l("Answered"),
    TicketStatus.CLOSED: _l("Closed"),
}

STEP_NAMES = {
    Tier.LOCAL: _l("Your school"),
    Tier.CENTRAL: _l("The municipality's support"),
    Tier.VENDOR: _l("The platform's vendor"),
}


def _calendar(organisation_id: int | None):
    """The organisation's business calendar, once per request (a queue page asks for many)."""
    from helpdesk.tickets import sla

    cache = g.setdefault("tickets_calendars", {})
    if organisation_id not in cache:
        cache[organisation_id] = (sla.calendar_for(organisation_id) if organisation_id is not None
                                  else sla.BusinessCalendar(_hours()))
    return cache[organisation_id]


def _hours() -> str:
    from flask import current_app

    return current_app.config.get("TICKET_BUSINESS_HOURS", "08:00-17:00")


def business_hours_text(seconds: float) -> str:
    if seconds < 3600:
        unit, n = "minutes", max(1, math.ceil(seconds / 60))
    else:
        unit, n = "hours", math.ceil(seconds / 3600 - 0.01)  # 15.999 h is "16", not "17"
    # Once per request and number: a queue page's rows repeat a few of them.
    words = g.setdefault("tickets_hours_text", {})
    key = (str(get_locale()), unit, n)
    if key not in words:
        words[key] = (ngettext("%(num)d business minute", "%(num)d business minutes", n) if unit == "minutes"
                          else ngettext("%(num)d business hour", "%(num)d business hours", n))
    return words[key]


def time_left(due: datetime | None, now: datetime | None = None,
              organisation_id: int | None = None) -> tuple[str, bool] | None:
    """('16 business hours', False), or (how much, True) when the deadline has passed;
    counted on the organisation's calendar (opening hours, holidays, closed days)."""
    if due is None:
        return None
    now = now or utcnow()
    cal = _calendar(organisation_id)
    if due < now:
        return business_hours_text(cal.seconds_between(due, now)), True
    return business_hours_text(cal.seconds_between(now, due)), False


def requester_status(ticket_or_status) -> str:
    """The status in a requester's words; takes a ticket (or a row) or a TicketStatus."""
    status = getattr(ticket_or_status, "status", ticket_or_status)
    return str(REQUESTER_STATUS[TicketStatus(status)])


@dataclass
class Step:
    tier: Tier
    name: str
    state: str  # "done", "current" or "later"


def steps(ticket: Ticket) -> list[Step]:
    """School → municipality → vendor, with the tier that has the question now marked.
    Tiers the question skipped (a school without a local contact) read as passed."""
    order = list(Tier)
    here = order.index(ticket.tier)
    out = []
    for i, tier in enumerate(order):
        state = "done" if i < here else "current" if i == here else "later"
        if ticket.is_done and i == here:
            state = "done"
        out.append(Step(tier, str(STEP_NAMES[tier]), state))
    return out


@dataclass
class Expectation:
    kind: str  # "answer", "solution", "paused", "done"
    due: datetime | None = None


def expectation(ticket: Ticket) -> Expectation:
    """When the requester can expect to hear back: from the same SLA clock the desk uses."""
    if ticket.is_done:
        return Expectation("done", ticket.resolved_at or ticket.closed_at)
    if ticket.status is TicketStatus.WAITING_FOR_REQUESTER:
        return Expectation("paused")
    if ticket.sla_due_at is None:
        return Expectation("paused")
    kind = "answer" if (ticket.sla_due_kind or "").endswith("_response") else "solution"
    return Expectation(kind, ticket.sla_due_at)


def public_name(name: str | None, role=None) -> str:
    """A name as requesters see it: names stored before an account had one may be an
    e-mail address, which requesters are never shown; they read the role instead."""
    from helpdesk.labels import label

    if name and "@" not in name:
        return name
    return str(label(role)) if role is not None else ""


def requester_value(value: str | None) -> str:
    """A status or tier stored in the history, in a requester's words."""
    if value is None:
        return ""
    if value in {s.value for s in TicketStatus}:
        return str(REQUESTER_STATUS[TicketStatus(value)])
    if value in {t.value for t in Tier}:
        return str(STEP_NAMES[Tier(value)])
    return value
