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
from helpdesk.insight.filters import Filters, today
from helpdesk.insight.models import InsightDay, InsightDayTime, InsightWeekTime
from helpdesk.insight.reach import Reach
from helpdesk.insight.rollup import COUNT_NAMES, RATINGS, RESOLVED, TIERS
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
    open_at_start: int = 0  # open when the period began, which is when the period before ended
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

    def open_at_end(self) -> int:
        """Open when the period ended: open at its start, plus what was filed in it, less
        what was resolved in it (today's open count when the period ends today)."""
        return self.open_at_start + self.now.asked - self.now.resolved

    def open_before_start(self) -> int:
        """Open when the period before began."""
        return self.open_at_start - self.before.asked + self.before.resolved


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


def _counts(reach: Reach, f: Filters, ov: Overview) -> None:
    """Every count of both periods from one query over the daily rollup: questions asked
    (per period, tier, school and category, and per week and tier) and how far up they went,
    resolved per tier, ratings and deadlines passed. The rows are bounded by tiers x schools x
    categories and weeks x tiers, not by the number of tickets."""
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
    day = InsightDay
    now = case((day.day >= f.start, 1), else_=0)
    sums = [func.sum(getattr(day, n)) for n in COUNT_NAMES]
    # Per period, tier, school and category (a few hundred rows), and the questions asked
    # per week and tier of the period (a row per week and tier): two groupings in one query.
    per_period = select(now, day.tier, day.school_id, day.category, cast(null(), Date), *sums).where(
        *_row_filters(reach, f, day)).group_by(now, day.tier, day.school_id, day.category)
    per_week = select(literal_column("2"), day.tier, null(), null(), day.week, func.sum(day.asked),
                      *[literal_column("0")] * (len(COUNT_NAMES) - 1)).where(
        *_row_filters(reach, f, day), day.day >= f.start).group_by(day.week, day.tier)
    for flag, tier, school_id, category, monday, *sums in db.session.execute(union_all(per_period, per_week)):
        n = dict(zip(COUNT_NAMES, (int(v or 0) for v in sums), strict=True))
        if flag == 2:
            ov.weekly_asked[tier][index[monday]] += n["asked"]
            continue
        period = ov.now if flag == 1 else ov.before
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
            if flag == 1:
                counts = by_school.setdefault(school_id, {})
                counts[category] = counts.get(category, 0) + n["asked"]
    for period in (ov.now, ov.before):
        period.categories = dict(sorted(period.categories.items(), key=lambda cn: (-cn[1], cn[0].value)))
        period.rating_average = round(rating_sums[id(period)] / period.rated, 2) if period.rated else None
    _heat(by_school, ov)


def _lands(cum, n, total, p):
    """The slot's running count reaches the nearest rank ceil(total * p / 100) (no division)."""
    return and_(cum * 100 >= total * p, (cum - n) * 100 < total * p)


def _ranked(hist):
    """From per-slot rows (key, bucket, slot, n, top) the slot where each percentile's rank
    falls (nearest rank): a running sum over the slots (a window function) reaches the rank
    there, so only that slot's row is kept, with its largest time, the answer."""
    part = [hist.c.bucket, hist.c.key]
    # The same window twice, the second with the whole partition as its frame: one sort.
    ran = select(hist.c.key, hist.c.bucket, hist.c.n, hist.c.top,
                 func.sum(hist.c.n).over(partition_by=part, order_by=hist.c.slot, rows=(None, 0)).label("cum"),
                 func.sum(hist.c.n).over(partition_by=part, order_by=hist.c.slot, rows=(None, None)).label("total"),
                 ).subquery()
    lands = [_lands(ran.c.cum, ran.c.n, ran.c.total, p) for p in PERCENTILES]
    return select(ran.c.key, ran.c.bucket, ran.c.total, ran.c.top,
                  *[case((hit, 1), else_=0).label(f"p{p}") for p, hit in zip(PERCENTILES, lands, strict=True)]
                  ).where(or_(*lands))


def _whole_weeks(start: date, end: date) -> tuple[date, date] | None:
    """The Mondays of the first and last whole week (Monday to Sunday) inside start..end."""
    first = start + timedelta(days=-start.weekday() % 7)
    last = end - timedelta(days=(end.weekday() + 1) % 7 + 6)
    return (first, last) if first <= last else None


def _time_sources(reach: Reach, f: Filters) -> list[tuple]:
    """Where the per-slot times of both periods are read: (model, its condition, whether a row
    is of the period itself rather than the period before). Without a school or category
    (in the filters or the viewer's reach) the whole weeks come from the week level (a few
    rows a week) and only the days of each period's partial first and last weeks from the
    day level; otherwise every day from the day level, where a school or category filter
    reads few rows anyway."""
    day, week = InsightDayTime, InsightWeekTime
    whole = [w for w in (_whole_weeks(f.before().start, f.before().end), _whole_weeks(f.start, f.end)) if w]
    if f.school_id is not None or f.category is not None or reach.school_ids or not whole:
        return [(day, and_(*_row_filters(reach, f, day)), day.day >= f.start)]
    # One range of weeks (an OR of two would lose the index's order), less the week that
    # straddles the periods' boundary when the period does not start on a Monday.
    first, last = whole[0][0], whole[-1][1]
    straddling = f.start - timedelta(days=f.start.weekday())
    weeks = week.week.between(first, last)
    edges = [(f.before().start, first - timedelta(days=1)), (last + timedelta(days=7), f.end)]
    if f.start.weekday():
        weeks = and_(weeks, week.week != straddling)
        edges.append((straddling, straddling + timedelta(days=6)))
    days = or_(*[day.day.between(*edge) for edge in edges])  # day ranges: the day index finds them
    return [(week, and_(reach.rows_condition(week), weeks, *_chosen(f, week)), week.week >= f.start),
            (day, and_(reach.rows_condition(day), days, *_chosen(f, day)), day.day >= f.start)]


