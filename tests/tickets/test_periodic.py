"""What the tick does to tickets: escalating overdue questions, warning of breaches, closing resolved ones."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets import (
    periodic,
    services,
)
from helpdesk.tickets.demo import (
    CENTRAL_SUBJECT,
    LOCAL_SUBJECT,
)
from helpdesk.tickets.models import (
    EventKind,
    TicketStatus,
    Tier,
)
from tests.tickets.people import (
    LOCAL,
    ticket,
    user,
)


def test_tick_auto_escalates_overdue_local_tickets_once(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        later = t.local_response_due + timedelta(minutes=1)
        assert periodic.auto_escalate_overdue(later) == 1
        assert periodic.auto_escalate_overdue(later) == 0  # a second tick finds nothing
        assert t.tier is Tier.CENTRAL and t.events[-1].kind is EventKind.AUTO_ESCALATED
        db.session.commit()


def test_breach_is_notified_once_per_deadline(demo_app):
    with demo_app.test_request_context():
        t = ticket(CENTRAL_SUBJECT)
        later = t.sla_due_at + timedelta(minutes=1)
        before = db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.kind == "ticket_breach"))
        assert periodic.notify_breaches(later) >= 1
        assert periodic.notify_breaches(later) == 0
        after = db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.kind == "ticket_breach"))
        assert after > before
        assert t.events[-1].kind is EventKind.SLA_BREACHED


def test_long_resolved_tickets_are_closed(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        services.set_status(t, user(LOCAL), "resolved")
        assert periodic.auto_close_resolved(datetime.now(timezone.utc) + timedelta(days=3)) == 0
        assert periodic.auto_close_resolved(datetime.now(timezone.utc) + timedelta(days=8)) == 2  # with the demo's
        assert t.status is TicketStatus.CLOSED


def test_two_ticks_at_once_escalate_a_ticket_once(demo_app):
    """On PostgreSQL the conditional UPDATE waits for the other tick, then finds nothing to do."""
    if demo_app.test_database_kind != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL deployment; SQLite has one writer")
    with demo_app.app_context():
        due = ticket(LOCAL_SUBJECT).local_response_due
    later = due + timedelta(minutes=1)
    done, errors = [], []
    barrier = threading.Barrier(2)

    def tick():
        try:
            with demo_app.test_request_context():
                barrier.wait()
                done.append(periodic.auto_escalate_overdue(later))
                db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and sorted(done) == [0, 1]
    with demo_app.app_context():
        t = ticket(LOCAL_SUBJECT)
        assert [e.kind for e in t.events].count(EventKind.AUTO_ESCALATED) == 1
