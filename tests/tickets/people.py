"""The demo's people and tickets as the ticket service tests name them."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.tickets import services
from helpdesk.tickets.models import Ticket


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def ticket(subject) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.subject == subject))


TEACHER = "larare.norr@exempelkommun.se"
LOCAL = "lokal.norr@exempelkommun.se"
LOCAL2 = "lokal2.norr@exempelkommun.se"
LOCAL_SODER = "lokal.soder@exempelkommun.se"
CENTRAL = "central@exempelkommun.se"
VENDOR = "leverantor@leverantor.example"
GUARDIAN = "vardnadshavare.norr@exempelkommun.se"
GRANNBY = "central@grannby.se"


def file(email=TEACHER, **kw):
    args = {"subject": "Appen visar fel klass", "body": "Jag ser 7B i stället för 6A.", "category": "usage"}
    args.update(kw)
    return services.file_ticket(user(email), **args)
