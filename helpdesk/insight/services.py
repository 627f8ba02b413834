"""The overview's figures for a period and the period before, aggregated in SQL.

Every figure is one grouped query (never a loop over tickets), so the number of queries is
the same for ten tickets or a hundred thousand. Times are business minutes recorded on the
ticket when the first response or the resolution happened (helpdesk/tickets/sla.py: the
same clock as the deadlines, with the organisation's closed days); medians and 90th
percentiles are nearest-rank, picked with window functions that SQLite and PostgreSQL share.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, case, func, literal, or_, select, union_all

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


def _count_if(cond):
    return func.sum(case((cond, 1), else_=0))


def _period_totals(reach: Reach, f: Filters, period: Period) -> None:
    """Asked, resolved (per tier), the funnel and the ratings: one query."""
    created, resolved, rated = (_between(Ticket.created_at, f), _between(Ticket.resolved_at, f),
                                _between(Ticket.rated_at, f))
    reached_central = or_(Ticket.tier != Tier.LOCAL, Ticket.central_responded_at.is_not(None))
    columns = [_count_if(created), _count_if(resolved),
               *[_count_if(and_(resolved, Ticket.tier == t)) for t in TIERS],
               _count_if(and_(created, reached_central)),
               _count_if(and_(created, Ticket.vendor_escalated_at.is_not(None))),
               _count_if(and_(rated, Ticket.rating.is_not(None))),
               func.avg(case((rated, Ticket.rating))),
               *[_count_if(and_(rated, Ticket.rating == r)) for r in RATINGS]]
    row = db.session.execute(select(*columns).where(*_ticket_filters(reach, f), or_(created, resolved, rated))).one()
    values = [int(v or 0) for v in row[:8]]
    period.asked, period.resolved = values[0], values[1]
    period.resolved_by_tier = dict(zip(TIERS, values[2:5], strict=True))
    period.reached = {Tier.LOCAL: period.asked, Tier.CENTRAL: values[5], Tier.VENDOR: values[6]}
    period.rated = values[7]
    period.rating_average = round(float(row[8]), 2) if row[8] is not None else None
    period.ratings = {r: int(v or 0) for r, v in zip(RATINGS, row[9:], strict=True)}


def _minutes_rows(reach: Reach, f: Filters, bucket=None):
    """(kind, tier, bucket, minutes) rows: first responses of tickets filed in the period,
    per tier, and resolutions in the period, by the tier that resolved them."""
    conds = _ticket_filters(reach, f)
    bucket = bucket if bucket is not None else literal(0)
    parts = []
    for tier in TIERS:
        minutes = getattr(Ticket, f"{tier.value}_response_minutes")
        parts.append(select(literal("response").label("kind"), literal(tier.value).label("tier"),
                            bucket.label("bucket"), minutes.label("minutes"))
                     .where(*conds, _between(Ticket.created_at, f), minutes.is_not(None)))
    return parts, conds


def _percentiles(rows):
    """Nearest-rank median and 90th percentile per (kind, tier, bucket) of a union of rows."""
    sub = union_all(*rows).subquery()
    part = (sub.c.kind, sub.c.tier, sub.c.bucket)
    ranked = select(*part, sub.c.minutes,
                    func.row_number().over(partition_by=part, order_by=sub.c.minutes).label("rn"),
                    func.count().over(partition_by=part).label("n")).subquery()
    picks = [(p, (ranked.c.n * p + 99) // 100) for p in PERCENTILES]  # integer division
    stmt = select(ranked.c.kind, ranked.c.tier, ranked.c.bucket, ranked.c.n,
                  *[func.max(case((ranked.c.rn == rank, ranked.c.minutes))) for _, rank in picks]
                  ).where(or_(*[ranked.c.rn == rank for _, rank in picks])).group_by(
                      ranked.c.kind, ranked.c.tier, ranked.c.bucket, ranked.c.n)
    return db.session.execute(stmt).all()


def _times(reach: Reach, f: Filters, period: Period) -> None:
    parts, conds = _minutes_rows(reach, f)
    parts.append(select(literal("resolution"), Ticket.tier, literal(0), Ticket.resolution_minutes)
                 .where(*conds, _between(Ticket.resolved_at, f), Ticket.resolution_minutes.is_not(None)))
    period.response = {t: TierTimes() for t in TIERS}
    period.resolution = {t: TierTimes() for t in TIERS}
    for kind, tier, _, n, median, p90 in _percentiles(parts):
        target = period.response if kind == "response" else period.resolution
        target[Tier(getattr(tier, "value", tier))] = TierTimes(int(n), median, p90)


def _breaches(reach: Reach, f: Filters, period: Period) -> None:
    """Deadlines passed per tier: the breach events of the period (one per deadline)."""
    tier_of = {f"{t.value}_response": t for t in TIERS} | {f"{t.value}_resolution": t for t in TIERS}
    rows = db.session.execute(
        select(TicketEvent.to_value, func.count()).join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(*_ticket_filters(reach, f), TicketEvent.kind == EventKind.SLA_BREACHED,
               _between(TicketEvent.created_at, f)).group_by(TicketEvent.to_value))
    period.breaches = {t: 0 for t in TIERS}
    for kind, n in rows:
        if kind in tier_of:
            period.breaches[tier_of[kind]] += n


def _categories(reach: Reach, f: Filters, period: Period) -> None:
    rows = db.session.execute(select(Ticket.category, func.count()).where(
        *_ticket_filters(reach, f), _between(Ticket.created_at, f)).group_by(Ticket.category))
    period.categories = dict(sorted(((c, n) for c, n in rows), key=lambda cn: (-cn[1], cn[0].value)))


def period_figures(reach: Reach, f: Filters) -> Period:
    period = Period()
    _period_totals(reach, f, period)
    _times(reach, f, period)
    _breaches(reach, f, period)
    _categories(reach, f, period)
    return period


def _week_bucket(f: Filters):
    """The week index of a ticket's filing (0 = the period's first week) as a CASE over
    the week boundaries: portable, and the weeks start on Mondays in Swedish time."""
    first_monday = f.start - timedelta(days=f.start.weekday())
    weeks = [first_monday + timedelta(weeks=i) for i in range(MAX_WEEKS) if first_monday + timedelta(weeks=i) <= f.end]
    bounds = [Filters(w, w + timedelta(days=6)).until for w in weeks[:-1]]  # each week's end
    whens = [(Ticket.created_at < bound, i) for i, bound in enumerate(bounds)]
    return weeks, (case(*whens, else_=len(weeks) - 1) if whens else literal(0))


def _weekly(reach: Reach, f: Filters, overview: Overview) -> None:
    weeks, bucket = _week_bucket(f)
    overview.weeks = weeks
    conds = _ticket_filters(reach, f)
    overview.weekly_asked = {t: [0] * len(weeks) for t in TIERS}
    for week, tier, n in db.session.execute(
            select(bucket, Ticket.tier, func.count()).where(*conds, _between(Ticket.created_at, f))
            .group_by(bucket, Ticket.tier)):
        overview.weekly_asked[tier][int(week)] = n
    overview.weekly_response = {t: [None] * len(weeks) for t in TIERS}
    parts, _ = _minutes_rows(reach, f, bucket)
    for _, tier, week, _, median, _ in _percentiles(parts):
        overview.weekly_response[Tier(tier)][int(week)] = median


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


def _heat(reach: Reach, f: Filters, overview: Overview) -> None:
    rows = db.session.execute(
        select(School.id, School.name, Ticket.category, func.count()).join(School, School.id == Ticket.school_id)
        .where(*_ticket_filters(reach, f), _between(Ticket.created_at, f))
        .group_by(School.id, School.name, Ticket.category)).all()
    by_school: dict[int, tuple[str, dict]] = {}
    for school_id, name, category, n in rows:
        by_school.setdefault(school_id, (name, {}))[1][category] = n
    sizes = _people_per_school(list(by_school))
    heat = []
    for school_id, (name, counts) in by_school.items():
        total = sum(counts.values())
        people = sizes.get(school_id, 0)
        heat.append((name, counts, total, round(100 * total / people, 1) if people else None))
    heat.sort(key=lambda r: (-(r[3] or 0), -r[2], r[0]))
    overview.heat = heat


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
    result = Overview(filters=f, now=period_figures(reach, f), before=period_figures(reach, f.before()))
    _open_now(reach, f, result)
    _weekly(reach, f, result)
    _heat(reach, f, result)
    _comments(reach, f, result)
    _organisation_figures(reach, f, result)
    return result

