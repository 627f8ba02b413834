"""The overview's figures for a period and the period before, aggregated in SQL.

Each query reads both periods at once with conditional sums and GROUP BY (never a loop over
tickets), so the number of queries is the same for ten tickets or a hundred thousand. Times
are business minutes recorded on the ticket when the first response or the resolution
happened (helpdesk/tickets/sla.py: the same clock as the deadlines, with the organisation's
closed days); the nearest-rank median and 90th percentile are read from per-slot counts
(see `_times`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal_column, or_, select, union_all

from helpdesk.boards.models import Board, Thread
from helpdesk.directory.models import Duty, Group, Membership, MembershipRole, School
from helpdesk.extensions import db
from helpdesk.insight.filters import Filters
from helpdesk.insight.reach import Reach
from helpdesk.kb.models import SearchLog
from helpdesk.models_base import utcnow
from helpdesk.tickets.models import (
    ACTIVE_STATUSES,
    EventKind,
    FilingDeflection,
    Ticket,
    TicketCategory,
    TicketEvent,
    Tier,
)

TIERS = [Tier.LOCAL, Tier.CENTRAL, Tier.VENDOR]
RATINGS = [1, 2, 3, 4, 5]
PERCENTILES = (50, 90)
MAX_WEEKS = 106  # a two-year period at most (filters.MAX_DAYS)
LIST_LIMIT = 10
SLOT = 6  # minutes: the 0.1 hour the page shows


@dataclass
class TierTimes:
    count: int = 0
    median: int | None = None  # business minutes
    p90: int | None = None


@dataclass
class Period:
    """The figures of one period."""

    asked: int = 0
    resolved: int = 0
    resolved_by_tier: dict[Tier, int] = field(default_factory=dict)
    reached: dict[Tier, int] = field(default_factory=dict)  # the escalation funnel
    breaches: dict[Tier, int] = field(default_factory=dict)
    response: dict[Tier, TierTimes] = field(default_factory=dict)
    resolution: dict[Tier, TierTimes] = field(default_factory=dict)
    rated: int = 0
    rating_average: float | None = None
    ratings: dict[int, int] = field(default_factory=dict)
    categories: dict[TicketCategory, int] = field(default_factory=dict)

    def resolved_share(self, tier: Tier) -> int | None:
        """Per cent of the resolved questions that were resolved at `tier`."""
        return round(100 * self.resolved_by_tier.get(tier, 0) / self.resolved) if self.resolved else None


@dataclass
class Overview:
    filters: Filters
    now: Period
    before: Period
    open_now: int = 0
    open_age: dict[str, int] = field(default_factory=dict)  # "week", "month", "older"
    oldest_open_days: int | None = None
    weeks: list = field(default_factory=list)  # first day of each week in the period
    weekly_asked: dict[Tier, list[int]] = field(default_factory=dict)
    weekly_response: dict[Tier, list[int | None]] = field(default_factory=dict)  # median minutes
    heat: list = field(default_factory=list)  # (school name, {category: n}, total, per_100)
    comments: list = field(default_factory=list)  # (rating, comment, rated_at); none for the vendor
    deflection: dict | None = None  # shown, gave_up (org-level figures; None when not the viewer's)
    searches: dict | None = None  # empty, top [(query, n)]
    boards: dict | None = None  # threads, answered


def _ticket_filters(reach: Reach, f: Filters) -> list:
    conds = [reach.ticket_condition()]
    if f.school_id is not None:
        conds.append(Ticket.school_id == f.school_id)
    if f.category is not None:
        conds.append(Ticket.category == f.category)
    if f.tier is not None:
        conds.append(Ticket.tier == f.tier)
    return conds


def _between(column, f: Filters):
    return and_(column >= f.since, column < f.until)


def _both(f: Filters) -> Filters:
    """The period and the period before as one span: each query reads both at once."""
    return replace(f, start=f.before().start)


def _count_if(cond):
    return func.sum(case((cond, 1), else_=0))


def _totals(reach: Reach, f: Filters, ov: Overview) -> None:
    """Resolved per tier and the ratings of both periods (what was asked, and how far up it
    went, is counted by `_counts`): one query per date column, each reading only the tickets
    of that column's span from its covering index (helpdesk/tickets/models.py) rather than
    every row of the organisation."""
    conds, span, periods = _ticket_filters(reach, f), _both(f), (f, f.before())
    resolved = db.session.execute(select(*[c for p in periods for done in [_between(Ticket.resolved_at, p)] for c in (
        _count_if(done), *[_count_if(and_(done, Ticket.tier == t)) for t in TIERS])])
        .where(*conds, _between(Ticket.resolved_at, span))).one()
    rated = db.session.execute(select(*[c for p in periods for when in [_between(Ticket.rated_at, p)] for c in (
        _count_if(and_(when, Ticket.rating.is_not(None))), func.avg(case((when, Ticket.rating))),
        *[_count_if(and_(when, Ticket.rating == r)) for r in RATINGS])])
        .where(*conds, _between(Ticket.rated_at, span))).one()
    for i, period in enumerate((ov.now, ov.before)):
        period.resolved, *by_tier = (int(v or 0) for v in resolved[4 * i:4 * i + 4])
        period.resolved_by_tier = dict(zip(TIERS, by_tier, strict=True))
        ratings = rated[7 * i:7 * i + 7]
        period.rated = int(ratings[0] or 0)
        period.rating_average = round(float(ratings[1]), 2) if ratings[1] is not None else None
        period.ratings = {r: int(v or 0) for r, v in zip(RATINGS, ratings[2:], strict=True)}


def _week_starts(f: Filters) -> list[date]:
    first_monday = f.start - timedelta(days=f.start.weekday())
    return [first_monday + timedelta(weeks=i) for i in range(MAX_WEEKS) if first_monday + timedelta(weeks=i) <= f.end]


def _bucket(column, f: Filters):
    """-1 for the period before, else the week (0 = the period's first; weeks start on Monday,
    Swedish time): a CASE that halves the boundaries at each step, so a row costs about
    log2(weeks) comparisons, on SQLite and PostgreSQL alike."""
    weeks = _week_starts(f)
    bounds = [f.since] + [Filters(w, w).since for w in weeks[1:]]

    def tree(lo: int, hi: int):
        if lo == hi:
            return literal_column(str(lo))
        mid = (lo + hi + 1) // 2  # the answer is at least mid when column >= bounds[mid]
        return case((column < bounds[mid], tree(lo, mid - 1)), else_=tree(mid, hi))

    return weeks, tree(-1, len(bounds) - 1)


def _counts(reach: Reach, f: Filters, ov: Overview) -> None:
    """Questions per week, tier, school and category of both periods, and how many of them
    reached central and the vendor: one grouped scan that feeds the totals asked, the
    escalation funnel, the weekly columns, the categories and the heat table."""
    weeks, bucket = _bucket(Ticket.created_at, f)
    ov.weeks = weeks
    ov.weekly_asked = {t: [0] * len(weeks) for t in TIERS}
    ov.now.categories, ov.before.categories = {}, {}
    for period in (ov.now, ov.before):
        period.asked, period.reached = 0, {t: 0 for t in TIERS}
    by_school: dict[int, dict] = {}
    reached_central = or_(Ticket.tier != Tier.LOCAL, Ticket.central_responded_at.is_not(None))
    rows = db.session.execute(
        select(bucket, Ticket.tier, Ticket.school_id, Ticket.category, func.count(), _count_if(reached_central),
               _count_if(Ticket.vendor_escalated_at.is_not(None)))
        .where(*_ticket_filters(reach, f), _between(Ticket.created_at, _both(f)))
        .group_by(bucket, Ticket.tier, Ticket.school_id, Ticket.category))
    for week, tier, school_id, category, n, central, vendor in rows:
        period = ov.before if week < 0 else ov.now
        period.asked += n
        for reached_tier, reached in zip(TIERS, (n, central, vendor), strict=True):
            period.reached[reached_tier] += int(reached or 0)
        period.categories[category] = period.categories.get(category, 0) + n
        if week >= 0:
            ov.weekly_asked[tier][int(week)] += n
            counts = by_school.setdefault(school_id, {})
            counts[category] = counts.get(category, 0) + n
    for period in (ov.now, ov.before):
        period.categories = dict(sorted(period.categories.items(), key=lambda cn: (-cn[1], cn[0].value)))
    _heat(by_school, ov)


def _nearest_rank(slots: dict[int, list[int]], percentile: int) -> int | None:
    """The nearest-rank percentile from (count, largest value) per slot of SLOT minutes."""
    total = sum(count for count, _ in slots.values())
    if not total:
        return None
    rank, seen = -(-total * percentile // 100), 0
    for slot in sorted(slots):
        seen += slots[slot][0]
        if seen >= rank:
            return slots[slot][1]
    return None


def _times_of(slots: dict[int, list[int]]) -> TierTimes:
    return TierTimes(sum(c for c, _ in slots.values()), *(_nearest_rank(slots, p) for p in PERCENTILES))


def _add_slot(into: dict, slot: int, n: int, largest: int) -> None:
    count, top = into.get(slot, (0, 0))
    into[slot] = (count + n, max(top, largest))


def _times(reach: Reach, f: Filters, ov: Overview) -> None:
    """First response per tier (tickets filed in the period) and resolution by the tier that
    resolved it, for both periods and per week: one query that counts the times in slots of
    SLOT minutes (the 0.1 h the page shows) and keeps each slot's largest value, from which
    the nearest-rank median and 90th percentile are read. Each percentile is a real recorded
    time, at most SLOT minutes above the exact one; the rows are bounded by tiers x weeks x
    slots, not by the number of tickets. Each part is grouped as it reads its index, so no
    row per ticket is carried to an outer GROUP BY."""
    conds, span = _ticket_filters(reach, f), _both(f)
    _, created = _bucket(Ticket.created_at, f)
    resolved = case((Ticket.resolved_at < f.since, literal_column("-1")), else_=literal_column("0"))
    parts = []
    for tier in TIERS:
        minutes = getattr(Ticket, f"{tier.value}_response_minutes")
        slot = minutes // SLOT  # one expression object: PostgreSQL matches GROUP BY to SELECT by it
        parts.append(select(literal_column("'response'"), literal_column(f"'{tier.value}'"), created, slot,
                            func.count(), func.max(minutes))
                     .where(*conds, _between(Ticket.created_at, span), minutes.is_not(None))
                     .group_by(created, slot))
    minutes = Ticket.resolution_minutes
    slot = minutes // SLOT
    parts.append(select(literal_column("'resolution'"), Ticket.tier, resolved, slot, func.count(), func.max(minutes))
                 .where(*conds, _between(Ticket.resolved_at, span), minutes.is_not(None))
                 .group_by(Ticket.tier, resolved, slot))
    rows = db.session.execute(union_all(*parts))
    hist: dict[tuple, dict] = {}
    weekly: dict[tuple, dict] = {}
    for kind, tier, week, s, n, largest in rows:
        tier = Tier(getattr(tier, "value", tier))
        _add_slot(hist.setdefault((kind, tier, week >= 0), {}), s, n, largest)
        if kind == "response" and week >= 0:
            _add_slot(weekly.setdefault((tier, int(week)), {}), s, n, largest)
    for period, current in ((ov.now, True), (ov.before, False)):
        period.response = {t: _times_of(hist.get(("response", t, current), {})) for t in TIERS}
        period.resolution = {t: _times_of(hist.get(("resolution", t, current), {})) for t in TIERS}
    ov.weekly_response = {t: [_nearest_rank(weekly.get((t, i), {}), 50) for i in range(len(ov.weeks))] for t in TIERS}


def _breaches(reach: Reach, f: Filters, ov: Overview) -> None:
    """Deadlines passed per tier: the breach events of both periods (one per deadline)."""
    tier_of = {f"{t.value}_response": t for t in TIERS} | {f"{t.value}_resolution": t for t in TIERS}
    which = case((TicketEvent.created_at < f.since, literal_column("-1")), else_=literal_column("0"))
    rows = db.session.execute(
        select(which, TicketEvent.to_value, func.count()).join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(*_ticket_filters(reach, f), TicketEvent.kind == EventKind.SLA_BREACHED,
               _between(TicketEvent.created_at, _both(f))).group_by(which, TicketEvent.to_value))
    ov.now.breaches, ov.before.breaches = {t: 0 for t in TIERS}, {t: 0 for t in TIERS}
    for period, kind, n in rows:
        if kind in tier_of:
            (ov.before if period < 0 else ov.now).breaches[tier_of[kind]] += n


def _open_now(reach: Reach, f: Filters, overview: Overview) -> None:
    now = utcnow()
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    conds = _ticket_filters(reach, f)
    row = db.session.execute(select(
        func.count(), _count_if(Ticket.created_at >= week),
        _count_if(and_(Ticket.created_at < week, Ticket.created_at >= month)),
        _count_if(Ticket.created_at < month), func.min(Ticket.created_at))
        .where(*conds, Ticket.status.in_(ACTIVE_STATUSES))).one()
    overview.open_now = int(row[0] or 0)
    overview.open_age = {"week": int(row[1] or 0), "month": int(row[2] or 0), "older": int(row[3] or 0)}
    oldest = row[4]
    if oldest is not None:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
        overview.oldest_open_days = (now - oldest).days


def _people_per_school(school_ids: list[int]) -> dict[int, int]:
    """Staff (active duties) and pupils (members of the school's active groups), each once."""
    if not school_ids:
        return {}
    staff = select(Duty.person_id.label("person_id"), Duty.school_id.label("school_id")).where(
        Duty.active, Duty.school_id.in_(school_ids))
    pupils = select(Membership.person_id, Group.school_id).join(Group, Group.id == Membership.group_id).where(
        Membership.active, Group.active, Membership.role == MembershipRole.MEMBER, Group.school_id.in_(school_ids))
    people = union_all(staff, pupils).subquery()
    return dict(db.session.execute(select(people.c.school_id, func.count(func.distinct(people.c.person_id)))
                                   .group_by(people.c.school_id)).all())


def _heat(by_school: dict[int, dict], ov: Overview) -> None:
    names = dict(db.session.execute(select(School.id, School.name).where(School.id.in_(list(by_school)))).all()) \
        if by_school else {}
    sizes = _people_per_school(list(by_school))
    heat = []
    for school_id, counts in by_school.items():
        total = sum(counts.values())
        people = sizes.get(school_id, 0)
        heat.append((names.get(school_id, ""), counts, total, round(100 * total / people, 1) if people else None))
    heat.sort(key=lambda r: (-(r[3] or 0), -r[2], r[0]))
    ov.heat = heat


def _comments(reach: Reach, f: Filters, overview: Overview) -> None:
    if reach.vendor_only:
        return  # a comment may name the requester; the vendor sees figures only
    overview.comments = [tuple(r) for r in db.session.execute(
        select(Ticket.rating, Ticket.rating_comment, Ticket.rated_at).where(
            *_ticket_filters(reach, f), _between(Ticket.rated_at, f), Ticket.rating_comment.is_not(None),
            Ticket.rating_comment != "").order_by(Ticket.rated_at.desc()).limit(LIST_LIMIT))]


def _organisation_figures(reach: Reach, f: Filters, overview: Overview) -> None:
    """Deflection, searches and boards are kept per organisation, not per school or tier."""
    orgs = reach.org_condition(FilingDeflection.organisation_id)
    if orgs is None:
        return
    deflection = [_between(FilingDeflection.created_at, f), orgs]
    if f.category is not None:
        deflection.append(FilingDeflection.category == f.category)
    shown, gave_up = db.session.execute(select(func.count(), _count_if(FilingDeflection.gave_up)).where(
        *deflection)).one()
    overview.deflection = {"shown": int(shown or 0), "gave_up": int(gave_up or 0)}
    searched = [_between(SearchLog.created_at, f), reach.org_condition(SearchLog.organisation_id),
                SearchLog.results_count == 0]
    times = func.count()
    top = db.session.execute(select(SearchLog.query, times).where(*searched).group_by(SearchLog.query)
                             .order_by(times.desc(), SearchLog.query).limit(LIST_LIMIT)).all()
    empty = db.session.scalar(select(func.count()).where(*searched)) or 0
    overview.searches = {"empty": int(empty), "top": [tuple(r) for r in top]}
    threads, answered = db.session.execute(
        select(func.count(), _count_if(Thread.post_count > 1)).join(Board, Board.id == Thread.board_id)
        .where(reach.org_condition(Board.organisation_id), _between(Thread.created_at, f))).one()
    overview.boards = {"threads": int(threads or 0), "answered": int(answered or 0)}


def overview(viewer, f: Filters, reach: Reach | None = None) -> Overview:
    """Every figure of the overview for the viewer, the period and the period before."""
    reach = reach or Reach.of(viewer)
    result = Overview(filters=f, now=Period(), before=Period())
    _totals(reach, f, result)
    _counts(reach, f, result)
    _times(reach, f, result)
    _breaches(reach, f, result)
    _open_now(reach, f, result)
    _comments(reach, f, result)
    _organisation_figures(reach, f, result)
    return result
