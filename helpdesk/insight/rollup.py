"""Keeping the daily rollup (models.py) equal to the tickets.

The unit of work is one organisation's day: its rows are deleted and counted again from the
tickets with INSERT ... SELECT, the same statements whether one day is refreshed after a
change or every day is rebuilt (`flask --app helpdesk insight rebuild`), so the rollup never
holds a figure a direct count would not give. The week level of the times (InsightWeekTime)
is then summed again from the refreshed days' weeks.

Which days a change touches is collected while the session flushes (any question filed,
changed in a column the overview reads, or given a history event: escalations done with a
plain UPDATE, like the tick's, always write an event) and refreshed just before the
transaction commits, in the same transaction. On PostgreSQL the organisation's row is
locked first (FOR NO KEY UPDATE: filing, which only references it, is not blocked), so two
transactions refreshing the same day take turns and the second counts what the first wrote.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from helpdesk.directory.models import Organisation
from helpdesk.extensions import db
from helpdesk.insight.filters import STOCKHOLM, Filters
from helpdesk.insight.models import InsightDay, InsightDayTime, InsightWeekTime
from helpdesk.models_base import UTCDateTime, utcnow
from helpdesk.tickets.models import EventKind, Ticket, TicketEvent, Tier

TIERS = [Tier.LOCAL, Tier.CENTRAL, Tier.VENDOR]
RATINGS = [1, 2, 3, 4, 5]
# The slots a time is counted in (business minutes): 6 minutes (the 0.1 hour the page shows)
# up to 4 hours, then each doubling of the time (4-8 h, 8-16 h, ...) in SLOTS_PER_DOUBLING
# equal slots, so a slot is never wider than 6 minutes or 1/40 (2.5 %) of its lowest time.
# The overview reports the largest time of the slot a percentile falls in: at most 6 minutes
# or 2.5 % above the exact nearest-rank figure, never below it (README, Insight).
SLOT = 6
SLOTS_PER_DOUBLING = 40
LINEAR_UP_TO = SLOT * SLOTS_PER_DOUBLING  # 240 minutes
_DOUBLINGS = 20  # the last (from 240 * 2**19 minutes, centuries of business hours) goes on in its width
# The measures of InsightDayTime/InsightWeekTime: a tier's value for the first response at
# that tier, "resolved:<tier>" for the time to resolution by the tier that resolved it.
RESOLVED = {t: f"resolved:{t.value}" for t in (Tier.LOCAL, Tier.CENTRAL, Tier.VENDOR)}
# The ticket columns a figure of the overview depends on; a change to any other column
# (an assignee, a deadline, a subject) leaves the rollup as it is.
READ_COLUMNS = {"organisation_id", "school_id", "category", "tier", "vendor_id", "vendor_escalated_at",
                "created_at", "central_responded_at", "local_response_minutes", "central_response_minutes",
                "vendor_response_minutes", "resolution_minutes", "resolved_at", "rating", "rated_at"}
DAY_COLUMNS = ("created_at", "resolved_at", "rated_at")
_PENDING = "insight_days"  # session.info key: {(organisation id, day)} to refresh before commit
# The parameters of a day's counting (see _count_day).
_ORG = bindparam("org", type_=Integer)
_DAY = bindparam("day", type_=Date)
_WEEK = bindparam("week", type_=Date)
_SINCE = bindparam("since", type_=UTCDateTime)
_UNTIL = bindparam("until", type_=UTCDateTime)


def day_of(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def slot_of(minutes: int) -> int:
    """The slot of a time (the rollup's SQL, `_slot`, in Python: for tests and readers)."""
    if minutes < LINEAR_UP_TO:
        return minutes // SLOT
    low, k = LINEAR_UP_TO, 0
    while minutes >= 2 * low and k < _DOUBLINGS - 1:
        low, k = 2 * low, k + 1
    return SLOTS_PER_DOUBLING * (k + 1) + (minutes - low) // (SLOT << k)  # the last doubling: no end


def slot_bounds(slot: int) -> tuple[int, int]:
    """The lowest time of a slot and the lowest of the next one (business minutes)."""
    if slot < SLOTS_PER_DOUBLING:
        return slot * SLOT, (slot + 1) * SLOT
    k, i = divmod(slot - SLOTS_PER_DOUBLING, SLOTS_PER_DOUBLING)
    low = (LINEAR_UP_TO << k) + i * (SLOT << k)
    return low, low + (SLOT << k)


def _slot(minutes):
    """slot_of as SQL: a CASE over the doublings, constants written out (no bound
    parameters) so PostgreSQL matches the GROUP BY to the SELECT."""
    def n(value: int):
        return literal_column(str(value))
    whens = [(minutes < n(LINEAR_UP_TO), minutes // n(SLOT))]
    for k in range(_DOUBLINGS - 1):
        low = LINEAR_UP_TO << k
        whens.append((minutes < n(2 * low), n(SLOTS_PER_DOUBLING * (k + 1)) + (minutes - n(low)) // n(SLOT << k)))
    k = _DOUBLINGS - 1
    return case(*whens, else_=n(SLOTS_PER_DOUBLING * (k + 1)) + (minutes - n(LINEAR_UP_TO << k)) // n(SLOT << k))


def _vendor_reached():
    """The vendor a question was escalated to (the vendor's reach), else NULL."""
    return case((Ticket.vendor_escalated_at.is_not(None), Ticket.vendor_id), else_=None)


def _dims():
    return [Ticket.school_id, Ticket.category, Ticket.tier, _vendor_reached()]


def _if(cond, value=1):
    return case((cond, value), else_=0)


COUNT_NAMES = ["asked", "reached_central", "reached_vendor", "resolved", "rated", "rating_sum",
                *[f"rating_{r}" for r in RATINGS], *[f"breached_{t.value}" for t in TIERS]]


def _counts_select():
    """One row per dimension of the day: the union of what was filed, resolved, rated and
    breached that day, each part one row per ticket (or event), summed per dimension."""
    zero = {name: literal_column("0") for name in COUNT_NAMES}

    def part(values: dict, *where, join_events: bool = False):
        cols = {**zero, **values}
        stmt = select(*[d.label(n) for d, n in zip(_dims(), ("school_id", "category", "tier", "vendor_id"),
                                                      strict=True)],
                      *[cols[n].label(n) for n in COUNT_NAMES])
        if join_events:
            stmt = stmt.select_from(TicketEvent).join(Ticket, Ticket.id == TicketEvent.ticket_id)
        return stmt.where(Ticket.organisation_id == _ORG, *where)

    def within(column):
        return and_(column >= _SINCE, column < _UNTIL)

    parts = union_all(
        part({"asked": literal_column("1"),
              "reached_central": _if((Ticket.tier != Tier.LOCAL) | Ticket.central_responded_at.is_not(None)),
              "reached_vendor": _if(Ticket.vendor_escalated_at.is_not(None))}, within(Ticket.created_at)),
        part({"resolved": literal_column("1")}, within(Ticket.resolved_at)),
        part({"rated": _if(Ticket.rating.is_not(None)), "rating_sum": func.coalesce(Ticket.rating, 0),
              **{f"rating_{r}": _if(Ticket.rating == r) for r in RATINGS}}, within(Ticket.rated_at)),
        part({f"breached_{t.value}": _if(TicketEvent.to_value.in_([f"{t.value}_response", f"{t.value}_resolution"]))
              for t in TIERS}, TicketEvent.kind == EventKind.SLA_BREACHED, within(TicketEvent.created_at),
             join_events=True),
    ).subquery()
    dims = [parts.c.school_id, parts.c.category, parts.c.tier, parts.c.vendor_id]
    return select(_ORG, _DAY, _WEEK, *dims,
                  *[func.sum(parts.c[n]) for n in COUNT_NAMES]).group_by(*dims)


def _times_select():
    """The day's first responses (of questions filed that day) per tier, and resolutions,
    counted per slot of SLOT minutes with each slot's largest time."""
    head = [_ORG, _DAY, _WEEK, *_dims()]
    parts = []
    resolved = case(*[(Ticket.tier == t, literal_column(f"'{RESOLVED[t]}'")) for t in TIERS])
    for measure, minutes, when in [
        *[(literal(t.value), getattr(Ticket, f"{t.value}_response_minutes"), Ticket.created_at) for t in TIERS],
        (resolved, Ticket.resolution_minutes, Ticket.resolved_at),
    ]:
        slot = _slot(minutes)  # one expression object: PostgreSQL matches GROUP BY to SELECT by it
        parts.append(select(*head, measure, slot, func.count(), func.max(minutes))
                     .where(Ticket.organisation_id == _ORG, when >= _SINCE, when < _UNTIL, minutes.is_not(None))
                     .group_by(*_dims(), slot))
    return union_all(*parts)


_DAY_COLUMNS_OUT = ["organisation_id", "day", "week", "school_id", "category", "tier", "vendor_id"]


@lru_cache(maxsize=1)
def _inserts() -> tuple:
    """Built once: the statements only take the organisation and the day as parameters (Core
    tables: an ORM insert given parameters would take them for rows to write)."""
    return (insert(InsightDay.__table__).from_select(_DAY_COLUMNS_OUT + COUNT_NAMES, _counts_select()),
            insert(InsightDayTime.__table__).from_select(_DAY_COLUMNS_OUT + ["measure", "slot", "count", "largest"],
                                               _times_select()))


def _count_day(org_id: int, day: date, session=None) -> None:
    session = session or db.session
    f = Filters(day, day)
    params = {"org": org_id, "day": day, "week": week_of(day), "since": f.since, "until": f.until}
    for statement in _inserts():
        session.execute(statement, params)


_WEEK_COLUMNS = ["tier", "vendor_id", "measure", "slot"]


def _weeks_select(*where):
    """The week level from the day level: a whole week's times summed per tier, vendor, measure
    and slot, without the school and category."""
    t = InsightDayTime
    dims = [getattr(t, name) for name in _WEEK_COLUMNS]
    return select(t.organisation_id, t.week, *dims, func.sum(t.count), func.max(t.largest)).where(
        *where).group_by(t.organisation_id, t.week, *dims)


def _count_weeks(weeks: set[tuple[int, date]], session) -> None:
    """Sum the given (organisation, Monday) weeks again from their days."""
    columns = ["organisation_id", "week", *_WEEK_COLUMNS, "count", "largest"]
    for org_id, monday in sorted(weeks):
        session.execute(delete(InsightWeekTime).where(InsightWeekTime.organisation_id == org_id,
                                                      InsightWeekTime.week == monday))
        session.execute(insert(InsightWeekTime.__table__).from_select(columns, _weeks_select(
            InsightDayTime.organisation_id == org_id, InsightDayTime.day >= monday,
            InsightDayTime.day <= monday + timedelta(days=6))))


def refresh(days: set[tuple[int, date]], session=None) -> None:
    """Count the given (organisation, day) pairs again from the tickets, in `session` (the
    one being committed; the app's session by default)."""
    if not days:
        return
    session = session or db.session
    orgs = sorted({org for org, _ in days})
    # Whoever refreshes an organisation's days waits for the one before to commit
    # (PostgreSQL; SQLite has one writer at a time anyway). Same order for everyone: no deadlock.
    session.execute(select(Organisation.id).where(Organisation.id.in_(orgs)).order_by(Organisation.id)
                    .with_for_update(key_share=True)).all()
    for org_id, day in sorted(days):
        for model in (InsightDay, InsightDayTime):
            session.execute(delete(model).where(model.organisation_id == org_id, model.day == day))
        _count_day(org_id, day, session)
    _count_weeks({(org_id, week_of(day)) for org_id, day in days}, session)


def _days_with_data(org_id: int) -> tuple[date, date] | None:
    firsts, lasts = [], []
    for column in (Ticket.created_at, Ticket.resolved_at, Ticket.rated_at):
        lo, hi = db.session.execute(select(func.min(column), func.max(column))
                                    .where(Ticket.organisation_id == org_id)).one()
        firsts += [lo] if lo else []
        lasts += [hi] if hi else []
    lo, hi = db.session.execute(select(func.min(TicketEvent.created_at), func.max(TicketEvent.created_at))
                                .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                                .where(Ticket.organisation_id == org_id,
                                       TicketEvent.kind == EventKind.SLA_BREACHED)).one()
    firsts += [lo] if lo else []
    lasts += [hi] if hi else []
    if not firsts:
        return None
    return day_of(min(firsts)), day_of(max(lasts))


def rebuild(organisation_id: int | None = None) -> int:
    """Count every day of the organisation (or of all) again from the tickets; the repair
    when the rollup was written around (a bulk load) or is in doubt. Returns the days counted."""
    orgs = [organisation_id] if organisation_id is not None else list(db.session.scalars(select(Organisation.id)))
    counted = 0
    for org_id in orgs:
        for model in (InsightDay, InsightDayTime, InsightWeekTime):
            db.session.execute(delete(model).where(model.organisation_id == org_id))
        span = _days_with_data(org_id)
        if span is None:
            continue
        day = span[0]
        while day <= span[1]:
            _count_day(org_id, day)
            counted += 1
            day += timedelta(days=1)
        db.session.execute(insert(InsightWeekTime.__table__).from_select(
            ["organisation_id", "week", *_WEEK_COLUMNS, "count", "largest"],
            _weeks_select(InsightDayTime.organisation_id == org_id)))
    db.session.flush()
    return counted


def demo_step(ctx) -> None:
    rebuild()


# ---------------------------------------------------------------- keeping it up to date

def _days_of(ticket: Ticket) -> set[tuple[int, date]]:
    """Every (organisation, day) the ticket counts on now or counted on before this flush."""
    state = inspect(ticket)
    orgs = {o for o in (*state.attrs.organisation_id.history.sum(), ticket.organisation_id) if o is not None}
    days = set()
    for name in DAY_COLUMNS:
        for moment in state.attrs[name].history.sum():
            if moment is not None:
                days.add(day_of(moment))
    if ticket.created_at is None:  # filed in this flush, stamped by the column default
        days.add(day_of(utcnow()))
    return {(o, d) for o in orgs for d in days}


def _changed(ticket: Ticket) -> bool:
    state = inspect(ticket)
    return any(state.attrs[name].history.has_changes() for name in READ_COLUMNS)


def _collect(session: Session, flush_context, instances) -> None:
    pending: set = session.info.setdefault(_PENDING, set())
    touched: dict[int, Ticket] = {}
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Ticket) and (obj in session.new or obj in session.deleted or _changed(obj)):
                touched[id(obj)] = obj
            elif isinstance(obj, TicketEvent) and obj in session.new:
                ticket = obj.ticket if obj.ticket is not None else session.get(Ticket, obj.ticket_id)
                if ticket is not None:
                    touched[id(ticket)] = ticket
                    if obj.kind is EventKind.SLA_BREACHED:
                        pending.add((ticket.organisation_id, day_of(obj.created_at or utcnow())))
        for ticket in touched.values():
            pending.update(_days_of(ticket))
        # A question's passed deadlines count under its current school, category and tier,
        # so when those change (or it is deleted) the days of its breaches are counted again.
        ids = {t.id: t.organisation_id for t in touched.values() if t.id is not None}
        if ids:
            for ticket_id, moment in session.execute(select(TicketEvent.ticket_id, TicketEvent.created_at).where(
                    TicketEvent.ticket_id.in_(list(ids)), TicketEvent.kind == EventKind.SLA_BREACHED)):
                pending.add((ids[ticket_id], day_of(moment)))


def _refresh_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction refreshes once, at its commit
    session.flush()
    days = session.info.pop(_PENDING, None)
    if days:
        # The session being committed, not the app's: a change committed through any other
        # session must be counted in its own transaction, never beside it in another one.
        refresh(days, session)


def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def listen() -> None:
    """Keep the rollup in every session's transactions (called once, by init_app)."""
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "before_commit", _refresh_before_commit)
        event.listen(Session, "after_transaction_end", _forget)
