"""The overview's figures for a period and the period before, aggregated in SQL.

The counts and the business-minute times are summed from the daily rollup (models.py,
kept by rollup.py), never from a loop over tickets, so the number of queries is the same for
ten tickets or a hundred thousand and no query reads a year of tickets. Times are business
minutes recorded on the ticket when the first response or the resolution happened
(helpdesk/tickets/sla.py: the same clock as the deadlines, with the organisation's closed
days); the nearest-rank median and 90th percentile are read from per-slot counts (`_times`).
"Open now", the latest comments and the organisation-wide figures read their own small sets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, cast, func, literal_column, null, or_, select, union_all

from helpdesk.boards.models import Board, Post, Thread
from helpdesk.directory.models import Duty, Group, Membership, MembershipRole, School
from helpdesk.extensions import db
from helpdesk.insight.filters import Filters
from helpdesk.insight.models import InsightDay, InsightDayTime
from helpdesk.insight.reach import Reach
from helpdesk.insight.rollup import COUNT_NAMES, RATINGS, RESOLUTION, SLOT, TIERS  # noqa: F401 (SLOT: the API's unit)
from helpdesk.kb.models import SearchLog
from helpdesk.models_base import utcnow
from helpdesk.tickets.models import (
    ACTIVE_STATUSES,
    FilingDeflection,
    Ticket,
    TicketCategory,
    Tier,
)

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


def _chosen(f: Filters, model) -> list:
    """The URL's school, category and tier over a model that has them (tickets, rollup rows)."""
    conds = []
    if f.school_id is not None:
        conds.append(model.school_id == f.school_id)
    if f.category is not None:
        conds.append(model.category == f.category)
    if f.tier is not None:
        conds.append(model.tier == f.tier)
    return conds


def _ticket_filters(reach: Reach, f: Filters) -> list:
    return [reach.ticket_condition(), *_chosen(f, Ticket)]


def _row_filters(reach: Reach, f: Filters, model) -> list:
    """The viewer's reach and the URL's filters over rows of the daily rollup, both periods."""
    return [reach.rows_condition(model), model.day >= f.before().start, model.day <= f.end, *_chosen(f, model)]


def _between(column, f: Filters):
    return and_(column >= f.since, column < f.until)


def _count_if(cond):
    return func.sum(case((cond, 1), else_=0))


def _week_starts(f: Filters) -> list[date]:
    first_monday = f.start - timedelta(days=f.start.weekday())
    return [first_monday + timedelta(weeks=i) for i in range(MAX_WEEKS) if first_monday + timedelta(weeks=i) <= f.end]


def _week(model, f: Filters):
    """The week (its Monday, Swedish calendar) a row of the period counts in; NULL for the
    period before. The period's first and last weeks hold only its own days."""
    return case((model.day < f.start, None), else_=model.week)


def _counts(reach: Reach, f: Filters, ov: Overview) -> None:
    """Every count of both periods from one grouped read of the daily rollup: questions asked
    (per week, tier, school and category) and how far up they went, resolved per tier,
    ratings and deadlines passed. The rows are bounded by weeks x tiers x schools x
    categories, not by the number of tickets."""
    weeks = _week_starts(f)
    index = {w: i for i, w in enumerate(weeks)}
    ov.weeks = weeks
    ov.weekly_asked = {t: [0] * len(weeks) for t in TIERS}
    for period in (ov.now, ov.before):
        period.reached, period.categories = {t: 0 for t in TIERS}, {}
        period.resolved_by_tier, period.breaches = {t: 0 for t in TIERS}, {t: 0 for t in TIERS}
        period.ratings = {r: 0 for r in RATINGS}
    rating_sums = {id(ov.now): 0, id(ov.before): 0}
    by_school: dict[int, dict] = {}
    day, week = InsightDay, _week(InsightDay, f)
    rows = db.session.execute(
        select(week, day.tier, day.school_id, day.category, *[func.sum(getattr(day, n)) for n in COUNT_NAMES])
        .where(*_row_filters(reach, f, day)).group_by(week, day.tier, day.school_id, day.category))
    for monday, tier, school_id, category, *sums in rows:
        n = dict(zip(COUNT_NAMES, (int(v or 0) for v in sums), strict=True))
        period = ov.before if monday is None else ov.now
        period.asked += n["asked"]
        for reached_tier, key in zip(TIERS, ("asked", "reached_central", "reached_vendor"), strict=True):
            period.reached[reached_tier] += n[key]
        period.resolved += n["resolved"]
        period.resolved_by_tier[tier] += n["resolved"]
        period.rated += n["rated"]
        rating_sums[id(period)] += n["rating_sum"]
        for r in RATINGS:
            period.ratings[r] += n[f"rating_{r}"]
        for t in TIERS:
            period.breaches[t] += n[f"breached_{t.value}"]
        if n["asked"]:
            period.categories[category] = period.categories.get(category, 0) + n["asked"]
            if monday is not None:
                ov.weekly_asked[tier][index[monday]] += n["asked"]
                counts = by_school.setdefault(school_id, {})
                counts[category] = counts.get(category, 0) + n["asked"]
    for period in (ov.now, ov.before):
        period.categories = dict(sorted(period.categories.items(), key=lambda cn: (-cn[1], cn[0].value)))
        period.rating_average = round(rating_sums[id(period)] / period.rated, 2) if period.rated else None
    _heat(by_school, ov)


