"""What a central team sets for its desk: notification choices, closed days, SLA targets."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets import (
    desk_settings,
)
from helpdesk.tickets.demo import (
    LOCAL_SUBJECT,
)
from helpdesk.tickets.models import (
    ACTIVE_STATUSES,
    Ticket,
)
from tests.tickets.people import (
    LOCAL,
    LOCAL2,
    TEACHER,
    file,
    ticket,
    user,
)


def test_notification_preferences_are_honoured(demo_app):
    with demo_app.test_request_context():
        desk_settings.set_preferences(user(LOCAL), {"reply"})  # new tickets off
        file()
        to = set(db.session.scalars(select(OutboxMail.to_address).where(OutboxMail.kind == "ticket_new_ticket")))
        assert LOCAL not in to and LOCAL2 in to


def test_central_closes_days_and_open_deadlines_move(demo_app):
    from datetime import date

    with demo_app.test_request_context():
        central = user("central@exempelkommun.se")
        for who in ("lokal.norr@exempelkommun.se", TEACHER):
            with pytest.raises(PermissionDenied):
                desk_settings.add_closed_day(user(who), "2099-10-30")
        for bad in ("30/10/2026", "", "2027-02-30", "2000-01-03"):
            with pytest.raises(ValidationFailed):
                desk_settings.add_closed_day(central, bad)
        t = ticket(LOCAL_SUBJECT)
        due = t.sla_due_at
        assert due is not None and due.date() >= date.today()  # the demo's ticket is open now
        # Close the day the open ticket's deadline falls on: the deadline moves on.
        day = desk_settings.add_closed_day(central, due.date().isoformat(), "Studiedag")
        db.session.flush()
        assert t.sla_due_at > due
        with pytest.raises(ValidationFailed):
            desk_settings.add_closed_day(central, day.day.isoformat())  # already closed
        assert [d.day for d in desk_settings.closed_days(central)] == [day.day]
        assert desk_settings.closed_days(user("central@grannby.se")) == []
        with pytest.raises(NotFound):
            desk_settings.remove_closed_day(user("central@grannby.se"), day.id)
        desk_settings.remove_closed_day(central, day.id)
        db.session.flush()
        assert desk_settings.closed_days(central) == [] and t.sla_due_at == due


def test_an_organisation_sets_its_own_targets_and_open_deadlines_follow(demo_app):
    with demo_app.test_request_context():
        central = user("central@exempelkommun.se")
        t = ticket(LOCAL_SUBJECT)
        before = t.local_response_due
        wanted = {"local": ("2", "10"), "central": ("8", "40"), "vendor": ("16", "120")}
        with pytest.raises(PermissionDenied):
            desk_settings.set_sla_targets(user("lokal.norr@exempelkommun.se"), wanted)
        for bad in ({**wanted, "local": ("två", "10")}, {**wanted, "local": ("0", "10")},
                    {**wanted, "local": ("10", "2")}, {"local": ("2", "10")}):
            with pytest.raises(ValidationFailed):
                desk_settings.set_sla_targets(central, bad)
        assert desk_settings.sla_targets(central)["local"] == (8, 40)
        desk_settings.set_sla_targets(central, wanted)
        db.session.flush()
        assert desk_settings.sla_targets(central)["local"] == (2, 10)
        assert t.local_response_due < before  # 2 business hours instead of 8
        assert desk_settings.sla_targets(user("central@grannby.se"))["local"] == (8, 40)  # Grannby keeps the defaults


def test_new_targets_read_the_calendar_and_targets_once_not_per_open_ticket(demo_app):
    from sqlalchemy import event

    with demo_app.test_request_context():
        central = user("central@exempelkommun.se")
        open_tickets = db.session.scalar(select(func.count(Ticket.id)).where(
            Ticket.organisation_id == central.organisation_id, Ticket.status.in_(ACTIVE_STATUSES)))
        assert open_tickets > 1
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731 (conn, cursor, statement, ...)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            desk_settings.set_sla_targets(central, {"local": ("2", "10"), "central": ("8", "40"),
                                               "vendor": ("16", "120")})
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert sum("FROM closed_day" in s for s in statements) == 1
        assert sum("FROM sla_target" in s for s in statements) == 2  # the rows to update, then the targets
