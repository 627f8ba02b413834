"""The demo's six months of history (helpdesk/tickets/demo_history.py): its shape, its
agreement with the SLA clock, its determinism, and the switch that leaves it out."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import datetime, time, timezone

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.kb.models import SearchLog
from helpdesk.tickets import sla
from helpdesk.tickets.models import (
    ACTIVE_STATUSES,
    EventKind,
    FilingDeflection,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    Tier,
)
from tests.support.clock import day_ahead


def _start_of(day) -> datetime:
    return datetime.combine(day, time(0), sla.STOCKHOLM).astimezone(timezone.utc)


def _past():
    """The history's tickets: those filed before today (the hand-made demo ones are today's)."""
    return Ticket.created_at < _start_of(day_ahead(0))


def fingerprint() -> str:
    """Everything a load wrote that a viewer could tell apart, as one digest."""
    parts = [repr(row) for row in db.session.execute(
        select(Ticket.number, Ticket.school_id, Ticket.requester_name, Ticket.category, Ticket.subject,
               Ticket.tier, Ticket.status, Ticket.created_at, Ticket.resolved_at, Ticket.rating,
               Ticket.rating_comment, Ticket.message_count, Ticket.sla_due_at).where(_past()).order_by(Ticket.number))]
    parts += [repr(row) for row in db.session.execute(
        select(TicketEvent.kind, TicketEvent.to_value, func.count()).group_by(TicketEvent.kind, TicketEvent.to_value)
        .order_by(TicketEvent.kind, TicketEvent.to_value))]
    parts += [repr(db.session.scalar(select(func.count()).select_from(table)))
              for table in (TicketMessage, SearchLog, FilingDeflection)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def test_the_tests_demo_template_has_no_history(demo_app):
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id))) < 20
        assert db.session.scalar(select(func.count(Ticket.id)).where(_past())) == 0


def test_history_spans_six_months_of_questions_at_every_tier(history_app):
    with history_app.app_context():
        past = _past()
        count = db.session.scalar(select(func.count(Ticket.id)).where(past))
        assert 2000 <= count <= 5000
        first, last = db.session.execute(select(func.min(Ticket.created_at), func.max(Ticket.created_at))
                                         .where(past)).one()
        assert first >= _start_of(day_ahead(-183)) and first < _start_of(day_ahead(-170))
        assert last >= _start_of(day_ahead(-3))
        by_school = Counter(db.session.scalars(select(Ticket.school_id).where(past)))
        assert len(by_school) == 5  # every demo school, Grannby's too
        assert set(db.session.scalars(select(Ticket.category).where(past).distinct())) >= {
            c for c in Ticket.category.type.enum_class}
        # The last days' questions are still open, at every tier.
        open_tiers = set(db.session.scalars(select(Ticket.tier).where(past, Ticket.status.in_(ACTIVE_STATUSES))))
        assert open_tiers == set(Tier)
        assert db.session.scalar(select(func.count(Ticket.id)).where(past, Ticket.status == TicketStatus.CLOSED)) \
            > count // 2


def test_history_has_escalations_ratings_and_deadlines_kept_and_passed(history_app):
    with history_app.app_context():
        kinds = Counter(db.session.execute(select(TicketEvent.kind, TicketEvent.to_value)).all())
        assert kinds[(EventKind.ESCALATED, "central")] > 100
        assert kinds[(EventKind.ESCALATED, "vendor")] > 50
        assert kinds[(EventKind.AUTO_ESCALATED, "central")] > 0
        assert kinds[(EventKind.ROUTED_TO_CENTRAL, "central")] > 100  # Ekbacken and Grannby
        assert kinds[(EventKind.SENT_BACK, "central")] > 0
        breached = {to for (kind, to) in kinds if kind is EventKind.SLA_BREACHED}
        assert {"local_resolution", "central_response", "vendor_response"} <= breached
        # A local response deadline is never recorded as passed: the tick escalates first.
        assert "local_response" not in breached
        breached_ids = select(TicketEvent.ticket_id).where(TicketEvent.kind == EventKind.SLA_BREACHED)
        kept = db.session.scalar(select(func.count(Ticket.id)).where(
            _past(), Ticket.status == TicketStatus.CLOSED, Ticket.id.not_in(breached_ids)))
        assert kept > 1000
        ratings = Counter(db.session.scalars(select(Ticket.rating).where(Ticket.rating.is_not(None))))
        assert set(ratings) == {1, 2, 3, 4, 5} and sum(ratings.values()) > 300
        assert db.session.scalar(select(func.count(Ticket.id)).where(Ticket.rating_comment.is_not(None))) > 50
        # First responses per tier are on record for the overview's response times.
        for tier in Tier:
            assert db.session.scalar(select(func.count(Ticket.id)).where(
                getattr(Ticket, f"{tier.value}_responded_at").is_not(None))) > 50


def test_history_agrees_with_the_sla_clock(history_app):
    with history_app.app_context():
        active = list(db.session.scalars(select(Ticket).where(_past(), Ticket.status.in_(ACTIVE_STATUSES))))
        assert active
        for ticket in active:
            stored = (ticket.sla_due_at, ticket.sla_due_kind, ticket.local_response_due, ticket.central_resolution_due)
            sla.recompute(ticket)
            assert (ticket.sla_due_at, ticket.sla_due_kind, ticket.local_response_due,
                    ticket.central_resolution_due) == stored, ticket.number
        db.session.rollback()
        # Each ticket's history reads in time order by id, as the clocks read it.
        events = db.session.execute(select(TicketEvent.ticket_id, TicketEvent.created_at)
                                    .order_by(TicketEvent.ticket_id, TicketEvent.id)).all()
        for (a_id, a_at), (b_id, b_at) in zip(events, events[1:]):
            assert a_id != b_id or a_at <= b_at
        done = db.session.scalars(select(Ticket).where(Ticket.status == TicketStatus.CLOSED).limit(200))
        for ticket in done:
            assert ticket.sla_due_at is None
            assert ticket.created_at <= ticket.resolved_at <= ticket.closed_at
        # The business minutes the insight overview aggregates are those the SLA clock gives.
        answered = list(db.session.scalars(select(Ticket).where(
            _past(), Ticket.resolved_at.is_not(None)).order_by(Ticket.id).limit(150)))
        assert answered
        for ticket in answered:
            assert ticket.resolution_minutes == sla.resolution_minutes(ticket, ticket.resolved_at), ticket.number
            for tier in Tier:
                at = getattr(ticket, f"{tier.value}_responded_at")
                recorded = getattr(ticket, f"{tier.value}_response_minutes")
                assert recorded == (sla.response_minutes(ticket, tier, at) if at else None), (ticket.number, tier)


def test_numbers_continue_after_the_history(history_app):
    with history_app.app_context():
        for org_id, year, last in db.session.execute(select(TicketCounter.organisation_id, TicketCounter.year,
                                                            TicketCounter.last_number)):
            numbers = db.session.scalars(select(Ticket.number).where(Ticket.organisation_id == org_id,
                                                                     Ticket.number.like(f"%-{year}-%")))
            assert max(int(n.rsplit("-", 1)[1]) for n in numbers) == last


def test_history_holds_no_personnummer(history_app):
    civic = re.compile(r"\b\d{6}(\d{2})?[-+]?\d{4}\b")
    with history_app.app_context():
        bodies = db.session.scalars(select(TicketMessage.body).join(Ticket).where(_past()))
        assert not any(civic.search(body) for body in bodies)
        assert not any(civic.search(q) for q in db.session.scalars(select(SearchLog.query)))


def test_two_loads_give_the_same_history(history_app, backend, tmp_path):
    from tests.conftest import _cleanup, _make_app

    with history_app.app_context():
        expected = fingerprint()
    # A second, empty database beside the first (its own folder: SQLite copies by file).
    (tmp_path / "second").mkdir()
    second, url = _make_app(backend, tmp_path / "second", "empty")
    try:
        with second.app_context():
            # `flask demo` loads the history by default.
            result = second.test_cli_runner().invoke(args=["demo"])
            assert result.exit_code == 0, result.output
            assert "with its history" in result.output
            assert fingerprint() == expected
    finally:
        _cleanup(second, backend, url)


def test_flask_demo_can_leave_the_history_out(app):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "--no-history"])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(func.count(Ticket.id))) < 20


