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
