"""The queue counters against the tickets: random work through the ticket services and the
tick (whose escalation and closing are plain UPDATEs) on the demo's history, then every
counter row compared with a full count; without the upkeep the same work leaves them wrong."""
from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.directory.models import School
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.tickets import counters, periodic
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Ticket, TicketCategory, TicketStatus, Tier
from helpdesk.tickets import views_of_queue as vq
from helpdesk.models_base import utcnow

OPS = ["file", "respond", "escalate", "resolve", "waiting", "assign", "reopen", "school", "delete", "savepoint",
       "tick"]


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _do(rng: random.Random, ids: list[int], schools: list[int], who: dict) -> str:
    op = rng.choice(OPS)
    ticket = db.session.get(Ticket, rng.choice(ids))
    if ticket is None:
        return "gone"
    requester = db.session.get(User, ticket.requester_id) if ticket.requester_id else None
    agent = {Tier.LOCAL: who["local"], Tier.CENTRAL: who["central"], Tier.VENDOR: who["vendor"]}[ticket.tier]
    if op == "file":
        ids.append(tickets.file_ticket(who["teacher"], subject="Inloggningen", body="Det går inte att logga in.",
                                       category=rng.choice(list(TicketCategory)).value).id)
    elif op == "respond":
        tickets.add_message(ticket, agent, "Prova att logga in igen.")
    elif op == "escalate":
        tickets.escalate(ticket, agent, "Provat att starta om.")
    elif op == "resolve":
        tickets.set_status(ticket, agent, "resolved", resolution_summary="Löst med nytt lösenord.")
    elif op == "waiting":
        tickets.set_status(ticket, agent, TicketStatus.WAITING_FOR_REQUESTER.value)
    elif op == "assign":
        tickets.assign(ticket, agent, agent.id)
    elif op == "reopen" and requester is not None:
        tickets.add_message(ticket, requester, "Det fungerar fortfarande inte.")
    elif op == "school":  # no service moves a question: the counters follow any change
        ticket.school_id = rng.choice(schools)
    elif op == "delete":
        db.session.delete(ticket)
    elif op == "savepoint":  # a change inside a savepoint rolled back leaves nothing behind
        savepoint = db.session.begin_nested()
        ticket.status = TicketStatus.CLOSED
        db.session.flush()
        savepoint.rollback()
    elif op == "tick":  # its claims are UPDATE statements, not the ORM's flush
        escalated = periodic.auto_escalate_overdue()
        periodic.notify_breaches()
        closed = periodic.auto_close_resolved()
        return "tick that moved questions" if escalated or closed else op
    return op


def _work(app, steps: int) -> Counter:
    who = {"central": _user("central@exempelkommun.se"), "local": _user("lokal.norr@exempelkommun.se"),
           "teacher": _user("larare.norr@exempelkommun.se"), "vendor": _user("leverantor@leverantor.example")}
    org_id = who["central"].organisation_id
    norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
    schools = list(db.session.scalars(select(School.id).where(School.organisation_id == org_id).order_by(School.id)))
    ids = list(db.session.scalars(select(Ticket.id).where(Ticket.school_id == norr)
                                  .order_by(Ticket.created_at.desc()).limit(300)))
    rng, done = random.Random(11), Counter()
    for _ in range(steps):
        try:
            done[_do(rng, ids, schools, who)] += 1
            db.session.commit()
        except (PermissionDenied, ValidationFailed, Conflict, NotFound):
            db.session.rollback()
    return done


def _differences() -> dict:
    kept, full = counters.counted(), counters.full_count()
    return {k: (kept.get(k, 0), full.get(k, 0)) for k in kept.keys() | full.keys() if kept.get(k, 0) != full.get(k, 0)}


def test_the_counters_kept_by_the_ticket_service_equal_a_full_count(history_app):
    with history_app.test_request_context():
        assert counters.counted() and not _differences()  # the demo loader counted them
        done = _work(history_app, 160)
        assert all(done[op] for op in ("file", "respond", "escalate", "resolve", "assign", "school", "delete",
                                       "savepoint", "tick that moved questions")), done
        assert not _differences()
        # The page's counts are the counters': the same as counting the tickets of the tab.
        central = _user("central@exempelkommun.se")
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
            _work(history_app, 60)
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
