"""The queue counters against the tickets: random work through the ticket services and the
tick (whose escalation and closing are plain UPDATEs) on the demo's history, then every
counter row compared with a full count; without the upkeep the same work leaves them wrong."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import counters
from helpdesk.tickets import views_of_queue as vq
from helpdesk.tickets.models import Ticket, TicketStatus, Tier
from tests.support.desk_work import Desk, user

OPS = ["file", "respond", "escalate", "resolve", "waiting", "assign", "reopen", "school", "delete", "savepoint",
       "tick"]


def _work(steps: int) -> Counter:
    return Desk.of_demo().work(OPS, steps, seed=11)


def _differences() -> dict:
    kept, full = counters.counted(), counters.full_count()
    return {k: (kept.get(k, 0), full.get(k, 0)) for k in kept.keys() | full.keys() if kept.get(k, 0) != full.get(k, 0)}


def test_the_counters_kept_by_the_ticket_service_equal_a_full_count(history_app):
    with history_app.test_request_context():
        assert counters.counted() and not _differences()  # the demo loader counted them
        done = _work(160)
        assert all(done[op] for op in ("file", "respond", "escalate", "resolve", "assign", "school", "delete",
                                       "savepoint", "tick that moved questions")), done
        assert not _differences()
        # The page's counts are the counters': the same as counting the tickets of the tab.
        central = user("central@exempelkommun.se")
        tab, tabs = vq.pick_tab(central, "central")
        found = vq.counts(central, tab, tabs, utcnow())
        for status in TicketStatus:
            assert found.by_status[status] == db.session.scalar(
                select(db.func.count()).select_from(Ticket).where(
                    Ticket.organisation_id == central.organisation_id, Ticket.tier == Tier.CENTRAL,
                    Ticket.status == status))


def test_without_the_upkeep_the_counters_drift_and_rebuild_repairs_them(history_app):
    with history_app.test_request_context():
        counters.stop()
        try:
            _work(60)
        finally:
            counters.listen()
        assert _differences()
        runner = history_app.test_cli_runner()
        assert runner.invoke(args=["tickets", "counters", "check"]).exit_code == 1
        result = runner.invoke(args=["tickets", "counters", "rebuild"])
        assert result.exit_code == 0 and "counter rows" in result.output
        db.session.rollback()
        assert not _differences()
        assert runner.invoke(args=["tickets", "counters", "check"]).exit_code == 0


def test_rebuild_fills_the_last_authors_written_around_the_service_and_keeps_updated_at(history_app):
    from datetime import timedelta

    from sqlalchemy import update

    from helpdesk.tickets.models import AuthorRole, TicketMessage

    with history_app.test_request_context():
        ids = db.session.scalars(select(TicketMessage.ticket_id).where(TicketMessage.internal.is_(False))
                                 .group_by(TicketMessage.ticket_id).limit(3)).all()
        assert len(ids) == 3
        when = utcnow().replace(microsecond=0) - timedelta(days=40)
        # A bulk load that wrote messages but not the tickets' last authors, a year ago.
        db.session.execute(update(Ticket).where(Ticket.id.in_(ids))
                           .values(last_public_role=None, last_vendor_role=AuthorRole.SYSTEM, updated_at=when),
                           execution_options={"_counters": True})
        db.session.commit()
        counters.rebuild()
        db.session.commit()
        db.session.expire_all()
        for ticket in db.session.scalars(select(Ticket).where(Ticket.id.in_(ids))):
            last = db.session.scalar(select(TicketMessage.author_role).where(
                TicketMessage.ticket_id == ticket.id, TicketMessage.internal.is_(False))
                .order_by(TicketMessage.id.desc()).limit(1))
            shared = db.session.scalar(select(TicketMessage.author_role).where(
                TicketMessage.ticket_id == ticket.id, TicketMessage.shared_with_vendor.is_(True))
                .order_by(TicketMessage.id.desc()).limit(1))
            assert (ticket.last_public_role, ticket.last_vendor_role) == (last, shared)
            assert ticket.updated_at == when  # a repair is not a change to the question
        assert not _differences()
