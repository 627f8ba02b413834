"""Moments for tests, always counted from today, so that no test is bound to the calendar.

The demo plans its check-in meeting a week ahead and the services refuse some dates in the
past; a test that wrote a fixed date passed until that date came, then failed.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.models_base import utcnow

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def day_ahead(days: int) -> date:
    """The Swedish calendar day `days` from today."""
    return utcnow().astimezone(STOCKHOLM).date() + timedelta(days=days)


def moment_ahead(days: int, hour: int = 14, minute: int = 0) -> datetime:
    """Swedish local time on the day `days` from today, e.g. a meeting at 14:00 in two weeks."""
    day = day_ahead(days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def form_value(moment: datetime) -> str:
    """As a datetime-local field sends it: 2026-12-03T14:00."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def ics_value(moment: datetime) -> str:
    """As an iCalendar DTSTART with TZID writes it: 20261203T140000."""
    return moment.strftime("%Y%m%dT%H%M%S")
