"""Random work at the demo's desk, through the ticket services and the tick, for the tests that
compare something kept on every change (the queue counters, the insight rollup) with a count
made afterwards from the tickets themselves."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from helpdesk.auth.models import User
from helpdesk.directory.models import School
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import periodic
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import ACTIVE_STATUSES, DONE_STATUSES, Ticket, TicketCategory, TicketStatus, Tier

# What a step may be refused with; IntegrityError: a question deleted while something (a
# filing's deflection row, on PostgreSQL) still refers to it.
REFUSED = (PermissionDenied, ValidationFailed, Conflict, NotFound, IntegrityError)


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@dataclass
class Desk:
    """The demo's people at Norrskolan, where its local admin works (so every tier has
    someone to act), and the questions the work draws from."""

    who: dict
    organisation_id: int
    schools: list[int]
    ids: list[int] = field(default_factory=list)

    @classmethod
    def of_demo(cls) -> Desk:
        who = {"central": user("central@exempelkommun.se"), "local": user("lokal.norr@exempelkommun.se"),
               "teacher": user("larare.norr@exempelkommun.se"), "vendor": user("leverantor@leverantor.example")}
        org_id = who["central"].organisation_id
        schools = list(db.session.scalars(select(School.id).where(School.organisation_id == org_id)
                                          .order_by(School.id)))
        desk = cls(who, org_id, schools)
        # The school's open questions, its latest finished ones (to reopen and rate) and twenty
        # filed now: how many of the history's questions are still open depends on the calendar
        # (few after the Christmas break), and the work must not.
        norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
        of_school = select(Ticket.id).where(Ticket.school_id == norr)
        desk.ids = [*db.session.scalars(of_school.where(Ticket.status.in_(ACTIVE_STATUSES))),
                    *db.session.scalars(of_school.where(Ticket.status.in_(DONE_STATUSES))
                                        .order_by(Ticket.created_at.desc()).limit(150))]
        for _ in range(20):
            desk.file(TicketCategory.USAGE)
        # Two of them already past their first-response deadline, so the first tick has work
        # whatever the calendar (over a holiday the history's deadlines all wait).
        for ticket_id in desk.ids[-2:]:
            db.session.get(Ticket, ticket_id).local_response_due = utcnow() - timedelta(minutes=1)
        db.session.commit()
        return desk

    def file(self, category: TicketCategory) -> None:
        self.ids.append(tickets.file_ticket(self.who["teacher"], subject="Inloggningen",
                                            body="Det går inte att logga in.", category=category.value).id)

    def work(self, ops: list[str], steps: int, seed: int) -> Counter:
        """`steps` steps, each one of `ops` on a question drawn from the pool, committed or,
        when the service refuses it, rolled back; counts the steps done by kind."""
        rng, done = random.Random(seed), Counter()
        for _ in range(steps):
            try:
                done[self.step(rng, rng.choice(ops))] += 1
                db.session.commit()
            except REFUSED:
                db.session.rollback()
        return done

    def step(self, rng: random.Random, op: str) -> str:
        ticket = db.session.get(Ticket, rng.choice(self.ids))
        if ticket is None:
            return "gone"
        requester = db.session.get(User, ticket.requester_id) if ticket.requester_id else None
        agent = {Tier.LOCAL: self.who["local"], Tier.CENTRAL: self.who["central"],
                 Tier.VENDOR: self.who["vendor"]}[ticket.tier]
        if op == "file":
            self.file(rng.choice(list(TicketCategory)))
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
        elif op == "rate" and requester is not None:
            tickets.rate(ticket, requester, rng.randint(1, 5), rng.choice(["", "Bra hjälp"]))
        # No service changes the category or moves a question to another school: what is
        # kept must follow any change to the row.
        elif op == "category":
            ticket.category = rng.choice(list(TicketCategory))
        elif op == "school":
            ticket.school_id = rng.choice(self.schools)
        elif op == "delete":
            self.ids.remove(ticket.id)
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
