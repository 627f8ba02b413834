"""What the overview is asked about: a period, a school, a category and a tier, read from the
URL (the page, the CSV and the API share it) and checked against the viewer's reach.

A school outside the viewer's reach answers exactly like a school that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.directory.models import School
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.insight.reach import Reach
from helpdesk.models_base import as_id, utcnow
from helpdesk.tickets.models import TicketCategory, Tier

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A period outside these years is a typing mistake (year 1, year 9999), not a question.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# At most two years at once: the weekly charts stay readable and the queries bounded.
MAX_DAYS = 731
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Filters:
    start: date  # first day, Swedish calendar
    end: date  # last day, inclusive
    school_id: int | None = None
    category: TicketCategory | None = None
    tier: Tier | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime:
        """The period's first moment, in UTC."""
        return datetime.combine(self.start, time(0), STOCKHOLM).astimezone(ZoneInfo("UTC"))

    @property
    def until(self) -> datetime:
        """The moment after the period's last day, in UTC."""
        return datetime.combine(self.end + timedelta(days=1), time(0), STOCKHOLM).astimezone(ZoneInfo("UTC"))

    def before(self) -> Filters:
        """The period of the same length just before this one, with the same filters."""
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    def query_args(self, **changes) -> dict:
        """The filters as URL parameters, so a view can be shared and bookmarked."""
        args = {"from": self.start.isoformat(), "to": self.end.isoformat(),
                "school_id": self.school_id, "category": self.category.value if self.category else None,
                "tier": self.tier.value if self.tier else None}
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "")}


def today() -> date:
    return utcnow().astimezone(STOCKHOLM).date()


def _day(value: str | None, field: str, default: date) -> date:
    if value is None or not value.strip():
        return default
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(_l("Write the date as YYYY-MM-DD, e.g. 2026-01-31."), field=field) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed(_l("Choose a date between the years %(first)d and %(last)d.",
                                  first=FIRST_YEAR, last=LAST_YEAR), field=field)
    return day


def _choice(enum_cls, value: str | None, field: str, message):
    if value is None or not value.strip():
        return None
    try:
        return enum_cls(value.strip())
    except ValueError:
        raise ValidationFailed(message, field=field) from None


def parse(reach: Reach, args) -> Filters:
    """Filters from request arguments (a dict-like of strings); a clear error for bad input."""
    known = {"from", "to", "school_id", "category", "tier", "lang", "format"}
    unknown = sorted(set(args.keys()) - known)
    if unknown:
        raise ValidationFailed(_l("Unknown filter: %(name)s.", name=unknown[0][:40]), field=unknown[0][:40])
    end = _day(args.get("to"), "to", today())
    start = _day(args.get("from"), "from", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise ValidationFailed(_l("The period must start before it ends."), field="from")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(_l("Choose a period of at most two years."), field="from")
    school_id = None
    raw_school = args.get("school_id")
    if raw_school is not None and raw_school.strip():
        school_id = as_id(raw_school.strip())
        if school_id is None or not reach.may_see_school(school_id):
            raise NotFound(_l("That school could not be found."))
    category = _choice(TicketCategory, args.get("category"), "category", _l("Unknown category."))
    tier = _choice(Tier, args.get("tier"), "tier", _l("Unknown tier."))
    return Filters(start, end, school_id, category, tier)


def schools_for(reach: Reach) -> list[tuple[int, str]]:
    """The schools the viewer may filter by, by name."""
    return [(s.id, s.name) for s in db.session.execute(
        select(School.id, School.name).where(reach.school_condition()).order_by(School.name))]
