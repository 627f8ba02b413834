"""Business hours in Europe/Stockholm with Swedish holidays and an organisation's closed days."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.tickets import services, sla
from helpdesk.tickets.models import ClosedDay, Ticket, TicketEvent, TicketStatus, Tier
from tests.support.clock import day_ahead

STHLM = ZoneInfo("Europe/Stockholm")


def at(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=STHLM).astimezone(timezone.utc)


def test_business_seconds_skip_nights_weekends_and_holidays():
    cal = sla.BusinessCalendar("08:00-17:00")
    # Friday 16:00 → Monday 09:00 is two business hours.
    assert cal.seconds_between(at(2026, 11, 20, 16), at(2026, 11, 23, 9)) == 2 * 3600
    # Christmas: Christmas Eve (Thu 24 Dec) counts as a holiday, as do 25 and 26.
    assert cal.add_seconds(at(2026, 12, 23, 16), 2 * 3600) == at(2026, 12, 28, 9)
    # Midsummer Eve (Fri 19 Jun) and New Year's Eve (Thu 31 Dec) too; 1 Jan is a holiday.
    assert cal.add_seconds(at(2026, 6, 18, 16), 2 * 3600) == at(2026, 6, 22, 9)
    assert cal.add_seconds(at(2026, 12, 30, 16), 2 * 3600) == at(2027, 1, 4, 9)
    # Eight hours from Monday 14:00 ends Tuesday 13:00.
    assert cal.add_seconds(at(2026, 11, 23, 14), 8 * 3600) == at(2026, 11, 24, 13)


def test_configurable_hours_and_closed_days():
    cal = sla.BusinessCalendar("09:00-12:00", {date(2026, 11, 24)})
    assert cal.add_seconds(at(2026, 11, 23, 11), 2 * 3600) == at(2026, 11, 25, 10)


def _day_by_day(cal, start, end):
    """Business seconds counted one day at a time: what the per-year tables must agree with."""
    total, day = 0.0, start.astimezone(STHLM).date()
    while day <= end.astimezone(STHLM).date():
        if cal.is_business_day(day):
            w0 = datetime.combine(day, cal.open, STHLM).astimezone(timezone.utc)
            w1 = datetime.combine(day, cal.close, STHLM).astimezone(timezone.utc)
            total += max(0.0, (min(end, w1) - max(start, w0)).total_seconds())
        day += timedelta(days=1)
    return total


def test_long_spans_count_the_same_as_day_by_day():
    """Spans over years, holidays, clock changes, closed days and partial first and last days:
    the queue page asks this for deadlines passed long ago."""
    import random

    rng = random.Random(7)
    closed = {date(2025, 3, 4), date(2026, 10, 26), date(2027, 1, 5)}
    for hours in ("08:00-17:00", "06:45-19:15"):
        cal = sla.BusinessCalendar(hours, closed)
        for _ in range(200):
            start = at(2024, 12, 20) + timedelta(minutes=rng.randint(0, 60 * 24 * 900))
            end = start + timedelta(minutes=rng.randint(0, 60 * 24 * 800))
            assert cal.seconds_between(start, end) == _day_by_day(cal, start, end), (hours, start, end)
    # A whole year of 08-17: the weekdays that are not holidays or closed, nine hours each.
    cal = sla.BusinessCalendar("08:00-17:00", closed)
    year = cal.seconds_between(at(2026, 1, 1), at(2027, 1, 1))
    open_days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    assert year == 9 * 3600 * sum(1 for d in open_days if cal.is_business_day(d))


def test_deadlines_follow_the_tier_and_pause_while_waiting(demo_app):
    with demo_app.test_request_context():
        t = db.session.scalar(select(Ticket).where(Ticket.tier == Tier.LOCAL, Ticket.status == TicketStatus.NEW))
        events = list(db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == t.id)))
        start = at(2026, 11, 23, 8)  # a Monday
        events[0].created_at = start
        sla.recompute(t, events, now=at(2026, 11, 23, 10))
        assert t.local_response_due == at(2026, 11, 23, 16)
        assert t.sla_due_at == t.local_response_due
        assert t.central_response_due is None
        # An organisation's closed day moves the deadline.
        db.session.add(ClosedDay(organisation_id=t.organisation_id, day=date(2026, 11, 23), note="Studiedag"))
        db.session.flush()
        sla.recompute(t, events, now=at(2026, 11, 23, 10))
        assert t.local_response_due == at(2026, 11, 24, 16)


def test_waiting_for_vendor_pauses_central(demo_app):
    with demo_app.test_request_context():
        from helpdesk.tickets.demo import VENDOR_SUBJECT

        t = db.session.scalar(select(Ticket).where(Ticket.subject == VENDOR_SUBJECT))
        assert t.tier is Tier.VENDOR
        assert t.central_response_due is None and t.central_resolution_due is None
        assert t.vendor_response_due is not None and t.sla_due_kind == "vendor_response"
        assert services  # the tick uses the stored deadlines
        assert t.vendor_response_due > datetime.now(timezone.utc) - timedelta(days=1)


def test_closed_day_command(demo_app):
    runner = demo_app.test_cli_runner()
    day = day_ahead(30).isoformat()
    result = runner.invoke(args=["tickets", "closed-day", "EXK", day, "--note", "Höstlov"])
    assert result.exit_code == 0, result.output
    assert f"{day}  Höstlov" in runner.invoke(args=["tickets", "closed-days", "EXK"]).output
    assert runner.invoke(args=["tickets", "closed-day", "NOPE", day]).exit_code != 0
    with demo_app.app_context():
        assert db.session.scalar(select(ClosedDay.note)) == "Höstlov"


def test_ticket_labels_do_not_clash_with_other_capabilities(demo_app):
    from flask_babel import force_locale

    from helpdesk.directory.models import GroupKind
    from helpdesk.labels import label
    from helpdesk.tickets.models import AuthorRole, TicketCategory

    with demo_app.test_request_context(), force_locale("en"):
        assert label(Tier.LOCAL) == "Local (school)" and label(AuthorRole.LOCAL) == "Local support"
        assert label(TicketCategory.OTHER) == "Other" and label(GroupKind.OTHER) == "Other group"


def test_business_minutes_to_first_response_leave_out_nights_and_pauses(demo_app):
    with demo_app.test_request_context():
        t = db.session.scalar(select(Ticket).where(Ticket.tier == Tier.LOCAL, Ticket.status == TicketStatus.NEW))
        created = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == t.id).order_by(TicketEvent.id))
        created.created_at = t.created_at = at(2026, 11, 20, 16)  # Friday 16:00
        # Waiting for the requester from Monday 09:00 to 11:00 pauses the clock.
        for moment, status in ((at(2026, 11, 23, 9), TicketStatus.WAITING_FOR_REQUESTER),
                               (at(2026, 11, 23, 11), TicketStatus.OPEN)):
            db.session.add(TicketEvent(ticket_id=t.id, actor_name="x", kind=created.kind, tier_after=Tier.LOCAL,
                                       status_after=status, created_at=moment))
        db.session.flush()
        # Friday 16-17 and Monday 08-09 and 11-12: three hours.
        assert sla.response_minutes(t, Tier.LOCAL, at(2026, 11, 23, 12)) == 180
        assert sla.resolution_minutes(t, at(2026, 11, 23, 12)) == 5 * 60


def test_responding_and_resolving_record_business_minutes(demo_app):
    from tests.tickets.people import LOCAL, file, user

    with demo_app.test_request_context():
        t = file()
        services.set_status(t, user(LOCAL), "resolved")
        assert t.local_response_minutes is not None and t.resolution_minutes is not None
        # The same clock as the deadlines, from the filing to the resolution.
        cal = sla.calendar_for(t.organisation_id)
        assert t.resolution_minutes == round(cal.seconds_between(t.created_at, t.resolved_at) / 60)
        services.add_message(t, user("larare.norr@exempelkommun.se"), "Det hjälpte inte.")
        assert t.status is TicketStatus.OPEN and t.resolution_minutes is None
