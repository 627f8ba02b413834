"""SLA clocks in business hours: Europe/Stockholm, Monday-Friday, configurable opening hours,
Swedish public holidays (the `holidays` package) and an organisation's own closed days.

One clock per tier runs while the ticket sits at that tier and is not paused (waiting for
the requester, resolved or closed). While the vendor works a ticket, central's clock is
paused because the ticket is not at central. Deadlines are worked out from the history
(`TicketEvent.tier_after/status_after`) and stored on the ticket.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets.models import ClosedDay, SlaTarget, Ticket, TicketEvent, TicketStatus, Tier

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PAUSED = (TicketStatus.WAITING_FOR_REQUESTER, TicketStatus.RESOLVED, TicketStatus.CLOSED)
DEFAULT_TARGETS = {  # business hours: (first response, resolution)
    "local": (8, 40),
    "central": (16, 80),
    "vendor": (16, 120),
}


@lru_cache(maxsize=1)
def _sweden():
    """The `holidays` package's Sweden, read from its own file: `holidays.Sweden` imports
    `holidays.countries`, which imports every country there is (~280 modules, ~8 MB in every
    worker) to give one. The file imports only the package's shared parts; should a release
    change that, the ordinary way still answers."""
    import importlib.util
    from pathlib import Path

    import holidays

    try:
        path = Path(holidays.__file__).parent / "countries" / "sweden.py"
        spec = importlib.util.spec_from_file_location("holidays.countries.sweden", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.Sweden
    except (ImportError, OSError, AttributeError):
        return holidays.Sweden


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    # Midsummer Eve, Christmas Eve and New Year's Eve are not public holidays, but the
    # Annual Leave Act (1977:480) treats them as Sundays and schools are closed: `holidays`
    # calls them "de facto".
    return frozenset(_sweden()(years=year, include_sundays=False, categories=("public", "de_facto")).keys())


def _parse_hours(spec: str) -> tuple[time, time]:
    start, _, end = spec.partition("-")
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    return time(h1, m1), time(h2, m2)


def _days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


def _is_business_day(day: date, closed) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year) and day not in closed


def _window(day: date, open_: time, close: time) -> tuple[datetime, datetime]:
    """The day's opening hours in UTC (subtracting two Stockholm times would ignore a clock
    change between them)."""
    return (datetime.combine(day, open_, STOCKHOLM).astimezone(timezone.utc),
            datetime.combine(day, close, STOCKHOLM).astimezone(timezone.utc))


def _open_seconds(day: date, open_: time, close: time, closed: frozenset[date]) -> float:
    """How long support is open on the day (0 when closed)."""
    if not _is_business_day(day, closed):
        return 0.0
    w0, w1 = _window(day, open_, close)
    return max(0.0, (w1 - w0).total_seconds())


@lru_cache(maxsize=256)
def _year_table(year: int, open_: time, close: time, closed: frozenset[date]) -> tuple[float, ...]:
    """table[i]: business seconds of the year's days before its i-th (from 0), so the sum over
    any run of whole days is one subtraction. Keyed by the year's closed days: a day closed
    later makes a new key, never a stale answer."""
    table = [0.0]
    for day in _days(date(year, 1, 1), date(year, 12, 31)):
        table.append(table[-1] + _open_seconds(day, open_, close, closed))
    return tuple(table)


class BusinessCalendar:
    def __init__(self, hours: str = "08:00-17:00", closed_days: set[date] | None = None):
        self.open, self.close = _parse_hours(hours)
        self.closed_days = closed_days or set()
        # Each day's answer once per calendar: whoever recomputes many tickets (the demo's
        # history, a bulk action) asks about the same few hundred days again and again.
        self._days: dict[date, tuple[datetime, datetime] | None] = {}

    def is_business_day(self, day: date) -> bool:
        return _is_business_day(day, self.closed_days)

    def _business_window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening hours in UTC; None when support is closed that day."""
        if day not in self._days:
            self._days[day] = _window(day, self.open, self.close) if self.is_business_day(day) else None
        return self._days[day]

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds in [start, end). The first and last day are clipped to the span;
        the whole days between come from a table per year, so a deadline passed two years ago
        (a queue page shows 25 of them) costs as little as one passed yesterday."""
        if end <= start:
            return 0.0
        day = start.astimezone(STOCKHOLM).date()
        last = end.astimezone(STOCKHOLM).date()
        if (last - day).days < 2:
            return sum(self._clipped(d, start, end) for d in _days(day, last))
        return (self._clipped(day, start, end) + self._clipped(last, start, end)
                + self._whole_days(day + timedelta(days=1), last - timedelta(days=1)))

    def _clipped(self, day: date, start: datetime, end: datetime) -> float:
        window = self._business_window(day)
        if window is None:
            return 0.0
        lo, hi = max(start, window[0]), min(end, window[1])
        return (hi - lo).total_seconds() if hi > lo else 0.0

    def _whole_days(self, first: date, last: date) -> float:
        """Business seconds of the days first..last (inclusive), from each year's table."""
        total = 0.0
        for year in range(first.year, last.year + 1):
            table = _year_table(year, self.open, self.close, self._closed_in(year))
            lo = (max(first, date(year, 1, 1)) - date(year, 1, 1)).days
            hi = (min(last, date(year, 12, 31)) - date(year, 1, 1)).days + 1
            total += table[hi] - table[lo]
        return total

    def _closed_in(self, year: int) -> frozenset[date]:
        return frozenset(d for d in self.closed_days if d.year == year)

    def add_seconds(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` business seconds after `start`."""
        day = start.astimezone(STOCKHOLM).date()
        remaining = max(0.0, seconds)
        for _ in range(3660):  # ten years of days: a safe bound
            window = self._business_window(day)
            if window is not None:
                w0, w1 = window
                lo = max(start, w0)
                if lo < w1:
                    available = (w1 - lo).total_seconds()
                    if remaining <= available:
                        return lo + timedelta(seconds=remaining)
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("no business time found")


def calendar_for(organisation_id: int) -> BusinessCalendar:
    closed = set(db.session.scalars(select(ClosedDay.day).where(ClosedDay.organisation_id == organisation_id)))
    return BusinessCalendar(current_app.config.get("TICKET_BUSINESS_HOURS", "08:00-17:00"), closed)


def targets(organisation_id: int | None = None) -> dict[str, tuple[float, float]]:
    """(first response, resolution) in business hours per tier: the organisation's own where
    its central team set them, else the app's TICKET_SLA_HOURS, else the defaults."""
    configured = current_app.config.get("TICKET_SLA_HOURS") or {}
    goals = {tier: tuple(configured.get(tier, default)) for tier, default in DEFAULT_TARGETS.items()}
    if organisation_id is not None:
        for row in db.session.scalars(select(SlaTarget).where(SlaTarget.organisation_id == organisation_id)):
            goals[row.tier.value] = (row.response_hours, row.resolution_hours)
    return goals


def _running_intervals(events: list[TicketEvent], tier: Tier, now: datetime):
    """(start, end, open) intervals when tier's clock ran; open means it still runs."""
    out = []
    for i, event in enumerate(events):
        if event.tier_after is not tier or event.status_after in PAUSED:
            continue
        end = events[i + 1].created_at if i + 1 < len(events) else None
        out.append((event.created_at, end or now, end is None))
    return out


def _due(cal: BusinessCalendar, intervals, target_seconds: float, stop: datetime | None) -> datetime | None:
    """When the running time reaches the target; None when it has not and the clock is paused
    (or when the target was met at `stop`, e.g. the first response)."""
    remaining = target_seconds
    for start, end, is_open in intervals:
        if stop is not None and start >= stop:
            break
        end_eff = min(end, stop) if stop is not None else end
        if is_open and (stop is None or stop > end):
            return cal.add_seconds(start, remaining)
        used = cal.seconds_between(start, end_eff)
        if used >= remaining:
            return cal.add_seconds(start, remaining)
        remaining -= used
    return None


def response_minutes(ticket: Ticket, tier: Tier, at: datetime) -> int:
    """Business minutes the tier's clock ran before `at` (its first response there): the same
    running intervals as the deadlines, so a pause waiting for the requester is not counted."""
    events = list(db.session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)))
    return running_minutes(events, tier, at, calendar_for(ticket.organisation_id))


def running_minutes(events, tier: Tier, at: datetime, cal: BusinessCalendar) -> int:
    """Business minutes tier's clock ran before `at`, from a history read already (the demo's
    history generator has its events in memory, not in the database)."""
    seconds = sum(cal.seconds_between(start, min(end, at))
                  for start, end, _ in _running_intervals(events, tier, at) if start < at)
    return round(seconds / 60)


def resolution_minutes(ticket: Ticket, at: datetime) -> int:
    """Business minutes from filing to `at` (the resolution), on the organisation's calendar."""
    return round(calendar_for(ticket.organisation_id).seconds_between(ticket.created_at, at) / 60)


def recompute(ticket: Ticket, events: list[TicketEvent] | None = None, now: datetime | None = None,
              cal: BusinessCalendar | None = None, goals: dict | None = None) -> None:
    """Work out every tier's deadlines from the ticket's history and store them. Whoever
    recomputes many tickets of one organisation passes its calendar and targets once."""
    now = now or utcnow()
    if events is None:
        events = list(db.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)))
    cal = cal or calendar_for(ticket.organisation_id)
    goals = goals or targets(ticket.organisation_id)
    next_due: tuple[datetime, str] | None = None
    for tier in Tier:
        first, resolution = goals[tier.value]
        intervals = _running_intervals(events, tier, now)
        responded = ticket.responded_at(tier)
        response_due = None
        if intervals and responded is None:
            response_due = _due(cal, intervals, first * 3600, None)
        elif intervals and responded is not None:
            response_due = None
        resolution_due = _due(cal, intervals, resolution * 3600, None) if intervals else None
        running = bool(intervals) and intervals[-1][2]
        # Store the deadline only while the clock runs: a paused clock has none.
        setattr(ticket, f"{tier.value}_response_due", response_due if running else None)
        setattr(ticket, f"{tier.value}_resolution_due", resolution_due if running else None)
        if running and tier is ticket.tier:
            if response_due is not None:
                next_due = (response_due, f"{tier.value}_response")
            elif resolution_due is not None:
                next_due = (resolution_due, f"{tier.value}_resolution")
    if ticket.status in PAUSED or next_due is None:
        ticket.sla_due_at, ticket.sla_due_kind = None, None
    else:
        ticket.sla_due_at, ticket.sla_due_kind = next_due


def deadlines_passed(events, responded: dict[Tier, datetime | None], until: datetime,
                     cal: BusinessCalendar, goals: dict) -> list[tuple[datetime, str]]:
    """Every deadline a history passed before `until`: (when, kind) with kind as in
    `Ticket.sla_due_kind` ("central_response" ...). The same clocks as `recompute`, for
    whoever writes a past history in bulk (the demo) and must record its breaches."""
    passed = []
    for tier in Tier:
        intervals = _running_intervals(events, tier, until)
        if not intervals:
            continue
        first, resolution = goals[tier.value]
        response_due = _due(cal, intervals, first * 3600, None)
        answered = responded.get(tier)
        if response_due is not None and response_due < until and (answered is None or answered > response_due):
            passed.append((response_due, f"{tier.value}_response"))
        resolution_due = _due(cal, intervals, resolution * 3600, None)
        if resolution_due is not None and resolution_due < until:
            passed.append((resolution_due, f"{tier.value}_resolution"))
    return sorted(passed)