def _ranked(hist):
    """From per-slot rows (key, bucket, slot, n, top) the slot where each percentile's rank
    falls (nearest rank): a running sum over the slots (a window function) reaches the rank
    there, so only that slot's row is kept, with its largest time, the answer."""
    part = [hist.c.key, hist.c.bucket]
    # The same window twice, the second with the whole partition as its frame: one sort.
    ran = select(hist.c.key, hist.c.bucket, hist.c.n, hist.c.top,
                 func.sum(hist.c.n).over(partition_by=part, order_by=hist.c.slot).label("cum"),
                 func.sum(hist.c.n).over(partition_by=part, order_by=hist.c.slot, rows=(None, None)).label("total"),
                 ).subquery()

    def lands(p):  # rank = ceil(total * p / 100), without a division
        return and_(ran.c.cum * 100 >= ran.c.total * p, (ran.c.cum - ran.c.n) * 100 < ran.c.total * p)

    return select(ran.c.key, ran.c.bucket, ran.c.total, ran.c.top,
                  *[case((lands(p), 1), else_=0).label(f"p{p}") for p in PERCENTILES]
                  ).where(or_(*[lands(p) for p in PERCENTILES])).subquery()


def _times(reach: Reach, f: Filters, ov: Overview) -> None:
    """First response per tier (questions filed in the period) and resolution by the tier
    that resolved it, for both periods, and the weekly median of first responses: one read
    of the rollup's per-slot counts, grouped per week (the period before as one), from which
    the weeks and the periods are ranked in SQL; a row comes back per percentile only."""
    times = InsightDayTime
    key = case((times.measure != RESOLUTION, times.measure),
               *[(times.tier == t, f"{RESOLUTION}:{t.value}") for t in TIERS])
    week = _week(times, f)
    per_week = (select(key.label("key"), week.label("week"), times.slot.label("slot"),
                       func.sum(times.count).label("n"), func.max(times.largest).label("top"))
                .where(*_row_filters(reach, f, times)).group_by(key, week, times.slot).cte("per_week"))
    weekly = _ranked(select(per_week.c.key, per_week.c.week.label("bucket"), per_week.c.slot, per_week.c.n,
                            per_week.c.top).where(per_week.c.week.is_not(None),
                                                  per_week.c.key.in_([t.value for t in TIERS])).subquery())
    current = case((per_week.c.week.is_(None), 0), else_=1)
    periods = _ranked(select(per_week.c.key, current.label("bucket"), per_week.c.slot,
                             func.sum(per_week.c.n).label("n"), func.max(per_week.c.top).label("top"))
                      .group_by(per_week.c.key, current, per_week.c.slot).subquery())
    hits = [f"p{p}" for p in PERCENTILES]
    rows = db.session.execute(union_all(
        select(weekly.c.key, weekly.c.bucket.label("week"), literal_column("2").label("flag"), weekly.c.total,
               weekly.c.top, *[weekly.c[h] for h in hits]),
        select(periods.c.key, cast(null(), Date), periods.c.bucket, periods.c.total, periods.c.top,
               *[periods.c[h] for h in hits])))
    found: dict[tuple, tuple[int, dict]] = {}
    for k, monday, flag, total, top, *hit in rows:
        _, at = found.setdefault((k, monday if flag == 2 else flag), (int(total), {}))
        at.update({p: int(top) for p, h in zip(PERCENTILES, hit, strict=True) if h})

    def tier_times(key: tuple) -> TierTimes:
        total, at = found.get(key, (0, {}))
        return TierTimes(total, *(at.get(p) for p in PERCENTILES)) if total else TierTimes()

    for p, flag in ((ov.now, 1), (ov.before, 0)):
        p.response = {t: tier_times((t.value, flag)) for t in TIERS}
        p.resolution = {t: tier_times((f"{RESOLUTION}:{t.value}", flag)) for t in TIERS}
    ov.weekly_response = {t: [found.get((t.value, w), (0, {}))[1].get(50) for w in ov.weeks] for t in TIERS}


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
    overview.boards = {"threads": int(threads or 0), "answered": int(answered or 0),
                       "first_answer_median_hours": _first_answer_median(reach, f)}


def _first_answer_median(reach: Reach, f: Filters) -> float | None:
    """Median (nearest rank) hours from a board question to the first post by someone else,
    for the questions of the period that got one. Calendar hours: the boards are answered by
    colleagues whenever they read them, not on the support desk's business-hours clock. One
    row per answered thread of the period: a small set, read by the index on the posts."""
    first = func.min(Post.created_at)
    rows = db.session.execute(
        select(Thread.created_at, first).join(Board, Board.id == Thread.board_id)
        .join(Post, and_(Post.thread_id == Thread.id, Post.author_id != Thread.author_id, Post.hidden.is_(False)))
        .where(reach.org_condition(Board.organisation_id), _between(Thread.created_at, f))
        .group_by(Thread.id, Thread.created_at)).all()
    waits = sorted((answered - asked).total_seconds() / 3600 for asked, answered in rows)
    return round(waits[-(-len(waits) * 50 // 100) - 1], 1) if waits else None


def overview(viewer, f: Filters, reach: Reach | None = None) -> Overview:
    """Every figure of the overview for the viewer, the period and the period before."""
    reach = reach or Reach.of(viewer)
    result = Overview(filters=f, now=Period(), before=Period())
    _counts(reach, f, result)
    _times(reach, f, result)
    _open_now(reach, f, result)
    _comments(reach, f, result)
    _organisation_figures(reach, f, result)
    return result