def _period_hists(sources: list[tuple]):
    """Per measure and slot, the count and largest time of the period (n1, top1) and of the
    period before (n0, top0): each source summed apart, then together."""
    def of(value, when, agg):
        return agg(case((when, value), else_=None))

    parts = [select(model.measure.label("key"), model.slot.label("slot"),
                    of(model.count, now, func.sum).label("n1"), of(model.largest, now, func.max).label("top1"),
                    of(model.count, ~now, func.sum).label("n0"), of(model.largest, ~now, func.max).label("top0"))
             .where(cond).group_by(model.measure, model.slot) for model, cond, now in sources]
    both = union_all(*parts).subquery()
    return (select(both.c.key, both.c.slot, func.coalesce(func.sum(both.c.n1), 0).label("n1"),
                   func.max(both.c.top1).label("top1"), func.coalesce(func.sum(both.c.n0), 0).label("n0"),
                   func.max(both.c.top0).label("top0"))
            .group_by(both.c.key, both.c.slot).cte("periods"))


def _periods_ranked(sources: list[tuple]):
    """The nearest ranks of both periods, one row per slot where a percentile of either lands:
    (key, 1 for the period / 0 for the one before, total, top, p50, p90)."""
    h = _period_hists(sources)
    out = []
    for flag, n, top in ((1, h.c.n1, h.c.top1), (0, h.c.n0, h.c.top0)):
        hist = select(h.c.key, literal_column(str(flag)).label("bucket"), h.c.slot, n.label("n"),
                      top.label("top")).subquery()
        out.append(_ranked(hist))
    return out


def _weekly_ranked(sources: list[tuple]) -> list:
    """The weekly medians of first responses, per source (the week level's rows already in
    week, measure and slot order), ranked per week."""
    out = []
    for model, cond, now in sources:
        hist = (select(model.measure.label("key"), model.week.label("bucket"), model.slot.label("slot"),
                       func.sum(model.count).label("n"), func.max(model.largest).label("top"))
                .where(cond, now, model.measure.in_([t.value for t in TIERS]))
                .group_by(model.week, model.measure, model.slot).subquery())
        out.append(_ranked(hist))
    return out


def _times(reach: Reach, f: Filters, ov: Overview) -> None:
    """First response per tier (questions filed in the period) and resolution by the tier
    that resolved it, for both periods, and the weekly median of first responses: in one
    query, the rollup's per-slot counts summed per measure and slot (the periods) and per
    week, measure and slot (the weekly medians), ranked in SQL; a row comes back per
    percentile only."""
    sources = _time_sources(reach, f)
    periods = _periods_ranked(sources)
    weekly = _weekly_ranked(sources)
    hits = [f"p{p}" for p in PERCENTILES]
    rows = db.session.execute(union_all(
        *[select(q.c.key, cast(null(), Date).label("week"), q.c.bucket, q.c.total, q.c.top, *[q.c[h] for h in hits])
          for q in (p.subquery() for p in periods)],
        *[select(q.c.key, q.c.bucket, literal_column("2"), q.c.total, q.c.top, *[q.c[h] for h in hits])
          for q in (w.subquery() for w in weekly)]))
    found: dict[tuple, tuple[int, dict]] = {}
    for k, monday, flag, total, top, *hit in rows:
        _, at = found.setdefault((k, monday if flag == 2 else int(flag)), (int(total), {}))
        at.update({p: int(top) for p, h in zip(PERCENTILES, hit, strict=True) if h})

    def tier_times(key: tuple) -> TierTimes:
        total, at = found.get(key, (0, {}))
        return TierTimes(total, *(at.get(p) for p in PERCENTILES)) if total else TierTimes()

    for p, flag in ((ov.now, 1), (ov.before, 0)):
        p.response = {t: tier_times((t.value, flag)) for t in TIERS}
        p.resolution = {t: tier_times((RESOLVED[t], flag)) for t in TIERS}
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


def _open_at_start(reach: Reach, f: Filters, overview: Overview) -> None:
    """Open when the period began: open now, less what was filed since the period's first day,
    plus what was resolved since. The period's own counts (already read) cover its days; only
    the days after it, up to today, are summed here, and a period ending today needs no read.
    A question is open from its filing until it was resolved (`resolved_at`, which reopening
    clears): one resolved before the period and reopened during it counts as open at the start."""
    asked, resolved = overview.now.asked, overview.now.resolved
    if f.end < today():
        day = InsightDay
        later = db.session.execute(select(func.sum(day.asked), func.sum(day.resolved)).where(
            reach.rows_condition(day), day.day > f.end, *_chosen(f, day))).one()
        asked, resolved = asked + int(later[0] or 0), resolved + int(later[1] or 0)
    overview.open_at_start = overview.open_now - asked + resolved


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
    _open_at_start(reach, f, result)
    _comments(reach, f, result)
    _organisation_figures(reach, f, result)
    return result
