"""The few places the boards touch tickets, without importing the tickets capability.

Everything here answers "nothing" when `helpdesk.tickets` is not installed. When it is, the
ticket model is found through SQLAlchemy's registry (class `Ticket`) and read with
`getattr`, so the boards never depend on the tickets package's internals.
"""
from __future__ import annotations

import importlib.util
import re
from datetime import datetime

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.text import mask_civic_numbers

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def tickets_installed() -> bool:
    return importlib.util.find_spec("helpdesk.tickets") is not None


def _model(name: str):
    if not tickets_installed():
        return None
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__name__ == name and mapper.class_.__module__.startswith("helpdesk.tickets"):
            return mapper.class_
    return None


def _first(obj, *names, default=None):
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return default


def _value(v):
    return getattr(v, "value", v)


def get_ticket(ticket_id: int):
    model = _model("Ticket")
    if model is None or not isinstance(ticket_id, int) or not 0 < ticket_id < 2**31:
        return None
    return db.session.get(model, ticket_id)


def can_see_ticket(user, ticket) -> bool:
    from helpdesk.access import can, scope_of

    for action in ("tickets.view", "tickets.view_ticket"):
        try:
            return can(user, action, ticket)
        except KeyError:
            continue
    scope = scope_of(user)
    return scope.is_central_for(getattr(ticket, "organisation_id", None)) or (
        getattr(ticket, "school_id", None) in scope.local_school_ids)


def ticket_title(ticket) -> str:
    number = _first(ticket, "number", default="")
    subject = _first(ticket, "subject", "title", default="")
    return mask_civic_numbers(f"{number} {subject}".strip())[0]


def _requester_strings(ticket) -> list[str]:
    found = []
    for attr in ("requester", "requester_user", "requester_person", "created_by", "author"):
        who = getattr(ticket, attr, None)
        if who is None:
            continue
        person = getattr(who, "person", None) or who
        for name in ("display_name", "email", "given_name", "family_name"):
            value = getattr(person, name, None) or getattr(who, name, None)
            if isinstance(value, str) and len(value) > 1:
                found.append(value)
    for attr in ("requester_name", "requester_email", "contact_email", "contact_name"):
        value = getattr(ticket, attr, None)
        if isinstance(value, str) and len(value) > 1:
            found.append(value)
    return sorted(set(found), key=len, reverse=True)


def strip_personal_details(text: str, ticket=None) -> str:
    """No civic numbers, no e-mail addresses, and not the requester's name."""
    text, _ = mask_civic_numbers(text or "")
    for value in _requester_strings(ticket) if ticket is not None else []:
        text = re.sub(re.escape(value), "[…]", text, flags=re.IGNORECASE)
    return _EMAIL.sub("[…]", text)


def ticket_question(ticket) -> tuple[str, str]:
    """(title, body) of a ticket's question with the requester's personal details removed."""
    subject = _first(ticket, "subject", "title", default="")
    body = _first(ticket, "body", "description", default=None)
    if body is None:
        messages = _first(ticket, "messages", default=[]) or []
        public = [m for m in messages if not getattr(m, "internal", False)]
        body = getattr(public[0], "body", "") if public else ""
    return strip_personal_details(subject, ticket), strip_personal_details(body, ticket)


def resolution_summary(ticket) -> str | None:
    summary = _first(ticket, "resolution_summary", "summary")
    status = str(_value(_first(ticket, "status", default="")))
    if not summary or status not in ("resolved", "closed"):
        return None
    return strip_personal_details(summary, ticket)


def escalated_tickets(organisation_id: int, since: datetime, limit: int = 20) -> list[tuple[int, str]]:
    """Tickets of the organisation at the central or vendor tier, changed since `since`."""
    model = _model("Ticket")
    if model is None or not hasattr(model, "organisation_id"):
        return []
    stmt = select(model).where(model.organisation_id == organisation_id)
    if hasattr(model, "tier"):
        enum_cls = getattr(model.tier.property.columns[0].type, "enum_class", None)
        tiers = [t for t in enum_cls if str(_value(t)) in ("central", "vendor")] if enum_cls else []
        stmt = stmt.where(model.tier.in_(tiers or ["central", "vendor"]))
    stamp = getattr(model, "updated_at", None) or getattr(model, "created_at", None)
    if stamp is not None:
        stmt = stmt.where(stamp >= since).order_by(stamp.desc())
    return [(t.id, ticket_title(t)) for t in db.session.scalars(stmt.limit(limit))]


def top_categories(organisation_id: int, since: datetime, limit: int = 5) -> list[tuple[str, int]]:
    model = _model("Ticket")
    if model is None or not hasattr(model, "category") or not hasattr(model, "organisation_id"):
        return []
    stmt = (select(model.category, func.count()).where(model.organisation_id == organisation_id)
            .group_by(model.category).order_by(func.count().desc()).limit(limit))
    if hasattr(model, "created_at"):
        stmt = stmt.where(model.created_at >= since)
    return [(str(_value(c)), n) for c, n in db.session.execute(stmt)]
